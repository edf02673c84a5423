"""``GET /api/v1/export``: a whole result set as CSV, JSONL, XLSX or RIS, streamed page by page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, StreamingResponse
from starlette.background import BackgroundTask

from novum.api.deps import corpus
from novum.api.errors import ApiError
from novum.api.routes.search import ERRORS, search_params
from novum.api.runner import run_limited
from novum.api.schemas import SearchBody
from novum.api.security import need
from novum.auth import Principal
from novum.search.export import EXPORT_FORMATS, MEDIA, csv_chunks, iter_hits, jsonl_chunks, ris_chunks, xlsx_file
from novum.search.prior_art import Hit

router = APIRouter(prefix="/api/v1", tags=["export"])


@router.get("/export", responses={200: {"content": {m: {} for m in MEDIA.values()}}, **ERRORS},
            summary="Stream a whole result set", response_model=None)  # fmt: skip
async def export(
    request: Request,
    principal: Annotated[Principal, Depends(need("read"))],
    q: Annotated[str, Query(min_length=1)],
    format: Annotated[str, Query(description="csv, jsonl, xlsx or ris.")] = "csv",  # noqa: A002
    syntax: str = "auto",
    mode: str | None = None,
    before: str | None = None,
    published_before: str | None = None,
    cpc: Annotated[list[str], Query()] = [],  # noqa: B006
    ipc: Annotated[list[str], Query()] = [],  # noqa: B006
    country: Annotated[list[str], Query()] = [],  # noqa: B006
    kind: Annotated[list[str], Query()] = [],  # noqa: B006
    sei: Annotated[list[str], Query()] = [],  # noqa: B006
    collapse: bool = True,
) -> StreamingResponse | FileResponse:
    if format not in EXPORT_FORMATS:
        raise ApiError(400, "bad_request", f"format must be one of {', '.join(EXPORT_FORMATS)}, not {format!r}")
    body = SearchBody(q=q, syntax=syntax, mode=mode, before=before, published_before=published_before, cpc=cpc,
                      ipc=ipc, country=country, kind=kind, sei=sei, collapse=collapse, limit=10)  # fmt: skip
    params, _ = search_params(body, principal)
    shared = corpus(request)
    first = await run_limited(request, lambda: next(iter_hits(shared.store, shared.index, params, shared.dense,
                                                                  page=1), None), "export")  # fmt: skip

    def hits() -> Iterator[Hit]:
        yield from iter_hits(shared.store, shared.index, params, shared.dense)

    name = f"novum-export.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "xlsx":
        path: Path = await run_limited(request, lambda: xlsx_file(hits()), "export")
        return FileResponse(path, media_type=MEDIA["xlsx"], headers=disposition,
                            background=BackgroundTask(path.unlink, missing_ok=True))  # fmt: skip
    chunks = {"csv": csv_chunks, "jsonl": jsonl_chunks, "ris": ris_chunks}[format]
    del first  # the first hit was fetched to report query errors as a 400 before the stream starts
    return StreamingResponse(chunks(hits()), media_type=MEDIA[format], headers=disposition)
