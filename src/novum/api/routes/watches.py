"""``/api/v1/watches`` (list, add), ``/api/v1/watches/{name}`` (show with alerts, remove), ``.../test`` (dry run),
``/api/v1/watches/run`` (evaluate and deliver) and ``/api/v1/watches/{name}/feed.atom?token=...`` (the Atom feed,
authorised by the watch's feed token so a feed reader needs no API token): thin routes over ``novum.watch``.

A caller sees and changes its own watches (owner = the token's name); an admin token sees every watch. The pages
``/watches`` and ``/watches/{name}`` show the same to a logged-in user."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from novum.api.deps import corpus
from novum.api.errors import ApiError
from novum.api.routes.search import ERRORS
from novum.api.runner import run_limited
from novum.api.security import need
from novum.auth import Principal
from novum.watch import service
from novum.watch.model import Watch, WatchError, WatchNotFoundError
from novum.web.render import add_nav, html_page, render
from novum.web.session import current_user

api = APIRouter(prefix="/api/v1", tags=["watches"])
pages = APIRouter(include_in_schema=False)


class WatchModel(BaseModel):
    name: str
    owner: str
    kind: str = Field(description="search, portfolio, competitor or industry")
    watches: str = Field(description="What the watch watches, in one line")
    spec: dict[str, Any] = Field(description="The kind's parameters (semantic targets without their vectors)")
    frequency: str
    webhook: str | None = None
    email: str | None = None
    watermark: int = Field(description="The last document sequence evaluated")
    created_at: str
    last_run_at: str | None = None
    last_sent_at: str | None = None
    feed_token: str | None = None
    webhook_secret: str | None = None
    alerts: int | None = None
    pending_deliveries: int | None = None


class AlertModel(BaseModel):
    id: int | None = None
    watch: str
    number: str
    title: str | None = None
    family: str
    reason: str = Field(description="The ledger key: query, cites:<n>, family:<n>, close:<n>, applicant, class, ...")
    why: str
    detail: dict[str, Any]
    score: float | None = None
    created_at: str | None = None


class DeliveryModel(BaseModel):
    alert_id: int
    channel: str
    target: str
    state: str
    attempts: int
    last_error: str | None = None
    next_attempt_at: str | None = None
    sent_at: str | None = None


class AttemptModel(BaseModel):
    channel: str
    target: str
    alerts: int
    ok: bool
    status: int | None = None
    error: str | None = None
    at: str


class WatchListResponse(BaseModel):
    watches: list[WatchModel]


class WatchDetailResponse(BaseModel):
    watch: WatchModel
    total_alerts: int
    alerts: list[AlertModel]
    deliveries: list[DeliveryModel]
    attempts: list[AttemptModel]


class DeliveryResultModel(BaseModel):
    watch: str
    channel: str
    target: str
    alerts: int
    ok: bool
    tries: int
    error: str | None = None


class TrialResponse(BaseModel):
    watch: str
    documents: int
    alerts: list[AlertModel]
    deliveries: list[DeliveryResultModel]


class RunResponse(BaseModel):
    documents: int
    watches: int
    new_alerts: int
    alerts: dict[str, list[AlertModel]]
    deliveries: list[DeliveryResultModel]
    waiting_for_embeddings: dict[str, int]
    errors: list[str]
    seconds: float


class WatchCreate(BaseModel):
    name: str
    query: str | None = None
    portfolio: list[str] | None = None
    portfolio_of: str | None = None
    applicant: str | None = None
    industry: str | None = None
    cpc: list[str] = Field(default_factory=list)
    ipc: list[str] = Field(default_factory=list)
    country: list[str] = Field(default_factory=list)
    kind: list[str] = Field(default_factory=list)
    frequency: str = "immediate"
    webhook: str | None = None
    email: str | None = None
    claims: bool = True
    closeness: float = 0.998
    threshold: float | None = None
    default_operator: str = "AND"


def _own(principal: Principal, watch: Watch) -> Watch:
    if principal.scope != "admin" and watch.owner != principal.name:
        raise ApiError(404, "not_found", f"no watch named {watch.name!r}", {"name": watch.name})
    return watch


@api.get("/watches", response_model=WatchListResponse, responses=ERRORS, summary="Your watches")
def list_route(request: Request, principal: Annotated[Principal, Depends(need("read"))]) -> dict[str, Any]:
    owner = None if principal.scope == "admin" else principal.name
    return {"watches": [row.to_dict() for row in service.list_watches(corpus(request).store(), owner)]}


@api.post("/watches", response_model=WatchModel, responses=ERRORS, status_code=201, summary="Add a watch")
async def add_route(
    request: Request, body: WatchCreate, principal: Annotated[Principal, Depends(need("write"))]
) -> dict[str, Any]:
    store = corpus(request).store()
    watch = await run_limited(
        request,
        lambda: service.add_watch(
            store,
            body.name,
            query=body.query,
            portfolio=body.portfolio,
            portfolio_of=body.portfolio_of,
            applicant=body.applicant,
            cpc=body.cpc,
            ipc=body.ipc,
            country=body.country,
            kind=body.kind,
            industry=body.industry,
            owner=principal.name,
            frequency=body.frequency,
            webhook_url=body.webhook,
            email=body.email,
            semantic_claims=body.claims,
            closeness=body.closeness,
            threshold=body.threshold,
            default_operator=body.default_operator,
        ),  # fmt: skip
        "add watch",
    )
    return watch.to_dict(secrets=True)


@api.post("/watches/run", response_model=RunResponse, responses=ERRORS, summary="Evaluate and deliver now")
async def run_route(request: Request, principal: Annotated[Principal, Depends(need("admin"))]) -> dict[str, Any]:
    store = corpus(request).store()
    report = await run_limited(request, lambda: service.run_watches(store), "watch run")
    return report.to_dict()


@api.get("/watches/{name}", response_model=WatchDetailResponse, responses=ERRORS, summary="A watch and its alerts")
def show_route(
    request: Request,
    name: str,
    principal: Annotated[Principal, Depends(need("read"))],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    store = corpus(request).store()
    _own(principal, service.get_watch(store, name))
    return service.show_watch(store, name, limit).to_dict()


@api.delete("/watches/{name}", status_code=204, responses=ERRORS, summary="Remove a watch")
def remove_route(request: Request, name: str, principal: Annotated[Principal, Depends(need("write"))]) -> Response:
    store = corpus(request).store()
    _own(principal, service.get_watch(store, name))
    service.remove_watch(store, name)
    return Response(status_code=204)


@api.post("/watches/{name}/test", response_model=TrialResponse, responses=ERRORS, summary="Dry run")
async def test_route(
    request: Request,
    name: str,
    principal: Annotated[Principal, Depends(need("read"))],
    last: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    store = corpus(request).store()
    _own(principal, service.get_watch(store, name))
    report = await run_limited(request, lambda: service.trial_watch(store, name, last=last), "watch test")
    return report.to_dict()


@api.get(
    "/watches/{name}/feed.atom",
    responses={200: {"content": {"application/atom+xml": {}}}, **ERRORS},
    summary="The watch's Atom feed (token in the query string)",
)
def feed_route(
    request: Request, name: str, token: Annotated[str, Query(description="The watch's feed token")]
) -> Response:
    base = str(request.base_url).rstrip("/")
    try:
        body = service.watch_feed(corpus(request).store(), name, token, base)
    except WatchNotFoundError:
        raise ApiError(404, "not_found", f"no watch named {name!r}", {"name": name}) from None
    except WatchError as exc:
        raise ApiError(403, "forbidden", str(exc), {"name": name}) from None
    return Response(body, media_type="application/atom+xml")


# --- web pages: /watches (yours, with counts) and /watches/{name} (its alerts, why, deliveries, feed link) --------
@pages.get("/watches")
@html_page
async def watches_page(request: Request) -> Response:
    user = current_user(request)
    owner = None if user.principal.scope == "admin" else user.principal.name
    rows = service.list_watches(corpus(request).store(), owner)
    return render(request, "watches.html", user=user, rows=rows, detail=None, feed=None)


@pages.get("/watches/{name}")
@html_page
async def watch_page(request: Request, name: str) -> Response:
    user = current_user(request)
    store = corpus(request).store()
    watch = _own(user.principal, service.get_watch(store, name))
    detail = service.show_watch(store, name, 200)
    feed = f"/api/v1/watches/{watch.name}/feed.atom?token={watch.feed_token}"
    return render(request, "watches.html", user=user, rows=[], detail=detail, feed=feed)


add_nav("/watches", "Watches")
router = APIRouter()
router.include_router(api)
router.include_router(pages)
