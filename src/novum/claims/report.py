"""The novelty report: the claim, how the references were found (so the result can be reproduced), the references
with their dates and why they matter, and the claim chart.

Reproducibility is the point of the strategy block: the exact queries and filters run, the priority-date cut-off,
a snapshot of the corpus (document count and a hash over every stored record's content hash) and the versions of
the scorer and models. The same store and the same strategy give the same report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from novum.claims.chart import ChartRow, ClaimChart, ClaimSource, ReferenceChart
from novum.index.lexical import Filters, LexicalIndex
from novum.model import Patent
from novum.search.prior_art import SearchRequest, search
from novum.store.sqlite import Store, family_key


@dataclass(slots=True)
class Strategy:
    queries: list[str] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)
    cutoff: str | None = None
    corpus: dict[str, Any] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    created: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"queries": self.queries, "filters": self.filters, "cutoff": self.cutoff, "corpus": self.corpus,
                "models": self.models, "created": self.created}  # fmt: skip


@dataclass(slots=True)
class ReferenceSummary:
    """A reference as the report lists it: dates, how it was found, and why it matters for this claim."""

    rank: int
    number: str
    title: str | None
    priority_date: str | None
    filing_date: str | None
    publication_date: str | None
    why: str
    search_score: float | None = None
    verdict: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "number": self.number, "title": self.title, "priority_date": self.priority_date,
                "filing_date": self.filing_date, "publication_date": self.publication_date, "verdict": self.verdict,
                "why": self.why, "search_score": self.search_score}  # fmt: skip


@dataclass(slots=True)
class NoveltyReport:
    query: str
    claim_text: str
    strategy: Strategy
    references: list[ReferenceSummary]
    chart: ClaimChart

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "claim_text": self.claim_text,
            "strategy": self.strategy.to_dict(),
            "references": [r.to_dict() for r in self.references],
            "chart": self.chart.to_dict(),
        }


def corpus_snapshot(store: Store) -> dict[str, Any]:
    """Document count and a SHA-256 over every (number, content hash) pair: equal snapshots, equal corpus."""
    digest = hashlib.sha256()
    count = 0
    for number, content in store.content_hashes():
        digest.update(f"{number}:{content}\n".encode())
        count += 1
    return {"documents": count, "hash": digest.hexdigest()[:16]}


def claim_query(rows: list[ChartRow], max_words: int = 200) -> str:
    """The search query for a claim: its preamble and elements, words only, capped so the query stays fast."""
    words = " ".join(r.text for r in rows).split()
    return " ".join(words[:max_words])


def find_references(
    store: Store, index: LexicalIndex, source: ClaimSource, top: int, filters: Filters | None = None
) -> tuple[list[Patent], list[float], Strategy]:
    """Prior-art search for the claim with its priority date as the cut-off, the claim's own family excluded."""
    filters = filters or Filters()
    cutoff = filters.before or source.priority_date
    excluded = list(filters.exclude)
    if source.patent is not None:
        key = family_key(source.patent)
        excluded.extend({source.patent.number, *source.patent.family_members, *store.family_members(key)})
    used = dataclasses.replace(filters, before=cutoff, exclude=sorted(set(excluded)))
    query = claim_query(source.rows())
    hits = search(store, index, SearchRequest(query, used, limit=top))
    strategy = Strategy(
        queries=[query],
        filters={k: v for k, v in _filters_dict(used).items() if v},
        cutoff=cutoff,
    )
    return [h.patent for h in hits], [h.score for h in hits], strategy


def _filters_dict(filters: Filters) -> dict[str, Any]:
    names = ("before", "published_before", "cpc", "ipc", "country", "kind", "exclude")
    return {name: getattr(filters, name) for name in names}


def build_report(
    source: ClaimSource,
    chart: ClaimChart,
    strategy: Strategy | None = None,
    store: Store | None = None,
    search_scores: dict[str, float] | None = None,
    models: dict[str, str] | None = None,
) -> NoveltyReport:
    """Assemble the report; references are listed in the chart's ranking, each with a reason in words."""
    strategy = strategy or Strategy()
    if store is not None:
        strategy.corpus = corpus_snapshot(store)
    strategy.models = {"novum": _novum_version(), "scorer": f"{chart.scorer} ({chart.scorer_version})",
                       "threshold": str(chart.threshold), **(models or {})}  # fmt: skip
    strategy.created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    scores = search_scores or {}
    summaries = [
        ReferenceSummary(
            rank,
            ref.number,
            ref.title,
            ref.priority_date,
            ref.filing_date,
            ref.publication_date,
            why_it_matters(ref, source.priority_date),
            round(scores[ref.number], 4) if ref.number in scores else None,
            ref.verdict,
        )
        for rank, ref in enumerate(chart.ranked(), start=1)
    ]
    return NoveltyReport(source.label, source.claim.text, strategy, summaries, chart)


def why_it_matters(ref: ReferenceChart, cutoff: str | None) -> str:
    """One sentence an attorney can check: what the reference discloses, where, and whether it predates the claim."""
    parts: list[str] = []
    if not ref.counted:
        return "no elements to compare"
    if not ref.missing:
        parts.append(f"discloses all {len(ref.counted)} elements (a novelty candidate)")
    elif ref.found:
        parts.append(f"discloses {len(ref.found)} of {len(ref.counted)} elements ({', '.join(ref.found)})")
    else:
        parts.append(f"no element reaches the threshold; closest match {ref.score:.2f}")
    strongest = sorted((m for m in ref.counted if m.evidence), key=lambda m: -m.best)[:2]
    if strongest:
        where = "; ".join(f"{m.row.id} at {m.evidence[0].ref} ({m.best:.2f})" for m in strongest)
        parts.append(f"strongest: {where}")
    date = ref.priority_date or ref.filing_date or ref.publication_date
    if cutoff and date:
        parts.append(f"effective date {date} {'before' if date < cutoff else 'not before'} the claim's {cutoff}")
    return "; ".join(parts)


def _novum_version() -> str:
    try:
        return version("novum")
    except PackageNotFoundError:
        return "unknown"
