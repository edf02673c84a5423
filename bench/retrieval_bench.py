"""Retrieval quality: novum's search and ``novum similar`` against every plain lexical baseline, on both halves of
the PatSnap citation topics (tuning / held-out, ``novum.eval.split``), in one run; then the other benchmarks.

Baselines, each over title + abstract, ranking the whole corpus with the topic's cut-off and exclusions applied to
the ranked list (BM25 scores do not depend on the filter, so that is the filtered ranking):
- bm25s at its defaults (k1 1.5, b 0.75, English stop words, no stemming),
- plain BM25 (bm25s, k1 1.2, b 0.75, no stemming, no stop words: the issue's independent harness),
- bm25s at the best of a 64-setting grid (k1, b, stemming, stop words), chosen on the tuning half only,
- Lucene BM25 (Anserini defaults k1 0.9, b 0.4; Porter stemming, stop words) and Lucene BM25 + RM3, through
  Pyserini when the ``bench`` extra is installed (else the table says why it is missing).
"The baseline" of each half is the strongest of them on that half; every novum row shows its nDCG@10 gain over it
with a 95% paired-bootstrap interval.

    python bench/retrieval_bench.py [--modes lexical,semantic,hybrid,hybrid+rerank] [--work-dir DIR] [--runs-dir DIR]

Benchmark data is read in place from ../shared/data/bench; corpora are ingested into a scratch directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from novum.errors import NovumError
from novum.eval import baselines, datasets, report, runner, split
from novum.index.embed import EMBEDDERS
from novum.ingest.embedding import existing_dense

HALF_MEASURES = ("nDCG@10", "R@100", "MAP", "PRES@100")
FREE_TEXT = ("nDCG@10", "MAP")
OTHER_HEADERS = ["system", *(f"free-text {m}" for m in FREE_TEXT), "PANORAMA gold@1", "PANORAMA gold@3"]
PHRASE_MODELS = (*EMBEDDERS, "phrase-minilm")


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
    parser.add_argument("--modes", default="lexical,semantic,hybrid,hybrid+rerank", help="modes; +rerank reranks")
    parser.add_argument("--similar-modes", default="lexical,hybrid", help="novum similar modes")
    parser.add_argument("--work-dir", type=Path, help="reuse scratch data directories here (default: a temp dir)")
    parser.add_argument("--runs-dir", type=Path, help="write the TREC run files here")
    parser.add_argument("--bench-dir", type=Path, default=datasets.bench_dir())
    parser.add_argument("--skip-others", action="store_true", help="only the PatSnap citation table")
    parser.add_argument("--skip-citations", action="store_true", help="only the free-text, PANORAMA and PPPM tables")
    args = parser.parse_args()
    specs = runner.parse_modes(args.modes)
    similar = [m.strip() for m in args.similar_modes.split(",") if m.strip()]
    with tempfile.TemporaryDirectory(prefix="novum-retrieval-bench-") as scratch:
        work = args.work_dir or Path(scratch)
        notes: list[str] = []
        tables = (
            [] if args.skip_citations else [citation_table(args.bench_dir, work, specs, similar, args.runs_dir, notes)]
        )
        tables += [] if args.skip_others else other_tables(args.bench_dir, work, specs, notes)
    print(f"Machine: {machine()}. Measured {dt.date.today().isoformat()}.\n")
    for title, headers, rows in tables:
        print(f"**{title}**\n\n{report.markdown_table(headers, rows)}\n")
    for note in notes:
        print(f"- {note}")
    return 0


def citation_table(
    root: Path,
    work: Path,
    specs: list[runner.ModeSpec],
    similar: list[str],
    runs_dir: Path | None,
    notes: list[str],
) -> tuple[str, list[str], list[list[report.Cell]]]:
    """Every baseline and every novum configuration over all 108 topics once, scored per half."""
    started = time.perf_counter()
    embed = runner.needs_embeddings(specs) or any(m != "lexical" for m in similar)
    store, index = datasets.ingest_corpus(work / "patsnap", [datasets.patsnap_corpus(root)], embed)
    notes.append(f"patsnap corpus ready in {time.perf_counter() - started:.0f} s ({store.count():,} documents)")
    with store:
        bench = datasets.patsnap_citations(store, root)
        if bench.note:
            notes.append(f"patsnap: {bench.note}")
        halves = {h: datasets.restrict(bench, split.half(h), f"patsnap-{h}") for h in split.HALVES}
        patents = list(store.iter_patents())
        started = time.perf_counter()
        tuned = baselines.tune_bm25s(patents, halves["tuning"])
        top = sorted(tuned.scores.items(), key=lambda item: -item[1])[:5]
        notes.append(
            f"bm25s grid ({len(tuned.scores)} settings, tuning half only, {time.perf_counter() - started:.0f} s); "
            "best five by tuning nDCG@10: " + "; ".join(f"{s.label()} {v:.3f}" for s, v in top)
        )
        rankers: list[runner.Ranker] = [
            baselines.Bm25sRanker(patents, baselines.BM25S_DEFAULT, "bm25s defaults (k1 1.5, b 0.75, stop words)"),
            baselines.Bm25sRanker(patents, baselines.PLAIN_BM25, "plain BM25 (k1 1.2, b 0.75, no stemming)"),
            baselines.Bm25sRanker(patents, tuned.best, f"bm25s tuned on the tuning half ({tuned.best.label()})"),
        ]
        try:
            lucene_dir = work / "lucene"
            rankers.append(baselines.LuceneRanker(patents, index_dir=lucene_dir))
            rankers.append(baselines.LuceneRanker(patents, rm3=(10, 10, 0.5), index_dir=lucene_dir))
        except NovumError as exc:
            notes.append(f"Lucene BM25 and BM25 + RM3 not run: {exc}")
        n_baselines = len(rankers)
        dense = existing_dense(store) if embed else []
        rankers.extend(runner.NovumRanker(store, index, spec, dense) for spec in specs)
        rankers.extend(runner.SimilarRanker(store, index, mode, dense if mode != "lexical" else []) for mode in similar)
        results = runner.evaluate_rankers(rankers, bench, runner.DEPTH, runs_dir)
    return half_table(results, n_baselines, halves, notes)


def half_table(
    results: Sequence[runner.SystemResult],
    n_baselines: int,
    halves: dict[str, datasets.Benchmark],
    notes: list[str],
) -> tuple[str, list[str], list[list[report.Cell]]]:
    """One row per system; per half its measures and its nDCG@10 gain over that half's strongest baseline."""
    per_half = {h: [r.restricted(b.qrels) for r in results] for h, b in halves.items()}
    strongest = {h: max(rows[:n_baselines], key=lambda r: r.measures["nDCG@10"]) for h, rows in per_half.items()}
    for h, best in strongest.items():
        notes.append(f"strongest baseline on the {h} half: {best.system} (nDCG@10 {best.measures['nDCG@10']:.3f})")
    headers = ["system"]
    for h in halves:
        headers += [f"{h} {m}" for m in HALF_MEASURES] + [f"{h} nDCG@10 vs strongest baseline (95% CI)"]
    headers.append("seconds (108 topics)")
    rows: list[list[report.Cell]] = []
    for i, result in enumerate(results):
        row: list[report.Cell] = [result.system]
        for h in halves:
            mine = per_half[h][i]
            row += [mine.measures[m] for m in HALF_MEASURES]
            best = strongest[h]
            row.append("–" if i < n_baselines else report.change_cell(mine.versus(best)))
        rows.append([*row, result.seconds])
    counts = ", ".join(f"{h} {len(b.topics)} topics / {b.pairs} judged pairs" for h, b in halves.items())
    return f"PatSnap citation topics, split once ({counts})", headers, rows


