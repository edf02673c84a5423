"""``POST /api/v1/ingest`` (admin): upload files or archives; they are read by a background job whose progress is at
``GET /api/v1/jobs/{id}``. The quarantine is at ``GET /api/v1/quarantine``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile

from novum.api.deps import corpus
from novum.api.errors import ApiError
from novum.api.routes.search import ERRORS
from novum.api.schemas import JobResponse
from novum.api.security import need
from novum.auth import Principal
from novum.ingest.jobs import IngestJob, create_job, get_job, new_job_id, recent_jobs, safe_upload_name, upload_folder

router = APIRouter(prefix="/api/v1", tags=["ingest"])
CHUNK = 1 << 20


async def start_upload(request: Request, files: list[UploadFile], owner: str) -> str:
    """Save the uploaded files under the job's folder and start the job (shared with the upload page)."""
    if not files or all(not f.filename for f in files):
        raise ApiError(400, "bad_request", "no files uploaded (send multipart/form-data with one or more 'files')")
    shared = corpus(request)
    job_id = new_job_id()
    folder = upload_folder(shared.data_dir, job_id)
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for upload in files:
        name = safe_upload_name(upload.filename or "")
        target = folder / name
        stem, n = target.stem, 1
        while target.exists():
            target = folder / f"{stem}-{n}{target.suffix}"
            n += 1
        with target.open("wb") as out:
            while chunk := await upload.read(CHUNK):
                out.write(chunk)
        saved.append(target)
    create_job(shared.store(), "ingest", owner, {"files": [p.name for p in saved]}, job_id)
    IngestJob(shared.data_dir, job_id, saved, embed=request.app.state.embed_uploads).start()
    return job_id


@router.post("/ingest", response_model=JobResponse, status_code=202, responses=ERRORS,
             summary="Upload files or archives to ingest (admin)")  # fmt: skip
async def ingest(
    request: Request,
    principal: Annotated[Principal, Depends(need("admin"))],
    files: Annotated[list[UploadFile], File(description="Patent files or archives (.zip, .tar.gz, .gz).")],
) -> dict[str, Any]:
    job_id = await start_upload(request, files, principal.name)
    job = get_job(corpus(request).store(), job_id)
    assert job is not None
    return job.to_dict()


@router.get("/jobs/{job_id}", response_model=JobResponse, responses=ERRORS, summary="A background job's progress")
def job(request: Request, job_id: str, principal: Annotated[Principal, Depends(need("read"))]) -> dict[str, Any]:
    found = get_job(corpus(request).store(), job_id)
    if found is None:
        raise ApiError(404, "not_found", f"no job {job_id!r}")
    return found.to_dict()


@router.get("/jobs", response_model=list[JobResponse], responses=ERRORS, summary="Recent jobs")
def jobs(request: Request, principal: Annotated[Principal, Depends(need("read"))]) -> list[dict[str, Any]]:
    return [j.to_dict() for j in recent_jobs(corpus(request).store())]
