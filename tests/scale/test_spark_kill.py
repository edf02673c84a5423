"""``kill -9`` of a live ``novum spark ingest``: the driver's process group (Python and driver JVM) is SIGKILLed as
soon as PostgreSQL shows its first committed documents. What it left must be whole (every stored document has its
raw bytes, every source marked done is complete), the killed application's executors and their Python workers must
be gone before anything else writes (Spark's worker kills the executors of an application whose driver died, and
pyspark's daemon SIGHUPs its workers when its executor's pipe closes), and a second run must leave the store equal
to a clean single-process ingest of the same files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from novum.ingest.pipeline import Ingester
from novum.store.sqlite import IngestCounts, Store
from tests.conftest import fixture
from tests.faults import environment
from tests.helpers import demo_lines, write_lines

GONE_WITHIN_S = 120.0  # a bound, not a guess: the test waits for the condition and fails only past this


@dataclass
class Contents:
    """Everything the two stores must agree on, keyed so that a duplicate or a missing row shows."""

    hashes: dict[str, str]
    origin: dict[str, str]
    raw: dict[str, bytes]
    quarantine: dict[tuple[str, str], tuple[str, bytes]]
    sources: dict[str, tuple[str, int, int]]
    rows: int

    @classmethod
    def of(cls, store: Store) -> Contents:
        db = store.db
        hashes = {str(r[0]): str(r[1]) for r in db.execute("SELECT number, content_hash FROM documents")}
        origin = {str(r[0]): str(r[1]) for r in db.execute("SELECT number, source FROM documents")}
        raw = {str(r[0]): zlib.decompress(bytes(r[1])) for r in db.execute("SELECT number, raw FROM raw_documents")}
        quarantine = {
            (str(r[0]), str(r[1])): (str(r[2]), zlib.decompress(bytes(r[3])))
            for r in db.execute("SELECT source, position, reason, raw FROM quarantine")
        }
        sources = {
            str(r[0]): (str(r[1]), int(r[2]), int(r[3]))
            for r in db.execute("SELECT source, fingerprint, documents, quarantined FROM sources")
        }
        rows = int(db.execute("SELECT count(*) FROM documents").fetchone()[0])
        return cls(hashes, origin, raw, quarantine, sources, rows)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Several real files, so there are many tasks and the first commit comes long before the last: 1,800 grants
    of the demo sample in two JSON Lines files (commits every 500), a weekly grant file and the USPTO samples folder
    (one task per file; its malformed documents are quarantined). No number is in two files (the demo's XML
    publications are also among the samples), so which task stores a number first is not in question."""
    folder = tmp_path_factory.mktemp("spark-kill-inputs")
    return [
        write_lines(folder / "us-a.jsonl", demo_lines(1200)),
        write_lines(folder / "us-b.jsonl", demo_lines(600, start=1200)),
        fixture("us-patentsview-db/ipgxml/ipg050104.small.xml"),
        fixture("us-patentpublicdata/PatentDocument/resources/samples"),
    ]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A master and a 2-core worker of this module's own: the session's shared application (``spark``) holds every
    core of the shared cluster while it lives, so a second application there would wait for executors forever."""
    from novum.spark.cluster import start_cluster

    started = start_cluster(tmp_path_factory.mktemp("spark-kill"), cores=2, memory="2g")
    yield started.url
    started.stop()


def _documents(url: str) -> int:
    """Committed documents, read on a connection of its own (0 before the driver created the schema)."""
    try:
        with psycopg.connect(url, autocommit=True) as db:
            row = db.execute("SELECT count(*) FROM documents").fetchone()
            return int(row[0]) if row else 0
    except psycopg.errors.UndefinedTable:
        return 0


def _other_clients(url: str) -> int:
    """Client connections to the database other than this one: a live task of any run holds one."""
    with psycopg.connect(url, autocommit=True) as db:
        row = db.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchone()
        return int(row[0]) if row else 0


def _processes() -> dict[int, tuple[int, int, str]]:
    """Every process: pid -> (parent, process group, command line)."""
    found: dict[int, tuple[int, int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": state, ppid, pgrp, ...
        found[int(entry.name)] = (int(fields[1]), int(fields[2]), command)
    return found


def _executors(master: str) -> set[int]:
    """The executor JVMs the cluster's worker has started (one per application)."""
    table = _processes()
    workers = {pid for pid, (_, _, cmd) in table.items() if "deploy.worker.Worker" in cmd and master in cmd.split()}
    return {pid for pid, (ppid, _, cmd) in table.items() if ppid in workers and "CoarseGrainedExecutorBackend" in cmd}


