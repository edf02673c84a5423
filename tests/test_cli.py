"""The command line end to end: ingest, search in every output format, show, stats, export round trips."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from novum.cli.app import app
from novum.index.lexical import IndexNeedsRebuildError
from novum.store.migrations import MIGRATIONS
from novum.store.sqlite import Store
from tests.helpers import DEMO, demo_lines, novum, runner, write_lines


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    source = write_lines(root / "sample.jsonl", demo_lines(300))
    out = novum("ingest", str(source), "--no-embed", "--data-dir", str(root / "data"))
    assert "new" in out and "300" in out
    return root / "data"


def test_ingest_summary_counts(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "s.jsonl", [*demo_lines(4), "{broken"])
    out = novum("ingest", str(source), "--data-dir", str(tmp_path / "d"))
    rows = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in out.splitlines() if line.count("│") == 3}
    assert rows == {"read": "5", "new": "4", "updated": "0", "unchanged": "0", "quarantined": "1",
                    "repaired (stored, with a warning)": "0", "files skipped (not patent data)": "0",
                    "embedded for semantic search": "4"}  # fmt: skip


def test_search_json_carries_the_fields(data_dir: Path) -> None:
    hits = json.loads(
        novum("search", "encrypted file access", "--data-dir", str(data_dir), "-f", "json", "--limit", "3")
    )
    assert len(hits) == 3
    first = hits[0]
    assert set(first) >= {"number", "title", "publication_date", "filing_date", "priority_date", "cpc", "ipc",
                          "applicants", "score", "snippet", "family_members"}  # fmt: skip
    assert first["score"] >= hits[1]["score"] >= hits[2]["score"]


def test_search_csv_jsonl_and_table(data_dir: Path) -> None:
    args = ["search", "wireless network", "--data-dir", str(data_dir), "--limit", "4"]
    rows = list(csv.DictReader(io.StringIO(novum(*args, "-f", "csv"))))
    lines = [json.loads(line) for line in novum(*args, "-f", "jsonl").splitlines()]
    assert [r["number"] for r in rows] == [line["number"] for line in lines]
    assert len(rows) == 4
    table = novum(*args)
    assert rows[0]["number"] in table and re.search(r"4 hits — L\d+: wireless network", table)


def test_search_before_filter_and_bad_date(data_dir: Path) -> None:
    hits = json.loads(novum("search", "network", "--before", "2010-03-01", "-f", "json", "--data-dir", str(data_dir)))
    assert hits and all(h["filing_date"] < "2010-03-01" for h in hits)
    result = runner.invoke(app, ["search", "x", "--before", "yesterday", "--data-dir", str(data_dir)])
    assert result.exit_code == 2 and "not a date" in result.output


def test_show_accepts_common_number_forms(data_dir: Path) -> None:
    number = json.loads(demo_lines(1)[0])["number"]  # "08787874"
    for spelling in (number, f"US{number}", f"US {int(number):,}", f"US{int(number)}B2"):
        record = json.loads(novum("show", spelling, "--data-dir", str(data_dir), "-f", "json"))
        assert record["number"] == f"US{int(number)}"
        assert record["provenance"]["position"] == "line 1"
    text = novum("show", number, "--data-dir", str(data_dir))
    assert "abstract" in text


def test_show_unknown_number_is_a_clear_error(data_dir: Path) -> None:
    from novum.errors import NotFoundError

    result = runner.invoke(app, ["show", "EP9999999A1", "--data-dir", str(data_dir)])
    assert isinstance(result.exception, NotFoundError)
    assert "'EP9999999A1' is not in the store" in str(result.exception)


def test_stats_json(data_dir: Path) -> None:
    stats = json.loads(novum("stats", "--data-dir", str(data_dir), "-f", "json"))
    assert stats["documents"] == 300
    assert stats["by_country"] == {"US": 300}
    assert stats["schema_version"] == len(MIGRATIONS)
    assert "by country" in novum("stats", "--data-dir", str(data_dir))


def test_data_dir_from_environment(data_dir: Path) -> None:
    stats = json.loads(novum("stats", "-f", "json", env={"NOVUM_DATA_DIR": str(data_dir)}))
    assert stats["documents"] == 300


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_round_trips(data_dir: Path, tmp_path: Path, fmt: str) -> None:
    exported = tmp_path / f"export.{fmt}"
    novum("export", "--data-dir", str(data_dir), "-f", fmt, "-o", str(exported))
    counts = novum("ingest", str(exported), "--no-embed", "--data-dir", str(tmp_path / "copy"))
    assert "300" in counts
    with Store(data_dir) as original, Store(tmp_path / "copy") as copy:
        assert [p.to_dict() for p in original.iter_patents()] == [p.to_dict() for p in copy.iter_patents()]


def test_reindex_rebuilds_from_the_store(data_dir: Path) -> None:
    before = novum("search", "encrypted file", "-f", "json", "--data-dir", str(data_dir))
    assert "indexed 300 documents" in novum("reindex", "--data-dir", str(data_dir))
    assert novum("search", "encrypted file", "-f", "json", "--data-dir", str(data_dir)) == before


def test_demo_folder_is_ingestible(tmp_path: Path) -> None:
    out = novum("ingest", str(DEMO), "--no-embed", "--data-dir", str(tmp_path / "demo"))
    with Store(tmp_path / "demo") as store:
        stats = store.stats()
    assert stats["quarantined"] == 0, stats["quarantine"]
    assert stats["documents"] == 3148 + 8 + 5169, out  # + the PatentsView NVIDIA portfolio
    assert "files skipped" in out


def test_formats_lists_every_reader() -> None:
    out = novum("formats")
    assert "jsonl" in out and "csv" in out


def test_a_lost_or_outdated_index_is_reported_by_search_and_rebuilt_by_reindex(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "d"
    novum("ingest", str(write_lines(tmp_path / "s.jsonl", demo_lines(30))), "--no-embed", "--data-dir", str(data))
    before = novum("search", "network", "-f", "json", "--data-dir", str(data))
    shutil.rmtree(data / "lexical")
    lost = runner.invoke(app, ["search", "network", "--data-dir", str(data)])
    assert isinstance(lost.exception, IndexNeedsRebuildError) and "run `novum reindex`" in str(lost.exception)
    assert not (data / "lexical").exists()  # a search never rebuilds: it names the command that does
    novum("reindex", "--data-dir", str(data))
    assert novum("search", "network", "-f", "json", "--data-dir", str(data)) == before
    (data / "lexical" / "novum-schema-version").write_text("0")  # as if written by an older novum
    old = runner.invoke(app, ["search", "network", "--data-dir", str(data)])
    assert isinstance(old.exception, IndexNeedsRebuildError) and "older layout (v0" in str(old.exception)
    assert (data / "lexical" / "novum-schema-version").read_text() == "0"
    novum("reindex", "--data-dir", str(data))
    assert novum("search", "network", "-f", "json", "--data-dir", str(data)) == before
