"""Prior-art search: BM25 hits, filtered in the engine, collapsed to one hit per family, with a snippet each.

Family collapse matters because offices publish the same invention many times (A1, B1, national phases); an
examiner wants ten different inventions on the first page, not one invention ten times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from novum.index.lexical import Filters, LexicalIndex
from novum.model import Patent
from novum.store.sqlite import Store

# How many raw hits to fetch per requested family, so collapsing still fills the page.
_OVERFETCH = 5


@dataclass(slots=True)
class SearchRequest:
    query: str
    filters: Filters = field(default_factory=Filters)
    limit: int = 10
    collapse_families: bool = True


@dataclass(slots=True)
class Hit:
    """One result: the representative publication of a family, with its score and best-matching snippet."""

    rank: int
    number: str
    score: float
    patent: Patent
    snippet: str | None = None
    family_members: list[str] = field(default_factory=list)

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
            "family_members": self.family_members,
        }


def search(store: Store, index: LexicalIndex, request: SearchRequest) -> list[Hit]:
    fetch = request.limit * _OVERFETCH if request.collapse_families else request.limit
    raw_hits = index.search(request.query, request.filters, limit=max(fetch, request.limit))
    chosen = []
    seen_families: set[str] = set()
    for hit in raw_hits:
        if request.collapse_families:
            if hit.family in seen_families:
                continue
            seen_families.add(hit.family)
        chosen.append(hit)
        if len(chosen) == request.limit:
            break
    records = store.get_many(h.number for h in chosen)
    hits: list[Hit] = []
    for rank, hit in enumerate(chosen, start=1):
        patent = records.get(hit.number)
        if patent is None:  # indexed but deleted from the store: the index is rebuilt by `novum reindex`
            continue
        members: list[str] = []
        if request.collapse_families and not hit.family.startswith("n:"):
            members = [n for n in store.family_members(hit.family) if n != hit.number]
        hits.append(Hit(rank, hit.number, hit.score, patent, index.snippet(request.query, patent), members))
    return hits
