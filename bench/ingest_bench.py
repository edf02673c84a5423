"""Ingest throughput and peak memory, against a bare parse of the same bytes, in one run.

Workloads:
  * the 18,880-patent US corpus (../shared/data/corpus/us-api-patents, JSONL) against ``json.loads`` per line;
  * a replicated weekly-size USPTO file: the same few real v4.x fixture documents (grants and applications)
    repeated to 6,500 ``<?xml``-concatenated documents, each copy with a unique number. It has a week's size and
    layout but NOT a week's variety: it is a throughput and memory test, not a week of grants;
  * distinct real grants in weekly-file layout: every distinct document (doc-number + kind) of the nine PatentsView
    ``ipg`` weekly-file excerpts (../shared/data/fixtures/us-patentsview-db/ipgxml, first weekly file of each year
    2005-2013), concatenated as the USPTO concatenates them;
  each against a raw lxml parse of each document.
For each: novum's reader alone (parse + normalise), and the full ingest (store + tantivy index). Every measurement
runs in a fresh process so its peak RSS is its own.

    python bench/ingest_bench.py [--weekly-docs 6500] [--keep]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
CORPUS = SHARED / "corpus" / "us-api-patents"
USPTO_FIXTURES = [
    *sorted((SHARED / "fixtures/us-go-uspto/pkg/uspto/test-data/grant").glob("v4-*.xml")),
    *sorted((SHARED / "fixtures/us-go-uspto/pkg/uspto/test-data/application").glob("v4-*.xml")),
    *sorted((SHARED / "fixtures/us-go-uspto/pkg/uspto/test-data").glob("*/US*.XML")),
]
USPTO_FIXTURES = [p for p in USPTO_FIXTURES if p.name != "US07057742-20060606.XML"]  # malformed in the original
_PUB_NUMBER = re.compile(rb"(<publication-reference>\s*<document-id>\s*<country>US</country>\s*<doc-number>)(\w+)")


PATENTSVIEW_IPG = sorted((SHARED / "fixtures/us-patentsview-db/ipgxml").glob("ipg*.xml"))
_DOC_KEY = re.compile(
    rb"<publication-reference>\s*<document-id>\s*<country>\w+</country>\s*"
    rb"<doc-number>(\w+)</doc-number>\s*<kind>(\w+)</kind>"
)


def build_distinct_file(path: Path) -> tuple[int, int]:
    """Every distinct grant of the real PatentsView weekly excerpts, once, in weekly-file layout."""
    seen: set[bytes] = set()
    count = 0
    with open(path, "wb") as out:
        for source in PATENTSVIEW_IPG:
            for chunk in source.read_bytes().split(b"<?xml")[1:]:
                if b"<us-patent-grant" not in chunk[:2000]:  # sequence listings (<sequence-cwu>) are not patents
                    continue
                key = _DOC_KEY.search(chunk)
                ident = b"/".join(key.groups()) if key else chunk[:200]
                if ident in seen:
                    continue
                seen.add(ident)
                out.write(b"<?xml" + (chunk if chunk.endswith(b"\n") else chunk + b"\n"))
                count += 1
    return count, path.stat().st_size


def build_weekly_file(path: Path, documents: int) -> int:
    """Concatenate the real v4.x fixtures into one file, giving each copy a unique publication number."""
    declaration = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    sources = [p.read_bytes().lstrip() for p in USPTO_FIXTURES]
    sources = [s if s.startswith(b"<?xml") else declaration + s for s in sources]  # as in the real weekly files
    with open(path, "wb") as out:
        for i in range(documents):
            data = sources[i % len(sources)]
            data = _PUB_NUMBER.sub(lambda m, i=i: m.group(1) + f"9{i:07d}".encode(), data, count=1)
            out.write(data if data.endswith(b"\n") else data + b"\n")
    return path.stat().st_size


# --- workloads (each runs in its own process) -----------------------------------------------------------------
def raw_json(paths: list[Path]) -> int:
    count = 0
    for path in paths:
        with open(path, "rb") as handle:
            for line in handle:
                if line.strip():
                    json.loads(line)
                    count += 1
    return count


def raw_lxml(paths: list[Path]) -> int:
    from lxml import etree

    from novum.ingest.xmlstream import split_documents

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    count = 0
    for path in paths:
        with open(path, "rb") as handle:
            for _, data in split_documents(handle):
                etree.fromstring(data.lstrip(), parser=parser)
                count += 1
    return count


def novum_parse(paths: list[Path]) -> int:
    from novum.ingest.reader import read_file

    count = 0
    for path in paths:
        for document in read_file(path):
            if document.patent is None:
                raise RuntimeError(f"{path}: {document.position}: {document.error}")
            count += 1
    return count


def novum_ingest(paths: list[Path]) -> int:
    from novum.index.lexical import LexicalIndex
    from novum.ingest.pipeline import Ingester
    from novum.store.sqlite import Store

    data_dir = Path(tempfile.mkdtemp(prefix="novum-bench-"))
    try:
        with Store(data_dir) as store:
            counts = Ingester(store, LexicalIndex(data_dir)).run(paths)
        if counts.quarantined:
            raise RuntimeError(f"{counts.quarantined} documents quarantined")
        return counts.new
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


WORKLOADS: dict[str, Callable[[list[Path]], int]] = {
    "raw json.loads": raw_json,
    "raw lxml parse": raw_lxml,
    "novum parse": novum_parse,
    "novum ingest (store+index)": novum_ingest,
}


def _child(name: str, paths: list[str], queue: mp.Queue) -> None:  # type: ignore[type-arg]
    try:
        started = time.perf_counter()
        count = WORKLOADS[name]([Path(p) for p in paths])
        elapsed = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        queue.put((count, elapsed, peak_kib / 1024))
    except BaseException as exc:  # report, so the parent does not wait forever
        queue.put(exc)
        raise


def measure(name: str, paths: list[Path]) -> tuple[int, float, float]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(name, [str(p) for p in paths], queue))
    process.start()
    result = queue.get()
    process.join()
    if isinstance(result, BaseException):
        raise RuntimeError(f"{name} failed: {result}") from result
    return result  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weekly-docs", type=int, default=6500, help="documents in the weekly-size file")
    parser.add_argument("--keep", action="store_true", help="keep the generated weekly file")
    args = parser.parse_args()
    if not CORPUS.exists() or not USPTO_FIXTURES:
        sys.exit(f"shared data not found under {SHARED}: this benchmark reads ../shared/data in place")

    workdir = Path(tempfile.mkdtemp(prefix="novum-weekly-"))
    weekly = workdir / "ipg-weekly.xml"
    size = build_weekly_file(weekly, args.weekly_docs)
    distinct = workdir / "ipg-distinct.xml"
    distinct_docs, distinct_size = build_distinct_file(distinct)
    corpus_files = sorted(CORPUS.glob("*.jsonl"))
    corpus_mb = sum(p.stat().st_size for p in corpus_files) / 1e6
    novum_runs = ["novum parse", "novum ingest (store+index)"]
    plans = [
        (f"US corpus, {corpus_mb:.0f} MB JSONL", corpus_files, ["raw json.loads", *novum_runs]),
        (
            f"replicated weekly-size file ({len(USPTO_FIXTURES)} real documents repeated), {size / 1e6:.0f} MB XML",
            [weekly],
            ["raw lxml parse", *novum_runs],
        ),
        (
            f"distinct real grants ({distinct_docs} from 9 PatentsView ipg files), {distinct_size / 1e6:.0f} MB XML",
            [distinct],
            ["raw lxml parse", *novum_runs],
        ),
    ]
    print(f"python {sys.version.split()[0]}, {mp.cpu_count()} cores\n")
    print("| workload | run | documents | seconds | docs/s | vs baseline | peak RSS MB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    try:
        for label, paths, runs in plans:
            baseline_rate = None
            for run in runs:
                count, seconds, peak = measure(run, paths)
                rate = count / seconds
                baseline_rate = baseline_rate or rate
                cells = [label, run, f"{count:,}", f"{seconds:.1f}", f"{rate:,.0f}", f"{rate / baseline_rate:.2f}x"]
                print("| " + " | ".join([*cells, f"{peak:,.0f}"]) + " |")
                sys.stdout.flush()
    finally:
        if args.keep:
            print(f"\nweekly file kept at {weekly}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
