"""Benchmark loaders on the real sets in ../shared/data/bench: counts pinned, ids mapped onto the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from novum.eval import datasets
from novum.eval.runner import Bm25Baseline, NovumRanker, Ranker, evaluate_rankers, parse_modes
from novum.index.lexical import LexicalIndex
from novum.store.sqlite import Store
from tests.conftest import shared


@pytest.fixture(scope="module")
def patsnap(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path]:
    shared("bench/patsnap/patsnap-corpus")
    root = datasets.bench_dir()
    store, _ = datasets.ingest_corpus(tmp_path_factory.mktemp("patsnap") / "data", [datasets.patsnap_corpus(root)])
    return store, root


def test_patsnap_citation_topics(patsnap: tuple[Store, Path]) -> None:
    store, root = patsnap
    assert store.count() == 2244
    bench = datasets.patsnap_citations(store, root)
    assert len(bench.topics) == 108 and bench.pairs == 140  # as PROVENANCE.txt states
    topic = next(t for t in bench.topics if t.id == "US4228795")
    patent = store.get("US4228795")
    assert topic.exclude == [patent.number] == ["US4228795A"]
    assert topic.before == patent.effective_date == "1977-03-08"
    assert topic.text.startswith("Apparatus for producing finely divided liquid spray Apparatus for producing")
    assert bench.qrels["US4228795"] == {"US3709433A": 1}  # judged ids are file names, mapped to stored numbers
    assert all(doc in store.get_many([doc]) for docs in bench.qrels.values() for doc in docs)
    assert bench.note.startswith("17 of 140 judged pairs")
    assert datasets.patsnap_citations(store, root, cutoff="none").topics[0].before is None


def test_patsnap_free_text_topics(patsnap: tuple[Store, Path]) -> None:
    store, root = patsnap
    bench = datasets.patsnap_free_text(store, root)
    assert [t.id for t in bench.topics] == ["q1", "q2"]
    assert bench.topics[0].text.startswith("Washers that clean laundry with bubbles. washing technologies")
    counts = {q: (sum(g > 0 for g in d.values()), sum(g == 0 for g in d.values())) for q, d in bench.qrels.items()}
    assert counts == {"q1": (23, 25), "q2": (25, 25)}


def test_baseline_and_lexical_on_patsnap(patsnap: tuple[Store, Path], tmp_path: Path) -> None:
    store, root = patsnap
    bench = datasets.patsnap_citations(store, root)
    rankers: list[Ranker] = [
        Bm25Baseline(store),
        NovumRanker(store, LexicalIndex(store.data_dir), parse_modes("lexical")[0], []),
    ]
    baseline, lexical = evaluate_rankers(rankers, bench, runs_dir=tmp_path)
    # measured 2026-11-25: baseline nDCG@10 0.323, R@100 0.642; novum lexical 0.317, 0.700 (an interval across
    # zero); since 2026-12-07 novum's long-text query scores its first hits again at k1 4.0, b 0.9 (0.362)
    assert 0.25 < baseline.measures["nDCG@10"] < 0.40
    assert lexical.measures["R@100"] > 0.6
    gain = lexical.versus(baseline)
    assert 0 < gain.low < gain.change < gain.high and gain.change > 0.05
    run_lines = (tmp_path / "patsnap.novum-lexical.run").read_text().splitlines()
    assert run_lines[0].split()[:4] == ["US4228795", "Q0", run_lines[0].split()[2], "1"]
    topics_in_run = {line.split()[0] for line in run_lines}
    assert len(topics_in_run) == 108
    for ranker in rankers:  # the cut-off and the exclusion hold for both
        topic = bench.topics[0]
        ranked = store.get_many(n for n, _ in ranker.rank(topic, 100))
        assert topic.exclude[0] not in ranked
        assert all((p.effective_date or "") < (topic.before or "") for p in ranked.values())


def test_panorama_mini_items() -> None:
    shared("bench/panorama-mini/data/benchmark/par4pc")
    items = datasets.panorama_mini(datasets.bench_dir())
    assert len(items) == 10
    assert all(len(item.candidates) == 8 and item.gold for item in items)
    assert len(datasets.panorama_records(items)) == 16
    dependent = next(i for i in items if i.id == "r00011_14704145_cl10")
    assert dependent.query.startswith("8. A computer program product") and "\n10. " in dependent.query
    assert dependent.grades()["US20140358632"] == 2


def test_pppm_validation_pairs() -> None:
    shared("bench/pppm/validation.csv")
    pairs = datasets.pppm_pairs(datasets.bench_dir())
    assert len(pairs) == 2843
    assert {p.score for p in pairs} == {0.0, 0.25, 0.5, 0.75, 1.0}
    assert pairs[0].context == "C22" and pairs[0].context_title.startswith("METALLURGY")
    assert all(p.context_title for p in pairs)


def test_claim_with_parents() -> None:
    claims = ["1. A pump.", "2. The pump of claim 1, with a valve.", "3. The pump of claim 2, wherein it is red."]
    assert datasets.claim_with_parents(claims, 3).splitlines() == claims
    assert datasets.claim_with_parents(claims, 1) == "1. A pump."


def test_read_topics_formats(tmp_path: Path) -> None:
    tsv = tmp_path / "t.tsv"
    tsv.write_text("a\tbubble washer\nb\tpump\t2001-01-01\tUS1,US2\n")
    topics = datasets.read_topics(tsv)
    assert [(t.id, t.text, t.before, t.exclude) for t in topics] == [
        ("a", "bubble washer", None, []),
        ("b", "pump", "2001-01-01", ["US1", "US2"]),
    ]
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text('{"id": "x", "text": "solar cell", "before": "2010-01-01"}\n')
    assert datasets.read_topics(jsonl)[0].before == "2010-01-01"
    trec = tmp_path / "t.trec"
    trec.write_text(
        "<top>\n<num> Number: 301\n<title> Solar cells\n<desc> Description:\nThin film.\n<narr> x\n</top>\n"
    )
    assert [(t.id, t.text) for t in datasets.read_topics(trec)] == [("301", "Solar cells Thin film.")]
    qrels = tmp_path / "q.txt"
    qrels.write_text("a 0 US1 1\na 0 US2 0\n")
    assert datasets.read_qrels(qrels) == {"a": {"US1": 1, "US2": 0}}
    qrels.write_text("a US1 1\n")
    with pytest.raises(datasets.BenchmarkError):
        datasets.read_qrels(qrels)
