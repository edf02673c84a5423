"""``novum eval``: retrieval quality of the store's search against judged topics, several modes side by side.

Named benchmarks are read from ``../shared/data/bench`` in place and their corpora ingested into a scratch data
directory (the user cache, or ``--work-dir``), never into the user's store or the repository.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from platformdirs import user_cache_dir

from novum.cli.app import DataDir, app, data_dir, ready_index
from novum.cli.output import console, errors
from novum.eval import datasets, report, runner, split
from novum.eval.measures import MEASURES
from novum.store.sqlite import Store

BENCHMARKS = ("patsnap", "patsnap-free-text", "panorama-mini", "pppm")


class EvalFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


def _work_dir(path: Path | None, name: str) -> Path:
    root = path if path is not None else Path(user_cache_dir("novum", appauthor=False)) / "eval"
    return root / name


def _print(title: str, headers: Sequence[str], rows: Sequence[Sequence[report.Cell]], fmt: EvalFormat) -> None:
    if fmt is EvalFormat.json:
        sys.stdout.write(json.dumps({"title": title, "rows": report.as_dicts(headers, rows)}, indent=2) + "\n")
    elif fmt is EvalFormat.markdown:
        sys.stdout.write(f"**{title}**\n\n{report.markdown_table(headers, rows)}\n")
    else:
        console.print(report.rich_table(title, headers, rows))


@app.command("eval")
def eval_command(
    benchmark: Annotated[
        str | None,
        typer.Argument(help=f"{', '.join(BENCHMARKS)}; or give --topics and --qrels.", show_default=False),
    ] = None,
    topics: Annotated[
        Path | None, typer.Option(help="Topics: TSV id<TAB>text[<TAB>before[<TAB>excluded]], JSONL or TREC <top>.")
    ] = None,
    qrels: Annotated[Path | None, typer.Option(help="TREC qrels: topic 0 doc grade.")] = None,
    modes: Annotated[
        str, typer.Option(help="Comma-separated: lexical, semantic, hybrid, each optionally +rerank.")
    ] = runner.DEFAULT_MODES,
    runs_dir: Annotated[Path | None, typer.Option(help="Write a TREC run file per mode, and the qrels, here.")] = None,
    data: DataDir = None,
    work_dir: Annotated[
        Path | None, typer.Option(help="Scratch data directories for the named benchmarks' corpora (default: cache).")
    ] = None,
    bench_dir: Annotated[Path | None, typer.Option(help="Benchmark data (default: ../shared/data/bench).")] = None,
    depth: Annotated[int, typer.Option(min=1, max=1000, help="Documents ranked per topic.")] = runner.DEPTH,
    cutoff: Annotated[str, typer.Option(help="patsnap cut-off: priority (the topic's) or none.")] = "priority",
    baseline: Annotated[
        bool,
        typer.Option(
            help="Also run a plain BM25 baseline (bm25s, title + abstract) and show each mode's nDCG@10 gain over it"
            " with a 95% paired-bootstrap interval."
        ),
    ] = False,
    embedders: Annotated[
        str, typer.Option(help="pppm: comma-separated embedding models.")
    ] = "bge-small-en,e5-small-multilingual",
    fmt: Annotated[EvalFormat, typer.Option("--format", "-f", help="table, markdown or json.")] = EvalFormat.table,
) -> None:
    """nDCG@10, Recall@100, MAP, P@1 and PRES of each search mode on a benchmark or on your own TREC topics."""
    root = bench_dir if bench_dir is not None else datasets.bench_dir()
    if (topics is None) != (qrels is None):
        raise typer.BadParameter("give both --topics and --qrels", param_hint="--topics/--qrels")
    if topics is not None and qrels is not None:
        if benchmark is not None:
            raise typer.BadParameter("give a benchmark name or --topics/--qrels, not both")
        specs = runner.parse_modes(modes)
        with Store(data_dir(data)) as store:
            bench = datasets.normalise_benchmark(
                store, topics.stem, datasets.read_topics(topics), datasets.read_qrels(qrels)
            )
            rankers = runner.rankers_for(store, ready_index(store), specs, baseline)
            results = runner.evaluate_rankers(rankers, bench, depth, runs_dir)
        headers = report.system_headers(MEASURES, baseline)
        _print(f"{bench.name}: {len(bench.topics)} topics", headers, _rows(results, baseline=baseline), fmt)
    elif benchmark == "pppm":
        names = [n.strip() for n in embedders.split(",") if n.strip()]
        scored = runner.evaluate_pppm(datasets.pppm_pairs(root), names)
        _print("PPPM validation: Pearson r with the human score", report.pppm_headers(), report.pppm_rows(scored), fmt)
    elif benchmark == "panorama-mini":
        _panorama(root, runner.parse_modes(modes), work_dir, baseline, fmt)
    elif benchmark in ("patsnap", "patsnap-free-text"):
        _patsnap(benchmark, root, runner.parse_modes(modes), work_dir, cutoff, depth, runs_dir, baseline, fmt)
    else:
        raise typer.BadParameter(f"choose one of {', '.join(BENCHMARKS)}, or give --topics and --qrels")


def _panorama(root: Path, specs: list[runner.ModeSpec], work: Path | None, baseline: bool, fmt: EvalFormat) -> None:
    items = datasets.panorama_mini(root)
    store, index = runner.panorama_store(items, _work_dir(work, "panorama-mini"), runner.needs_embeddings(specs))
    with store:
        results = runner.evaluate_panorama(items, store, runner.rankers_for(store, index, specs, baseline))
    title = f"PANORAMA PAR4PC: {len(items)} claims x 8 candidates"
    _print(title, report.system_headers(runner.PANORAMA_MEASURES), _rows(results, runner.PANORAMA_MEASURES), fmt)


def _patsnap(
    name: str,
    root: Path,
    specs: list[runner.ModeSpec],
    work: Path | None,
    cutoff: str,
    depth: int,
    runs_dir: Path | None,
    baseline: bool,
    fmt: EvalFormat,
) -> None:
    errors.print("ingesting the patsnap corpus into the scratch store (skipped when done before)…")
    folder = _work_dir(work, "patsnap")
    store, index = datasets.ingest_corpus(folder, [datasets.patsnap_corpus(root)], runner.needs_embeddings(specs))
    with store:
        if name == "patsnap":
            bench = datasets.patsnap_citations(store, root, cutoff)
        else:
            bench = datasets.patsnap_free_text(store, root)
        results = runner.evaluate_rankers(runner.rankers_for(store, index, specs, baseline), bench, depth, runs_dir)
    title = f"{bench.name}: {len(bench.topics)} topics, {bench.pairs} relevant pairs"
    _print(title, report.system_headers(MEASURES, baseline), _rows(results, baseline=baseline), fmt)
    if name == "patsnap":  # the recorded split (novum.eval.split): tune on one half, report both
        for half in split.HALVES:
            part = datasets.restrict(bench, split.half(half), f"{bench.name} {half} half")
            scored = [r.restricted(part.qrels) for r in results]
            heading = f"{part.name}: {len(part.topics)} topics, {part.pairs} relevant pairs"
            _print(heading, report.system_headers(MEASURES, baseline), _rows(scored, baseline=baseline), fmt)
    if bench.note:
        errors.print(f"note: {bench.note}")


def _rows(
    results: Sequence[runner.SystemResult], measures: Sequence[str] = MEASURES, baseline: bool = False
) -> list[list[report.Cell]]:
    """With ``baseline``, the first result is the BM25 baseline and every row gets its gain over it."""
    return report.system_rows(results, measures, results[0] if baseline and results else None)
