"""``/api/v1/search`` (GET and POST): one page of a search, with a cursor for the next."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from novum.api.deps import corpus, corpus_info, make_filters
from novum.api.paging import decode_cursor, encode_cursor, query_key
from novum.api.runner import run_limited
from novum.api.schemas import ErrorResponse, SearchBody, SearchResponse
from novum.api.security import need
from novum.auth import Principal
from novum.search.service import SearchPage, SearchParams, run_search

router = APIRouter(prefix="/api/v1", tags=["search"])
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 403, 404, 413, 422, 429, 503)
}


def search_params(body: SearchBody, principal: Principal) -> tuple[SearchParams, str]:
    """The library's parameters for a request, and the key its cursors are bound to."""
    filters = make_filters(body.before, body.published_before, body.cpc, body.ipc, body.country, body.kind, body.sei)
    key = query_key(body.model_dump(exclude={"cursor", "record"}))
    offset = decode_cursor(body.cursor, key)
    workspace = f"{principal.name}:{body.workspace}" if principal.name != "local" else body.workspace
    params = SearchParams(
        q=body.q, syntax=body.syntax, mode=body.mode, filters=filters, collapse=body.collapse,  # type: ignore[arg-type]
        explain=body.explain, limit=body.limit, offset=offset, rerank=body.rerank, workspace=workspace,
        record=body.record and offset == 0,
    )  # fmt: skip
    return params, key


def page_response(request: Request, body: SearchBody, page: SearchPage, key: str) -> dict[str, Any]:
    next_cursor = encode_cursor(page.offset + page.limit, key) if page.more else None
    return {
        "total": page.total,
        "total_is_lower_bound": page.total_is_lower_bound,
        "hits": page.hit_dicts(),
        "next_cursor": next_cursor,
        "query": {"text": body.q, "syntax": page.syntax, "mode": page.mode, "parsed": page.parsed,
                  "set": page.set_label},  # fmt: skip
        "corpus": corpus_info(request),
    }


async def _search(request: Request, body: SearchBody, principal: Principal) -> dict[str, Any]:
    params, key = search_params(body, principal)
    shared = corpus(request)

    def call() -> SearchPage:
        return run_search(shared.store(), shared.index(), params, shared.dense)

    page = await run_limited(request, call, "search")
    return page_response(request, body, page, key)


@router.get("/search", response_model=SearchResponse, responses=ERRORS, summary="Search (query string)")
async def search_get(
    request: Request,
    principal: Annotated[Principal, Depends(need("read"))],
    q: Annotated[str, Query(description="Free text or a query-language query.", min_length=1)],
    syntax: Annotated[str, Query(description="auto, text or query.")] = "auto",
    mode: Annotated[str | None, Query(description="lexical, semantic or hybrid (default: hybrid if embedded).")] = None,
    before: Annotated[str | None, Query(description="Prior-art cut-off: effective date before this.")] = None,
    published_before: str | None = None,
    cpc: Annotated[list[str], Query(description="CPC prefixes (repeatable).")] = [],  # noqa: B006
    ipc: Annotated[list[str], Query()] = [],  # noqa: B006
    country: Annotated[list[str], Query()] = [],  # noqa: B006
    kind: Annotated[list[str], Query()] = [],  # noqa: B006
    sei: Annotated[list[str], Query(description="Strategic emerging industry branch prefixes.")] = [],  # noqa: B006
    collapse: bool = True,
    explain: bool = False,
    rerank: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    cursor: str | None = None,
    workspace: str = "default",
    record: Annotated[bool, Query(description="Record as the next history set (L1, L2, ...).")] = False,
) -> dict[str, Any]:
    body = SearchBody(q=q, syntax=syntax, mode=mode, before=before, published_before=published_before, cpc=cpc,
                      ipc=ipc, country=country, kind=kind, sei=sei, collapse=collapse, explain=explain,
                      rerank=rerank, limit=limit, cursor=cursor, workspace=workspace, record=record)  # fmt: skip
    return await _search(request, body, principal)


@router.post("/search", response_model=SearchResponse, responses=ERRORS, summary="Search (JSON body)")
async def search_post(
    request: Request, body: SearchBody, principal: Annotated[Principal, Depends(need("read"))]
) -> dict[str, Any]:
    return await _search(request, body, principal)
