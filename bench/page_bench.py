"""What one page of search results costs on real full-text grants: records read whole against records read without
their description (what a results page does since 2026-12-07), in the same process, on the same queries.

Corpus: every distinct grant of the nine real PatentsView weekly ``ipg`` excerpts (../shared/data/fixtures/
us-patentsview-db/ipgxml; bench/ingest_bench.py builds the file), ingested with their full descriptions, no
embeddings. Queries: the grants' own titles (real text; each finds its grant and its neighbours), ten hits a page,
lexical mode, as ``GET /api/v1/search`` runs it. Reported: CPU milliseconds per page (the mean of three interleaved
rounds), the record bytes parsed per page, and the hits whose whole record had to be read anyway (their snippet is
only in the description).

    python bench/page_bench.py [--queries 100]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from ingest_bench import PATENTSVIEW_IPG, build_distinct_file  # noqa: E402

from novum.index.lexical import LexicalIndex  # noqa: E402
from novum.ingest.pipeline import Ingester  # noqa: E402
from novum.search.prior_art import SearchRequest, search  # noqa: E402
from novum.store.sqlite import Store  # noqa: E402


def page_cost(store: Store, index: LexicalIndex, queries: list[str], whole: bool) -> float:
    """CPU milliseconds per page over ``queries``."""
    started = time.process_time()
    for query in queries:
        search(store, index, SearchRequest(query, limit=10, whole_records=whole))
    return (time.process_time() - started) * 1000 / len(queries)


def bytes_per_page(store: Store, index: LexicalIndex, queries: list[str]) -> tuple[float, float, float]:
    """Record bytes a page parses whole and light, and the share of hits read whole on a light page."""
    whole = light = reread = hits = 0
    light_record = store.dialect.json_without("record", "description")  # what get_many(without=...) reads
    for query in queries:
        numbers = [h.number for h in search(store, index, SearchRequest(query, limit=10))]
        rows = store.select_in(
            f"SELECT length(record), length({light_record}) FROM documents WHERE number IN ({{marks}})", numbers
        )
        for full, without in rows:
            whole, light = whole + full, light + without
        for hit in search(store, index, SearchRequest(query, limit=10, whole_records=False)):
            hits += 1
            reread += bool(hit.patent.description)
    return whole / len(queries), light / len(queries), reread / max(1, hits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    if not PATENTSVIEW_IPG:
        sys.exit("page_bench: ../shared/data/fixtures/us-patentsview-db/ipgxml is missing; it needs the real ipg files")
    workdir = Path(tempfile.mkdtemp(prefix="novum-page-bench-"))
    try:
        source = workdir / "ipg-distinct.xml"
        grants, size = build_distinct_file(source)
        data = workdir / "data"
        with Store(data) as store:
            counts = Ingester(store, LexicalIndex(data)).run([source])
            index = LexicalIndex(data)
            numbers = [n for n, _ in store.content_hashes()][: args.queries]
            queries = [title for title in (store.get(n).title() for n in numbers) if title]
            for whole in (True, False):  # warm the caches of both paths
                page_cost(store, index, queries[:10], whole)
            rounds = {True: [], False: []}  # type: dict[bool, list[float]]
            for _ in range(3):
                for whole in (True, False):
                    rounds[whole].append(page_cost(store, index, queries, whole))
            whole_bytes, light_bytes, reread = bytes_per_page(store, index, queries)
        whole_ms, light_ms = statistics.mean(rounds[True]), statistics.mean(rounds[False])
        print(f"corpus: {counts.new} distinct real full-text grants ({grants} in the file, {size / 1e6:.0f} MB XML);"
              f" {len(queries)} title queries, 10 hits a page, lexical")  # fmt: skip
        print()
        print("| records read | CPU ms per page | record bytes parsed per page | against whole records |")
        print("|---|---:|---:|---:|")
        print(f"| whole (baseline) | {whole_ms:.2f} | {whole_bytes / 1e3:,.0f} KB | 1.00x |")
        print(f"| description left out | {light_ms:.2f} | {light_bytes / 1e3:,.0f} KB | {whole_ms / light_ms:.2f}x |")
        print()
        print(f"hits read whole on a light page (snippet only in the description): {reread:.1%}")
        print(f"rounds (ms per page): whole {', '.join(f'{v:.2f}' for v in rounds[True])};"
              f" light {', '.join(f'{v:.2f}' for v in rounds[False])}")  # fmt: skip
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
