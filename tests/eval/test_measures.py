"""Measures on hand-made runs: PRES against hand-computed values, the ir_measures figures pinned, ties kept."""

from __future__ import annotations

import math

import pytest

from novum.eval.measures import MEASURES, evaluate, hit_at, monotone, pearson, per_topic, pres, relative_change
from novum.eval.report import change_cell
from novum.eval.runner import _ndcg, parse_modes, trigram_overlap


def test_pres_hand_computed() -> None:
    # N_max 10; relevant a, b, c; a at rank 1, b at rank 3, c not found -> placed at N_max + 3 = 13.
    # sum = 1 + 3 + 13 = 17; 17/3 - (3+1)/2 = 3.6667; PRES = 1 - 3.6667/10 = 0.63333
    assert pres(["a", "x", "b", "y"], {"a", "b", "c"}, n_max=10) == pytest.approx(0.633333, abs=1e-6)


def test_pres_bounds() -> None:
    assert pres(["a", "b", "x"], {"a", "b"}, n_max=10) == pytest.approx(1.0)  # best ranking
    assert pres(["x", "y"], {"a", "b"}, n_max=10) == pytest.approx(0.0)  # nothing found
    # every found document at the top: PRES equals recall (the upper bound Magdy & Jones give)
    assert pres(["a", "b"], {"a", "b", "c", "d"}, n_max=10) == pytest.approx(0.5)
    # found documents at the very bottom of N_max: the lower bound n R^2 / N_max
    ranked = [f"x{i}" for i in range(8)] + ["a", "b"]
    assert pres(ranked, {"a", "b", "c", "d"}, n_max=10) == pytest.approx(4 * 0.5**2 / 10)
    # a relevant document below N_max counts as not found
    assert pres(["x"] * 10 + ["a"], {"a"}, n_max=10) == pytest.approx(0.0)
    assert math.isnan(pres(["a"], set(), n_max=10))


QRELS = {"q1": {"d1": 1, "d2": 1, "d3": 0}, "q2": {"d4": 1}, "q3": {"d9": 0}}
RUN = {"q1": [("d3", 4.0), ("d1", 3.0), ("d5", 2.0), ("d2", 1.0)], "q3": [("d9", 1.0)]}


def test_measures_pinned_on_a_hand_made_run() -> None:
    rows = per_topic(QRELS, RUN)
    assert set(rows) == {"q1", "q2"}  # q3 has no relevant document: not scored
    q1 = rows["q1"]
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    assert q1["nDCG@10"] == pytest.approx(dcg / (1 + 1 / math.log2(3)))
    assert q1["R@100"] == pytest.approx(1.0)
    assert q1["MAP"] == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert q1["P@1"] == 0.0
    assert q1["PRES@100"] == pytest.approx(1 - ((2 + 4) / 2 - 1.5) / 100)
    assert rows["q2"] == dict.fromkeys(MEASURES, 0.0)  # no run entry: zero, not dropped
    means = evaluate(QRELS, RUN)
    assert means["nDCG@10"] == pytest.approx(q1["nDCG@10"] / 2) == pytest.approx(0.325460, abs=1e-6)
    assert means["MAP"] == pytest.approx(0.25)
    assert means["R@100"] == pytest.approx(0.5)
    assert means["P@1"] == 0.0
    assert means["PRES@100"] == pytest.approx(0.4925)


def test_tied_scores_keep_the_system_order() -> None:
    # trec_eval breaks ties by doc id (descending), which would put d2 first; the system ranked d1 first.
    run = {"q": [("d1", 1.0), ("d2", 1.0)]}
    assert evaluate({"q": {"d2": 1}}, run)["P@1"] == 0.0
    assert [s for _, s in monotone([("a", 1.0), ("b", 1.0), ("c", 2.0)])] == pytest.approx(
        [1.0, 1.0 - 1e-6, 1.0 - 2e-6]
    )


def test_small_helpers() -> None:
    assert pearson([1, 2, 3], [2, 4, 6.5]) == pytest.approx(4.5 / math.sqrt(2 * 10.1666667), abs=1e-6)
    assert hit_at(["a", "b", "c"], {"c"}, 3) == 1.0 and hit_at(["a", "b", "c"], {"c"}, 2) == 0.0
    assert trigram_overlap("bubble washer", "bubble washer") == 1.0
    assert 0 < trigram_overlap("bubble washer", "bubble washing") < 1
    assert _ndcg([2, 0, 1]) == pytest.approx((2 + 1 / 2) / (2 + 1 / math.log2(3)))
    specs = parse_modes("lexical, hybrid+rerank")
    assert [(s.label, s.mode, s.rerank) for s in specs] == [
        ("lexical", "lexical", False),
        ("hybrid+rerank", "hybrid", True),
    ]
    with pytest.raises(Exception, match="unknown mode"):
        parse_modes("fuzzy")


def test_relative_change_with_a_paired_bootstrap_interval() -> None:
    same = relative_change([0.2, 0.5, 0.0, 1.0], [0.2, 0.5, 0.0, 1.0])
    assert (same.change, same.low, same.high) == (0.0, 0.0, 0.0)  # identical per topic: no spread at all
    # every topic 10% better: the interval is that exactly, whichever topics are drawn
    scaled = relative_change([0.1, 0.4, 0.8], [0.11, 0.44, 0.88])
    assert (scaled.change, scaled.low, scaled.high) == pytest.approx((0.1, 0.1, 0.1))
    # one topic of five won, none lost: the mean gain is +30%, but a resample may hold no win at all
    mixed = relative_change([0.4, 0.4, 0.4, 0.4, 0.4], [1.0, 0.4, 0.4, 0.4, 0.4])
    assert mixed.change == pytest.approx(0.3) and mixed.low == pytest.approx(0.0) and 0.3 < mixed.high <= 1.5
    assert relative_change([0.3, 0.1], [0.5, 0.2]) == relative_change([0.3, 0.1], [0.5, 0.2])  # seeded
    assert math.isnan(relative_change([0.0, 0.0], [0.5, 0.2]).change)
    assert change_cell(mixed).startswith("+30.0% (95% CI +0.0% to +")
    with pytest.raises(ValueError):
        relative_change([0.1], [0.1, 0.2])
