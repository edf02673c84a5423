"""The claim chart: for each element of a claim, the best passages of each reference, and a coverage verdict.

Verdict rule (documented in the README): an element is *found* in a reference when its best passage scores at
least ``threshold`` (default 0.5). With the lexical scorer that means one passage holds at least half of the
element's terms, IDF-weighted; with the hybrid scorer, the mix of that and the rescaled embedding similarity.
A reference *covers* the claim when every element is found. The preamble is charted but, as in US practice where
it is usually not limiting, does not count towards the verdict. Two-reference combinations list the pairs that
cover the most elements between them (what an examiner combines for an obviousness rejection).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from novum.claims import ClaimNotFoundError
from novum.claims.passages import Passage, passages
from novum.claims.scoring import LexicalScorer, PassageScorer, matched_spans, terms
from novum.claims.segment import SegmentedClaim, segment_claim
from novum.claims.tree import claim_language, claim_set, lineage, parse_claims_text
from novum.model import Claim, Patent

DEFAULT_THRESHOLD = 0.5
_QUOTE_CHARS = 420  # how much of a long passage is quoted around its matching words


@dataclass(slots=True)
class ChartRow:
    """One line of the chart: an element (or the preamble) of the claim or of a claim it depends on."""

    id: str
    claim: int
    kind: str  # "preamble", "element", "wherein", "characterizing"
    text: str
    counts: bool = True  # False for the preamble: charted, but not part of the verdict

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "claim": self.claim, "kind": self.kind, "text": self.text, "counts": self.counts}


@dataclass(slots=True)
class ClaimSource:
    """The claim being charted, with the claim set it belongs to (for its dependencies) and where it came from."""

    label: str
    claims: list[Claim]
    number: int
    patent: Patent | None = None

    @property
    def claim(self) -> Claim:
        return next(c for c in self.claims if c.number == self.number)

    @property
    def lang(self) -> str:
        return self.claim.lang or "en"

    @property
    def priority_date(self) -> str | None:
        return self.patent.effective_date if self.patent else None

    def segmented(self) -> list[SegmentedClaim]:
        """The claim and its ancestors, root first, each segmented."""
        chain = lineage(self.claims, self.number)
        return [segment_claim(c.text, c.number, c.lang, c.depends_on) for c in chain]

    def rows(self) -> list[ChartRow]:
        """Preamble of the root claim, then every element along the dependency chain; rows without content words
        (a bare "其中" introducing a list) are left out because nothing can be mapped to them."""
        out: list[ChartRow] = []
        for position, seg in enumerate(self.segmented()):
            if position == 0 and seg.preamble.text and terms(seg.preamble.text):
                out.append(ChartRow(f"{seg.number}pre", seg.number, "preamble", seg.preamble.text, counts=False))
            for element in seg.flat():
                if terms(element.text):
                    out.append(ChartRow(element.id, seg.number, element.kind, element.text))
        return out


def source_from_patent(patent: Patent, number: int | None = None, lang: str | None = None) -> ClaimSource:
    """A stored publication's claim (default: its first independent claim) in one language's claim set."""
    claims = claim_set(patent, lang or claim_language(patent))
    if not claims:
        raise ClaimNotFoundError(f"{patent.number} has no claims in the store")
    if number is None:
        number = next((c.number for c in claims if c.independent), claims[0].number)
    lineage(claims, number)  # raises a clear error for a missing number
    return ClaimSource(f"{patent.number} claim {number}", claims, number, patent)


def source_from_text(text: str, number: int | None = None, label: str = "claim text") -> ClaimSource:
    """Pasted claims; ``number`` defaults to the first claim."""
    claims = parse_claims_text(text)
    number = number if number is not None else claims[0].number
    lineage(claims, number)
    return ClaimSource(f"{label}, claim {number}", claims, number, None)


@dataclass(slots=True)
class Evidence:
    """A passage offered for an element: its label, a quote with the matching words marked, and the score."""

    ref: str
    kind: str
    score: float
    quote: str
    marks: list[tuple[int, int]]  # offsets of matching words within ``quote``
    heading: str | None = None

    def segments(self) -> Iterator[tuple[str, bool]]:
        """The quote cut at its marks, in order: ``(text, True)`` for a matching word, ``(text, False)`` between.

        Every export marks the words its own way (HTML ``<mark>``, PDF markup, Word runs, ``**bold**``) from this.
        """
        cursor = 0
        for start, end in self.marks:
            yield self.quote[cursor:start], False
            yield self.quote[start:end], True
            cursor = end
        yield self.quote[cursor:], False

    @property
    def highlighted(self) -> str:
        """The quote with matching words in ``**bold**`` (as search snippets are)."""
        return "".join(f"**{text}**" if mark else text for text, mark in self.segments())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"passage": self.ref, "kind": self.kind, "score": round(self.score, 4),
                               "quote": self.highlighted}  # fmt: skip
        if self.heading:
            out["heading"] = self.heading
        return out


@dataclass(slots=True)
class ElementMapping:
    row: ChartRow
    evidence: list[Evidence]
    best: float
    found: bool

    def to_dict(self) -> dict[str, Any]:
        return {**self.row.to_dict(), "best_score": round(self.best, 4), "found": self.found,
                "evidence": [e.to_dict() for e in self.evidence]}  # fmt: skip


@dataclass(slots=True)
class ReferenceChart:
    """One reference against every row of the claim."""

    number: str
    title: str | None
    priority_date: str | None
    filing_date: str | None
    publication_date: str | None
    mappings: list[ElementMapping]

    @property
    def counted(self) -> list[ElementMapping]:
        return [m for m in self.mappings if m.row.counts]

    @property
    def found(self) -> list[str]:
        return [m.row.id for m in self.counted if m.found]

    @property
    def missing(self) -> list[str]:
        return [m.row.id for m in self.counted if not m.found]

    @property
    def coverage(self) -> float:
        """Share of the counted elements found."""
        return len(self.found) / len(self.counted) if self.counted else 0.0

    @property
    def score(self) -> float:
        """Mean best-passage score over the counted elements: ranks references that cover equally many."""
        return float(np.mean([m.best for m in self.counted])) if self.counted else 0.0

    @property
    def verdict(self) -> str:
        if not self.counted:
            return "no elements to map"
        if not self.missing:
            return f"all {len(self.counted)} elements found"
        return f"{len(self.found)}/{len(self.counted)} elements found; missing {', '.join(self.missing)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "priority_date": self.priority_date,
            "filing_date": self.filing_date,
            "publication_date": self.publication_date,
            "coverage": round(self.coverage, 4),
            "score": round(self.score, 4),
            "verdict": self.verdict,
            "found": self.found,
            "missing": self.missing,
            "elements": [m.to_dict() for m in self.mappings],
        }


@dataclass(slots=True)
class Combination:
    """Two references together: which elements each supplies and which neither discloses."""

    first: str
    second: str
    covered: list[str]
    missing: list[str]
    sources: dict[str, str]  # element id -> the reference whose passage scores best for it
    score: float

    @property
    def complete(self) -> bool:
        return not self.missing

    def to_dict(self) -> dict[str, Any]:
        return {"references": [self.first, self.second], "complete": self.complete, "covered": self.covered,
                "missing": self.missing, "sources": self.sources, "score": round(self.score, 4)}  # fmt: skip


@dataclass(slots=True)
class ClaimChart:
    source_label: str
    rows: list[ChartRow]
    references: list[ReferenceChart]
    combinations: list[Combination]
    scorer: str
    scorer_version: str
    threshold: float
    top_k: int
    claim_text: str = ""
    segmented: list[SegmentedClaim] = field(default_factory=list)

    def ranked(self) -> list[ReferenceChart]:
        """References by their element-coverage score (mean best-passage score over the elements), then by the
        share of elements found. The soft score ranks better than the count on PANORAMA-mini (docs/benchmarks.md):
        across documents few elements pass the threshold, so counts tie."""
        return sorted(self.references, key=lambda r: (-r.score, -r.coverage))

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.source_label,
            "claim_text": self.claim_text,
            "scorer": {"name": self.scorer, "version": self.scorer_version},
            "threshold": self.threshold,
            "rows": [r.to_dict() for r in self.rows],
            "references": [r.to_dict() for r in self.references],
            "combinations": [c.to_dict() for c in self.combinations],
        }


def chart_claim(
    source: ClaimSource,
    references: Sequence[Patent],
    scorer: PassageScorer | None = None,
    top_k: int = 3,
    threshold: float = DEFAULT_THRESHOLD,
) -> ClaimChart:
    """Map every row of the claim to the best ``top_k`` passages of each reference."""
    rows = source.rows()
    per_reference = [passages(ref, source.lang) for ref in references]
    if scorer is None:
        scorer = LexicalScorer().fit(p for group in per_reference for p in group)
    charts = [
        _chart_reference(ref, group, rows, scorer, top_k, threshold)
        for ref, group in zip(references, per_reference, strict=True)
    ]
    return ClaimChart(
        source.label,
        rows,
        charts,
        combinations(charts),
        scorer.name,
        scorer.version,
        threshold,
        top_k,
        source.claim.text,
        source.segmented(),
    )


def _chart_reference(
    ref: Patent, group: list[Passage], rows: list[ChartRow], scorer: PassageScorer, top_k: int, threshold: float
) -> ReferenceChart:
    matrix = scorer.score([r.text for r in rows], group) if group else np.zeros((len(rows), 0))
    mappings: list[ElementMapping] = []
    for i, row in enumerate(rows):
        order: list[int] = [int(j) for j in np.argsort(-matrix[i], kind="stable")[:top_k]] if group else []
        evidence = [_evidence(row.text, group[j], float(matrix[i, j])) for j in order if float(matrix[i, j]) > 0.0]
        best = float(matrix[i].max()) if group else 0.0
        mappings.append(ElementMapping(row, evidence, best, best >= threshold))
    return ReferenceChart(
        ref.number, ref.title(), ref.earliest_priority(), ref.filing_date, ref.publication_date, mappings
    )


def _evidence(element: str, passage: Passage, score: float) -> Evidence:
    spans = matched_spans(element, passage.text)
    text = passage.text
    start, end = 0, len(text)
    if len(text) > _QUOTE_CHARS:
        start, end = _window(spans, len(text))
    quote = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    shift = (1 if start else 0) - start
    marks = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return Evidence(passage.ref, passage.kind, score, quote, marks, passage.heading)


def _window(spans: list[tuple[int, int]], length: int) -> tuple[int, int]:
    """The ``_QUOTE_CHARS`` window holding the most matching words."""
    if not spans:
        return 0, _QUOTE_CHARS
    best_start, best_count = 0, -1
    for s, _ in spans:
        begin = max(0, min(s - 40, length - _QUOTE_CHARS))
        count = sum(1 for a, b in spans if a >= begin and b <= begin + _QUOTE_CHARS)
        if count > best_count:
            best_start, best_count = begin, count
    return best_start, min(length, best_start + _QUOTE_CHARS)


def combinations(charts: Sequence[ReferenceChart], limit: int = 10) -> list[Combination]:
    """Pairs of references ranked by the elements they cover together (complete pairs first)."""
    out: list[Combination] = []
    for a, b in itertools.combinations(charts, 2):
        covered: list[str] = []
        missing: list[str] = []
        sources: dict[str, str] = {}
        bests: list[float] = []
        for ma, mb in zip(a.counted, b.counted, strict=True):
            winner = a if ma.best >= mb.best else b
            sources[ma.row.id] = winner.number
            bests.append(max(ma.best, mb.best))
            (covered if ma.found or mb.found else missing).append(ma.row.id)
        out.append(Combination(a.number, b.number, covered, missing, sources, float(np.mean(bests)) if bests else 0.0))
    out.sort(key=lambda c: (len(c.missing), -c.score))
    return out[:limit]
