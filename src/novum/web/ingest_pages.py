"""The ingest pages (admin scope): upload files or archives, follow the background job (the page refreshes itself
every 2 s while the job runs, no JavaScript needed), and see the quarantine with its reasons (``Store.stats``).
Uploads are saved and started by ``novum.api.routes.ingest.start_upload``, as ``POST /api/v1/ingest`` does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from novum.api.deps import corpus
from novum.api.errors import ApiError
from novum.api.routes.ingest import start_upload
from novum.ingest.jobs import get_job, recent_jobs
from novum.web.render import Redirect, html_page, render
from novum.web.session import check_csrf, current_user

router = APIRouter(include_in_schema=False)
RUNNING = ("queued", "waiting", "running")


@router.get("/ingest")
@html_page
async def ingest_page(request: Request) -> Response:
    user = current_user(request, "admin")
    store = corpus(request).store()
    return render(request, "ingest.html", user=user, jobs=recent_jobs(store, 20), stats=store.stats())


@router.post("/ingest")
@html_page
async def upload(
    request: Request, csrf_token: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:  # fmt: skip
    user = current_user(request, "admin")
    check_csrf(user, csrf_token)
    job_id = await start_upload(request, files or [], user.principal.name)
    raise Redirect(f"/ingest/jobs/{job_id}")


@router.get("/ingest/jobs/{job_id}")
@html_page
async def job_page(request: Request, job_id: str) -> Response:
    user = current_user(request, "admin")
    job = get_job(corpus(request).store(), job_id)
    if job is None:
        raise ApiError(404, "not_found", f"no job {job_id!r}")
    return render(request, "job.html", user=user, job=job, running=job.state in RUNNING)
