"""Firms as their patents: applicant names grouped, portfolios profiled, firms ranked for a patent.

Offices spell one applicant many ways ("Microsoft Corporation", "MICROSOFT CORP."), so firms are grouped on the key
of ``novum.analytics.applicants`` (the landscape's cleaner), so a firm is the same firm on both pages.

A firm is ranked for a patent by its documents among the patent's nearest neighbours (k-NN voting: a firm's n-th
neighbour adds ``VOTE_DECAY ** (n - 1) / (VOTE_K + rank)``, at most ``VOTES_PER_FIRM`` of them), so a firm with
several close patents edges out one with a single hit at the same rank.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from novum.analytics.applicants import Aliases, clean_name, load_aliases
from novum.model import Patent
from novum.search.fusion import reciprocal_rank_fusion

if TYPE_CHECKING:
    from novum.index.firms import FirmHit

_ACADEMIC = re.compile(
    r"\b(universit\w*|college|institut\w*|academy|school of|hochschule|polytechnic|research (?:council|foundation)|"
    r"regents|trustees|fraunhofer|max[- ]planck|cnrs|inserm|csiro|leland stanford)\b|大学|学院|研究院|研究所|科学院",
    re.IGNORECASE,
)
_GOVERNMENT = re.compile(
    r"\b(united states of america|secretary of|government|ministry|department of|national aeronautics|navy|army|"
    r"air force|commissariat|agency)\b|国家|部$|局$",
    re.IGNORECASE,
)
_COMPANY = re.compile(
    r"\b(inc|incorporated|corp|corporation|co|company|ltd|limited|llc|llp|plc|gmbh|ag|kg|s\.?a|n\.?v|b\.?v|ab|oy|k\.?k|"
    r"technologies|systems|holdings|industries|group|labs?|electronics|\w*aktiebolag\w*|publ)\b\.?|公司|集团|株式会社|企业",
    re.IGNORECASE,
)
APPLICANT_TYPES = ("company", "academic", "government", "individual")
# Chosen on the tuning half of the US API firm set (bench/match_bench.py prints the grid): the best document of a
# firm decides most, its next ones add half as much each.
VOTES_PER_FIRM = 3
VOTE_K = 1
VOTE_DECAY = 0.5  # the n-th document of a firm counts VOTE_DECAY ** (n - 1) of its rank weight
# The two models of a firm are fused by reciprocal rank with this k; chosen on the US API tuning half from
# {1, 10, 60} (bench/match_bench.py).
PROFILE_K = 10


def firm_key(name: str) -> str:
    """The grouping key of an applicant name: issue 10's cleaner (case, punctuation, accents and legal forms
    removed) and the aliases shipped with it."""
    return _aliases().canonical(clean_name(name))


@cache
def _aliases() -> Aliases:
    return load_aliases()


def applicant_type(name: str, inventors: Iterable[str] = ()) -> str:
    """``academic``, ``government``, ``company`` or ``individual``, from the name's wording.

    An applicant who is also an inventor, or a name with no organisational word, is an individual.
    """
    if _ACADEMIC.search(name):
        return "academic"
    if _GOVERNMENT.search(name):
        return "government"
    if _COMPANY.search(name):
        return "company"
    if firm_key(name) in {firm_key(i) for i in inventors}:
        return "individual"
    return "individual" if len(name.split()) <= 4 and "," not in name else "company"


def owners(patent: Patent) -> list[str]:
    """Applicants and assignees, each name once, in the record's order."""
    return list(dict.fromkeys(p.name.strip() for p in (*patent.applicants, *patent.assignees) if p.name.strip()))


def owner_types(patent: Patent) -> list[str]:
    inventors = [p.name for p in patent.inventors]
    return list(dict.fromkeys(applicant_type(name, inventors) for name in owners(patent)))


def subclasses(patent: Patent) -> set[str]:
    return {s[:4] for s in (*patent.cpc, *patent.ipc) if len(s) >= 4}


@dataclass(slots=True)
class FirmMatch:
    """A firm ranked for a patent. ``relation``: ``similar`` (it patents in the same subclasses), ``complementary``
    (close in meaning, other subclasses: a firm that would use it beside its own technology) or ``unknown``
    (no classes on one side)."""

    rank: int
    firm: str
    key: str
    score: float
    relation: str
    evidence: list[str]  # its closest patents, best first
    shared_classes: list[str] = field(default_factory=list)
    applicant_type: str = "company"
    # how it was found: "neighbours" (its patents are among the closest documents), "portfolio" (its patents
    # together use the patent's words), or both
    found_by: list[str] = field(default_factory=lambda: ["neighbours"])

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "firm": self.firm, "score": round(self.score, 4), "relation": self.relation,
                "applicant_type": self.applicant_type, "closest_patents": self.evidence,
                "shared_classes": self.shared_classes, "found_by": self.found_by}  # fmt: skip


