"""API latency: 20 concurrent clients on loopback against `novum serve` over a 100k-document store, against the
library called directly in the same run.

Corpus: the real 18,880-patent US corpus (../shared/data/corpus/us-api-patents) replicated to ``--docs`` with new
numbers, shifted dates and rotated classes (the same method as bench/latency_bench.py). Dense vectors: two passages
per document (title + abstract, first description paragraph), SYNTHETIC (random unit vectors, seeded): embedding
100k documents takes hours on this machine, and HNSW search cost does not depend on what the vectors mean. Queries
are real titles, embedded by the real bge-small-en model at query time, so hybrid latency includes that cost.

The server runs in its own process (`novum serve`, token auth on, rate limit raised for the load); the clients are
threads with keep-alive connections, each sending requests back to back for ``--seconds`` per route. Baselines in
the same run: the same library calls made directly (one caller, no HTTP), and the same routes with one client.

    python bench/api_bench.py [--docs 100000] [--clients 20] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from latency_bench import CORPUS, load_corpus, percentiles, replicate  # noqa: E402

from novum.auth import create_token  # noqa: E402
from novum.corpus import Corpus  # noqa: E402
from novum.index.dense import DenseIndex, expected_meta  # noqa: E402
from novum.index.embed import load_embedder  # noqa: E402
from novum.index.lexical import LexicalIndex  # noqa: E402
from novum.index.passages import DEFAULT_POLICY  # noqa: E402
from novum.ingest.pipeline import Ingester  # noqa: E402
from novum.search.documents import record_view  # noqa: E402
from novum.search.service import SearchParams, run_search  # noqa: E402
from novum.store.passages import PassageTable  # noqa: E402
from novum.store.sqlite import Store  # noqa: E402

PASSAGES = 2


def synthetic_dense(store: Store) -> None:
    """Unit vectors for every document's two passages, written as an embedding run would leave them."""
    folder = store.data_dir / "dense" / "bge-small-en"
    folder.mkdir(parents=True, exist_ok=True)
    embedder = load_embedder("bge-small-en")
    rng = np.random.default_rng(7)
    numbers = [n for n, _ in store.content_hashes()]
    with open(folder / "vectors.f32", "wb") as handle:
        for start in range(0, len(numbers) * PASSAGES, 20_000):
            count = min(20_000, len(numbers) * PASSAGES - start)
            block = rng.normal(size=(count, embedder.dim)).astype(np.float32)
            block /= np.linalg.norm(block, axis=1, keepdims=True)
            handle.write(block.tobytes())
    items = [(number, location) for number in numbers for location in ("abstract", "paragraph 1")]
    PassageTable(store, "bge-small-en").record(0, items, list(store.content_hashes()))
    (store.data_dir / "dense" / "models.json").write_text('["bge-small-en"]')
    meta = expected_meta(embedder, DEFAULT_POLICY)
    (folder / "meta.json").write_text(json.dumps(meta))
    started = time.perf_counter()
    DenseIndex(store, embedder).save()  # writes meta.json and the HNSW graph over the vector file
    print(f"HNSW graph over {len(items):,} vectors built in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the worker processes), from /proc (Linux)."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        total += rss_mb(int(child))
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "novum", "serve", "--data-dir", str(data), "--port", str(port),
               "--rate", "1000000", "--no-embed-uploads", "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not start")


def load(base: str, token: str, paths: list[str], clients: int, seconds: float) -> tuple[list[float], int, int, float]:
    """``clients`` threads sending requests back to back; latencies in ms, request count, errors, and the CPU
    seconds the clients themselves used (they share the machine's two cores with the server)."""
    cpu_before = time.process_time()
    samples: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            http.get(paths[0])  # connect and warm up
            while time.monotonic() < stop:
                path = rng.choice(paths)
                started = time.perf_counter()
                response = http.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    samples.append(elapsed)
                    errors += response.status_code != 200

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, len(samples), errors, time.process_time() - cpu_before


