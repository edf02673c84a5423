"""Faults and load, bounded: ``kill -9`` at random points of ingest, embed and reindex loses and duplicates nothing
and leaves indexes that agree with the store; readers work while a writer writes; a second writer is told the data
directory is busy (or waits). ``bench/fault_bench.py`` runs the same scenarios many more times."""

from __future__ import annotations

import random
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from novum.cli.app import app
from novum.index.consistency import check
from novum.index.lexical import open_index_for_reading
from novum.ingest.embedding import existing_dense
from novum.store.lock import BusyError, holder, writer_lock
from novum.store.sqlite import Store
from tests.faults import corpus, environment, kill_then_finish, novum_command, run
from tests.helpers import DEMO, demo_lines, novum, runner, write_lines

SEED = 15


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """1,200 real US grants (three 500-document batches) and the eight real USPTO/EPO publications of the demo."""
    root = tmp_path_factory.mktemp("fault-sources")
    return [write_lines(root / "us.jsonl", demo_lines(1200)), DEMO / "xml"]


def startup(tmp_path: Path) -> float:
    """Seconds `novum` takes to start doing anything: kill points before that would test nothing."""
    return run(novum_command(tmp_path / "startup", "formats"))


def test_ingest_killed_at_random_points_loses_and_duplicates_nothing(tmp_path: Path, sources: list[Path]) -> None:
    args = ["ingest", *map(str, sources), "--no-embed"]
    offset = startup(tmp_path)  # first, so that the reference run below is as warm as the killed ones
    duration = run(novum_command(tmp_path / "reference", *args))
    expected = corpus(tmp_path / "reference")
    assert len(expected.hashes) == 1208 and expected.quarantined == 0
    command = novum_command(tmp_path / "data", *args)
    trial = kill_then_finish(
        "ingest", tmp_path / "data", command, command, expected, duration, kills=2, rng=random.Random(SEED),
        offset=offset, on_progress=True,  # ingest is over in a second here: kill it between its commits
    )  # fmt: skip
    assert trial.kills_landed >= 1, trial.kill_points  # a resumed run is shorter: a later point may land after it
    assert (trial.lost, trial.unexpected, trial.changed) == (0, 0, 0)
    assert trial.report is not None and trial.report.ok, trial.report.problems
    assert trial.report.lexical_distinct == trial.report.lexical_documents == 1208


def test_reindex_killed_at_random_points_leaves_an_index_that_agrees(tmp_path: Path, sources: list[Path]) -> None:
    run(novum_command(tmp_path / "data", "ingest", *map(str, sources), "--no-embed"))
    expected = corpus(tmp_path / "data")
    command = novum_command(tmp_path / "data", "reindex")
    duration = run(command)
    trial = kill_then_finish(
        "reindex", tmp_path / "data", command, command, expected, duration, kills=2, rng=random.Random(SEED + 1),
        offset=startup(tmp_path),
    )  # fmt: skip
    assert trial.kills_landed >= 1, trial.kill_points  # a resumed run is shorter: a later point may land after it
    assert trial.ok, (trial, trial.report.problems if trial.report else None)
    assert trial.report is not None and trial.report.lexical_documents == 1208


def test_embed_killed_at_random_points_keeps_vectors_and_passages_in_step(tmp_path: Path) -> None:
    small = write_lines(tmp_path / "us.jsonl", demo_lines(40))
    run(novum_command(tmp_path / "data", "ingest", str(small), str(DEMO / "xml"), "--no-embed"))
    shutil.copytree(tmp_path / "data", tmp_path / "reference")
    duration = run(novum_command(tmp_path / "reference", "embed"))
    reference = check(tmp_path / "reference")
    expected = corpus(tmp_path / "data")
    command = novum_command(tmp_path / "data", "embed")
    trial = kill_then_finish(
        "embed", tmp_path / "data", command, command, expected, duration, kills=2, rng=random.Random(SEED + 2),
        offset=startup(tmp_path),
    )  # fmt: skip
    assert trial.kills_landed >= 1, trial.kill_points  # a resumed run is shorter: a later point may land after it
    assert trial.ok, (trial, trial.report.problems if trial.report else None)
    (model,) = trial.report.models if trial.report else []
    (want,) = reference.models
    assert (model.embedded, model.not_embedded, model.duplicated_passages) == (48, 0, 0)
    assert model.live_passages == want.live_passages and model.vector_rows >= model.committed_rows
    with Store(tmp_path / "data") as store:
        (dense,) = existing_dense(store)
        assert dense.search("file encryption", limit=3)


def test_eight_readers_and_one_writer(tmp_path: Path, sources: list[Path]) -> None:
    data = tmp_path / "data"
    novum("ingest", str(DEMO / "xml"), "--no-embed", "--data-dir", str(data))
    writer = subprocess.Popen(
        novum_command(data, "ingest", *map(str, sources), "--no-embed"),
        env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    failures: list[str] = []
    reads = [0] * 8

    def reader(slot: int) -> None:
        queries = ["wind turbine blade", "encryption key", "display panel", "semiconductor device"]
        while writer.poll() is None or reads[slot] < 3:
            try:
                with Store(data) as store:
                    index = open_index_for_reading(store)
                    hits = index.search(queries[(slot + reads[slot]) % len(queries)], limit=5)
                    for hit in hits:
                        store.get(hit.number)
                    store.stats()
            except Exception as exc:  # every failure is recorded: the test asserts there are none
                failures.append(f"reader {slot}: {type(exc).__name__}: {exc}")
                return
            reads[slot] += 1

    threads = [threading.Thread(target=reader, args=(slot,)) for slot in range(8)]
    for thread in threads:
        thread.start()
    _, stderr = writer.communicate()
    for thread in threads:
        thread.join()
    assert writer.returncode == 0, stderr
    assert failures == []
    assert min(reads) >= 3
    report = check(data)
    assert report.ok and report.documents == 1208, report.problems


def test_a_second_writer_is_told_the_data_directory_is_busy(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = write_lines(tmp_path / "us.jsonl", demo_lines(5))
    with writer_lock(data, "ingest"):
        assert holder(data) is not None and holder(data)["command"] == "ingest"  # type: ignore[index]
        with pytest.raises(BusyError, match="is busy: `novum ingest` \\(pid \\d+"), writer_lock(data, "reindex"):
            pass
        result = runner.invoke(app, ["ingest", str(source), "--no-embed", "--data-dir", str(data)])
        assert isinstance(result.exception, BusyError) and "NOVUM_WRITER_WAIT" in str(result.exception)
        waiting = subprocess.Popen(
            novum_command(data, "ingest", str(source), "--no-embed"),
            env={**environment(), "NOVUM_WRITER_WAIT": "600"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
    _, stderr = waiting.communicate()
    assert waiting.returncode == 0, stderr  # it waited for the lock instead of failing
    assert holder(data) is None
    with Store(data) as store:
        assert store.count() == 5


def test_a_writer_killed_holding_the_lock_leaves_no_stale_lock(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = write_lines(tmp_path / "us.jsonl", demo_lines(5))
    command = novum_command(data, "ingest", str(source), "--no-embed")
    data.mkdir()
    holding = subprocess.Popen(
        ["python3", "-c", "import fcntl,os,sys,time; fd=os.open(sys.argv[1], os.O_RDWR|os.O_CREAT);"
         " fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(600)", str(data / "writer.lock")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holding.stdout is not None and holding.stdout.readline().strip() == "held"
    assert holder(data) is not None
    holding.kill()
    holding.wait()
    holding.stdout.close()
    assert holder(data) is None
    run(command)
    assert check(data).ok
