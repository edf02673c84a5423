"""Watch evaluation: 1,000 watches (lexical, query-language, semantic) against a batch of 10,000 newly stored
documents, by the percolator (novum.watch: each batch of new documents indexed in a temporary tantivy index with
the store's analyzers, each watch matched once per batch, proximity verified on the batch's records, semantic
closeness one matrix product over the batch's passage vectors) against the baseline measured in the same run:
every watch re-run over the whole store (the store's lexical index, proximity verified on the stored text,
semantic closeness over every stored passage vector), keeping the matches among the new documents. Both must find
the same (watch, document) pairs; the table says whether they do. ``--store-index`` measures the other design:
watch queries on the store's own index restricted to the batch's numbers.

Data: the 18,880 real US patents of ../shared/data/corpus/us-api-patents (title, abstract, first 1,000 characters
of the description), in file order: the first 8,880 are the store before, the next 10,000 the new batch. Watches
are generated from the real titles of the older documents (seeded): 600 free-text watches (two title words, AND),
300 query-language watches (phrases, NEAR5, ADJ3, ti= fields, truncation, NOT), 100 ``sem("<a real title>")``
watches. Passage vectors are SYNTHETIC: embedding 38,000 passages with bge-small on 2 shared cores takes most of
an hour, so a stand-in embedder gives every passage and query a seeded random unit vector of the real dimension
(384), written through the real dense-index code (vector file, passage and embedded tables); the cost of semantic
matching (a matrix product and a per-document maximum) does not depend on the values. Thresholds are calibrated on
the store as for real watches (0.998 quantile).

    python bench/watch_bench.py [--old 8880] [--new 10000] [--watches 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from novum.index import embed as embed_module  # noqa: E402
from novum.index.dense import DenseIndex  # noqa: E402
from novum.index.lexical import open_index  # noqa: E402
from novum.ingest.pipeline import Ingester  # noqa: E402
from novum.search.query import compile_query, parse  # noqa: E402
from novum.search.query.evaluate import Evaluator  # noqa: E402
from novum.search.query.fields import FULLTEXT  # noqa: E402
from novum.search.query.proximity import DocText  # noqa: E402
from novum.store.sqlite import Store  # noqa: E402
from novum.store.watches import WatchTable  # noqa: E402
from novum.watch import semantic, service  # noqa: E402
from novum.watch.percolator import search_filters  # noqa: E402

CORPUS = REPO.parent / "shared" / "data" / "corpus" / "us-api-patents"
DIM = 384
_WORD = re.compile(r"[a-z]{5,}")
_STOP = {"method", "methods", "system", "systems", "apparatus", "device", "devices", "using", "thereof", "based"}
_STOP |= {"having", "providing", "associated", "multiple", "within", "between", "including", "first", "second"}


class StandInEmbedder:
    """Seeded random unit vectors per text: the real dense-index code path with synthetic values (see above)."""

    name = "bge-small-en"
    dim = DIM
    version = "synthetic-bench"
    identity = {"synthetic": "seeded random unit vectors"}

    def _vectors(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            row = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
            out[i] = row / np.linalg.norm(row)
        return out

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._vectors(["q:" + t for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._vectors(texts)


def lines() -> list[str]:
    out: list[str] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        out += path.read_text(encoding="utf-8").splitlines()
    return out


def build(data: Path, old: list[str], new: list[str]) -> dict[str, float]:
    """The store before (old documents, indexed and embedded); returns timings."""
    timings: dict[str, float] = {}
    source = data.parent / "sources"
    source.mkdir(exist_ok=True)
    (source / "old.jsonl").write_text("\n".join(old) + "\n", encoding="utf-8")
    (source / "new.jsonl").write_text("\n".join(new) + "\n", encoding="utf-8")
    started = time.perf_counter()
    with Store(data) as store:
        Ingester(store, open_index(store)).run([source / "old.jsonl"])
        dense = DenseIndex(store, StandInEmbedder())  # type: ignore[arg-type]
        while batch := dense.pending(limit=512):
            dense.add(batch)
        dense.save()
    timings["build store before"] = time.perf_counter() - started
    return timings


def make_watches(store: Store, titles: list[str], count: int, seed: int = 7) -> dict[str, str]:
    """Name → query, generated from real titles (see the module note)."""
    rng = random.Random(seed)
    words = [[w for w in _WORD.findall(t.lower()) if w not in _STOP] for t in titles]
    pairs = [w for w in words if len(w) >= 2]
    counts = Counter(w for ws in words for w in ws)
    common = [w for w, n in counts.most_common(400) if n >= 5]
    queries: dict[str, str] = {}
    n_text, n_query = int(count * 0.6), int(count * 0.3)
    for i in range(n_text):
        a, b = rng.sample(rng.choice(pairs), 2)
        queries[f"text-{i}"] = f"{a} {b}"
    forms = [
        lambda a, b: f'"{a} {b}"',
        lambda a, b: f"{a} NEAR5 {b}",
        lambda a, b: f"{a} ADJ3 {b}",
        lambda a, b: f"ti={a} AND {b}",
        lambda a, b: f"{a[:5]}* AND {b}",
        lambda a, b: f"({a} OR {b}) AND NOT {rng.choice(common)}",
    ]
    for i in range(n_query):
        a, b = rng.sample(rng.choice(pairs), 2) if i % 2 else rng.sample(common, 2)
        queries[f"ql-{i}"] = forms[i % len(forms)](a, b)
    for i in range(count - n_text - n_query):
        title = rng.choice(titles).replace('"', "")
        queries[f"sem-{i}"] = f'sem("{title}")'
    return queries


def percolate(data: Path, new_file: Path, temporary: bool) -> tuple[float, float, set[tuple[str, str]], int]:
    """Ingest the new batch (timed apart), then one watch run over it; returns (ingest s, run s, pairs, alerts)."""
    started = time.perf_counter()
    with Store(data) as store:
        Ingester(store, open_index(store)).run([new_file])
        dense = DenseIndex(store, StandInEmbedder())  # type: ignore[arg-type]
        while batch := dense.pending(limit=512):
            dense.add(batch)
        dense.save()
    ingest_s = time.perf_counter() - started
    with Store(data) as store:
        started = time.perf_counter()
        report = service.run_watches(store, send=False, temporary_index=temporary)
        run_s = time.perf_counter() - started
        pairs = {(name, a.number) for name, alerts in report.alerts.items() for a in alerts}
        return ingest_s, run_s, pairs, report.new_alerts


def baseline(data: Path, new_numbers: set[str]) -> tuple[float, set[tuple[str, str]]]:
    """Every watch re-run over the whole store; the matches among the new documents."""
    pairs: set[tuple[str, str]] = set()
    with Store(data) as store:
        index = open_index(store)
        vectors = semantic.open_vectors(store)
        assert vectors is not None
        started = time.perf_counter()
        every = list(store.numbers())
        all_docs = vectors.documents(every)
        texts: dict[str, DocText] = {}
        for watch in WatchTable(store).all():
            spec = watch.spec
            ast = parse(spec["query"], spec.get("default_operator", "AND"))
            compiled = compile_query(ast, index, filters=search_filters(spec))
            searcher = index.index.searcher()
            hits = searcher.search(compiled.query, limit=len(every)).hits
            found = [searcher.doc(a)["number"][0] for _, a in hits]
            if not compiled.exact:
                records = store.get_many(found)
                evaluator = Evaluator(compiled)
                kept = []
                for number in found:
                    doc = texts.get(number) or texts.setdefault(number, DocText(records[number]))
                    if evaluator.truth(compiled.ast, doc, FULLTEXT):
                        kept.append(number)
                found = kept
            if spec.get("vectors"):
                best = all_docs.best(semantic.target_matrix(spec["vectors"]))
                close = {n for i, n in enumerate(all_docs.numbers)
                         if all(best[i, j] >= t["threshold"] for j, t in enumerate(spec["vectors"]))}  # fmt: skip
                found = [n for n in found if n in close]
            pairs.update((watch.name, n) for n in found if n in new_numbers)
        return time.perf_counter() - started, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=int, default=8880)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--watches", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="keep the data directory here")
    parser.add_argument("--store-index", action="store_true", help="query the store's index restricted to the batch")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    corpus = lines()
    old, new = corpus[: args.old], corpus[args.old : args.old + args.new]
    work = Path(tempfile.mkdtemp(prefix="novum-watch-bench-"))
    data = work / "data"
    embed_module.load_embedder = lambda name="bge-small-en": StandInEmbedder()  # type: ignore[assignment,return-value,misc]
    try:
        timings = build(data, old, new)
        titles = [json.loads(line)["title"] for line in old]
        with Store(data) as store:
            started = time.perf_counter()
            queries = make_watches(store, titles, args.watches)
            for name, query in queries.items():
                service.add_watch(store, name, query=query)
            timings[f"add {len(queries):,} watches (parse, compile, calibrate)"] = time.perf_counter() - started
            before = WatchTable(store).max_seq()
        ingest_s, run_s, found, alerts = percolate(data, work / "sources" / "new.jsonl", not args.store_index)
        with Store(data) as store:
            new_numbers = {n for _, n in WatchTable(store).feed(before, 10**9)}
        base_s, expected = baseline(data, new_numbers)
        kinds = Counter(name.split("-")[0] for name in queries)
        mix = f"{kinds['text']} free text, {kinds['ql']} query language, {kinds['sem']} semantic"
        print(f"\n{len(queries):,} watches ({mix}) x {len(new_numbers):,} new documents")
        print(f"{'step':<52}{'seconds':>10}")
        for name, seconds in timings.items():
            print(f"{name:<52}{seconds:>10.1f}")
        print(f"{'ingest + embed the new batch (not part of either)':<52}{ingest_s:>10.1f}")
        print(f"{'percolator: novum watch run over the new batch':<52}{run_s:>10.1f}")
        print(f"{'baseline: every watch over the whole store':<52}{base_s:>10.1f}")
        print(f"speed-up {base_s / run_s:.1f}x; alerts {alerts:,}; pairs percolator {len(found):,}, baseline"
              f" {len(expected):,}; identical: {found == expected}")  # fmt: skip
        if found != expected:
            print(f"only percolator: {sorted(found - expected)[:10]}; only baseline: {sorted(expected - found)[:10]}")
    finally:
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
