"""The ``search_history`` table: each recorded search of a workspace, its set label and its members.

``novum.search.query.history`` gives it meaning (labels L1, L2, ..., combining sets); this module keeps the SQL.
"""

from __future__ import annotations

import sqlite3

from novum.store.sqlite import Store

_COLUMNS = "label, query, hits, numbers, created_at"


class SearchHistoryTable:
    """Rows of the search history, per workspace, in the order they were recorded."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def rows(self, workspace: str) -> list[sqlite3.Row]:
        return self.store.db.execute(
            f"SELECT {_COLUMNS} FROM search_history WHERE workspace = ? ORDER BY id", (workspace,)
        ).fetchall()

    def row(self, workspace: str, label: str) -> sqlite3.Row | None:
        found: sqlite3.Row | None = self.store.db.execute(
            f"SELECT {_COLUMNS} FROM search_history WHERE workspace = ? AND label = ?", (workspace, label)
        ).fetchone()
        return found

    def insert(self, workspace: str, label: str, query: str, hits: int, numbers_json: str, created_at: str) -> None:
        with self.store.transaction():
            self.store.db.execute(
                "INSERT INTO search_history (workspace, label, query, hits, numbers, created_at) VALUES (?,?,?,?,?,?)",
                (workspace, label, query, hits, numbers_json, created_at),
            )

    def clear(self, workspace: str) -> None:
        with self.store.transaction():
            self.store.db.execute("DELETE FROM search_history WHERE workspace = ?", (workspace,))