def direct(calls: list[Callable[[], object]], seconds: float) -> list[float]:
    samples: list[float] = []
    stop = time.monotonic() + seconds
    for call in calls[:3]:
        call()
    while time.monotonic() < stop:
        for call in calls:
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1, help="Server worker processes.")
    parser.add_argument("--keep", type=Path, help="Build the store here, or reuse the one already built there.")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    records = load_corpus()
    rng = random.Random(11)
    queries = [str(r["title"]) for r in rng.sample(records, args.queries)]
    work = args.keep or Path(tempfile.mkdtemp(prefix="novum-api-bench-"))
    data = work / "data"
    built = (work / "built").exists() and (work / "built").read_text() == str(args.docs)
    if not built:
        shutil.rmtree(data, ignore_errors=True)
        source = work / "replicated.jsonl.gz"
        work.mkdir(parents=True, exist_ok=True)
        replicate(records, args.docs, source)
        with Store(data) as store:
            Ingester(store, LexicalIndex(data)).run([source])
            synthetic_dense(store)
        source.unlink()
        (work / "built").write_text(str(args.docs))
    with Store(data) as store:
        token = create_token(store, f"bench-{time.time_ns()}", "read")
        numbers = [n for n, _ in store.content_hashes()]
    documents = rng.sample(numbers, 200)
    quoted = [httpx.QueryParams({"q": q}) for q in queries]
    routes = {
        "search, lexical": [f"/api/v1/search?{q}&syntax=text&mode=lexical" for q in quoted],
        "search, hybrid": [f"/api/v1/search?{q}&syntax=text&mode=hybrid" for q in quoted],
        "document": [f"/api/v1/patents/{n}" for n in documents],
    }
    corpus = Corpus(data)
    corpus.dense()  # load the model and the graph before timing, as the server does on its first request
    def searching(q: str, mode: str) -> Callable[[], object]:
        return lambda: run_search(corpus.store(), corpus.index(), SearchParams(q, syntax="text", mode=mode),
                                  corpus.dense)  # fmt: skip

    library: dict[str, list[Callable[[], object]]] = {
        "search, lexical": [searching(q, "lexical") for q in queries],
        "search, hybrid": [searching(q, "hybrid") for q in queries],
        "document": [lambda n=n: record_view(corpus.store(), corpus.store().get(n)) for n in documents],
    }
    port = free_port()
    os.environ["NOVUM_DATA_DIR"] = str(data)
    server = start_server(data, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    rows = []
    memory = [rss_mb(server.pid)]
    try:
        for name, paths in routes.items():
            direct_ms = direct(library[name], args.seconds / 2)
            single, _, single_errors, _ = load(base, token, paths, 1, args.seconds / 2)
            many, count, many_errors, client_cpu = load(base, token, paths, args.clients, args.seconds)
            rows.append((name, percentiles(direct_ms), percentiles(single), percentiles(many),
                         count / args.seconds, single_errors + many_errors, client_cpu / args.seconds))  # fmt: skip
            memory.append(rss_mb(server.pid))
        for _ in range(2):  # the same load again: memory must stay flat once caches are warm
            load(base, token, [p for paths in routes.values() for p in paths], args.clients, args.seconds)
            memory.append(rss_mb(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{args.docs:,} documents (real, replicated; synthetic passage vectors), {len(queries)} real-title queries,"
          f" {args.clients} clients x {args.seconds:.0f} s per route, loopback, {args.workers} server"
          f" worker(s)\n")  # fmt: skip
    print("| route | library p50 / p95 ms | API, 1 client p50 / p95 ms | overhead p50 ms |"
          f" API, {args.clients} clients p50 / p95 ms | requests/s | errors | cores used by the clients |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, lib, one, many, rate, errors, client_cores in rows:
        print(f"| {name} | {lib[0]:.1f} / {lib[1]:.1f} | {one[0]:.1f} / {one[1]:.1f} | {one[0] - lib[0]:.1f} |"
              f" {many[0]:.1f} / {many[1]:.1f} | {rate:.0f} | {errors} | {client_cores:.2f} |")
    after_routes = ", ".join(f"{m:.0f}" for m in memory[1:4])
    after_rounds = ", ".join(f"{m:.0f}" for m in memory[4:])
    print(f"\nserver RSS MB: at start {memory[0]:.0f}; after each route's runs {after_routes};"
          f" after two more mixed rounds {after_rounds}")


if __name__ == "__main__":
    main()
