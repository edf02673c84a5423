"""Prior-art search: lexical, semantic or hybrid candidates, filtered in the engines, fused, optionally reranked,
collapsed to one hit per family, each with a snippet and its best passage.

Family collapse matters because offices publish the same invention many times (A1, B1, national phases); an
examiner wants ten different inventions on the first page, not one invention ten times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from novum.analytics.sei import codes as sei_codes
from novum.index.embed import load_reranker
from novum.index.lexical import SNIPPET_FIELDS, Filters, LexicalIndex
from novum.index.passages import passages
from novum.index.pgvector import SemanticIndex
from novum.model import Patent
from novum.search.fusion import fuse
from novum.store.sqlite import Store

MODES = ("lexical", "semantic", "hybrid")
CANDIDATES = 100  # per ranker, before fusion and family collapse
MIN_LEXICAL_FETCH = 30  # lexical hits read for a lexical page, at least
RERANK_DEPTH = 30  # the cross-encoder reads this many fused hits
LIGHT_SNIPPET_FIELDS = SNIPPET_FIELDS[: SNIPPET_FIELDS.index("description")]  # what a light record still holds


@dataclass(slots=True)
class SearchRequest:
    query: str
    filters: Filters = field(default_factory=Filters)
    limit: int = 10
    collapse_families: bool = True
    mode: str = "lexical"
    rerank: bool = False
    query_is_document: bool = False  # a whole patent's text (``novum similar``), embedded as a passage
    offset: int = 0  # hits to skip (paging); the order does not depend on it
    # False: hits carry their records without the description (read only for a hit whose snippet or passage is
    # there). A results page shows none, and on full-text grants parsing it was most of a page's cost.
    whole_records: bool = True


@dataclass(slots=True)
class Hit:
    """One result: the representative publication of a family, its score, snippet and best passage."""

    rank: int
    number: str
    score: float
    patent: Patent
    snippet: str | None = None
    family_members: list[str] = field(default_factory=list)
    passage: str | None = None  # where the best-matching passage is: "abstract", "claim 1", "[0012]"
    passage_text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        p = self.patent
        return {
            "rank": self.rank,
            "number": self.number,
            "title": p.title(),
            "publication_date": p.publication_date,
            "filing_date": p.filing_date,
            "priority_date": p.earliest_priority(),
            "cpc": p.cpc,
            "ipc": p.ipc,
            "sei": sei_codes(p.ipc, p.cpc),
            "applicants": list(dict.fromkeys(party.name for party in (*p.applicants, *p.assignees))),
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "passage": self.passage,
            "family_members": self.family_members,
        }


def search(
    store: Store, index: LexicalIndex, request: SearchRequest, dense: list[SemanticIndex] | None = None
) -> list[Hit]:
    """Run one search. ``dense`` are the semantic indexes to use (required for the semantic and hybrid modes)."""
    return search_page(store, index, request, dense).hits


@dataclass(slots=True)
class SearchResult:
    """One page of hits and the size of the whole result: documents the lexical query matched (for free text,
    every document sharing a word with the query), or every document the filters allow in semantic mode."""

    hits: list[Hit]
    total: int
    more: bool  # whether a page after this one has hits


def search_page(
    store: Store, index: LexicalIndex, request: SearchRequest, dense: list[SemanticIndex] | None = None
) -> SearchResult:
    """One page (``request.offset``, ``request.limit``) of a search, in an order that does not depend on the page.

    The order is fixed by the page size alone: the fused head of ``depth`` candidates per ranker, then the rest of
    the lexical matches in BM25 order. So walking pages with the same page size visits every lexical match once,
    with no cap on the offset.
    """
    if request.mode not in MODES:
        raise ValueError(f"unknown search mode {request.mode!r}; choose one of {', '.join(MODES)}")
    dense = dense or []
    if request.mode != "lexical" and not dense:
        raise ValueError(f"{request.mode} search needs embeddings: run `novum embed` (or ingest without --no-embed)")
    depth = max(CANDIDATES, request.limit * 5)
    wanted = request.offset + request.limit
    semantic: list[list[tuple[str, float]]] = []
    locations: dict[str, str] = {}
    if request.mode in ("semantic", "hybrid"):
        for index_ in dense:
            vector = (
                index_.embedder.embed_passages([request.query])
                if request.query_is_document
                else index_.embedder.embed_queries([request.query])
            )
            pool = depth if request.mode == "hybrid" else max(depth, wanted * 3)
            found = index_.search_vector(vector, request.filters, pool)
            semantic.append([(h.number, h.score) for h in found])
            for h in found:
                locations.setdefault(h.number, h.location)
    total = 0
    families: dict[str, str] = {}
    # Fusion reads the first ``depth`` of each ranking; a lexical page needs only enough hits to fill it after
    # family collapse (the loop reads deeper when families repeat), and reading each hit's stored keys costs.
    lexical_only = request.mode == "lexical" and not request.rerank
    fetch = max(MIN_LEXICAL_FETCH, wanted * 3) if lexical_only else max(depth, wanted * 3)
    while True:
        lexical: list[tuple[str, float]] = []
        if request.mode in ("lexical", "hybrid"):
            found_lexical, total = index.search_counted(
                request.query, request.filters, limit=fetch, second_pass=request.mode == "lexical"
            )
            lexical = [(h.number, h.score) for h in found_lexical]
            families.update((h.number, h.family) for h in found_lexical)  # the index stores each family key
        ranked = _order(request.mode, lexical, semantic, depth)
        if request.collapse_families:
            families.update(store.family_keys(n for n, _ in ranked if n not in families))
        keys = families if request.collapse_families else {}
        ordered = _collapse(ranked, keys) if request.collapse_families else ranked
        exhausted = len(lexical) < fetch
        if len(ordered) > wanted or exhausted or request.mode == "semantic":
            break
        fetch *= 4  # families repeat: read deeper until the page is full or the matches run out
    if request.mode == "semantic":
        docs = dense[0].docs
        allowed = docs.mask(request.filters)
        total = len(docs) if allowed is None else int(allowed.sum())
    if request.rerank:
        ordered = _rerank(store, request.query, ordered, locations)
    page = ordered[request.offset : wanted]
    more = len(ordered) > wanted
    light = () if request.whole_records else ("description",)
    records = store.get_many((n for n, _ in page), without=light)
    hits: list[Hit] = []
    snippet = index.snippets(request.query)
    for number, score in page:
        patent = records.get(number)
        if patent is None:  # indexed but deleted from the store: `novum reindex` rebuilds the index
            continue
        location = locations.get(number)
        text = snippet(patent, LIGHT_SNIPPET_FIELDS if light else SNIPPET_FIELDS)
        passage = passage_text(patent, location) if location else None
        if light and (text is None or (location and passage is None)):
            patent = store.get_many([number])[number]  # the snippet or the passage is in the description
            text = text or snippet(patent, SNIPPET_FIELDS[len(LIGHT_SNIPPET_FIELDS) :])
            passage = passage_text(patent, location) if location else None
        rank = request.offset + len(hits) + 1
        hit = Hit(rank, number, score, patent, text, passage=location, passage_text=passage)
        if request.collapse_families:
            key = keys.get(number, "")
            if key and not key.startswith("n:"):
                hit.family_members = [n for n in store.family_members(key) if n != number]
        hits.append(hit)
    return SearchResult(hits, total, more)


def _order(
    mode: str, lexical: list[tuple[str, float]], semantic: list[list[tuple[str, float]]], depth: int
) -> list[tuple[str, float]]:
    """Fused head (the first ``depth`` of each ranking, by their scores), then the remaining lexical matches in BM25
    order."""
    if mode != "hybrid":
        return fuse(mode, lexical, semantic)
    head = fuse(mode, lexical[:depth], semantic)
    seen = {n for n, _ in head}
    tail_score = min((score for _, score in head), default=0.0)
    tail = [(n, tail_score * 0.999) for n, _ in lexical[depth:] if n not in seen]
    return head + tail


def _collapse(fused: list[tuple[str, float]], keys: dict[str, str]) -> list[tuple[str, float]]:
    """The best-ranked publication of each family, in rank order."""
    seen: set[str] = set()
    out: list[tuple[str, float]] = []
    for number, score in fused:
        key = keys.get(number, number)
        if key in seen:
            continue
        seen.add(key)
        out.append((number, score))
    return out


def _rerank(
    store: Store, query: str, ranked: list[tuple[str, float]], locations: dict[str, str]
) -> list[tuple[str, float]]:
    """Cross-encoder scores for the top hits, read against their best passage (else title + abstract)."""
    head, tail = ranked[:RERANK_DEPTH], ranked[RERANK_DEPTH:]
    records = store.get_many(n for n, _ in head)
    texts = []
    for number, _ in head:
        patent = records.get(number)
        location = locations.get(number)
        text = passage_text(patent, location) if patent and location else None
        if patent and not text:
            text = " ".join(filter(None, (patent.title(), patent.abstract())))
        texts.append(text or "")
    scores = load_reranker().score(query, texts) if head else []
    reranked = sorted(zip([n for n, _ in head], scores, strict=True), key=lambda pair: -pair[1])
    return reranked + tail


def passage_text(patent: Patent, location: str) -> str | None:
    """The text of a passage named by its location, as the dense index cut it."""
    return next((p.text for p in passages(patent) if p.location == location), None)
