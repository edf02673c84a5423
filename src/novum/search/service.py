"""One entry point for a search as a user states it: free text or the query language, a mode, filters, a page.

The CLI, the REST API and the web pages all call ``run_search``; what differs between them is only how the
request arrives and how the page is shown. Choosing between free text and the query language, the default mode,
paging, the history set and the explanation all happen here, once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from novum.errors import QuerySyntaxError
from novum.index.lexical import Filters, LexicalIndex
from novum.index.pgvector import SemanticIndex
from novum.model import Patent
from novum.search.explain import explain_text
from novum.search.prior_art import MODES, Hit, SearchRequest, search_page
from novum.search.query import History, HistoryEntry
from novum.search.query.history import referenced_labels
from novum.search.structured import deliberate, is_structured, structured_search
from novum.store.sqlite import Store

Syntax = Literal["auto", "text", "query"]
MAX_PAGE = 1000


class SearchParameterError(ValueError):
    """A search parameter is out of range or unknown; the message names it."""


@dataclass(slots=True)
class SearchParams:
    """A search as asked for; every field has the meaning the README gives the CLI option of the same name."""

    q: str
    syntax: Syntax = "auto"
    mode: str | None = None  # None: hybrid when the data directory has embeddings, else lexical
    filters: Filters = field(default_factory=Filters)
    collapse: bool = True
    explain: bool = False
    limit: int = 10
    offset: int = 0
    rerank: bool = False
    workspace: str = "default"
    record: bool = False  # record the search in the workspace's history as the next set (L1, L2, ...)
    default_operator: str = "AND"

    def check(self) -> None:
        if not self.q.strip():
            raise SearchParameterError("the query is empty")
        if self.syntax not in ("auto", "text", "query"):
            raise SearchParameterError(f"syntax must be auto, text or query, not {self.syntax!r}")
        if self.mode is not None and self.mode not in MODES:
            raise SearchParameterError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if not 1 <= self.limit <= MAX_PAGE:
            raise SearchParameterError(f"limit must be between 1 and {MAX_PAGE}, not {self.limit}")
        if self.offset < 0:
            raise SearchParameterError(f"offset must not be negative, not {self.offset}")
        if self.default_operator.upper() not in ("AND", "OR"):
            raise SearchParameterError(f"default operator must be AND or OR, not {self.default_operator!r}")


@dataclass(slots=True)
class SearchPage:
    """One page of results with what is needed to show it and to ask for the next one."""

    hits: list[Hit]
    total: int  # documents in the whole result (before family collapse); a lower bound when so marked
    total_is_lower_bound: bool
    offset: int
    limit: int
    more: bool  # a next page exists
    syntax: Literal["text", "query"]
    mode: str
    parsed: str | None = None  # the query-language query in canonical form
    set_label: str | None = None  # the history set the search was recorded as
    explanations: dict[str, list[str]] = field(default_factory=dict)

    def hit_dicts(self) -> list[dict[str, Any]]:
        rows = [hit.to_dict() for hit in self.hits]
        for row in rows:
            if row["number"] in self.explanations:
                row["explanation"] = self.explanations[row["number"]]
        return rows


DenseProvider = Callable[[], list[SemanticIndex]]


class SetLookup(History):
    """A history that resolves the sets a query names (``L1 AND NOT L2``) but records nothing: searching without
    ``record`` may still use the sets recorded before."""

    def add(self, query: str, numbers: list[str], hits: int | None = None, label: str | None = None) -> HistoryEntry:
        return HistoryEntry("", query, len(numbers) if hits is None else hits, (), "")


def choose_mode(mode: str | None, embedded: bool) -> str:
    """The mode asked for; by default hybrid when the data directory has embeddings (it wins on the benchmarks)."""
    if mode is None:
        return "hybrid" if embedded else "lexical"
    if mode not in MODES:
        raise SearchParameterError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def reads_as_query(params: SearchParams) -> bool:
    """Whether the text is run as the query language (asked for, or it uses operators, fields, sets, sem())."""
    return params.syntax == "query" or (params.syntax == "auto" and is_structured(params.q))


def run_search(store: Store, index: LexicalIndex, params: SearchParams, dense: DenseProvider) -> SearchPage:
    """Run one page of a search. ``dense`` opens the semantic indexes only when the search needs them, so a
    lexical search never loads a model."""
    params.check()
    history = History(store, params.workspace) if params.record else None
    if reads_as_query(params):
        try:
            return _query_page(store, index, params, dense, history)
        except QuerySyntaxError:
            # a title like "Augmented reality (AR) ... employing same" tried as the query language: free text
            if params.syntax == "query" or deliberate(params.q):
                raise
    indexes: list[SemanticIndex] = []
    embedded = bool(params.mode in (None, "semantic", "hybrid") and (indexes := dense()))
    mode = choose_mode(params.mode, embedded)
    # a page shows no description; an explanation reads every field of each hit
    request = SearchRequest(
        params.q, params.filters, params.limit, params.collapse, mode, params.rerank, offset=params.offset,
        whole_records=params.explain,
    )  # fmt: skip
    result_page = search_page(store, index, request, indexes if mode != "lexical" else [])
    label = None
    if history is not None:
        # a free-text set is the ranked hits shown, as in the CLI: every document sharing a word is no useful set
        label = history.add(params.q, [h.number for h in result_page.hits]).label
    explanations = explain_text(index, params.q, result_page.hits) if params.explain else {}
    return SearchPage(
        result_page.hits, result_page.total, False, params.offset, params.limit, result_page.more, "text", mode,
        None, label, explanations,
    )  # fmt: skip



def _query_page(
    store: Store, index: LexicalIndex, params: SearchParams, dense: DenseProvider, history: History | None
) -> SearchPage:
    """One page of a query-language search."""
    if history is None and referenced_labels(params.q, params.default_operator.upper()):  # type: ignore[arg-type]
        history = SetLookup(store, params.workspace)  # L1, L2 ... are read, the search is not recorded
    wants_semantic = "sem(" in params.q.replace(" ", "").lower()
    found = structured_search(
        store, index, params.q, params.filters, params.offset + params.limit,
        dense=dense() if wants_semantic else [], collapse_families=params.collapse, explain=params.explain,
        history=history, default_operator=params.default_operator,
    )  # fmt: skip
    result = found.result
    hits = found.hits[params.offset :]
    for rank, hit in enumerate(hits, start=params.offset + 1):
        hit.rank = rank
    more = result.total > params.offset + params.limit and len(found.hits) >= params.offset + params.limit
    return SearchPage(
        hits, result.total, result.total_is_lower_bound, params.offset, params.limit, more, "query",
        "lexical" if not wants_semantic else "hybrid", result.query, result.label or None, found.explanations,
    )  # fmt: skip


def similar_request(store: Store, patent: Patent, limit: int, mode: str, rerank: bool = False) -> SearchRequest:
    """Prior art for a stored patent: its own text as the query, before its priority date, its family left out."""
    text = " ".join(filter(None, (patent.title(), patent.abstract(), _first_claim(patent))))
    family = store.family_members(store.family_keys([patent.number]).get(patent.number, ""))
    filters = Filters(
        before=patent.effective_date, exclude=list(dict.fromkeys([patent.number, *family, *patent.family_members]))
    )
    # Embedded as a searcher's query, not as a passage: on the tuning half of the PatSnap topics novum similar
    # (hybrid) reached nDCG@10 0.304 with the passage embedding and 0.343 as a query (docs/benchmarks.md, issue 13).
    return SearchRequest(text, filters, limit, True, mode, rerank, query_is_document=False)


def find_similar(
    store: Store, index: LexicalIndex, number: str, dense: DenseProvider, *, limit: int = 10,
    mode: str | None = None, rerank: bool = False,
) -> tuple[Patent, list[Hit]]:  # fmt: skip
    """``novum similar``: the patent and its closest prior art."""
    patent = store.get(number)
    indexes = dense() if mode in (None, "semantic", "hybrid") else []
    chosen = choose_mode(mode, bool(indexes))
    request = replace(similar_request(store, patent, limit, chosen, rerank), whole_records=False)  # a page to show
    return patent, search_page(store, index, request, indexes if chosen != "lexical" else []).hits


def _first_claim(patent: Patent) -> str | None:
    return next((c.text for c in patent.claims if c.independent), None)
