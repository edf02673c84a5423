"""Prior-art search: lexical, semantic or hybrid candidates, filtered in the engines, fused, optionally reranked,
collapsed to one hit per family, each with a snippet and its best passage.

Family collapse matters because offices publish the same invention many times (A1, B1, national phases); an
examiner wants ten different inventions on the first page, not one invention ten times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from novum.index.dense import DenseIndex
from novum.index.embed import load_reranker
from novum.index.lexical import Filters, LexicalIndex
from novum.index.passages import passages
from novum.model import Patent
from novum.search.fusion import reciprocal_rank_fusion
from novum.store.sqlite import Store

MODES = ("lexical", "semantic", "hybrid")
CANDIDATES = 100  # per ranker, before fusion and family collapse
RERANK_DEPTH = 30  # the cross-encoder reads this many fused hits


@dataclass(slots=True)
class SearchRequest:
    query: str
    filters: Filters = field(default_factory=Filters)
    limit: int = 10
    collapse_families: bool = True
    mode: str = "lexical"
    rerank: bool = False
    query_is_document: bool = False  # a whole patent's text (``novum similar``), embedded as a passage


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
            "applicants": list(dict.fromkeys(party.name for party in (*p.applicants, *p.assignees))),
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "passage": self.passage,
            "family_members": self.family_members,
        }


def search(
    store: Store, index: LexicalIndex, request: SearchRequest, dense: list[DenseIndex] | None = None
) -> list[Hit]:
    """Run one search. ``dense`` are the semantic indexes to use (required for the semantic and hybrid modes)."""
    if request.mode not in MODES:
        raise ValueError(f"unknown search mode {request.mode!r}; choose one of {', '.join(MODES)}")
    dense = dense or []
    if request.mode != "lexical" and not dense:
        raise ValueError(f"{request.mode} search needs embeddings: run `novum embed` (or ingest without --no-embed)")
    depth = max(CANDIDATES, request.limit * 5)
    rankings: list[list[str]] = []
    scores: dict[str, float] = {}
    locations: dict[str, str] = {}
    if request.mode in ("lexical", "hybrid"):
        lexical = index.search(request.query, request.filters, limit=depth)
        rankings.append([h.number for h in lexical])
        scores.update((h.number, h.score) for h in lexical)
    if request.mode in ("semantic", "hybrid"):
        for semantic in dense:
            vector = (
                semantic.embedder.embed_passages([request.query])
                if request.query_is_document
                else semantic.embedder.embed_queries([request.query])
            )
            found = semantic.search_vector(vector, request.filters, depth)
            rankings.append([h.number for h in found])
            for h in found:
                locations.setdefault(h.number, h.location)
                if request.mode == "semantic":
                    scores[h.number] = max(scores.get(h.number, -1.0), h.score)
    if len(rankings) > 1:
        fused = reciprocal_rank_fusion(rankings)
    else:
        fused = [(n, scores[n]) for n in rankings[0]] if rankings else []
    keys = store.family_keys(n for n, _ in fused) if request.collapse_families else {}
    ranked = _collapse(fused, keys) if request.collapse_families else fused
    if request.rerank:
        ranked = _rerank(store, request.query, ranked, locations)
    ranked = ranked[: request.limit]
    records = store.get_many(n for n, _ in ranked)
    hits: list[Hit] = []
    for number, score in ranked:
        patent = records.get(number)
        if patent is None:  # indexed but deleted from the store: `novum reindex` rebuilds the index
            continue
        location = locations.get(number)
        hit = Hit(len(hits) + 1, number, score, patent, index.snippet(request.query, patent), passage=location)
        hit.passage_text = passage_text(patent, location) if location else None
        if request.collapse_families:
            key = keys.get(number, "")
            if key and not key.startswith("n:"):
                hit.family_members = [n for n in store.family_members(key) if n != number]
        hits.append(hit)
    return hits


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
