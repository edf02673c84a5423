"""Retrieval quality: novum's search modes against a plain BM25 baseline, measured in the same run, one table.

Rows: the BM25 baseline (bm25s, default parameters, title + abstract), novum lexical, semantic, hybrid and
hybrid+rerank, then the PPPM phrase-similarity rows (each embedder, and a character-trigram baseline).
Columns: the patsnap citation topics (nDCG@10, R@100, MAP, P@1, PRES@100; the topic's priority date as cut-off,
the topic itself excluded), the two free-text patsnap topics, PANORAMA PAR4PC gold@1/@3, PPPM Pearson r.

The baseline has no filter clauses, so it ranks the whole corpus and the cut-off and exclusion are applied to its
ranked list; BM25 scores do not depend on the filter, so that is exactly the filtered ranking.

    python bench/retrieval_bench.py [--modes lexical,semantic,hybrid,hybrid+rerank] [--work-dir DIR] [--runs-dir DIR]

Benchmark data is read in place from ../shared/data/bench; corpora are ingested into a temporary directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from novum.eval import datasets, report, runner
from novum.eval.measures import MEASURES

EMBEDDERS = ("bge-small-en", "e5-small-multilingual")
FREE_TEXT = ("nDCG@10", "MAP")
HEADERS = [
    "system",
    *(f"patsnap {m}" for m in MEASURES),
    "patsnap nDCG@10 vs BM25 (95% CI)",
    *(f"free-text {m}" for m in FREE_TEXT),
    "PANORAMA gold@1",
    "PANORAMA gold@3",
    "PPPM Pearson r",
    "patsnap seconds",
]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        pass
    return f"{os.cpu_count()}-core {cpu}{memory}, Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default="lexical,semantic,hybrid,hybrid+rerank")
    parser.add_argument("--work-dir", type=Path, help="reuse scratch data directories here (default: a temp dir)")
    parser.add_argument("--runs-dir", type=Path, help="write the TREC run files here")
    parser.add_argument("--bench-dir", type=Path, default=datasets.bench_dir())
    args = parser.parse_args()
    specs = runner.parse_modes(args.modes)
    with tempfile.TemporaryDirectory(prefix="novum-retrieval-bench-") as scratch:
        work = args.work_dir or Path(scratch)
        rows, notes = run(args.bench_dir, work, specs, args.runs_dir)
    print(f"Machine: {machine()}. Measured {dt.date.today().isoformat()}.\n")
    print(report.markdown_table(HEADERS, rows) + "\n")
    for note in notes:
        print(f"- {note}")
    return 0


def run(
    root: Path, work: Path, specs: list[runner.ModeSpec], runs_dir: Path | None
) -> tuple[list[list[report.Cell]], list[str]]:
    notes: list[str] = []
    started = time.perf_counter()
    embed = runner.needs_embeddings(specs)
    store, index = datasets.ingest_corpus(work / "patsnap", [datasets.patsnap_corpus(root)], embed)
    what = "ingested and embedded" if embed else "ingested"
    notes.append(f"patsnap corpus {what} in {time.perf_counter() - started:.1f} s ({store.count():,} documents)")
    items = datasets.panorama_mini(root)
    pano_store, pano_index = runner.panorama_store(items, work / "panorama-mini", embed)
    with store, pano_store:
        citations = datasets.patsnap_citations(store, root)
        free_text = datasets.patsnap_free_text(store, root)
        if citations.note:
            notes.append(f"patsnap: {citations.note}")
        rankers = zip(
            runner.rankers_for(store, index, specs, baseline=True),
            runner.rankers_for(pano_store, pano_index, specs, baseline=True),
            strict=True,
        )
        rows: list[list[report.Cell]] = []
        baseline: runner.SystemResult | None = None
        for ranker, pano_ranker in rankers:
            try:
                cited = runner.evaluate_rankers([ranker], citations, runner.DEPTH, runs_dir)[0]
                free = runner.evaluate_rankers([ranker], free_text, runner.DEPTH, runs_dir)[0]
                pano = runner.evaluate_panorama(items, pano_store, [pano_ranker])[0]
            except Exception as exc:  # a mode the search does not offer yet: say so under the table
                notes.append(f"{ranker.name}: not run ({type(exc).__name__}: {exc})")
                continue
            baseline = cited if baseline is None else baseline
            gain = "–" if cited is baseline else report.change_cell(cited.versus(baseline))
            row: dict[str, report.Cell] = {"system": ranker.name, "patsnap nDCG@10 vs BM25 (95% CI)": gain}
            row.update({f"patsnap {m}": cited.measures[m] for m in MEASURES})
            row.update({f"free-text {m}": free.measures[m] for m in FREE_TEXT})
            row.update({f"PANORAMA {m}": pano.measures[m] for m in ("gold@1", "gold@3")})
            row["patsnap seconds"] = cited.seconds
            rows.append([row.get(h) for h in HEADERS])
    started = time.perf_counter()
    pppm = runner.evaluate_pppm(datasets.pppm_pairs(root), EMBEDDERS)
    for result in pppm:
        row = {"system": f"PPPM: {result.system}", "PPPM Pearson r": result.pearson}
        rows.append([row.get(h) for h in HEADERS])
    notes.append(
        f"PPPM: {pppm[0].pairs:,} validation pairs in {time.perf_counter() - started:.0f} s; Pearson r with the "
        "CPC class title prefixed to both phrases: "
        + ", ".join(f"{r.system} {report.cell(r.pearson_with_context)}" for r in pppm[1:])
    )
    return rows, notes


if __name__ == "__main__":
    sys.exit(main())
