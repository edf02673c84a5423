"""``/api/v1/check``: do the search index and the vectors agree with the store? A thin route over
``novum.index.consistency.check`` (reads only, loads no model)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from novum.api.deps import corpus
from novum.api.routes.search import ERRORS
from novum.api.runner import run_limited
from novum.api.security import need
from novum.auth import Principal
from novum.index.consistency import check

router = APIRouter(prefix="/api/v1", tags=["check"])


class ModelCheckModel(BaseModel):
    model: str
    embedded: int = Field(description="Documents whose current version has vectors")
    not_embedded: int
    live_passages: int
    committed_rows: int = Field(description="Passage rows the store names")
    vector_rows: int = Field(description="Rows in the vector file (more than committed: a write in progress)")
    duplicated_passages: int
    orphans: list[str] = Field(description="Numbers with vectors the store does not hold (first 10)")
    identity: dict[str, str] | None = Field(description="What made the vectors: package, weights, tokenizer hashes")


class CheckModel(BaseModel):
    ok: bool
    data_dir: str
    documents: int
    quarantined: int
    pending_index: int = Field(description="Documents flagged as not yet in the search index")
    lexical_documents: int
    lexical_distinct: int
    missing_from_lexical: list[str]
    extra_in_lexical: list[str]
    duplicated_in_lexical: list[str]
    models: list[ModelCheckModel]
    writer: dict[str, Any] | None = Field(description="Who holds the writer lock now (pid, command, since)")
    problems: list[str] = Field(description="Each disagreement with the command that fixes it")


@router.get("/check", response_model=CheckModel, responses=ERRORS, summary="Indexes against the store")
async def check_route(request: Request, principal: Annotated[Principal, Depends(need("read"))]) -> dict[str, Any]:
    folder = corpus(request).data_dir
    result: dict[str, Any] = await run_limited(request, lambda: check(folder).to_dict(), "check")
    return result
