"""The API's response shapes. They are the OpenAPI schema: a test checks that every field a route returns is
described here, so clients can be generated from ``/openapi.json``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorInfo(BaseModel):
    code: str = Field(description="Machine-readable error code, e.g. query_syntax, not_found, rate_limited.")
    message: str = Field(description="What went wrong, in words.")
    detail: Any = Field(None, description="Structured detail: the column of a syntax error, validation problems.")


class ErrorResponse(BaseModel):
    error: ErrorInfo


class HitModel(BaseModel):
    rank: int
    number: str = Field(description="Canonical publication number, e.g. US8799651B2.")
    title: str | None = None
    publication_date: str | None = None
    filing_date: str | None = None
    priority_date: str | None = Field(None, description="Earliest priority date.")
    cpc: list[str] = []
    ipc: list[str] = []
    sei: list[str] = Field([], description="Strategic emerging industry branches (CNIPA 2021 concordance).")
    applicants: list[str] = []
    score: float
    snippet: str | None = Field(None, description="Best-matching fragment; matched words in **bold**.")
    passage: str | None = Field(None, description="Where the best semantic passage is: abstract, claim 1, [0012].")
    family_members: list[str] = []
    explanation: list[str] | None = Field(None, description="With explain: which clauses matched, and where.")


class QueryInfo(BaseModel):
    text: str
    syntax: str = Field(description="text (free text) or query (the query language).")
    mode: str = Field(description="lexical, semantic or hybrid.")
    parsed: str | None = Field(None, description="The query-language query in canonical form.")
    set: str | None = Field(None, description="History set label (L1, L2, ...) when the search was recorded.")


class CorpusInfo(BaseModel):
    snapshot: dict[str, Any] = Field(description="Document count and time of the last change.")
    models: dict[str, str] = Field(description="Embedding models with vectors here, and their versions.")


class SearchResponse(BaseModel):
    total: int = Field(description="Documents in the whole result (before family collapse).")
    total_is_lower_bound: bool = False
    hits: list[HitModel]
    next_cursor: str | None = Field(None, description="Pass as cursor for the next page; null on the last page.")
    query: QueryInfo
    corpus: CorpusInfo


class SearchBody(BaseModel):
    q: str = Field(description="Free text or a query-language query.")
    syntax: str = "auto"
    mode: str | None = None
    before: str | None = None
    published_before: str | None = None
    cpc: list[str] = []
    ipc: list[str] = []
    country: list[str] = []
    kind: list[str] = []
    sei: list[str] = []
    collapse: bool = True
    explain: bool = False
    rerank: bool = False
    limit: int = Field(10, ge=1, le=1000)
    cursor: str | None = None
    workspace: str = "default"
    record: bool = False


class PartyModel(BaseModel):
    name: str
    country: str | None = None
    city: str | None = None


class ClaimModel(BaseModel):
    number: int
    text: str
    depends_on: list[int] = []
    lang: str | None = None


class ParagraphModel(BaseModel):
    text: str
    number: str | None = None
    heading: str | None = None
    lang: str | None = None


class PriorityModel(BaseModel):
    country: str | None = None
    number: str | None = None
    date: str | None = None


class CitationModel(BaseModel):
    number: str | None = None
    country: str | None = None
    doc_number: str | None = None
    kind: str | None = None
    date: str | None = None
    name: str | None = None
    text: str | None = None
    cited_by: str | None = Field(None, description="examiner, applicant, third-party, or null when not given.")
    category: str | None = Field(None, description="Search-report category: X, Y, A ...")
    phase: str | None = None
    in_store: str | None = Field(None, description="The stored publication this citation resolves to, if any.")


class SEIMatchModel(BaseModel):
    code: str = Field(description="Branch number, e.g. 1.1.")
    name: str
    symbol: str = Field(description="The document's class that matched.")
    scheme: str = Field(description="ipc, or cpc when the document has no IPC.")
    rule: int = Field(description="The rule's position within its branch (1-based).")
    ipc_only: bool = Field(description="Whether the concordance rule is IPC-only (else a scope note applies).")
    scope_note: str


class PatentModel(BaseModel):
    number: str
    country: str
    doc_number: str
    kind: str | None = None
    application_number: str | None = None
    priority_claims: list[PriorityModel] = []
    priority_date: str | None = None
    filing_date: str | None = None
    publication_date: str | None = None
    titles: dict[str, str] = {}
    abstracts: dict[str, str] = {}
    claims: list[ClaimModel] = []
    description: list[ParagraphModel] = []
    cpc: list[str] = []
    ipc: list[str] = []
    sei: list[SEIMatchModel] = Field([], description="Strategic emerging industry branches, each with its reason.")
    applicants: list[PartyModel] = []
    assignees: list[PartyModel] = []
    inventors: list[PartyModel] = []
    citations: list[CitationModel] = []
    family_id: str | None = None
    family_members: list[str] = []
    language: str | None = None
    doc_type: str | None = None
    provenance: dict[str, Any] = Field({}, description="Source file, position, format, ingest times, warnings.")


class ForwardCitation(BaseModel):
    number: str
    title: str | None = None
    publication_date: str | None = None
    cited_by: str | None = None
    category: str | None = None


class CitationsResponse(BaseModel):
    number: str
    backward: list[CitationModel]
    forward: list[ForwardCitation] = Field(description="Stored documents that cite this one.")


class FamilyMember(BaseModel):
    number: str
    title: str | None = None
    publication_date: str | None = None
    kind: str | None = None
    in_store: bool


class FamilyResponse(BaseModel):
    number: str
    family_id: str | None = None
    members: list[FamilyMember]


class SpanModel(BaseModel):
    text: str
    start: int
    end: int


class ElementModel(BaseModel):
    id: str = Field(description="Element label: 1a, 1b, 1b-i ...")
    kind: str = Field(description="element, wherein or characterizing.")
    text: str
    start: int
    end: int
    marker: str | None = None
    children: list[ElementModel] = []


class SegmentedModel(BaseModel):
    number: int
    lang: str | None = None
    depends_on: list[int] = []
    text: str
    preamble: SpanModel
    transition: SpanModel | None = None
    elements: list[ElementModel] = []
    warnings: list[str] = []


class ClaimNodeModel(BaseModel):
    number: int
    depends_on: list[int] = []
    text: str
    segmented: SegmentedModel | None = None
    dependants: list[ClaimNodeModel] = []


class ClaimsResponse(BaseModel):
    number: str
    language: str | None = None
    count: int
    tree: list[ClaimNodeModel] = Field(description="Independent claims, each with its dependants.")


class SimilarResponse(BaseModel):
    number: str
    cutoff: str | None = None
    hits: list[HitModel]
    corpus: CorpusInfo


class ChartBody(BaseModel):
    number: str | None = Field(None, description="A stored publication whose claim to chart.")
    text: str | None = Field(None, description="Pasted claim text, instead of a number.")
    claim: int | None = None
    references: list[str] = []
    top: int | None = Field(None, ge=1, le=50)
    before: str | None = None
    semantic: bool = False
    threshold: float = Field(0.5, ge=0.0, le=1.0)
    passages: int = Field(3, ge=1, le=10)


class ChartResponse(BaseModel):
    id: str
    links: dict[str, str] = Field(description="Download URL per format: html, pdf, xlsx, docx, csv, json.")
    report: dict[str, Any] = Field(description="The novelty report: strategy, references, chart.")


class JobResponse(BaseModel):
    id: str
    kind: str
    state: str = Field(description="queued, waiting (for another writer), running, done or failed.")
    owner: str | None = None
    detail: dict[str, Any] = {}
    progress: dict[str, Any] = {}
    error: str | None = None
    created_at: str
    updated_at: str


class HistoryEntryModel(BaseModel):
    label: str
    query: str
    hits: int


class SavedSearchModel(BaseModel):
    name: str
    params: dict[str, Any]
    created_at: str


class SavedSearchBody(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    params: SearchBody


class StatsResponse(BaseModel):
    documents: int
    schema_version: int
    pending_index: int
    by_country: dict[str, int]
    by_kind: dict[str, int]
    by_year: dict[str, int]
    by_format: dict[str, int]
    quarantined: int
    quarantine_reasons: dict[str, int]
    quarantine: list[dict[str, Any]]
    repaired: list[dict[str, Any]]


ElementModel.model_rebuild()
ClaimNodeModel.model_rebuild()
