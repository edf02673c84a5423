"""Query-language latency at 100k documents: proximity, Boolean and fielded queries against the equivalent plain
tantivy queries (phrase, phrase with slop, Boolean) run in the same process on the same index.

The corpus is the 18,880-patent US corpus (../shared/data/corpus/us-api-patents: titles, abstracts and
descriptions, no claims or publication dates) replicated with altered numbers
to ``--docs`` documents, ingested through the real pipeline (Ingester + Store + LexicalIndex) into a temp dir.

    python bench/proximity_bench.py [--docs 100000] [--runs 9] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import tantivy

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from novum.index.lexical import LexicalIndex  # noqa: E402
from novum.ingest.pipeline import Ingester  # noqa: E402
from novum.search.query import QueryTooExpensiveError, run_query  # noqa: E402
from novum.store.sqlite import Store  # noqa: E402

CORPUS = REPO.parent / "shared" / "data" / "corpus" / "us-api-patents"
FIELDS = ("title", "abstract", "claims", "description")
Occur = tantivy.Occur


def build(data: Path, docs: int) -> float:
    """Ingest the corpus, then copies of it with altered numbers, until ``docs`` documents; returns seconds."""
    started = time.perf_counter()
    seed = data / "seed"
    with Store(seed) as store:
        Ingester(store, None).run(sorted(CORPUS.glob("*.jsonl")))
        originals = [p.to_dict() for p in store.iter_patents()]
    copies = data / "copies.jsonl"
    with copies.open("w", encoding="utf-8") as out:
        written = 0
        copy = 0
        while written < docs:
            for record in originals:
                if written >= docs:
                    break
                record = dict(record)
                record["doc_number"] = f"{copy}{record['doc_number']}" if copy else record["doc_number"]
                record.pop("number", None)
                record.pop("family_id", None)
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
            copy += 1
    shutil.rmtree(seed)
    with Store(data) as store:
        Ingester(store, LexicalIndex(data)).run([copies])
    return time.perf_counter() - started


def baselines(index: LexicalIndex) -> dict[str, tantivy.Query]:
    """Plain tantivy equivalents: what a search box without sentence/paragraph knowledge would run."""
    schema = index.schema

    def term(field: str, word: str) -> tantivy.Query:
        return tantivy.Query.term_query(schema, field, word)

    def each_field(make: Callable[[str], tantivy.Query]) -> tantivy.Query:
        return tantivy.Query.boolean_query([(Occur.Should, make(f)) for f in FIELDS])

    def both(a: str, b: str) -> Callable[[str], tantivy.Query]:
        return lambda f: tantivy.Query.boolean_query([(Occur.Must, term(f, a)), (Occur.Must, term(f, b))])

    def slop(a: str, b: str, n: int) -> Callable[[str], tantivy.Query]:
        return lambda f: tantivy.Query.boolean_query(
            [
                (Occur.Should, tantivy.Query.phrase_query(schema, f, [a, b], slop=n)),
                (Occur.Should, tantivy.Query.phrase_query(schema, f, [b, a], slop=n)),
            ]
        )

    country = tantivy.Query.term_query(schema, "country", "US", index_option="basic")
    return {
        "wireless ADJ network": each_field(lambda f: tantivy.Query.phrase_query(schema, f, ["wireless", "network"])),
        "(mobile OR wireless) NEAR3 (device OR terminal)": tantivy.Query.boolean_query(
            [(Occur.Should, each_field(slop(a, b, 2))) for a in ("mobil", "wireless") for b in ("devic", "termin")]
        ),
        "battery WITH electrode": each_field(both("batteri", "electrod")),
        "battery SAME electrode": each_field(both("batteri", "electrod")),
        "abstract=(battery NEAR5 charg*)": tantivy.Query.boolean_query(
            [
                (Occur.Should, tantivy.Query.regex_phrase_query(schema, "abstract", ["batteri", "charg.*"], 4)),
                (Occur.Should, tantivy.Query.regex_phrase_query(schema, "abstract", ["charg.*", "batteri"], 4)),
            ]
        ),
        "image NOT WITH sensor": each_field(lambda f: term(f, "imag")),
        "ti=(image AND sensor) AND country=US": tantivy.Query.boolean_query(
            [(Occur.Must, term("title", "imag")), (Occur.Must, term("title", "sensor")), (Occur.Must, country)]
        ),
        "(encrypt* OR cipher*) AND key AND NOT password": tantivy.Query.boolean_query(
            [
                (Occur.Must, each_field(lambda f: tantivy.Query.regex_query(schema, f, "(encrypt|cipher).*"))),
                (Occur.Must, each_field(lambda f: term(f, "key"))),
                (Occur.MustNot, each_field(lambda f: term(f, "password"))),
            ]
        ),
    }


def timed(run: Callable[[], object], runs: int) -> tuple[float, float, object]:
    result = run()  # warm-up (caches, first reads)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keep", type=Path, help="reuse/keep the data dir here")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    data = args.keep or Path(tempfile.mkdtemp(prefix="novum-prox-"))
    try:
        if not (data / "novum.db").exists():
            seconds = build(data, args.docs)
            print(f"ingested {args.docs:,} documents in {seconds:.0f} s", file=sys.stderr)
        store, index = Store(data), LexicalIndex(data)
        searcher = index.index.searcher()
        print(
            "| query | first page p50 ms | first page p95 ms | full count p50 ms | full count p95 ms | hits"
            " | candidates | tantivy baseline p50 ms | baseline p95 ms | baseline hits |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for query, baseline in baselines(index).items():
            try:
                p50, p95, _ = timed(lambda q=query: run_query(q, store, index, limit=10, explain=False), args.runs)
                f50, f95, result = timed(
                    lambda q=query: run_query(q, store, index, limit=10, explain=False, count_all=True), args.runs
                )
                hits = f"{result.total:,}"  # type: ignore[attr-defined]
                verified = f"{result.candidates:,}" if result.verified else "– (exact in tantivy)"  # type: ignore[attr-defined]
            except QueryTooExpensiveError as exc:
                p50 = p95 = f50 = f95 = float("nan")
                hits, verified = "refused", str(exc)[:70]
            b50, b95, found = timed(lambda b=baseline: searcher.search(b, limit=10, count=True), args.runs)
            counted = getattr(found, "count", 0)
            print(
                f"| `{query}` | {p50:.1f} | {p95:.1f} | {f50:.1f} | {f95:.1f} | {hits} | {verified} | {b50:.1f}"
                f" | {b95:.1f} | {counted:,} |"
            )
        explain50, explain95, _ = timed(
            lambda: run_query("battery WITH electrode", store, index, limit=10, explain=True), args.runs
        )
        print(
            f"\n`battery WITH electrode` with --explain on the 10 hits: p50 {explain50:.1f} ms, p95 {explain95:.1f} ms"
        )
        store.close()
    finally:
        if args.keep is None:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
