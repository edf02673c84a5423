"""Shared output for every command: a rich table for people, JSON / JSONL / CSV for programs."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    jsonl = "jsonl"


# Piped output has no terminal width; tables of patent text need more than rich's 80-column default.
_WIDTH = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "140"))
console = Console(width=_WIDTH)
errors = Console(stderr=True)


def emit_rows(rows: Sequence[dict[str, Any]], fmt: OutputFormat, columns: Sequence[str], title: str = "") -> None:
    """Print rows in the chosen format; the table shows ``columns``, the machine formats carry every key."""
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.jsonl:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt is OutputFormat.csv:
        keys = list(rows[0].keys()) if rows else list(columns)
        writer = csv.DictWriter(sys.stdout, fieldnames=keys, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _flat(v) for k, v in row.items()})
    else:
        table = Table(title=title or None, show_lines=False)
        for column in columns:
            table.add_column(column.replace("_", " "), overflow="fold")
        for row in rows:
            table.add_row(*(_flat(row.get(c)) for c in columns))
        console.print(table)


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_flat(v) for v in value)
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def counts_table(title: str, items: Iterable[tuple[str, Any]]) -> Table:
    table = Table(title=title)
    table.add_column("")
    table.add_column("count", justify="right")
    for key, value in items:
        table.add_row(str(key), str(value))
    return table
