"""Query latency at 100k documents (lexical, semantic, hybrid, filtered) and embedding throughput, vs the engines.

Corpus: the real 18,880-patent US corpus (../shared/data/corpus/us-api-patents) replicated to the target size with
new numbers, shifted dates (so the cut-off filter keeps a realistic fraction) and rotated assignee classes. Its
abstracts are embedded once with bge-small-en (cached in bench/out/); a replicated document's passage vectors are
its original's plus small Gaussian noise, so the HNSW graph sees 100k distinct points. Two passages per document
(title + abstract, and the description's first paragraph).

Baselines measured in the same run on the same queries: tantivy alone (the same BM25 query, no fusion, no
snippets, no record reads) and faiss alone (HNSW search of a pre-computed query vector).

    python bench/latency_bench.py [--docs 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
CORPUS = REPO.parent / "shared" / "data" / "corpus" / "us-api-patents"
CACHE = REPO / "bench" / "out"

from novum.index.dense import DenseIndex  # noqa: E402
from novum.index.embed import load_embedder  # noqa: E402
from novum.index.lexical import Filters, LexicalIndex  # noqa: E402
from novum.index.passages import passages  # noqa: E402
from novum.ingest.formats.records import _api_evangelist  # noqa: E402
from novum.ingest.pipeline import Ingester  # noqa: E402
from novum.search.prior_art import SearchRequest, search  # noqa: E402
from novum.store.sqlite import Store  # noqa: E402

CPC_POOL = ["H04L9/32", "G06F21/60", "H04W12/06", "G06F16/24", "H04L67/10", "G06Q20/40", "H04N21/20", "G06N20/00"]


def load_corpus() -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            records.extend(json.loads(line) for line in handle if line.strip())
    return records


def replicate(records: list[dict[str, object]], size: int, out: Path) -> None:
    """Normalised JSONL of ``size`` documents: copies get new numbers, dates shifted by whole years, classes."""
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        for i in range(size):
            source = records[i % len(records)]
            copy = i // len(records)
            patent = _api_evangelist(source)
            patent.doc_number = f"{20_000_000 + i}"
            if patent.filing_date:
                year = int(patent.filing_date[:4]) - 2 * copy
                patent.filing_date = f"{year}{patent.filing_date[4:]}"
            patent.cpc = [CPC_POOL[i % len(CPC_POOL)]]
            handle.write(json.dumps(patent.to_dict()) + "\n")


def corpus_vectors(records: list[dict[str, object]]) -> np.ndarray:
    """bge-small-en vectors of every real document's two passages, cached between runs."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cache = CACHE / f"bge-passages-{len(records)}.npy"
    if cache.exists():
        return np.load(cache)
    embedder = load_embedder("bge-small-en")
    texts: list[str] = []
    for source in records:
        pair = [p.text for p in passages(_api_evangelist(source))][:2] or [""]
        texts.extend(pair + pair[:1] * (2 - len(pair)))  # a document without description repeats its abstract
    started = time.perf_counter()
    vectors = embedder.embed_passages(texts)
    print(f"embedded {len(texts):,} real passages in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    np.save(cache, vectors)
    return vectors


def build_dense(store: Store, vectors: np.ndarray, size: int, real: int) -> DenseIndex:
    """Write the replicated vectors and their passage rows directly (embedding 100k documents takes hours here)."""
    dense = DenseIndex(store, load_embedder("bge-small-en"))
    rng = np.random.default_rng(7)
    numbers = [row[0] for row in store.db.execute("SELECT number FROM documents ORDER BY number")]
    with open(dense.vector_file, "wb") as handle:
        for start in range(0, size, 10_000):
            ids = np.arange(start, min(size, start + 10_000))
            rows = np.concatenate([vectors[2 * (i % real) : 2 * (i % real) + 2] for i in ids])
            noisy = rows + rng.normal(0, 0.01, rows.shape).astype(np.float32) * (ids.repeat(2) >= real)[:, None]
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            handle.write(noisy.astype(np.float32).tobytes())
    by_order = sorted(numbers, key=lambda n: int(n[2:]))
    with store.transaction():
        store.db.executemany(
            "INSERT INTO passages (model, id, number, location) VALUES ('bge-small-en', ?, ?, ?)",
            [(2 * i + j, number, ("abstract", "paragraph 1")[j]) for i, number in enumerate(by_order) for j in (0, 1)],
        )
        store.db.execute("INSERT INTO embedded SELECT 'bge-small-en', number, content_hash FROM documents")
    return DenseIndex(store, load_embedder("bge-small-en"))  # reopened: builds the HNSW graph from the file


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def timed(queries: list[str], run: Callable[[str], object]) -> tuple[float, float]:
    for query in queries[:5]:
        run(query)  # warm-up
    samples = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    records = load_corpus()
    vectors = corpus_vectors(records)
    rng = random.Random(11)
    queries = [str(r["title"]) for r in rng.sample(records, args.queries)]
    work = Path(tempfile.mkdtemp(prefix="novum-latency-"))
    source = work / "replicated.jsonl.gz"
    replicate(records, args.docs, source)
    started = time.perf_counter()
    with Store(work / "data") as store:
        Ingester(store, LexicalIndex(work / "data")).run([source])
        ingest_s = time.perf_counter() - started
        dense = build_dense(store, vectors, args.docs, len(records))
        index = LexicalIndex(work / "data")
        embedder = dense.embedder
        query_vectors = {q: embedder.embed_queries([q]) for q in queries}
        cut = Filters(before="2005-01-01", cpc=["H04L"])
        share = float(dense.docs.mask(cut).mean())  # type: ignore[union-attr]
        searcher = index.index.searcher()
        rows: list[tuple[str, tuple[float, float]]] = [
            ("tantivy alone (BM25 query)", timed(queries, lambda q: searcher.search(index.text_query(q), 10))),
            ("faiss alone (HNSW, vector given)", timed(queries, lambda q: dense.graph.search(query_vectors[q], 10))),
            ("query embedding alone (bge-small-en)", timed(queries, lambda q: embedder.embed_queries([q]))),
        ]  # fmt: skip
        for mode in ("lexical", "semantic", "hybrid"):
            for label, filters in (("", Filters()), (f" + filter ({share:.1%} of docs)", cut)):

                def run(q: str, mode: str = mode, filters: Filters = filters) -> object:
                    return search(store, index, SearchRequest(q, filters, 10, True, mode), [dense])

                rows.append((f"novum {mode}{label}", timed(queries, run)))
    print(
        f"{args.docs:,} documents ({len(records):,} real, replicated), {len(dense.passage_number):,} passage "
        f"vectors, {len(queries)} queries (real titles); lexical ingest {ingest_s:.0f} s\n"
    )
    print("| run | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for label, (p50, p95) in rows:
        print(f"| {label} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
