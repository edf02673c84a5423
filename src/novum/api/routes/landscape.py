"""``/api/v1/landscape``, ``/api/v1/landscape/documents``, ``/api/v1/landscape/charts``, ``/api/v1/monitor``,
``/api/v1/industries`` and the landscape page (``/landscape``, the same query parameters): thin routes
over ``novum.analytics``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from novum.analytics.charts import chart_specs, interactive_svg
from novum.analytics.industries import load_industries
from novum.analytics.landscape import Landscape
from novum.analytics.monitor import MonitorReport
from novum.analytics.report import DRILL_SCRIPT, html_report
from novum.analytics.scope import Scope as AnalyticsScope
from novum.analytics.service import build_landscape, build_monitor, make_scope
from novum.api.deps import corpus, make_filters
from novum.api.routes.search import ERRORS
from novum.api.runner import run_limited
from novum.api.security import need
from novum.auth import Principal
from novum.web.render import add_nav

api = APIRouter(prefix="/api/v1", tags=["landscape"])
pages = APIRouter(include_in_schema=False)


class YearModel(BaseModel):
    year: int
    documents: int
    families: int
    first_filings: int
    incomplete: bool


class CountModel(BaseModel):
    key: str
    label: str
    documents: int
    share: float
    title: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class ApplicantModel(BaseModel):
    name: str = Field(description="The most frequent raw spelling of the cleaned name")
    key: str = Field(description="The cleaned name")
    documents: int
    families: int
    share: float = Field(description="Fractional share of the set")
    merged: int = Field(description="Raw spellings merged into this name")
    raw_names: list[str]
    country: str | None = None
    first_year: int | None = None


class PairModel(BaseModel):
    a: str
    b: str
    documents: int


class CitedModel(BaseModel):
    number: str
    title: str | None = None
    cited_by: int
    cites: int


class TermModel(BaseModel):
    term: str
    recent: int
    early: int
    recent_share: float
    early_share: float
    ratio: float
    query: str = Field(description="The query-language search for the term's documents")


class EntrantModel(BaseModel):
    year: int
    entrants: int
    incomplete: bool
    names: list[str]


class MatrixModel(BaseModel):
    groups: list[str]
    titles: list[str | None]
    years: list[int]
    counts: list[list[int]]
    incomplete_after: int | None = None


class GrowthModel(BaseModel):
    from_year: int
    to_year: int
    from_count: int
    to_count: int
    years: int
    cagr: float | None = None


class ConcentrationModel(BaseModel):
    owners: int
    top10_share: float | None = None
    hhi: float | None = None


class CitationStatsModel(BaseModel):
    links: int
    citing_documents: int
    cited_documents: int
    documents_with_citations: int


class LandscapeResponse(BaseModel):
    scope: dict[str, Any] = Field(description="Query, industry definition (version, digest), SEI codes, filters")
    snapshot: dict[str, Any] = Field(description="Corpus size, newest publication, content digest")
    as_of: str
    documents: int
    families: int
    basis: str = Field(description="priority or publication: the year trends are counted by")
    last_complete: dict[str, int | None]
    priority_years: list[YearModel]
    publication_years: list[YearModel]
    undated: dict[str, int]
    applicants: list[ApplicantModel]
    offices: list[CountModel]
    applicant_countries: list[CountModel]
    cpc_subclasses: list[CountModel]
    cpc_groups: list[CountModel]
    ipc_subclasses: list[CountModel]
    ipc_groups: list[CountModel]
    sei: list[CountModel]
    cooccurrence: list[PairModel]
    citations: CitationStatsModel
    most_cited: list[CitedModel]
    growth: GrowthModel
    concentration: ConcentrationModel
    new_entrants: list[EntrantModel]
    emerging_terms: list[TermModel]
    matrix: MatrixModel
    dimensions: list[str] = Field(description="What /landscape/documents can drill down into")


class DocumentsResponse(BaseModel):
    dimension: str
    key: str
    total: int
    numbers: list[str]


class ChartModel(BaseModel):
    id: str
    title: str
    dimension: str
    svg: str = Field(description="Self-contained SVG; bars carry data-dimension and data-key for drill-down")


class ChartsResponse(BaseModel):
    charts: list[ChartModel]


class SignalModel(BaseModel):
    kind: str
    dimension: str
    key: str
    label: str
    year: int
    observed: int
    expected: float
    ratio: float | None = None
    z: float | None = None
    p: float | None = None
    explanation: str


class MonitorResponse(BaseModel):
    scope: dict[str, Any]
    basis: str
    year: int
    baseline_years: list[int]
    statistic: str
    alpha: float
    min_count: int
    signals: list[SignalModel]


class IndustryModel(BaseModel):
    name: str
    title_en: str
    title_zh: str
    version: str
    digest: str
    source: str
    path: str
    user: bool
    cpc: list[str]
    ipc: list[str]
    query: str | None = None
    keywords_en: list[str]
    keywords_zh: list[str]
    description: str | None = None
    expression: str


class IndustriesResponse(BaseModel):
    industries: list[IndustryModel]


ScopeQuery = Annotated[str | None, Query(description="Query-language query (words AND-ed)")]
IndustryQuery = Annotated[str | None, Query(description="Industry definition name (see /industries)")]
SeiQuery = Annotated[list[str], Query(description="Strategic emerging industry codes, e.g. 1.5")]
ListQuery = Annotated[list[str], Query()]


def landscape_scope(
    request: Request,
    q: ScopeQuery = None,
    industry: IndustryQuery = None,
    sei: SeiQuery = [],  # noqa: B006
    cpc: ListQuery = [],  # noqa: B006
    ipc: ListQuery = [],  # noqa: B006
    country: ListQuery = [],  # noqa: B006
) -> AnalyticsScope:
    """The documents a landscape, its drill-down, its charts and the monitor are about (the same parameters)."""
    filters = make_filters(None, None, cpc, ipc, country, [])
    return make_scope(q, industry, sei, filters, corpus(request).data_dir)


ScopeParam = Annotated[AnalyticsScope, Depends(landscape_scope)]


async def _landscape(request: Request, scope: AnalyticsScope) -> Landscape:
    shared = corpus(request)
    return await run_limited(request, lambda: build_landscape(shared.store(), scope), "landscape")


@api.get("/landscape", response_model=LandscapeResponse, responses=ERRORS, summary="A patent landscape")
async def landscape_route(
    request: Request,
    principal: Annotated[Principal, Depends(need("read"))],
    scope: ScopeParam,
) -> dict[str, Any]:
    return (await _landscape(request, scope)).to_dict()


@api.get("/landscape/documents", response_model=DocumentsResponse, responses=ERRORS,
            summary="The documents behind one bar or cell of a landscape")  # fmt: skip
async def landscape_documents(
    request: Request,
    principal: Annotated[Principal, Depends(need("read"))],
    dimension: Annotated[str, Query(description="e.g. applicant, priority_year, cpc_group, sei, matrix")],
    key: Annotated[str, Query(description="The bar's key, e.g. SAMSUNG ELECTRONICS, 2012, G06F9/00|2012")],
    scope: ScopeParam,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    land = await _landscape(request, scope)
    numbers = land.numbers(dimension, key)
    return {"dimension": dimension, "key": key, "total": len(numbers), "numbers": numbers[:limit]}


@api.get("/landscape/charts", response_model=ChartsResponse, responses=ERRORS,
            summary="A landscape's charts as interactive SVG")  # fmt: skip
async def landscape_charts(
    request: Request,
    principal: Annotated[Principal, Depends(need("read"))],
    scope: ScopeParam,
) -> dict[str, Any]:
    land = await _landscape(request, scope)
    charts = [
        {"id": s.id, "title": s.title, "dimension": s.dimension, "svg": interactive_svg(s)} for s in chart_specs(land)
    ]
    return {"charts": charts}


@api.get("/monitor", response_model=MonitorResponse, responses=ERRORS, summary="Early-warning signals")
async def monitor_route(
    request: Request,
    principal: Annotated[Principal, Depends(need("read"))],
    scope: ScopeParam,
    alpha: Annotated[float, Query(gt=0, lt=1)] = 0.01,
    min_count: Annotated[int, Query(ge=1)] = 5,
) -> dict[str, Any]:
    shared = corpus(request)

    def call() -> MonitorReport:
        return build_monitor(shared.store(), scope, alpha=alpha, min_count=min_count)

    return (await run_limited(request, call, "monitor")).to_dict()


@api.get("/industries", response_model=IndustriesResponse, responses=ERRORS, summary="Industry definitions")
def industries_route(request: Request, principal: Annotated[Principal, Depends(need("read"))]) -> dict[str, Any]:
    return {"industries": [i.to_dict() for i in load_industries(corpus(request).data_dir).values()]}


@api.get("/landscape/drill.js", include_in_schema=False)
def drill_script() -> Response:
    """The page's drill-down script, served (the server's content-security policy forbids inline scripts)."""
    return Response(DRILL_SCRIPT, media_type="application/javascript")


@pages.get("/landscape", response_class=HTMLResponse)
async def landscape_page(
    request: Request,
    principal: Annotated[Principal, Depends(need("read"))],
    scope: ScopeParam,
) -> HTMLResponse:
    """The landscape as an interactive page: charts whose bars list their documents, linked to /patents/{number}."""
    land = await _landscape(request, scope)
    if land.empty:
        return HTMLResponse("<!doctype html><meta charset='utf-8'><p>No documents in scope: nothing to chart.</p>")
    return HTMLResponse(html_report(land, document_url="/patents/", script_src="/api/v1/landscape/drill.js"))


add_nav("/landscape", "Landscape")
router = APIRouter()  # the API under /api/v1 and the page at /landscape
router.include_router(api)
router.include_router(pages)
