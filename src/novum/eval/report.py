"""Tables of results: markdown for docs/benchmarks.md, rich for the terminal, plain dicts for JSON."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.table import Table

from novum.eval.runner import PppmResult, SystemResult

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


def system_rows(results: Sequence[SystemResult], measures: Sequence[str]) -> list[list[Cell]]:
    return [[r.system, *(r.measures.get(m) for m in measures), r.seconds] for r in results]


def system_headers(measures: Sequence[str]) -> list[str]:
    return ["system", *measures, "seconds"]


def pppm_headers() -> list[str]:
    return ["similarity", "Pearson r", "Pearson r (CPC title prefixed)", "pairs", "seconds"]


def pppm_rows(results: Sequence[PppmResult]) -> list[list[Cell]]:
    return [[r.system, r.pearson, r.pearson_with_context, r.pairs, r.seconds] for r in results]


def as_dicts(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[dict[str, Cell]]:
    return [dict(zip(headers, row, strict=True)) for row in rows]
