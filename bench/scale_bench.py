"""Scale-out figures: filtered kNN in pgvector (one node, and a coordinator over shard nodes joined by postgres_fdw)
and sharded vs single tantivy, each against its baseline in the same run.

Data: the real 18,880-patent US corpus (../shared/data/corpus/us-api-patents) extended to ``--docs`` documents by
replication, renumbered ``US3`` + 7 digits of i + ``B2``, one CPC symbol each from an 8-symbol pool (i mod 8).
Dense part: bge-small-en embeddings of the titles of every 4th real document (4,720 vectors, cached in bench/out/);
document i takes the vector of real title r = i mod 4,720, plus Gaussian noise (sigma 0.03 per dimension, then
re-normalised) when i >= 4,720, so the graph sees N distinct points in real clusters; its date is real document r's
date moved back (i div 18,880) mod 15 years. One passage per document. Lexical part: document i is real document
i mod 18,880 (title, abstract, description head), its filing date moved back (i div 18,880) mod 15 years.

Queries: 100 real titles of documents outside the embedded quarter (``embed_queries``). The 1% filter is a class
prefix (``H04L9/``, an eighth of the documents) with the cut-off date that leaves 1% of all documents.

Baselines in the same run: exact filtered kNN (every allowed row scored) for recall and latency; one tantivy index
for the sharded lexical search (top-10 agreement and latency).

    python bench/scale_bench.py [--docs 100000] [--shards 2] [--lexical-shards 4] [--queries 100]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
CORPUS = REPO.parent / "shared" / "data" / "corpus" / "us-api-patents"
CACHE = REPO / "bench" / "out"

from novum.index.embed import load_embedder  # noqa: E402
from novum.index.lexical import Filters, LexicalIndex  # noqa: E402
from novum.index.pgvector import DocAttributes, PgVectorIndex, VectorRow  # noqa: E402
from novum.index.shards import ShardedLexicalIndex  # noqa: E402
from novum.ingest.formats.records import _api_evangelist  # noqa: E402
from novum.model import Patent  # noqa: E402
from novum.store.pgnode import start_node  # noqa: E402
from novum.store.sharding import build_shard_indexes, setup_vector_shards, shard_counts  # noqa: E402

CPC_POOL = ["H04L9/32", "G06F21/60", "H04W12/06", "G06F16/24", "H04L67/10", "G06Q20/40", "H04N21/20", "G06N20/00"]
EMBED_EVERY = 4
NOISE = 0.03


def load_corpus() -> list[dict[str, str]]:
    records: list[dict[str, str]] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            records.extend(json.loads(line) for line in handle if line.strip())
    return records


def base_vectors(records: list[dict[str, str]]) -> np.ndarray:
    """bge-small-en title vectors of every 4th real document, cached between runs."""
    CACHE.mkdir(parents=True, exist_ok=True)
    chosen = records[::EMBED_EVERY]
    cache = CACHE / f"scale-titles-bge-{len(chosen)}.npy"
    if cache.exists():
        return np.load(cache)
    started = time.perf_counter()
    vectors = load_embedder("bge-small-en").embed_passages([r["title"] or "" for r in chosen])
    print(f"embedded {len(chosen):,} real titles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    np.save(cache, vectors)
    return vectors


def day(source: dict[str, str], copy: int) -> str:
    raw = source["date"]
    return f"{int(raw[:4]) - copy % 15}-{raw[4:6]}-{raw[6:8]}"


def number(i: int) -> str:
    return f"US3{i:07d}B2"


def dense_rows(records: list[dict[str, str]], vectors: np.ndarray, size: int) -> Iterator[VectorRow]:
    rng = np.random.default_rng(7)
    for start in range(0, size, 10_000):
        ids = np.arange(start, min(size, start + 10_000))
        block = vectors[ids % len(vectors)].copy()
        block += rng.normal(0, NOISE, block.shape).astype(np.float32) * (ids >= len(vectors))[:, None]
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        for j, i in enumerate(ids):
            source = records[(i % len(vectors)) * EMBED_EVERY]
            effective = day(source, int(i) // len(records))
            attrs = DocAttributes.from_values(effective, effective, "US", "B2", [CPC_POOL[i % 8]], [])
            yield VectorRow(int(i), number(int(i)), "title", attrs, block[j])


def one_percent(records: list[dict[str, str]], vectors: np.ndarray, size: int) -> tuple[Filters, float]:
    """The H04L9/ class with the cut-off that leaves 1% of the documents, and the share it really leaves."""
    days = sorted(
        int(day(records[(i % len(vectors)) * EMBED_EVERY], i // len(records)).replace("-", ""))
        for i in range(size)
        if i % 8 == 0
    )
    cut = str(days[min(len(days) - 1, size // 100)])
    filters = Filters(cpc=["H04L9/"], before=f"{cut[:4]}-{cut[4:6]}-{cut[6:]}")
    return filters, sum(1 for d in days if d < int(cut)) / size


def patents(records: list[dict[str, str]], size: int) -> Iterator[Patent]:
    for i in range(size):
        source = records[i % len(records)]
        patent = _api_evangelist(source)
        patent.doc_number = f"3{i:07d}"
        patent.kind = "B2"
        if patent.filing_date:
            copy = i // len(records)
            patent.filing_date = f"{int(patent.filing_date[:4]) - copy % 15}{patent.filing_date[4:]}"
        patent.cpc = [CPC_POOL[i % 8]]
        yield patent


def timed(items: list[object], run: Callable[[object], object]) -> tuple[float, float, list[object]]:
    for item in items[:3]:
        run(item)  # warm-up
    samples, results = [], []
    for item in items:
        started = time.perf_counter()
        results.append(run(item))
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))], results


def recall(found: list[object], exact: list[object]) -> float:
    hits = total = 0
    for got, want in zip(found, exact, strict=True):
        wanted = {h.number for h in want}  # type: ignore[attr-defined]
        hits += len(wanted & {h.number for h in got})  # type: ignore[attr-defined]
        total += len(wanted)
    return hits / total if total else 1.0


def knn_rows(label: str, index: PgVectorIndex, queries: np.ndarray, filters: Filters) -> list[tuple[str, ...]]:
    items: list[object] = list(queries)
    p50, p95, exact = timed(items, lambda q: index.search_exact(np.asarray(q)[None, :], filters, 10))
    rows = [(f"{label}: exact scan (baseline)", "1.000", f"{p50:.1f}", f"{p95:.1f}", "exact")]
    for name, below in (("HNSW iterative scan", 0), ("adaptive (exact below 20k est. rows)", 20_000)):
        index.exact_below = below
        plans: dict[str, int] = {}

        def run(q: object, plans: dict[str, int] = plans) -> object:
            hits = index.search_vector(np.asarray(q)[None, :], filters, 10)
            plans[index.last_plan] = plans.get(index.last_plan, 0) + 1
            return hits

        p50, p95, found = timed(items, run)
        plan = ", ".join(f"{k} {v}" for k, v in sorted(plans.items()))
        rows.append((f"{label}: {name}", f"{recall(found, exact):.3f}", f"{p50:.1f}", f"{p95:.1f}", plan))
    index.exact_below = 20_000
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--shards", type=int, default=2, help="shard nodes behind the fdw coordinator (0: skip)")
    parser.add_argument("--lexical-shards", type=int, default=4, help="tantivy shards (0: skip the lexical part)")
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    records = load_corpus()
    vectors = base_vectors(records)
    rng = random.Random(11)
    asked = [records[i]["title"] for i in rng.sample(range(1, len(records), EMBED_EVERY), args.queries)]
    embedder = load_embedder("bge-small-en")
    queries = embedder.embed_queries(asked)
    filters, share = one_percent(records, vectors, args.docs)
    work = Path(tempfile.mkdtemp(prefix="novum-scale-"))
    table: list[tuple[str, ...]] = []
    notes: list[str] = [f"{args.docs:,} documents, 1 passage each; 1% filter {filters.cpc} before {filters.before}"
                        f" keeps {share:.2%}; {args.queries} queries (real titles)"]  # fmt: skip
    nodes = []
    try:
        node = start_node(work / "single")
        nodes.append(node)
        with PgVectorIndex(node.url, embedder) as single:
            started = time.perf_counter()
            single.copy_rows(dense_rows(records, vectors, args.docs))
            copy_s = time.perf_counter() - started
            started = time.perf_counter()
            single.build_index()
            build_s = time.perf_counter() - started
            notes.append(
                f"one node: binary COPY {args.docs / copy_s:,.0f} rows/s; HNSW + filter indexes {build_s:.0f} s"
            )
            table += knn_rows("1 node, 1% filter", single, queries, filters)
            table += knn_rows("1 node, no filter", single, queries[:30], Filters())[1:2]
        if args.shards:
            coordinator = start_node(work / "coordinator")
            nodes.append(coordinator)
            shard_nodes = [start_node(work / f"shard{i}") for i in range(args.shards)]
            nodes.extend(shard_nodes)
            layout = setup_vector_shards(coordinator.url, [n.url for n in shard_nodes], "dense_sharded", embedder.dim)
            with PgVectorIndex(coordinator.url, embedder, table=layout.table) as through:
                started = time.perf_counter()
                through.copy_rows(dense_rows(records, vectors, args.docs))
                copy_s = time.perf_counter() - started
                started = time.perf_counter()
                build_shard_indexes(layout)
                build_s = time.perf_counter() - started
                notes.append(
                    f"coordinator + {args.shards} shards: COPY through the coordinator {args.docs / copy_s:,.0f} rows/s"
                    f" (rows per shard {shard_counts(layout)}); shard indexes {build_s:.0f} s (built one after another)"
                )
                table += knn_rows(f"fdw coordinator + {args.shards} shards, 1% filter", through, queries, filters)
        if args.lexical_shards:
            table += lexical(records, args.docs, args.lexical_shards, asked, work, notes)
    finally:
        for node in nodes:
            node.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(notes) + "\n")
    print("| run | recall@10 vs exact | p50 ms | p95 ms | plan |")
    print("|---|---:|---:|---:|---|")
    for row in table:
        print("| " + " | ".join(row) + " |")
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / f"scale-bench-{args.docs}.json").write_text(json.dumps({"notes": notes, "rows": table}, indent=1))


def lexical(
    records: list[dict[str, str]], size: int, shards: int, asked: list[str], work: Path, notes: list[str]
) -> list[tuple[str, ...]]:
    """One tantivy index vs ``shards`` shards over the same documents: top-10 agreement and latency."""
    single = LexicalIndex(work / "lexical-single")
    sharded = ShardedLexicalIndex([work / f"lexical-shard{i}" for i in range(shards)])
    started = time.perf_counter()
    batch: list[Patent] = []
    for patent in patents(records, size):
        batch.append(patent)
        if len(batch) == 20_000:
            single.add(batch)
            sharded.add(batch)
            batch = []
    if batch:
        single.add(batch)
        sharded.add(batch)
    notes.append(
        f"lexical: {size:,} documents indexed once and into {shards} shards in {time.perf_counter() - started:.0f} s"
    )
    items: list[object] = list(asked)
    p50, p95, expected = timed(items, lambda q: single.search(str(q), None, 10))
    rows = [("tantivy, 1 index (baseline)", "-", f"{p50:.1f}", f"{p95:.1f}", "")]
    for label, filters in (
        ("no filter", Filters()),
        ("H04L9/ + before 2005", Filters(cpc=["H04L9/"], before="2005-01-01")),
    ):
        if filters.cpc:
            p50, p95, expected = timed(items, lambda q, f=filters: single.search(str(q), f, 10))
            rows.append((f"tantivy, 1 index, {label} (baseline)", "-", f"{p50:.1f}", f"{p95:.1f}", ""))
        p50, p95, found = timed(items, lambda q, f=filters: sharded.search(str(q), f, 10))
        same = sum(
            [h.number for h in a] == [h.number for h in b]  # type: ignore[attr-defined]
            for a, b in zip(expected, found, strict=True)
        )
        rows.append((f"tantivy, {shards} shards, {label}", f"same top 10: {same}/{len(items)}", f"{p50:.1f}",
                     f"{p95:.1f}", "global BM25 rescoring"))  # fmt: skip
    sharded.close()
    return rows


if __name__ == "__main__":
    main()