def rank_firms(
    neighbours: Sequence[tuple[str, float]],
    records: dict[str, Patent],
    target: Patent | None = None,
    limit: int = 10,
    exclude_keys: Iterable[str] = (),
    *,
    k: int = VOTE_K,
    decay: float = VOTE_DECAY,
    votes_per_firm: int = VOTES_PER_FIRM,
) -> list[FirmMatch]:
    """Firms by k-NN voting over ``neighbours`` (ranked numbers, best first); ``target``'s own owners excluded."""
    skip = set(exclude_keys)
    if target is not None:
        skip |= {firm_key(n) for n in owners(target)}
    votes: dict[str, list[float]] = defaultdict(list)
    docs: dict[str, list[str]] = defaultdict(list)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    classes: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, str] = {}
    for rank, (number, _) in enumerate(neighbours, start=1):
        patent = records.get(number)
        if patent is None:
            continue
        inventors = [p.name for p in patent.inventors]
        for name in owners(patent):
            key = firm_key(name)
            if key in skip:
                continue
            names[key][name] += 1
            kinds.setdefault(key, applicant_type(name, inventors))
            if len(votes[key]) < votes_per_firm:
                votes[key].append(decay ** len(votes[key]) / (k + rank))
                docs[key].append(number)
            classes[key] |= subclasses(patent)
    mine = subclasses(target) if target is not None else set()
    ranked = sorted(votes, key=lambda k: (-sum(votes[k]), k))[:limit]
    out: list[FirmMatch] = []
    for key in ranked:
        shared = sorted(mine & classes[key])
        relation = "unknown" if not mine or not classes[key] else ("similar" if shared else "complementary")
        display = names[key].most_common(1)[0][0]
        out.append(FirmMatch(len(out) + 1, display, key, sum(votes[key]), relation, docs[key], shared, kinds[key]))
    return out


def fuse_firms(
    voting: Sequence[FirmMatch], portfolio: Sequence[FirmHit], target: Patent | None, limit: int, k: int = PROFILE_K
) -> list[FirmMatch]:
    """The document model (k-NN ``voting``) and the profile model (``portfolio``: firms as one BM25 document each,
    ``novum.index.firms``) fused by reciprocal rank: a firm both find comes first, and a firm none of whose patents
    is a close neighbour can still be found by its portfolio as a whole."""
    fused = reciprocal_rank_fusion([[m.key for m in voting], [h.key for h in portfolio]], k)
    fused.sort(key=lambda pair: (-pair[1], pair[0]))  # equal scores (one list's rank r, the other's r) by key
    by_vote = {m.key: m for m in voting}
    by_portfolio = {h.key: h for h in portfolio}
    mine = subclasses(target) if target is not None else set()
    out: list[FirmMatch] = []
    for key, score in fused[:limit]:
        hit = by_portfolio.get(key)
        found_by = [label for label, found in (("neighbours", key in by_vote), ("portfolio", hit is not None)) if found]
        if key in by_vote:
            match = by_vote[key]
            match.rank, match.score, match.found_by = len(out) + 1, score, found_by
        else:
            assert hit is not None
            shared = sorted(mine & set(hit.classes))
            relation = "unknown" if not mine or not hit.classes else ("similar" if shared else "complementary")
            match = FirmMatch(len(out) + 1, hit.name, key, score, relation, [], shared,
                              applicant_type(hit.name), found_by)  # fmt: skip
        out.append(match)
    return out


@dataclass(slots=True)
class FirmProfile:
    """An applicant's stored portfolio summarised: names, classes, top terms, activity by year."""

    name: str
    key: str
    spellings: list[str]
    patents: int
    numbers: list[str]
    classes: list[tuple[str, int]]
    terms: list[tuple[str, float]]
    years: list[tuple[str, int]]
    applicant_type: str
    titles: list[str] = field(default_factory=list)

    def need_text(self, words: int = 25, titles: int = 5) -> str:
        """The profile as a need: its most characteristic terms and its most recent titles."""
        head = " ".join(t for t, _ in self.terms[:words])
        return ". ".join([head, *self.titles[:titles]]).strip(". ")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "key": self.key,
            "spellings": self.spellings,
            "applicant_type": self.applicant_type,
            "patents": self.patents,
            "classes": [{"class": c, "patents": n} for c, n in self.classes],
            "top_terms": [{"term": t, "weight": round(w, 3)} for t, w in self.terms],
            "activity": [{"year": y, "patents": n} for y, n in self.years],
            "recent_titles": self.titles,
            "as_need": self.need_text(),
            "numbers": self.numbers,
        }
