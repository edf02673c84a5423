"""Retrieval measures: nDCG@10, Recall@100, MAP, P@1 from ir_measures (pytrec_eval), and PRES.

PRES (Magdy & Jones, SIGIR 2010) is the patent-search measure: recall weighted by how far down the list a searcher
has to read, up to ``N_max``. ir_measures does not provide it, so it is implemented here.

Means are taken over every topic with at least one relevant document, a topic the system returned nothing for
counting zero: pytrec_eval alone would silently drop such topics and flatter the system.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ir_measures
import numpy as np

from novum.eval.datasets import Qrels

# topic -> ranked (doc, score) pairs, best first
Ranking = list[tuple[str, float]]
Run = dict[str, Ranking]

PRES_DEPTH = 100
# display name -> ir_measures measure; AP is over the run's depth (100), as trec_eval computes it
_IR_MEASURES = {
    "nDCG@10": ir_measures.nDCG @ 10,
    "R@100": ir_measures.R @ 100,
    "MAP": ir_measures.AP,
    "P@1": ir_measures.P @ 1,
}
MEASURES = (*_IR_MEASURES, f"PRES@{PRES_DEPTH}")


def pres(ranked: Sequence[str], relevant: Iterable[str], n_max: int = PRES_DEPTH) -> float:
    """PRES = 1 - (sum(r_i)/n - (n+1)/2) / N_max.

    ``r_i`` are the ranks of the ``n`` relevant documents; the ones not in the top ``N_max`` are placed right after
    it, the (k+1)-th relevant at ``N_max + k + 1`` and so on (the worst case the measure is normalised against).
    Best ranking gives 1, nothing found in the top ``N_max`` gives 0, and all found at the top gives recall.
    """
    wanted = set(relevant)
    n = len(wanted)
    if n == 0:
        return math.nan
    found = [rank for rank, doc in enumerate(ranked[:n_max], start=1) if doc in wanted]
    missing = range(len(found) + 1, n + 1)
    total = sum(found) + sum(n_max + i for i in missing)
    return 1.0 - (total / n - (n + 1) / 2) / n_max


def monotone(ranking: Ranking) -> Ranking:
    """Scores nudged to be strictly decreasing, so trec_eval (which sorts by score, ties by doc id) keeps our order."""
    out: Ranking = []
    previous = math.inf
    for doc, score in ranking:
        value = score if score < previous and math.isfinite(score) else previous - 1e-6
        if not math.isfinite(value):
            value = float(len(ranking) - len(out))
        out.append((doc, value))
        previous = value
    return out


def per_topic(qrels: Qrels, run: Run) -> dict[str, dict[str, float]]:
    """Every measure for every topic that has a relevant document (zeros where the run has no entry)."""
    topics = [t for t, docs in qrels.items() if any(g > 0 for g in docs.values())]
    results = {t: dict.fromkeys(MEASURES, 0.0) for t in topics}
    scored = {t: dict(monotone(run[t])) for t in topics if run.get(t)}
    names = {str(measure): name for name, measure in _IR_MEASURES.items()}
    if scored:
        judged = {t: qrels[t] for t in scored}
        for metric in ir_measures.iter_calc(list(_IR_MEASURES.values()), judged, scored):
            results[metric.query_id][names[str(metric.measure)]] = float(metric.value)
    for topic in topics:
        ranked = [doc for doc, _ in run.get(topic, [])]
        relevant = [d for d, g in qrels[topic].items() if g > 0]
        results[topic][MEASURES[-1]] = pres(ranked, relevant)
    return results


def means(table: dict[str, dict[str, float]]) -> dict[str, float]:
    """Mean of every measure over the topics of a ``per_topic`` table."""
    if not table:
        return dict.fromkeys(MEASURES, math.nan)
    return {name: float(np.mean([row[name] for row in table.values()])) for name in MEASURES}


def evaluate(qrels: Qrels, run: Run) -> dict[str, float]:
    """Mean of every measure over the judged topics."""
    return means(per_topic(qrels, run))


@dataclass(frozen=True, slots=True)
class RelativeChange:
    """A system's mean over a baseline's, minus one, with a paired-bootstrap confidence interval."""

    change: float
    low: float
    high: float
    level: float


def relative_change(
    baseline: Sequence[float], system: Sequence[float], samples: int = 10_000, level: float = 0.95, seed: int = 0
) -> RelativeChange:
    """How much better the system's mean is, and how sure that is on this many topics.

    Topics are resampled with replacement, the same topics for both systems (paired), and the interval is the
    percentile interval of mean(system) / mean(baseline) - 1 over the resamples. A hundred topics give intervals
    of about +-15 points, which is what a "+20%" on such a set should be read with.
    """
    base = np.asarray(baseline, dtype=np.float64)
    mine = np.asarray(system, dtype=np.float64)
    if base.shape != mine.shape or base.size == 0:
        raise ValueError("relative_change needs two equally long, non-empty per-topic lists")
    if base.mean() == 0:
        return RelativeChange(math.nan, math.nan, math.nan, level)
    picks = np.random.default_rng(seed).integers(0, base.size, size=(samples, base.size))
    base_means = base[picks].mean(axis=1)
    ratios = np.divide(mine[picks].mean(axis=1), base_means, out=np.full(samples, np.nan), where=base_means > 0)
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(ratios - 1, [tail, 100 - tail])
    return RelativeChange(float(mine.mean() / base.mean() - 1), float(low), float(high), level)


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("pearson needs two sequences of equal length, at least 2")
    return float(np.corrcoef(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))[0, 1])


def hit_at(ranked: Sequence[str], wanted: Iterable[str], k: int) -> float:
    """1 when one of ``wanted`` is in the top ``k``."""
    chosen = set(wanted)
    return 1.0 if any(doc in chosen for doc in ranked[:k]) else 0.0