def _python_groups(executors: set[int]) -> set[int]:
    """The process groups of the executors' pyspark daemons: the daemon and every Python worker it forked."""
    return {pgid for ppid, pgid, cmd in _processes().values() if ppid in executors and "pyspark.daemon" in cmd}


def _wait(condition: Callable[[], bool], what: str) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < GONE_WITHIN_S, f"{what} after {GONE_WITHIN_S:.0f} s"
        time.sleep(0.05)
    return time.monotonic() - started


def _spark_ingest(inputs: list[Path], master: str, url: str, data: Path) -> list[str]:
    return [
        sys.executable, "-m", "novum", "spark", "ingest", *map(str, inputs), "--master", master,
        "--database-url", url, "--data-dir", str(data), "--format", "json",
    ]  # fmt: skip


def test_spark_ingest_killed_by_sigkill_is_whole_and_a_rerun_equals_a_single_process_ingest(
    cluster: str, pg_database: str, inputs: list[Path], tmp_path: Path
) -> None:
    with Store(tmp_path / "single") as single:
        counts: IngestCounts = Ingester(single, None).run(inputs)
        expected = Contents.of(single)
    assert counts.updated == counts.unchanged == 0 and counts.quarantined >= 1  # no number in two files
    assert expected.rows == counts.new == len(expected.raw)

    log = tmp_path / "killed.log"
    with open(log, "wb") as out:
        driver = subprocess.Popen(
            _spark_ingest(inputs, cluster, pg_database, tmp_path / "data"),
            env=environment(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        _wait(lambda: driver.poll() is not None or _documents(pg_database) > 0, "no document was committed")
        mine = _executors(cluster)  # the killed application's executor (it committed: it exists)
        groups = _python_groups(mine)
        os.killpg(driver.pid, signal.SIGKILL)  # the Python driver and its JVM (pyspark starts it in the group)
    finally:
        if driver.poll() is None:  # the wait failed: do not leave the driver running
            os.killpg(driver.pid, signal.SIGKILL)
        driver.wait()
    assert driver.returncode == -signal.SIGKILL, log.read_text()[-3000:]  # killed, not finished before the kill
    assert mine and groups, (mine, groups)

    def gone() -> bool:
        table = _processes()
        return not (mine & table.keys()) and not any(pgid in groups for _, pgid, _ in table.values())

    orphans_s = _wait(gone, "executors or Python workers of the killed application still run")
    _wait(lambda: _other_clients(pg_database) == 0, "a connection of the killed application is still open")

    with Store(tmp_path / "data", pg_database) as store:
        killed = Contents.of(store)
    assert 0 < killed.rows < expected.rows, killed.rows  # stopped midway
    assert killed.raw.keys() == killed.hashes.keys()  # every stored document has its raw bytes...
    assert all(expected.hashes[n] == h and expected.raw[n] == killed.raw[n] for n, h in killed.hashes.items())
    for source, done in killed.sources.items():  # ...and a source marked done holds all it read
        assert done == expected.sources[source], source
        wanted = {n for n, origin in expected.origin.items() if origin == source}
        assert wanted <= killed.hashes.keys() and len(wanted) == done[1], source
        assert {k: v for k, v in killed.quarantine.items() if k[0] == source} == {
            k: v for k, v in expected.quarantine.items() if k[0] == source
        }
    assert killed.quarantine.items() <= expected.quarantine.items() and len(killed.sources) < len(expected.sources)
    print(
        f"\nkilled at {killed.rows}/{expected.rows} documents, {len(killed.sources)}/{len(expected.sources)} sources"
        f" done; its executor and Python workers were gone {orphans_s:.2f} s after the kill"
    )

    rerun = subprocess.run(
        _spark_ingest(inputs, cluster, pg_database, tmp_path / "data"),
        env=environment(), capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    summary: dict[str, Any] = json.loads(rerun.stdout)
    assert (summary["read"], summary["updated"], summary["quarantined"]) == (counts.read, 0, counts.quarantined)
    assert (summary["new"], summary["unchanged"]) == (counts.new - killed.rows, killed.rows)
    assert summary["skipped_files"] == counts.skipped_files and summary["indexed"] == counts.new
    print("re-run:", {key: value for key, value in summary.items() if key != "problems"})
    with Store(tmp_path / "data", pg_database) as store:
        assert Contents.of(store) == expected  # records, raw bytes, quarantine, sources, counts: no duplicates
    assert _other_clients(pg_database) == 0  # nothing of either run still connected
