"""Why a patent matches a need: for each part of the need, the passage (claim, paragraph, abstract) that answers it.

Two readings, combined: the share of the part's content words (IDF-weighted, stemmed as the index stems them)
that the passage contains, which the highlight shows; and, where the store has passage vectors, the cosine of the
part's embedding with the passage's stored vector, which carries a Chinese need to an English claim and a
paraphrase to its wording. Stored vectors are reused: explaining ten hits embeds only the need's parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from novum.claims.passages import Passage, passages
from novum.claims.scoring import LexicalScorer, SemanticScorer, matched_spans
from novum.match.text import focus
from novum.model import Patent
from novum.normalize.text import has_cjk

ANSWERED = 0.3  # a part counts as answered when its best passage scores at least this (scores are in [0, 1])
EXCERPT_CHARS = 260
LEXICAL_WEIGHT = 0.4  # same-language parts: 0.4 words + 0.6 meaning; across languages only meaning can speak


@dataclass(slots=True)
class Evidence:
    """The passage that best answers one part of the need; ``excerpt`` marks the shared words in ``**bold**``."""

    part: str
    passage: str  # "claim 1", "[0012]", "abstract"
    excerpt: str
    score: float
    lexical: float
    semantic: float | None

    @property
    def answered(self) -> bool:
        return self.score >= ANSWERED

    def to_dict(self) -> dict[str, Any]:
        return {"part": self.part, "passage": self.passage, "excerpt": self.excerpt, "score": round(self.score, 3),
                "lexical": round(self.lexical, 3),
                "semantic": None if self.semantic is None else round(self.semantic, 3),
                "answered": self.answered}  # fmt: skip


@dataclass(slots=True)
class Explanation:
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(e.answered for e in self.evidence)

    @property
    def coverage(self) -> float:
        """Share of the need's parts that some passage answers."""
        return self.answered / len(self.evidence) if self.evidence else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"answered": self.answered, "parts": len(self.evidence), "coverage": round(self.coverage, 3),
                "evidence": [e.to_dict() for e in self.evidence]}  # fmt: skip


@dataclass(slots=True)
class PassageVectors:
    """A document's stored passage vectors (keyed by the claims module's passage labels) and the model's name."""

    model: str
    by_ref: dict[str, npt.NDArray[np.float32]]


def explain(
    parts: Sequence[str],
    patent: Patent,
    part_vectors: npt.NDArray[np.float32] | None = None,
    stored: PassageVectors | None = None,
) -> Explanation:
    """The best passage of ``patent`` for every part of a need."""
    items = [p for p in passages(patent) if p.kind != "title"] or passages(patent)
    if not items or not parts:
        return Explanation()
    focused = [focus(p) for p in parts]
    lexical = LexicalScorer().fit(items).coverage(focused, items)
    semantic: npt.NDArray[np.float64] | None = None
    if part_vectors is not None and stored is not None and stored.by_ref:
        low, high = SemanticScorer.CALIBRATION.get(stored.model, (0.5, 0.9))
        semantic = np.full((len(parts), len(items)), np.nan)
        for j, item in enumerate(items):
            vector = stored.by_ref.get(item.ref)
            if vector is not None:
                cosine = part_vectors.astype(np.float64) @ vector.astype(np.float64)
                semantic[:, j] = np.clip((cosine - low) / (high - low), 0.0, 1.0)
    out = Explanation()
    for i, part in enumerate(parts):
        combined = lexical[i].copy()
        if semantic is not None:
            known = ~np.isnan(semantic[i])
            same = np.array([has_cjk(part) == has_cjk(item.text) for item in items])
            mixed = LEXICAL_WEIGHT * lexical[i] + (1 - LEXICAL_WEIGHT) * np.nan_to_num(semantic[i])
            combined = np.where(known, np.where(same, mixed, np.nan_to_num(semantic[i])), lexical[i])
        j = int(np.argmax(combined))
        sem = None if semantic is None or np.isnan(semantic[i, j]) else float(semantic[i, j])
        out.evidence.append(
            Evidence(part, items[j].ref, excerpt(focused[i], items[j]), float(combined[j]), float(lexical[i, j]), sem)
        )
    return out


def excerpt(part: str, passage: Passage, width: int = EXCERPT_CHARS) -> str:
    """A window of the passage around its first words shared with the part, those words in ``**bold**``."""
    text = passage.text
    spans = matched_spans(part, text)
    if not spans:
        return text[:width] + ("…" if len(text) > width else "")
    start = max(0, spans[0][0] - width // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + width)
    out: list[str] = ["…" if start else ""]
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.extend((text[cursor:s], "**", text[s:e], "**"))
        cursor = e
    out.append(text[cursor:end])
    out.append("…" if end < len(text) else "")
    return "".join(out)


def dense_ref(location: str) -> str:
    """A dense-index passage location as the claims module labels it (``paragraph 4`` is ``¶4`` there)."""
    if location.startswith("abstract"):
        return "abstract"
    if location.startswith("paragraph "):
        return "¶" + location.split(" ", 1)[1]
    return location
