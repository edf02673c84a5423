"""Search history: every query gets a set label (L1, L2, ...) in a workspace, so later queries can combine sets.

Kept in the store's ``search_history`` table, so a saved workspace survives restarts and ``novum history`` can list
it. A set keeps its members' numbers (up to ``MAX_SET_SIZE``); ``L3 = L1 AND NOT L2`` is then an ordinary query
whose ``L1``/``L2`` clauses are number filters inside tantivy.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from novum.search.query.ast import SetRef, walk
from novum.search.query.compile import QueryTooExpensiveError
from novum.search.query.lexer import QueryParseError
from novum.search.query.parser import DefaultOperator, parse
from novum.store.search_history import SearchHistoryTable
from novum.store.sqlite import Store

MAX_SET_SIZE = 100_000
_ASSIGNMENT = re.compile(r"^\s*([Ll]\d+)\s*=(?!=)\s*(.*)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    label: str
    query: str
    hits: int
    numbers: tuple[str, ...]
    created_at: str

    @property
    def complete(self) -> bool:
        """False when the set had more members than are kept, so it cannot be combined."""
        return len(self.numbers) >= self.hits


def split_assignment(text: str) -> tuple[str | None, str]:
    """``"L3 = L1 AND NOT L2"`` → ``("L3", "L1 AND NOT L2")``; other queries get no label of their own."""
    match = _ASSIGNMENT.match(text)
    if match is None:
        return None, text
    return match[1].upper(), match[2]


def referenced_labels(text: str, default_operator: DefaultOperator = "AND") -> list[str]:
    return sorted({n.label for n in walk(parse(split_assignment(text)[1], default_operator)) if isinstance(n, SetRef)})


class History:
    """The history of one workspace (``"default"`` unless the user names one)."""

    def __init__(self, store: Store, workspace: str = "default") -> None:
        self.store = store
        self.workspace = workspace
        self.table = SearchHistoryTable(store)

    def entries(self) -> list[HistoryEntry]:
        return [_entry(row) for row in self.table.rows(self.workspace)]

    def get(self, label: str) -> HistoryEntry | None:
        row = self.table.row(self.workspace, label.upper())
        return _entry(row) if row else None

    def next_label(self) -> str:
        used = [int(e.label[1:]) for e in self.entries() if e.label[1:].isdigit()]
        return f"L{max(used, default=0) + 1}"

    def sets(self, labels: Iterable[str]) -> dict[str, list[str]]:
        """The members of the named sets, for ``compile_query(sets=...)``; unknown labels are left out (the
        compiler names them), sets too large to have been kept whole are refused."""
        out: dict[str, list[str]] = {}
        for label in labels:
            entry = self.get(label)
            if entry is None:
                continue
            if not entry.complete:
                raise QueryTooExpensiveError(
                    f"{entry.label} has {entry.hits:,} hits, more than the {MAX_SET_SIZE:,} a set keeps to be"
                    " combined; narrow it first"
                )
            out[entry.label] = list(entry.numbers)
        return out

    def add(self, query: str, numbers: list[str], hits: int | None = None, label: str | None = None) -> HistoryEntry:
        """Record a query's result set under ``label`` (the next free one by default)."""
        label = (label or self.next_label()).upper()
        if self.get(label) is not None:
            raise QueryParseError(f"{label} is already in the search history of workspace {self.workspace!r}", 1)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        kept = numbers[:MAX_SET_SIZE]
        total = len(numbers) if hits is None else hits
        self.table.insert(self.workspace, label, query, total, json.dumps(kept), now)
        return HistoryEntry(label, query, total, tuple(kept), now)

    def clear(self) -> None:
        self.table.clear(self.workspace)


def _entry(row: sqlite3.Row) -> HistoryEntry:
    numbers = tuple(str(n) for n in json.loads(row["numbers"]))
    return HistoryEntry(str(row["label"]), str(row["query"]), int(row["hits"]), numbers, str(row["created_at"]))


def render_history(entries: list[HistoryEntry]) -> list[str]:
    """``L1  42 hits  wireless ADJ charging``, one line per set, for ``novum history``."""
    width = max((len(f"{e.hits:,}") for e in entries), default=1)
    return [f"{e.label:<4} {e.hits:>{width},} hits  {e.query}" for e in entries]
