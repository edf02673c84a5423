"""``/api/v1/patents/{number}`` and its parts: claims, citations both ways, family, similar prior art, raw source."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from novum.api.deps import corpus, corpus_info
from novum.api.errors import ApiError
from novum.api.routes.search import ERRORS
from novum.api.runner import run_limited
from novum.api.schemas import CitationsResponse, ClaimsResponse, FamilyResponse, PatentModel, SimilarResponse
from novum.api.security import need
from novum.auth import Principal
from novum.model import Patent
from novum.search.documents import backward_citations, claim_tree, family, forward_citations, record_view
from novum.search.service import find_similar

router = APIRouter(prefix="/api/v1/patents", tags=["patents"])
Reader = Annotated[Principal, Depends(need("read"))]


def _patent(request: Request, number: str) -> Patent:
    return corpus(request).store().get(number)


@router.get("/{number}", response_model=PatentModel, responses=ERRORS, summary="The whole normalised record")
def patent(request: Request, number: str, principal: Reader) -> dict[str, Any]:
    store = corpus(request).store()
    return record_view(store, store.get(number))


@router.get("/{number}/claims", response_model=ClaimsResponse, responses=ERRORS, summary="Claim tree, segmented")
def claims(request: Request, number: str, principal: Reader, lang: str | None = None) -> dict[str, Any]:
    return claim_tree(_patent(request, number), lang)


@router.get("/{number}/citations", response_model=CitationsResponse, responses=ERRORS,
            summary="Backward citations (who cited, X/Y/A) and forward citations in the store")  # fmt: skip
def citations(request: Request, number: str, principal: Reader) -> dict[str, Any]:
    store = corpus(request).store()
    found = store.get(number)
    return {"number": found.number, "backward": backward_citations(store, found),
            "forward": forward_citations(store, found)}  # fmt: skip


@router.get("/{number}/family", response_model=FamilyResponse, responses=ERRORS, summary="Family members")
def family_route(request: Request, number: str, principal: Reader) -> dict[str, Any]:
    store = corpus(request).store()
    return family(store, store.get(number))


@router.get("/{number}/similar", response_model=SimilarResponse, responses=ERRORS,
            summary="Prior art: before its priority date, its family left out")  # fmt: skip
async def similar(
    request: Request, number: str, principal: Reader,
    limit: Annotated[int, Query(ge=1, le=100)] = 10, mode: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    shared = corpus(request)

    def call() -> tuple[Patent, list[Any]]:
        return find_similar(shared.store(), shared.index(), number, shared.dense, limit=limit, mode=mode)

    found, hits = await run_limited(request, call, "similarity search")
    return {"number": found.number, "cutoff": found.effective_date, "hits": [h.to_dict() for h in hits],
            "corpus": corpus_info(request)}  # fmt: skip


@router.get("/{number}/raw", responses={200: {"content": {"application/xml": {}, "text/plain": {}}}, **ERRORS},
            summary="The original source document, byte for byte")  # fmt: skip
def raw(request: Request, number: str, principal: Reader) -> Response:
    store = corpus(request).store()
    found = store.get(number)
    body = store.raw(found.number)
    if body is None:
        raise ApiError(404, "not_found", f"{found.number} has no stored source document")
    head = body.lstrip()[:1]
    media = "application/xml" if head == b"<" else "application/json" if head == b"{" else "text/plain"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'inline; filename="{found.number}.{media.split("/")[1]}"',
        "X-Content-Type-Options": "nosniff"})  # fmt: skip
