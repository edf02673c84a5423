"""Health, the caller's identity, corpus statistics and the quarantine."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from novum.api.deps import corpus, corpus_info
from novum.api.routes.search import ERRORS
from novum.api.schemas import CorpusInfo, StatsResponse
from novum.api.security import need
from novum.auth import Principal

router = APIRouter(prefix="/api/v1", tags=["meta"])


@router.get("/health", summary="Liveness (no token needed)")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/whoami", responses=ERRORS, summary="The token this request acts as")
def whoami(principal: Annotated[Principal, Depends(need("read"))]) -> dict[str, str]:
    return {"name": principal.name, "scope": principal.scope}


@router.get("/corpus", response_model=CorpusInfo, responses=ERRORS, summary="Corpus snapshot and models")
def corpus_route(request: Request, principal: Annotated[Principal, Depends(need("read"))]) -> dict[str, Any]:
    return corpus_info(request)


@router.get("/stats", response_model=StatsResponse, responses=ERRORS, summary="Counts and the quarantine")
def stats(request: Request, principal: Annotated[Principal, Depends(need("read"))]) -> dict[str, Any]:
    figures: dict[str, Any] = corpus(request).store().stats()
    return figures
