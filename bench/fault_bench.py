"""Faults and load, long runs: kill -9 at random points of ingest, embed and reindex, many times; readers beside a
writer. Prints a table of kill points tried and landed, documents lost, duplicated or changed, and whether the
indexes agreed with the store after recovery; the baseline is the same work run once without interruption.

Data: real US grants from the bundled demo corpus (data/demo/us-patents-sample.jsonl.gz) and the eight real
USPTO/EPO XML publications beside it; embed runs on a small subset (bge-small-en on a CPU is slow).

    python bench/fault_bench.py [--trials 5] [--kills 3] [--docs 3148] [--embed-docs 60] [--seed 15]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from novum.index.consistency import check  # noqa: E402
from novum.index.lexical import open_index_for_reading  # noqa: E402
from novum.store.sqlite import Store  # noqa: E402
from tests.faults import Trial, corpus, kill_then_finish, novum_command, run  # noqa: E402
from tests.helpers import DEMO, demo_lines, write_lines  # noqa: E402


def scenario(name: str, work: Path, setup: list[list[str]], args: list[str], trials: int, kills: int,
             rng: random.Random, startup: float) -> tuple[float, list[Trial]]:  # fmt: skip
    """Baseline: the command once, uninterrupted. Then ``trials`` fresh copies, each killed ``kills`` times."""
    base = work / f"{name}-base"
    for command in setup:
        run(novum_command(base, *command))
    base.mkdir(parents=True, exist_ok=True)
    prepared = work / f"{name}-prepared"
    shutil.copytree(base, prepared)
    duration = run(novum_command(base, *args))
    expected = corpus(base)
    results = []
    for number in range(trials):
        data = work / f"{name}-{number}"
        shutil.copytree(prepared, data)
        command = novum_command(data, *args)
        results.append(kill_then_finish(name, data, command, command, expected, duration, kills, rng, startup))
        shutil.rmtree(data)
    return duration, results


def readers_and_writer(work: Path, source: Path, readers: int) -> tuple[int, int, float]:
    """``readers`` threads search and show while `novum ingest` writes; returns reads, errors, writer seconds."""
    import subprocess

    data = work / "load"
    run(novum_command(data, "ingest", str(DEMO / "xml"), "--no-embed"))
    started = time.monotonic()
    writer = subprocess.Popen(novum_command(data, "ingest", str(source), "--no-embed"), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    counts = [0] * readers
    failures: list[str] = []

    def read(slot: int) -> None:
        while writer.poll() is None:
            try:
                with Store(data) as store:
                    for hit in open_index_for_reading(store).search("wireless network data", limit=5):
                        store.get(hit.number)
            except Exception as exc:  # counted, reported
                failures.append(f"{type(exc).__name__}: {exc}")
            counts[slot] += 1

    threads = [threading.Thread(target=read, args=(i,)) for i in range(readers)]
    for thread in threads:
        thread.start()
    writer.wait()
    for thread in threads:
        thread.join()
    for failure in failures[:5]:
        print("reader error:", failure)
    return sum(counts), len(failures), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--docs", type=int, default=3148)
    parser.add_argument("--embed-docs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=15)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    with tempfile.TemporaryDirectory(prefix="novum-faults-") as tmp:
        work = Path(tmp)
        source = write_lines(work / "us.jsonl", demo_lines(options.docs))
        small = write_lines(work / "small.jsonl", demo_lines(options.embed_docs))
        startup = run(novum_command(work / "startup", "formats"))
        ingest = ["ingest", str(source), str(DEMO / "xml"), "--no-embed"]
        plans = {
            "ingest": ([], ingest),
            "ingest+embed": ([], ["ingest", str(small), str(DEMO / "xml")]),
            "embed": ([["ingest", str(small), str(DEMO / "xml"), "--no-embed"]], ["embed"]),
            "reindex": ([ingest], ["reindex"]),
        }
        rows = []
        for name, (setup, args) in plans.items():
            duration, trials = scenario(name, work, setup, args, options.trials, options.kills, rng, startup)
            points = [p for t in trials for p in t.kill_points]
            rows.append((
                name, duration, len(points), sum(t.kills_landed for t in trials), sum(t.lost for t in trials),
                sum(t.unexpected for t in trials), sum(t.changed for t in trials),
                sum(1 for t in trials if t.report is not None and t.report.ok), len(trials),
                f"{min(points):.1f}-{max(points):.1f}" if points else "-",
            ))  # fmt: skip
            print("row:", rows[-1], flush=True)  # as it comes: a long run should not lose its figures to a late error
            for trial in trials:
                if not trial.ok:
                    print(f"{name}: NOT OK {trial.kill_points} {trial.report.problems if trial.report else ''}")
        reads, errors, seconds = readers_and_writer(work, source, 8)
        final = check(work / "load")
    print(f"\nstartup of a novum process: {startup:.1f} s (kill points are drawn after it)\n")
    print("| scenario | baseline run (s) | kill points | kills landed | lost | unexpected | changed | "
          "indexes agree | kill points range (s) |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, duration, tried, landed, lost, extra, changed, agree, total, span in rows:
        print(f"| {name} | {duration:.1f} | {tried} | {landed} | {lost} | {extra} | {changed} | {agree}/{total} | "
              f"{span} |")  # fmt: skip
    print(
        f"\n8 readers + 1 writer: {reads:,} reads in {seconds:.1f} s while ingesting {options.docs:,} documents, "
        f"{errors} errors; afterwards check: {'ok' if final.ok else final.problems}"
    )


if __name__ == "__main__":
    main()