def other_tables(
    root: Path, work: Path, specs: list[runner.ModeSpec], notes: list[str]
) -> list[tuple[str, list[str], list[list[report.Cell]]]]:
    """The two free-text topics, PANORAMA PAR4PC and PPPM, as measured since issue 3 (bm25s defaults baseline)."""
    store, index = datasets.ingest_corpus(work / "patsnap", [datasets.patsnap_corpus(root)], False)
    items = datasets.panorama_mini(root)
    embed = runner.needs_embeddings(specs)
    pano_store, pano_index = runner.panorama_store(items, work / "panorama-mini", embed)
    rows: list[list[report.Cell]] = []
    with store, pano_store:
        free_text = datasets.patsnap_free_text(store, root)
        rankers = zip(
            runner.rankers_for(store, index, specs, baseline=True),
            runner.rankers_for(pano_store, pano_index, specs, baseline=True),
            strict=True,
        )
        for ranker, pano_ranker in rankers:
            free = runner.evaluate_rankers([ranker], free_text, runner.DEPTH)[0]
            pano = runner.evaluate_panorama(items, pano_store, [pano_ranker])[0]
            gold = [pano.measures["gold@1"], pano.measures["gold@3"]]
            rows.append([ranker.name, *(free.measures[m] for m in FREE_TEXT), *gold])
    started = time.perf_counter()
    phrases = datasets.pppm_pairs(root)
    pppm = runner.evaluate_pppm(phrases, available_phrase_models())
    try:  # novum's phrase cross-encoder (scripts/train_phrase_cross_encoder.py), when its weights are present
        pppm.append(runner.evaluate_pppm_cross(phrases))
    except NovumError as exc:
        notes.append(f"PPPM: phrase-cross skipped: {exc}")
    notes.append(f"PPPM: {pppm[0].pairs:,} validation pairs in {time.perf_counter() - started:.0f} s")
    return [
        ("Free-text topics (2) and PANORAMA PAR4PC (10 claims x 8 candidates)", OTHER_HEADERS, rows),
        ("PPPM validation: Pearson r with the human score", report.pppm_headers(), report.pppm_rows(pppm)),
    ]


def available_phrase_models() -> list[str]:
    from novum.index.embed import load_embedder

    names = []
    for name in PHRASE_MODELS:
        try:
            load_embedder(name)
        except NovumError:
            continue
        names.append(name)
    return names


if __name__ == "__main__":
    sys.exit(main())
