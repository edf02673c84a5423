"""`novum spark ingest`: real office files parsed on a Spark standalone cluster (master + 2-core worker on loopback,
started by the session fixture) and written to PostgreSQL from the executors, against the single-process ingest."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from novum.ingest.pipeline import Ingester, Progress
from novum.ingest.sources import Source, expand
from novum.spark.ingest import StoreSpec, plan, spark_ingest
from novum.store.sqlite import IngestCounts, Store
from tests.conftest import fixture
from tests.helpers import novum

IPG = ("ipg050104.small.xml", "ipg080101.small.xml")  # first weekly grant files of 2005 and 2008, 25 grants each


@dataclass
class Snapshot:
    """What two stores must agree on: records, where each came from, the quarantine."""

    hashes: list[tuple[str, str]]
    sources: list[tuple[str, str | None]]
    quarantine: list[tuple[str, str, str]]

    @classmethod
    def of(cls, store: Store) -> Snapshot:
        quarantine = [(q["source"], q["position"], q["reason"]) for q in store.stats()["quarantine"]]
        return cls(list(store.content_hashes()), sorted(store.document_sources()), sorted(quarantine))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A folder of USPTO samples (one malformed PAP publication, DTDs and CPC files skipped or quarantined), two
    weekly grant files, and a zip of the go-uspto grants and applications (one repaired, one truncated copy) with a
    README and a path-traversal member, so zip members are split into tasks and refusals are recorded once."""
    folder = tmp_path_factory.mktemp("spark-inputs")
    uspto = fixture("us-go-uspto/pkg/uspto/test-data")
    archive = folder / "go-uspto.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted([*uspto.glob("grant/*"), *uspto.glob("application/*")]):
            out.write(path, f"{path.parent.name}/{path.name}")
        grant = (uspto / "grant" / "v4-5-B1.xml").read_bytes()
        out.writestr("grant/truncated-v4-5-B1.xml", grant[: len(grant) // 2])  # a real grant cut off mid-document
        out.writestr("README.md", "not patent data")
        out.writestr("../escape.xml", "<x/>")
    return [
        fixture("us-patentpublicdata/PatentDocument/resources/samples"),
        *(fixture(f"us-patentsview-db/ipgxml/{name}") for name in IPG),
        archive,
    ]


@pytest.fixture(scope="module")
def reference(inputs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[IngestCounts, Snapshot]:
    """The single-process `novum ingest` of the same inputs (embedded SQLite store)."""
    with Store(tmp_path_factory.mktemp("single")) as store:
        counts = Ingester(store, None).run(inputs)
        return counts, Snapshot.of(store)


def test_spark_ingest_matches_single_process_and_rerun_changes_nothing(
    spark: Any, pg_database: str, inputs: list[Path], reference: tuple[IngestCounts, Snapshot], tmp_path: Path
) -> None:
    counts, expected = reference
    assert counts.updated == counts.unchanged == 0  # no number in two files: the parallel winner is not in question
    assert counts.quarantined >= 3 and counts.skipped_files > 0 and counts.repaired == 1
    units, _ = plan(inputs)
    assert sum(u.path.endswith(".zip") for u in units) > 10  # one task per zip member

    spec = StoreSpec(str(tmp_path / "data"), pg_database)
    first = spark_ingest(spark, inputs, spec)
    assert first.counts == counts
    assert first.indexed == counts.new  # the driver indexed what the executors stored
    assert any("truncated-v4-5-B1.xml" in p for p in first.problems), first.problems
    assert any("US20010000044A1.xml" in p and "not a valid USPTO document" in p for p in first.problems)
    assert any("escape.xml" in p and "path traversal" in p for p in first.problems)
    with Store(tmp_path / "data", pg_database) as store:
        assert Snapshot.of(store) == expected
        before = store.snapshot()

    again = spark_ingest(spark, inputs, spec)
    assert (again.counts.new, again.counts.updated, again.counts.read) == (0, 0, counts.read)
    assert again.counts.unchanged == counts.new and again.counts.quarantined == counts.quarantined
    assert again.indexed == 0
    with Store(tmp_path / "data", pg_database) as store:
        assert Snapshot.of(store) == expected
        assert store.snapshot() == before  # not one row rewritten


class Killed(Exception):
    """Stands for the process dying after its first committed batch."""


def test_a_run_killed_midway_is_finished_by_spark_without_duplicates(
    spark: Any, pg_database: str, inputs: list[Path], reference: tuple[IngestCounts, Snapshot], tmp_path: Path
) -> None:
    counts, expected = reference
    weekly = inputs[1]
    spec = StoreSpec(str(tmp_path / "data"), pg_database)
    spark_ingest(spark, [inputs[0]], spec, index=False)  # a first run that finished one folder

    def die(progress: Progress) -> None:
        if progress.counts.new >= 5:
            raise Killed

    source = next(item for item in expand([weekly]) if isinstance(item, Source))
    with Store(tmp_path / "data", pg_database) as store, pytest.raises(Killed):
        Ingester(store, None, on_progress=die, batch_size=5).ingest_source(source)
    with Store(tmp_path / "data", pg_database) as store:
        partial = store.count()
        assert store.source_done(source.name, source.fingerprint) is None
    resumed = spark_ingest(spark, inputs, spec)
    assert resumed.counts.new == counts.new - partial
    assert resumed.counts.unchanged == partial  # the finished folder skipped, the 5 stored grants re-read unchanged
    with Store(tmp_path / "data", pg_database) as store:
        assert Snapshot.of(store) == expected


def test_cli_spark_ingest_reports_json(
    spark: Any, spark_cluster: str, pg_database: str, inputs: list[Path], tmp_path: Path
) -> None:
    out = novum(
        "spark", "ingest", str(inputs[1]), "--master", spark_cluster, "--database-url", pg_database,
        "--data-dir", str(tmp_path / "data"), "--format", "json",
    )  # fmt: skip
    summary = json.loads(out)
    assert (summary["read"], summary["new"], summary["quarantined"], summary["tasks"]) == (25, 25, 0, 1)
    assert summary["indexed"] == 25
