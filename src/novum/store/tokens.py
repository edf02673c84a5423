"""The ``api_tokens`` and ``web_sessions`` tables. ``novum.auth`` gives them meaning; this module keeps the SQL.

Only hashes are stored: a token (or a session id) is shown once, to whoever created it.
"""

from __future__ import annotations

import sqlite3

from novum.store.sqlite import Store

_TOKEN_COLUMNS = "id, name, scope, prefix, created_at, last_used_at, revoked_at"


class TokenTable:
    def __init__(self, store: Store) -> None:
        self.store = store

    def insert(self, name: str, scope: str, token_hash: str, prefix: str, created_at: str) -> int:
        with self.store.transaction():
            cursor = self.store.db.execute(
                "INSERT INTO api_tokens (name, scope, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)",
                (name, scope, token_hash, prefix, created_at),
            )
        return int(cursor.lastrowid or 0)

    def by_name(self, name: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.store.db.execute(
            f"SELECT {_TOKEN_COLUMNS} FROM api_tokens WHERE name = ?", (name,)
        ).fetchone()
        return row

    def by_hash(self, token_hash: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.store.db.execute(
            f"SELECT {_TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ?", (token_hash,)
        ).fetchone()
        return row

    def by_id(self, token_id: int) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.store.db.execute(
            f"SELECT {_TOKEN_COLUMNS} FROM api_tokens WHERE id = ?", (token_id,)
        ).fetchone()
        return row

    def all(self) -> list[sqlite3.Row]:
        return self.store.db.execute(f"SELECT {_TOKEN_COLUMNS} FROM api_tokens ORDER BY id").fetchall()

    def revoke(self, name: str, at: str) -> bool:
        with self.store.transaction():
            cursor = self.store.db.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", (at, name)
            )
            self.store.db.execute(
                "DELETE FROM web_sessions WHERE token_id IN (SELECT id FROM api_tokens WHERE name = ?)", (name,)
            )
        return cursor.rowcount > 0

    def touch(self, token_id: int, at: str) -> None:
        """Record when a token was last used (at most once a minute per token: callers throttle)."""
        with self.store.transaction():
            self.store.db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (at, token_id))


class SessionTable:
    def __init__(self, store: Store) -> None:
        self.store = store

    def insert(self, session_hash: str, token_id: int, csrf: str, created_at: str, expires_at: str) -> None:
        with self.store.transaction():
            self.store.db.execute(
                "INSERT INTO web_sessions (session_hash, token_id, csrf, created_at, expires_at) VALUES (?,?,?,?,?)",
                (session_hash, token_id, csrf, created_at, expires_at),
            )

    def get(self, session_hash: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.store.db.execute(
            "SELECT session_hash, token_id, csrf, created_at, expires_at FROM web_sessions WHERE session_hash = ?",
            (session_hash,),
        ).fetchone()
        return row

    def delete(self, session_hash: str) -> None:
        with self.store.transaction():
            self.store.db.execute("DELETE FROM web_sessions WHERE session_hash = ?", (session_hash,))

    def delete_expired(self, now: str) -> None:
        with self.store.transaction():
            self.store.db.execute("DELETE FROM web_sessions WHERE expires_at < ?", (now,))
