"""The ``jobs``, ``saved_searches`` and ``charts`` tables of the application platform (``novum serve``).

A job is a background task (an upload being ingested) whose state and progress other requests can read; a saved
search is a named set of search parameters; a chart keeps the request and the report it produced.
"""

from __future__ import annotations

import sqlite3

from novum.store.sqlite import Store

_JOB_COLUMNS = "id, kind, state, owner, detail, progress, error, created_at, updated_at"


class JobTable:
    def __init__(self, store: Store) -> None:
        self.store = store

    def insert(self, job_id: str, kind: str, owner: str | None, detail: str, at: str) -> None:
        with self.store.transaction():
            self.store.db.execute(
                "INSERT INTO jobs (id, kind, state, owner, detail, created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                (job_id, kind, "queued", owner, detail, at, at),
            )

    def update(self, job_id: str, at: str, *, state: str | None = None, progress: str | None = None,
               error: str | None = None) -> None:  # fmt: skip
        with self.store.transaction():
            self.store.db.execute(
                "UPDATE jobs SET state = coalesce(?, state), progress = coalesce(?, progress),"
                " error = coalesce(?, error), updated_at = ? WHERE id = ?",
                (state, progress, error, at, job_id),
            )

    def get(self, job_id: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.store.db.execute(
            f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,)
        ).fetchone()
        return row

    def recent(self, limit: int = 50) -> list[sqlite3.Row]:
        return self.store.db.execute(
            f"SELECT {_JOB_COLUMNS} FROM jobs ORDER BY created_at DESC LIMIT ?", (limit,)
        ).fetchall()

    def abandon_running(self, at: str) -> int:
        """Jobs a previous server left running died with it: mark them failed, so nobody waits on them."""
        with self.store.transaction():
            cursor = self.store.db.execute(
                "UPDATE jobs SET state = 'failed', error = 'the server stopped while the job ran; upload again',"
                " updated_at = ? WHERE state IN ('queued', 'running')",
                (at,),
            )
        return cursor.rowcount


class SavedSearchTable:
    def __init__(self, store: Store) -> None:
        self.store = store

    def upsert(self, owner: str, name: str, params: str, at: str) -> None:
        with self.store.transaction():
            self.store.db.execute(
                "INSERT INTO saved_searches (owner, name, params, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (owner, name) DO UPDATE SET params = excluded.params",
                (owner, name, params, at),
            )

    def all(self, owner: str) -> list[sqlite3.Row]:
        return self.store.db.execute(
            "SELECT name, params, created_at FROM saved_searches WHERE owner = ? ORDER BY name", (owner,)
        ).fetchall()

    def get(self, owner: str, name: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.store.db.execute(
            "SELECT name, params, created_at FROM saved_searches WHERE owner = ? AND name = ?", (owner, name)
        ).fetchone()
        return row

    def delete(self, owner: str, name: str) -> bool:
        with self.store.transaction():
            cursor = self.store.db.execute("DELETE FROM saved_searches WHERE owner = ? AND name = ?", (owner, name))
        return cursor.rowcount > 0


class ChartTable:
    def __init__(self, store: Store) -> None:
        self.store = store

    def insert(self, chart_id: str, owner: str | None, report: str, at: str) -> None:
        with self.store.transaction():
            self.store.db.execute(
                "INSERT INTO charts (id, owner, report, created_at) VALUES (?, ?, ?, ?)", (chart_id, owner, report, at)
            )

    def get(self, chart_id: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.store.db.execute(
            "SELECT id, owner, report, created_at FROM charts WHERE id = ?", (chart_id,)
        ).fetchone()
        return row
