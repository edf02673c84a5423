"""``novum eval --topics --qrels`` end to end on a small real store built from the demo patents."""

from __future__ import annotations

import json
from pathlib import Path

import ir_measures
import pytest
from typer.testing import CliRunner

from novum.cli.app import app
from novum.errors import NovumError
from novum.store.sqlite import Store
from tests.helpers import demo_lines, ingest_paths, write_lines

runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("eval-cli")
    counts, _ = ingest_paths(root / "data", write_lines(root / "sample.jsonl", demo_lines(300)))
    assert counts.new == 300
    return root / "data"


def test_eval_topics_and_qrels(data_dir: Path, tmp_path: Path) -> None:
    lines = [json.loads(line) for line in demo_lines(3, 10)]  # known-item topics: each record's own title
    topics = write_lines(tmp_path / "topics.tsv", [f"t{i}\t{r['title']}" for i, r in enumerate(lines)])
    # judged ids as a user would type them (zero-padded, no kind code); eval maps them onto the store's numbers
    qrels = write_lines(tmp_path / "qrels.txt", [f"t{i} 0 {r['number']} 1" for i, r in enumerate(lines)])
    runs = tmp_path / "runs"
    args = ["eval", "--topics", str(topics), "--qrels", str(qrels), "--modes", "lexical", "--runs-dir", str(runs)]
    result = runner.invoke(app, [*args, "--data-dir", str(data_dir), "-f", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    table = json.loads(result.stdout)
    assert table["title"] == "topics: 3 topics"
    (row,) = table["rows"]
    assert row["system"] == "novum lexical"
    assert set(row) == {"system", "nDCG@10", "R@100", "MAP", "P@1", "PRES@100", "seconds"}
    assert row["R@100"] == 1.0 and row["P@1"] == 1.0  # a patent's exact title finds it first

    run_file = runs / "topics.novum-lexical.run"
    first = run_file.read_text().splitlines()[0].split()
    with Store(data_dir) as store:
        assert first[:4] == ["t0", "Q0", store.resolve(lines[0]["number"]), "1"]
    # the written run + qrels give the same figures through ir_measures directly
    measures = [ir_measures.nDCG @ 10, ir_measures.AP, ir_measures.R @ 100]
    direct = ir_measures.calc_aggregate(
        measures,
        ir_measures.read_trec_qrels(str(runs / "topics.qrels")),  # type: ignore[no-untyped-call]
        ir_measures.read_trec_run(str(run_file)),  # type: ignore[no-untyped-call]
    )
    assert direct[ir_measures.nDCG @ 10] == pytest.approx(row["nDCG@10"])
    assert direct[ir_measures.AP] == pytest.approx(row["MAP"])

    with_baseline = runner.invoke(app, [*args, "--baseline", "--data-dir", str(data_dir), "-f", "json"])
    assert with_baseline.exit_code == 0, with_baseline.output
    base_row, novum_row = json.loads(with_baseline.stdout)["rows"]
    assert base_row["system"] == "BM25 baseline (bm25s)" and base_row["nDCG@10 vs baseline"] == "–"
    assert novum_row["nDCG@10 vs baseline"].endswith("%)") and "(95% CI " in novum_row["nDCG@10 vs baseline"]


def test_eval_needs_both_files(data_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--topics", str(tmp_path / "t.tsv"), "--data-dir", str(data_dir)])
    assert result.exit_code != 0
    result = runner.invoke(app, ["eval", "nonsense", "--data-dir", str(data_dir)])
    assert result.exit_code != 0 and "choose one of" in result.output


def test_semantic_modes_need_embeddings(data_dir: Path, tmp_path: Path) -> None:
    topics = write_lines(tmp_path / "t.tsv", ["t1\tbubble washer"])
    qrels = write_lines(tmp_path / "q.txt", ["t1 0 US1 1"])
    args = ["eval", "--topics", str(topics), "--qrels", str(qrels), "--modes", "lexical,hybrid"]
    result = runner.invoke(app, [*args, "--data-dir", str(data_dir)])
    assert isinstance(result.exception, NovumError) and "novum embed" in str(result.exception)
