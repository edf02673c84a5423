"""Reciprocal-rank fusion: combining ranked lists whose scores are not comparable (BM25 and cosine).

RRF (Cormack et al., 2009) scores a document by the sum over lists of 1 / (k + rank). It needs no score
calibration, and a document found by both the lexical and the semantic ranker rises above one found by either.
"""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Fuse ranked lists of ids (best first) into one ``(id, score)`` list, best first; ties keep first-seen order."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])
