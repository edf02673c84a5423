"""Scale-out figures: filtered kNN in pgvector (one node, and a coordinator over shard nodes joined by postgres_fdw)
and sharded vs single tantivy, each against its baseline in the same run.

Data: the real 18,880-patent US corpus (../shared/data/corpus/us-api-patents) extended to ``--docs`` documents by
replication. Document i is a copy of real document r = i mod 18,880 (copy c = i div 18,880): renumbered ``US3`` + 7
digits of i + ``B2``, its filing date moved back c mod 15 years, one CPC symbol from an 8-symbol pool (i mod 8),
the real title, abstract and description head for the lexical index, and one passage vector: the bge-small-en
embedding of real title r (cached in bench/out/), plus Gaussian noise (sigma 0.03 per dimension, re-normalised)
when c > 0, so the HNSW graph sees N distinct points in real clusters.

Queries: 100 real titles (``embed_queries``). The 1% filter is a class prefix (``H04L9/``, an eighth of the
documents) with the cut-off date that leaves 1% of all documents.

Baselines in the same run: exact filtered kNN (every allowed row scored) for recall and latency; one tantivy index
for the sharded lexical search (same top 10, compared rank by rank with ties allowed to swap, and latency); the
single-node hybrid pipeline for the hybrid through the coordinator.

    python bench/scale_bench.py [--docs 100000] [--shards 2] [--lexical-shards 4] [--queries 100]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
CORPUS = REPO.parent / "shared" / "data" / "corpus" / "us-api-patents"
CACHE = REPO / "bench" / "out"

from novum.index.dense import DenseHit  # noqa: E402
from novum.index.embed import load_embedder  # noqa: E402
from novum.index.lexical import Filters, LexicalHit, LexicalIndex  # noqa: E402
from novum.index.pgvector import DocAttributes, PgVectorIndex, VectorRow  # noqa: E402
from novum.index.shards import ShardedLexicalIndex  # noqa: E402
from novum.ingest.formats.records import _api_evangelist  # noqa: E402
from novum.model import Patent  # noqa: E402
from novum.store.pgnode import start_node  # noqa: E402
from novum.store.sharding import build_shard_indexes, setup_vector_shards, shard_counts  # noqa: E402

T = TypeVar("T")
R = TypeVar("R")
CPC_POOL = ["H04L9/32", "G06F21/60", "H04W12/06", "G06F16/24", "H04L67/10", "G06Q20/40", "H04N21/20", "G06N20/00"]
NOISE = 0.03


def load_corpus() -> list[dict[str, str]]:
    records: list[dict[str, str]] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            records.extend(json.loads(line) for line in handle if line.strip())
    return records


def base_vectors(records: list[dict[str, str]]) -> np.ndarray:
    """bge-small-en title vectors of every real document, cached between runs."""
    CACHE.mkdir(parents=True, exist_ok=True)
    chosen = records
    cache = CACHE / f"scale-titles-bge-{len(chosen)}.npy"
    if cache.exists():
        return np.asarray(np.load(cache), dtype=np.float32)
    started = time.perf_counter()
    vectors = load_embedder("bge-small-en").embed_passages([r["title"] or "" for r in chosen])
    print(f"embedded {len(chosen):,} real titles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    np.save(cache, vectors)
    return vectors


def moved_back(date: str, copy: int) -> str:
    """A copy's date (YYYYMMDD or YYYY-MM-DD): its real document's, ``copy`` mod 15 years earlier."""
    return f"{int(date[:4]) - copy % 15}{date[4:]}"


def day(source: dict[str, str], copy: int) -> str:
    raw = moved_back(source["date"], copy)
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"


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
            source = records[i % len(records)]
            effective = day(source, int(i) // len(records))
            attrs = DocAttributes.from_values(effective, effective, "US", "B2", [CPC_POOL[i % 8]], [])
            yield VectorRow(int(i), number(int(i)), "title", attrs, block[j])


def one_percent(records: list[dict[str, str]], size: int) -> tuple[Filters, float]:
    """The H04L9/ class with the cut-off that leaves 1% of the documents, and the share it really leaves."""
    days = sorted(
        int(day(records[i % len(records)], i // len(records)).replace("-", "")) for i in range(size) if i % 8 == 0
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
            patent.filing_date = moved_back(patent.filing_date, copy)
        patent.cpc = [CPC_POOL[i % 8]]
        yield patent


def timed(items: list[T], run: Callable[[T], R]) -> tuple[float, float, list[R]]:
    for item in items[:3]:
        run(item)  # warm-up
    samples: list[float] = []
    results: list[R] = []
    for item in items:
        started = time.perf_counter()
        results.append(run(item))
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))], results


def recall(found: list[list[DenseHit]], exact: list[list[DenseHit]]) -> float:
    hits = total = 0
    for got, want in zip(found, exact, strict=True):
        wanted = {h.number for h in want}
        hits += len(wanted & {h.number for h in got})
        total += len(wanted)
    return hits / total if total else 1.0


def knn_rows(label: str, index: PgVectorIndex, queries: np.ndarray, filters: Filters) -> list[tuple[str, ...]]:
    items: list[np.ndarray] = list(queries)
    p50, p95, exact = timed(items, lambda q: index.search_exact(q[None, :], filters, 10))
    rows: list[tuple[str, ...]] = [(f"{label}: exact scan (baseline)", "1.000", f"{p50:.1f}", f"{p95:.1f}", "exact")]
    for name, below in (("HNSW iterative scan", 0), ("adaptive (exact below 20k est. rows)", 20_000)):
        index.exact_below = below
        plans: dict[str, int] = {}

        def run(q: np.ndarray, plans: dict[str, int] = plans) -> list[DenseHit]:
            hits = index.search_vector(q[None, :], filters, 10)
            plans[index.last_plan] = plans.get(index.last_plan, 0) + 1
            return hits

        p50, p95, found = timed(items, run)
        plan = ", ".join(f"{k} {v}" for k, v in sorted(plans.items()))
        rows.append((f"{label}: {name}", f"{recall(found, exact):.3f}", f"{p50:.1f}", f"{p95:.1f}", plan))
    index.exact_below = 20_000
    return rows


def unfiltered_rows(index: PgVectorIndex, queries: np.ndarray, efs: list[int]) -> list[tuple[str, ...]]:
    """Unfiltered kNN at several ``hnsw.ef_search`` values against exact search: recall@10, and how far the HNSW
    top 10's mean score falls below the exact top 10's (near-ties between replicated copies cost recall, not
    quality, when that gap is tiny)."""
    items: list[np.ndarray] = list(queries)
    _, _, exact = timed(items, lambda q: index.search_exact(q[None, :], Filters(), 10))
    best = [statistics.fmean(h.score for h in hits) for hits in exact]
    rows: list[tuple[str, ...]] = []
    default = index.ef_search
    for ef in efs:
        index.ef_search = ef
        p50, p95, found = timed(items, lambda q: index.search_vector(q[None, :], Filters(), 10))
        gap = statistics.fmean(b - statistics.fmean(h.score for h in got) for b, got in zip(best, found, strict=True))
        rows.append((f"1 node, no filter: HNSW, ef_search {ef}", f"{recall(found, exact):.3f}", f"{p50:.1f}",
                     f"{p95:.1f}", f"top-10 mean score {gap:.4f} below exact"))  # fmt: skip
    index.ef_search = default
    return rows


def same_top(single: list[LexicalHit], sharded: list[LexicalHit]) -> bool:
    """Same scores rank by rank and the same documents, except that documents tied in score may swap."""
    if len(single) != len(sharded):
        return False
    if any(abs(a.score - b.score) > 1e-4 * a.score for a, b in zip(single, sharded, strict=True)):
        return False
    edge = single[-1].score if single else 0.0  # documents tied with the last one: either may be cut off

    def kept(hits: list[LexicalHit]) -> set[str]:
        return {h.number for h in hits if abs(h.score - edge) > 1e-4 * edge}

    return kept(single) == kept(sharded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--shards", type=int, default=2, help="shard nodes behind the fdw coordinator")
    parser.add_argument("--lexical-shards", type=int, default=4, help="tantivy shards")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--real", type=int, help="replicate only the first N real documents (more copies of each)")
    parser.add_argument("--hnsw-m", type=int, default=16, help="HNSW m (links per node; 2m on the bottom layer)")
    parser.add_argument("--ef-search", default="100,400", help="hnsw.ef_search values for the unfiltered rows")
    parser.add_argument("--parts", default="dense,fdw,lexical,hybrid", help="which parts to run (comma-separated)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so the nodes below are stopped on the way out
    parts = set(args.parts.split(","))
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    records = load_corpus()
    vectors = base_vectors(records)
    if args.real:
        records, vectors = records[: args.real], vectors[: args.real]
    rng = random.Random(11)
    asked = [records[i]["title"] for i in rng.sample(range(len(records)), args.queries)]
    embedder = load_embedder("bge-small-en")
    queries = embedder.embed_queries(asked)
    filters, share = one_percent(records, args.docs)
    work = Path(tempfile.mkdtemp(prefix="novum-scale-"))
    table: list[tuple[str, ...]] = []
    notes: list[str] = [f"{args.docs:,} documents ({len(records):,} real ones, HNSW m {args.hnsw_m}), 1 passage each;"
                        f" 1% filter {filters.cpc} before {filters.before} keeps {share:.2%};"
                        f" {args.queries} queries (real titles)"]  # fmt: skip
    nodes = []
    try:
        single = through = None
        if parts & {"dense", "hybrid"}:
            node = start_node(work / "single")
            nodes.append(node)
            single = PgVectorIndex(node.url, embedder, passages_per_doc=1)  # one passage per document here
            started = time.perf_counter()
            single.copy_rows(dense_rows(records, vectors, args.docs))
            copy_s = time.perf_counter() - started
            started = time.perf_counter()
            single.build_index(m=args.hnsw_m)
            build_s = time.perf_counter() - started
            heap, graph, total = single.conn.execute(
                "SELECT pg_table_size(%s), pg_relation_size(%s), pg_total_relation_size(%s)",
                (single.table, f"{single.table}_hnsw", single.table),
            ).fetchone() or (0, 0, 0)
            notes.append(
                f"one node: binary COPY {args.docs / copy_s:,.0f} rows/s; HNSW + filter indexes {build_s:.0f} s;"
                f" per row: table {heap / args.docs:,.0f} B, HNSW {graph / args.docs:,.0f} B, all indexes and table"
                f" {total / args.docs:,.0f} B"
            )
        if parts & {"fdw", "hybrid"}:
            coordinator = start_node(work / "coordinator")
            shard_nodes = [start_node(work / f"shard{i}") for i in range(args.shards)]
            nodes += [coordinator, *shard_nodes]
            layout = setup_vector_shards(coordinator.url, [n.url for n in shard_nodes], "dense_sharded", embedder.dim)
            through = PgVectorIndex(coordinator.url, embedder, table=layout.table, passages_per_doc=1)
            started = time.perf_counter()
            through.copy_rows(dense_rows(records, vectors, args.docs))
            copy_s = time.perf_counter() - started
            started = time.perf_counter()
            build_shard_indexes(layout)
            notes.append(
                f"coordinator + {args.shards} shards: COPY through the coordinator {args.docs / copy_s:,.0f} rows/s"
                f" (rows per shard {shard_counts(layout)}); shard indexes {time.perf_counter() - started:.0f} s"
                " (built one after another)"
            )
        lexical = (
            build_lexical(records, args.docs, args.lexical_shards, work, notes)
            if parts & {"lexical", "hybrid"}
            else None
        )
        if single is not None and "dense" in parts:
            table += knn_rows("1 node, 1% filter", single, queries, filters)
            table += unfiltered_rows(single, queries[:30], [int(ef) for ef in args.ef_search.split(",")])
        if through is not None and "fdw" in parts:
            table += knn_rows(f"fdw coordinator + {args.shards} shards, 1% filter", through, queries, filters)
        if lexical is not None and "lexical" in parts:
            table += lexical_rows(*lexical, asked, filters)
        if single is not None and through is not None and lexical is not None and "hybrid" in parts:
            table += hybrid_rows(single, through, *lexical, asked, filters, embedder)
    finally:
        for node in nodes:
            node.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(notes) + "\n")
    print("| run | recall@10 vs baseline | p50 ms | p95 ms | plan |")
    print("|---|---:|---:|---:|---|")
    for row in table:
        print("| " + " | ".join(row) + " |")
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / f"scale-bench-{args.docs}.json").write_text(json.dumps({"notes": notes, "rows": table}, indent=1))


def build_lexical(
    records: list[dict[str, str]], size: int, shards: int, work: Path, notes: list[str]
) -> tuple[LexicalIndex, ShardedLexicalIndex]:
    """One tantivy index and ``shards`` shards over the same documents."""
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
    notes.append(f"lexical: {size:,} documents indexed once and into {shards} shards (one process, both) in"
                 f" {time.perf_counter() - started:.0f} s")  # fmt: skip
    return single, sharded


def lexical_rows(
    single: LexicalIndex, sharded: ShardedLexicalIndex, asked: list[str], one: Filters
) -> list[tuple[str, ...]]:
    """Sharded vs single tantivy: same top 10 (ties may swap) and latency."""
    items = list(asked)
    rows: list[tuple[str, ...]] = []
    for label, filters in (("no filter", Filters()), ("1% filter", one)):

        def alone(q: str, f: Filters = filters) -> list[LexicalHit]:
            return single.search(q, f, 10)

        def spread(q: str, f: Filters = filters) -> list[LexicalHit]:
            return sharded.search(q, f, 10)

        p50, p95, expected = timed(items, alone)
        rows.append((f"tantivy, 1 index, {label} (baseline)", "-", f"{p50:.1f}", f"{p95:.1f}", ""))
        p50, p95, found = timed(items, spread)
        same = sum(same_top(a, b) for a, b in zip(expected, found, strict=True))
        rows.append((f"tantivy, {len(sharded.shards)} shards, {label}", f"same top 10: {same}/{len(items)}",
                     f"{p50:.1f}", f"{p95:.1f}", "global BM25 rescoring"))  # fmt: skip
    return rows


def hybrid_rows(
    single: PgVectorIndex, through: PgVectorIndex, lexical: LexicalIndex, sharded: ShardedLexicalIndex,
    asked: list[str], one: Filters, embedder: object,
) -> list[tuple[str, ...]]:  # fmt: skip
    """Hybrid retrieval (query embedding, 50 BM25 + 50 kNN candidates, reciprocal rank fusion; no record reads):
    one node with one tantivy index, and the coordinator with tantivy shards (the two run in parallel)."""
    from concurrent.futures import ThreadPoolExecutor

    from novum.search.fusion import reciprocal_rank_fusion

    items = list(asked)
    pool = ThreadPoolExecutor(max_workers=2)
    rows: list[tuple[str, ...]] = []
    for label, filters in (("no filter", Filters()), ("1% filter", one)):

        def one_node(q: str, f: Filters = filters) -> list[tuple[str, float]]:
            vector = embedder.embed_queries([str(q)])  # type: ignore[attr-defined]
            words = [h.number for h in lexical.search(str(q), f, 50)]
            return reciprocal_rank_fusion([words, [h.number for h in single.search_vector(vector, f, 50)]])[:10]

        def scaled(q: str, f: Filters = filters) -> list[tuple[str, float]]:
            vector = embedder.embed_queries([str(q)])  # type: ignore[attr-defined]
            words = pool.submit(sharded.search, str(q), f, 50)
            dense = [h.number for h in through.search_vector(vector, f, 50)]
            return reciprocal_rank_fusion([[h.number for h in words.result()], dense])[:10]

        p50, p95, expected = timed(items, one_node)
        rows.append((f"hybrid, 1 node + 1 tantivy index, {label} (baseline)", "-", f"{p50:.1f}", f"{p95:.1f}", ""))
        p50, p95, found = timed(items, scaled)
        agree = sum(len({n for n, _ in a} & {n for n, _ in b}) for a, b in zip(expected, found, strict=True))
        total = sum(len(a) for a in expected)
        rows.append((f"hybrid, coordinator + {len(sharded.shards)} tantivy shards, {label}",
                     f"{agree / max(total, 1):.3f} (overlap)", f"{p50:.1f}", f"{p95:.1f}", ""))  # fmt: skip
    pool.shutdown()
    return rows


if __name__ == "__main__":
    main()
