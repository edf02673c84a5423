"""Tables of results: markdown for docs/benchmarks.md, rich for the terminal, plain dicts for JSON."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.table import Table

from novum.eval.measures import RelativeChange
from novum.eval.runner import PppmResult, SystemResult

GAIN_MEASURE = "nDCG@10"

Cell = str | float | int | None


def cell(value: Cell, digits: int = 3) -> str:
    """Numbers to ``digits`` places; missing or not-a-number as an en dash (not measured), never as 0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """A GitHub markdown table; the first column left-aligned, the figures right-aligned."""
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join(["---", *["---:"] * (len(headers) - 1)]) + "|",
    ]
    lines.extend("| " + " | ".join(cell(v) for v in row) + " |" for row in rows)
    return "\n".join(lines)


def rich_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> Table:
    table = Table(title=title)
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i == 0 else "right", overflow="fold")
    for row in rows:
        table.add_row(*(cell(v) for v in row))
    return table


def change_cell(change: RelativeChange) -> str:
    """``+19.7% (95% CI +7.6% to +35.8%)``: the gain with the interval it has to be read with."""
    if math.isnan(change.change):
        return "–"
    return f"{change.change:+.1%} ({change.level:.0%} CI {change.low:+.1%} to {change.high:+.1%})"


def system_rows(
    results: Sequence[SystemResult], measures: Sequence[str], baseline: SystemResult | None = None
) -> list[list[Cell]]:
    """One row per system; with a baseline, a column of each system's nDCG@10 gain over it (the baseline's own
    row shows an en dash)."""
    rows: list[list[Cell]] = []
    for r in results:
        row: list[Cell] = [r.system, *(r.measures.get(m) for m in measures)]
        if baseline is not None:
            row.append("–" if r is baseline else change_cell(r.versus(baseline, GAIN_MEASURE)))
        rows.append([*row, r.seconds])
    return rows


def system_headers(measures: Sequence[str], baseline: bool = False) -> list[str]:
    return ["system", *measures, *([f"{GAIN_MEASURE} vs baseline"] if baseline else []), "seconds"]


def pppm_headers() -> list[str]:
    return ["similarity", "Pearson r", "Pearson r (CPC title prefixed)", "pairs", "seconds"]


def pppm_rows(results: Sequence[PppmResult]) -> list[list[Cell]]:
    return [[r.system, r.pearson, r.pearson_with_context, r.pairs, r.seconds] for r in results]


def as_dicts(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[dict[str, Cell]]:
    return [dict(zip(headers, row, strict=True)) for row in rows]
