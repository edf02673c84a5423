"""Fusing rankings: BM25 with cosine similarity (hybrid search and matching), and ranked lists without scores.

Hybrid search combines the two rankers' scores (``score_fusion``): each list min-max normalised over what it
returned, then a weighted sum. Bruch et al. (2023, "An analysis of fusion functions for hybrid retrieval") found
such a convex combination better than reciprocal-rank fusion once its weight is chosen on a few queries, and it is
here: on the tuning half of the PatSnap citation topics it ranked the cited prior art higher at every candidate
depth tried (nDCG@10 0.359 against 0.343 for RRF at 100 candidates), and on the held-out half too (0.421 against
0.407); docs/benchmarks.md has the grid. Scores carry what ranks lose: a document far ahead in one list stays ahead.

Reciprocal-rank fusion (Cormack et al., 2009: the sum over lists of 1 / (k + rank)) stays for lists whose scores
mean nothing together, such as the rankings of a need's parts.
"""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60
# The lexical list's share of a hybrid score; the semantic lists share the rest equally. Chosen on the tuning half
# of the PatSnap citation topics from 0.2-0.5 (0.3 was best or level at 50, 100, 200 and 500 candidates).
LEXICAL_WEIGHT = 0.3

Scored = Sequence[tuple[str, float]]


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Fuse ranked lists of ids (best first) into one ``(id, score)`` list, best first; ties keep first-seen order."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def fuse(mode: str, lexical: Scored, semantic: Sequence[Scored]) -> list[tuple[str, float]]:
    """One ranking of a search's lists, as prior-art search and matching both rank: ``hybrid`` by the lists' scores,
    ``semantic`` by its one model's cosine or by reciprocal rank over several models, ``lexical`` as BM25 ranked."""
    if mode == "semantic" and len(semantic) > 1:
        return reciprocal_rank_fusion([[item for item, _ in ranked] for ranked in semantic])
    if mode == "semantic":
        return list(semantic[0])
    return score_fusion(lexical, semantic if mode == "hybrid" else [])


def score_fusion(
    lexical: Scored, semantic: Sequence[Scored], lexical_weight: float = LEXICAL_WEIGHT
) -> list[tuple[str, float]]:
    """``(id, score)`` best first: ``lexical_weight`` x the lexical score plus the rest shared by the semantic lists,
    each list's scores scaled to 0..1 over the candidates it returned (a document a list did not return gets 0
    from it). A single list keeps its own scores. Ties keep first-seen order, lexical first."""
    present = [ranked for ranked in semantic if ranked]  # a list that found nothing takes no share
    if len(present) + bool(lexical) < 2:
        return list(lexical or (present[0] if present else []))
    weighted = [(lexical_weight, lexical)] if lexical else []
    weighted += [((1.0 - lexical_weight if lexical else 1.0) / len(present), ranked) for ranked in present]
    fused: dict[str, float] = {}
    for weight, ranked in weighted:
        for item, value in _scaled(ranked):
            fused[item] = fused.get(item, 0.0) + weight * value
    return sorted(fused.items(), key=lambda pair: -pair[1])


def _scaled(ranked: Scored) -> list[tuple[str, float]]:
    """Scores mapped to 0..1 by the list's own lowest and highest (all 1 when they are equal)."""
    if not ranked:
        return []
    values = [score for _, score in ranked]
    low, high = min(values), max(values)
    span = high - low
    return [(item, (score - low) / span if span > 0 else 1.0) for item, score in ranked]
