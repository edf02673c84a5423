"""The search history (sets L1, L2, ... per workspace) and saved searches, per token."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from novum.api.deps import corpus
from novum.api.errors import ApiError
from novum.api.routes.search import ERRORS, _search
from novum.api.schemas import HistoryEntryModel, SavedSearchBody, SavedSearchModel, SearchBody, SearchResponse
from novum.api.security import need
from novum.auth import Principal
from novum.search.query import History
from novum.store.platform import SavedSearchTable

router = APIRouter(prefix="/api/v1", tags=["history"])
Reader = Annotated[Principal, Depends(need("read"))]


def workspace_name(principal: Principal, workspace: str) -> str:
    """Each token has its own workspaces (``--no-auth`` uses the CLI's, so the two share sets)."""
    return workspace if principal.name == "local" else f"{principal.name}:{workspace}"


@router.get("/history", response_model=list[HistoryEntryModel], responses=ERRORS, summary="Search history sets")
def history(request: Request, principal: Reader, workspace: str = "default") -> list[dict[str, Any]]:
    log = History(corpus(request).store(), workspace_name(principal, workspace))
    return [{"label": e.label, "query": e.query, "hits": e.hits} for e in log.entries()]


@router.delete("/history", status_code=204, responses=ERRORS, summary="Forget a workspace's history")
def clear_history(request: Request, principal: Reader, workspace: str = "default") -> Response:
    History(corpus(request).store(), workspace_name(principal, workspace)).clear()
    return Response(status_code=204)


@router.get("/saved-searches", response_model=list[SavedSearchModel], responses=ERRORS, summary="Saved searches")
def saved(request: Request, principal: Reader) -> list[dict[str, Any]]:
    rows = SavedSearchTable(corpus(request).store()).all(principal.name)
    return [{"name": r["name"], "params": json.loads(r["params"]), "created_at": r["created_at"]} for r in rows]


@router.post("/saved-searches", response_model=SavedSearchModel, status_code=201, responses=ERRORS,
             summary="Save (or replace) a named search")  # fmt: skip
def save(request: Request, body: SavedSearchBody, principal: Reader) -> dict[str, Any]:
    params = body.params.model_dump(exclude={"cursor"})
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    SavedSearchTable(corpus(request).store()).upsert(principal.name, body.name, json.dumps(params), at)
    return {"name": body.name, "params": params, "created_at": at}


@router.delete("/saved-searches/{name}", status_code=204, responses=ERRORS, summary="Delete a saved search")
def delete(request: Request, name: str, principal: Reader) -> Response:
    if not SavedSearchTable(corpus(request).store()).delete(principal.name, name):
        raise ApiError(404, "not_found", f"no saved search {name!r}")
    return Response(status_code=204)


@router.get("/saved-searches/{name}/run", response_model=SearchResponse, responses=ERRORS,
            summary="Run a saved search")  # fmt: skip
async def run(request: Request, name: str, principal: Reader, cursor: str | None = None) -> dict[str, Any]:
    row = SavedSearchTable(corpus(request).store()).get(principal.name, name)
    if row is None:
        raise ApiError(404, "not_found", f"no saved search {name!r}")
    body = SearchBody(**{**json.loads(row["params"]), "cursor": cursor})
    return await _search(request, body, principal)
