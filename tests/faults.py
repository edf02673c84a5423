"""Fault injection shared by the fault tests and ``bench/fault_bench.py``: run ``novum`` commands as subprocesses,
``kill -9`` them at random moments, finish the work with a clean run, and compare the data directory with one
that was never interrupted."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from novum.index.consistency import ConsistencyReport, check
from novum.store.sqlite import Store


def novum_command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "novum", *args, "--data-dir", str(data_dir)]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("NOVUM_THREADS", "1")
    env.pop("NOVUM_DATA_DIR", None)
    return env


def run(command: Sequence[str]) -> float:
    """Run a command to completion (it must succeed); returns its wall time in seconds."""
    started = time.monotonic()
    result = subprocess.run(command, env=environment(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return time.monotonic() - started


def kill_after(command: Sequence[str], delay: float) -> bool:
    """Start a command and SIGKILL it after ``delay`` seconds; False when it had already finished by then."""
    process = subprocess.Popen(command, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return True


def stored_documents(data_dir: Path) -> int:
    """Documents committed so far, read without writing (the store may be mid-ingest in another process)."""
    path = data_dir / "novum.db"
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            return int(db.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0


def kill_on_progress(command: Sequence[str], data_dir: Path, delay: float) -> bool:
    """Start a command, wait until it has committed documents beyond those already stored, then SIGKILL it after
    ``delay`` more seconds: a kill in the middle of the work however fast the machine. False when it finished."""
    before = stored_documents(data_dir)
    process = subprocess.Popen(command, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while process.poll() is None and stored_documents(data_dir) <= before:
            time.sleep(0.01)
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return True


@dataclass(slots=True)
class Corpus:
    """What an uninterrupted run stored: each number with its content hash, and the quarantine size."""

    hashes: dict[str, str]
    quarantined: int


def corpus(data_dir: Path) -> Corpus:
    with Store(data_dir) as store:
        return Corpus(dict(store.content_hashes()), int(store.stats()["quarantined"]))


@dataclass(slots=True)
class Trial:
    """One scenario run: the kill points tried, how many landed, and what was lost or duplicated after recovery."""

    scenario: str
    kill_points: list[float] = field(default_factory=list)
    kills_landed: int = 0
    lost: int = 0
    unexpected: int = 0
    changed: int = 0
    report: ConsistencyReport | None = None

    @property
    def ok(self) -> bool:
        return self.lost == self.unexpected == self.changed == 0 and self.report is not None and self.report.ok


def kill_then_finish(
    scenario: str,
    data_dir: Path,
    command: Sequence[str],
    finish: Sequence[str],
    expected: Corpus,
    duration: float,
    kills: int,
    rng: random.Random,
    offset: float = 0.0,
    on_progress: bool = False,
) -> Trial:
    """Kill ``command`` ``kills`` times at random points in (``offset``, ``duration``), or with ``on_progress``
    within 0.3 s after each run's first new commit, then run ``finish`` to completion and compare the store with
    ``expected`` and the indexes with the store."""
    trial = Trial(scenario)
    while trial.kills_landed < kills and len(trial.kill_points) < 3 * kills:  # a kill after the end does not count
        if on_progress:  # after the next commit, within the next batch's time
            point = rng.uniform(0.0, 0.3)
            landed = kill_on_progress(command, data_dir, point)
            trial.kill_points.append(round(point, 2))
        else:
            point = rng.uniform(min(offset, duration * 0.9), duration)
            trial.kill_points.append(round(point, 2))
            landed = kill_after(command, point)
        trial.kills_landed += landed
        if not landed:  # this run was shorter than the reference (a resumed or warmer run): draw earlier next time
            duration = max(offset * 1.05, point * 0.8)
    run(finish)
    found = corpus(data_dir)
    trial.lost = len(set(expected.hashes) - set(found.hashes))
    trial.unexpected = len(set(found.hashes) - set(expected.hashes))
    trial.changed = sum(1 for n, h in expected.hashes.items() if found.hashes.get(n, h) != h)
    trial.report = check(data_dir)
    return trial
