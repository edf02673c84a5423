"""``/api/v1/match/need``, ``/api/v1/match/patent/{number}``, ``/api/v1/match/portfolio``, ``/api/v1/needs``,
``/api/v1/firms/{name}`` and the matching pages (``/match``, ``/firms``, ``/patents/{number}/market``): thin routes
over ``novum.match``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from novum.api.deps import corpus
from novum.api.routes.search import ERRORS
from novum.api.runner import run_limited
from novum.api.security import need
from novum.auth import Principal
from novum.match import MatchError
from novum.match.engine import Matcher, MatchOptions, NeedMatches
from novum.match.text import check_need
from novum.store.needs import Need, NeedsRegister
from novum.web.render import add_nav, html_page, render
from novum.web.session import current_user

api = APIRouter(prefix="/api/v1", tags=["matching"])


class EvidenceModel(BaseModel):
    part: str = Field(description="A part of the need (a sentence or clause)")
    passage: str = Field(description="The passage that answers it: 'claim 1', '[0012]', 'abstract'")
    excerpt: str = Field(description="The passage around the shared words, which are marked **bold**")
    score: float
    lexical: float
    semantic: float | None
    answered: bool


class ExplanationModel(BaseModel):
    answered: int
    parts: int
    coverage: float
    evidence: list[EvidenceModel]


class SignalModel(BaseModel):
    name: str
    value: Any
    display: str
    definition: str
    note: str | None = None


class ReadinessModel(BaseModel):
    number: str
    as_of: str
    status: str
    expiry_estimate: str | None
    expiry_basis: str | None
    expired: bool | None
    remaining_years: float | None
    available: bool
    independent_claims: int | None
    shortest_independent_claim_elements: int | None
    family_size: int
    family_countries: list[str]
    forward_citations: int
    age_years: float | None
    signals: list[SignalModel]


class OfferModel(BaseModel):
    number: str
    licensor: str
    terms: str | None
    exclusive: bool | None
    territory: str | None
    fee: str | None
    contact: str | None
    url: str | None
    valid_until: str | None
    source: str | None
    position: str | None


class PatentMatchModel(BaseModel):
    rank: int
    number: str
    title: str | None
    applicants: list[str]
    applicant_types: list[str]
    cpc: list[str]
    ipc: list[str]
    filing_date: str | None
    publication_date: str | None
    score: float
    explanation: ExplanationModel | None
    readiness: ReadinessModel
    offers: list[OfferModel]
    family_members: list[str]


class NeedMatchesModel(BaseModel):
    need: str
    parts: list[str]
    mode: str
    filters: dict[str, Any]
    examined: int
    matches: list[PatentMatchModel]


class NeedModel(BaseModel):
    id: int | None
    firm: str
    contact: str | None
    industry: str | None
    text: str
    source: str | None
    position: str | None


class RegisteredNeedMatchModel(NeedModel):
    score: float
    explanation: ExplanationModel


class FirmMatchModel(BaseModel):
    rank: int
    firm: str
    score: float
    relation: str = Field(description="similar (shares subclasses), complementary (other subclasses) or unknown")
    applicant_type: str
    closest_patents: list[str]
    shared_classes: list[str]
    found_by: list[str] = Field(
        description="neighbours (its patents are among the closest documents) and/or portfolio (its patents together"
        " match the patent's words)"
    )


class MarketModel(BaseModel):
    number: str
    title: str | None
    applicants: list[str]
    readiness: ReadinessModel
    firms: list[FirmMatchModel]
    needs: list[RegisteredNeedMatchModel]
    offers: list[OfferModel]


class PortfolioModel(BaseModel):
    patents: list[MarketModel]
    not_found: list[str]


class ClassCount(BaseModel):
    model_config = {"populate_by_name": True}
    class_: str = Field(alias="class")
    patents: int


class TermWeight(BaseModel):
    term: str
    weight: float


class YearCount(BaseModel):
    year: str
    patents: int


class FirmProfileModel(BaseModel):
    name: str
    key: str
    spellings: list[str]
    applicant_type: str
    patents: int
    classes: list[ClassCount]
    top_terms: list[TermWeight]
    activity: list[YearCount]
    recent_titles: list[str]
    as_need: str
    numbers: list[str]


class NeedBody(BaseModel):
    text: str | None = Field(
        None, description="The need: a problem or product description, English or Chinese", min_length=1
    )
    firm: str | None = Field(
        None, description="Instead of text: match this stored firm's profile, its own patents left out", min_length=1
    )
    limit: int = Field(10, ge=1, le=100)
    cpc: list[str] = Field(default_factory=list)
    ipc: list[str] = Field(default_factory=list)
    country: list[str] = Field(default_factory=list)
    industry: list[str] = Field(default_factory=list, description="Strategic emerging industry codes (1.1, 1)")
    applicant_types: list[str] = Field(default_factory=list, description="company, academic, government, individual")
    available: bool = Field(False, description="Only granted patents not expired by the estimate")
    mode: str | None = None


class NewNeed(BaseModel):
    firm: str = Field(min_length=1)
    text: str = Field(min_length=1)
    contact: str | None = None
    industry: str | None = None


class PortfolioBody(BaseModel):
    numbers: list[str] = Field(min_length=1, max_length=500)
    firms: int = Field(5, ge=0, le=50)
    needs: int = Field(5, ge=0, le=50)


def _matcher(request: Request) -> Matcher:
    shared = corpus(request)
    return Matcher(shared.store(), shared.index(), shared.dense())


@api.post("/match/need", response_model=NeedMatchesModel, responses=ERRORS, summary="Patents for a need")
async def match_need(
    request: Request, body: NeedBody, principal: Annotated[Principal, Depends(need("read"))]
) -> dict[str, Any]:
    if (body.text is None) == (body.firm is None):
        raise MatchError("give the need as text or as firm (one of them)")
    options = MatchOptions(limit=body.limit, cpc=body.cpc, ipc=body.ipc, country=body.country, industry=body.industry,
                           applicant_types=body.applicant_types, available=body.available, mode=body.mode)  # fmt: skip

    firm, text = body.firm, body.text or ""

    def run() -> NeedMatches:
        matcher = _matcher(request)
        return matcher.match_firm(firm, options)[1] if firm is not None else matcher.match_need(text, options)

    result = await run_limited(request, run, "match")
    return result.to_dict()


@api.get(
    "/match/patent/{number}", response_model=MarketModel, responses=ERRORS, summary="Firms and needs for a patent"
)
async def match_patent(
    request: Request,
    number: str,
    principal: Annotated[Principal, Depends(need("read"))],
    firms: Annotated[int, Query(ge=0, le=50)] = 10,
    needs: Annotated[int, Query(ge=0, le=50)] = 10,
) -> dict[str, Any]:
    result = await run_limited(request, lambda: _matcher(request).match_patent(number, firms, needs), "match")
    return result.to_dict()


@api.post("/match/portfolio", response_model=PortfolioModel, responses=ERRORS, summary="A portfolio's market")
async def match_portfolio(
    request: Request, body: PortfolioBody, principal: Annotated[Principal, Depends(need("read"))]
) -> dict[str, Any]:
    result = await run_limited(
        request, lambda: _matcher(request).portfolio(body.numbers, body.firms, body.needs), "portfolio"
    )
    return result.to_dict()


@api.get("/firms/{name}", response_model=FirmProfileModel, responses=ERRORS, summary="A firm's profile")
async def firm_profile(
    request: Request, name: str, principal: Annotated[Principal, Depends(need("read"))]
) -> dict[str, Any]:
    profile = await run_limited(request, lambda: _matcher(request).firm(name), "firm profile")
    return profile.to_dict()


@api.get("/needs", response_model=list[NeedModel], responses=ERRORS, summary="The needs register")
async def needs_list(
    request: Request,
    principal: Annotated[Principal, Depends(need("read"))],
    industry: str | None = None,
    firm: str | None = None,
) -> list[dict[str, Any]]:
    return [n.to_dict() for n in NeedsRegister(corpus(request).store()).needs(industry, firm)]


@api.post("/needs", response_model=NeedModel, status_code=201, responses=ERRORS, summary="Register a need")
async def needs_add(
    request: Request, body: NewNeed, principal: Annotated[Principal, Depends(need("write"))]
) -> dict[str, Any]:
    entry = Need(body.firm.strip(), check_need(body.text), body.contact, body.industry, source=f"api:{principal.name}")
    NeedsRegister(corpus(request).store()).add([entry])
    return entry.to_dict()


pages = APIRouter(include_in_schema=False)
add_nav("/match", "Matching")


@pages.get("/match")
@html_page
async def match_page(request: Request, need: str = "", firm: str = "", available: bool = False) -> Response:
    """The need form and its matches, each with its readiness and the passage answering each part; ``firm``
    matches that firm's profile instead, its own patents left out."""
    user = current_user(request)
    result, profile = None, None
    options = MatchOptions(available=available)
    if firm.strip():
        profile, result = await run_limited(request, lambda: _matcher(request).match_firm(firm, options), "match")
        need = profile.need_text()
    elif need.strip():
        result = await run_limited(request, lambda: _matcher(request).match_need(need, options), "match")
    return render(request, "match.html", user=user, result=result, need=need, available=available, profile=profile)


@pages.get("/patents/{number}/market")
@html_page
async def market_page(request: Request, number: str) -> Response:
    """A patent's market: its readiness signals, the firms likely to use it and why, the needs it answers."""
    user = current_user(request)
    result = await run_limited(request, lambda: _matcher(request).match_patent(number), "match")
    return render(request, "market.html", user=user, result=result)


add_nav("/firms", "Firms")


@pages.get("/firms")
@html_page
async def firm_page(request: Request, name: str = "") -> Response:
    """A firm's profile from its stored patents, with a link that matches the profile as a need."""
    user = current_user(request)
    profile = await run_limited(request, lambda: _matcher(request).firm(name), "firm profile") if name.strip() else None
    return render(request, "firm.html", user=user, profile=profile, name=name)


router = APIRouter()  # the API under /api/v1 and the pages at /match, /firms and /patents/{number}/market
router.include_router(api)
router.include_router(pages)
