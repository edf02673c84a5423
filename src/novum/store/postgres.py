"""A PostgreSQL connection that looks, to the store's modules, like the ``sqlite3`` connection they were written for.

The store's SQL is written once, with ``?`` placeholders, and runs on both engines; this adapter translates the
placeholders, returns rows readable by index and by column name (like ``sqlite3.Row``), and gives ``lastrowid``
for inserts into tables keyed on an identity ``id`` (by appending ``RETURNING id``). Statements run in autocommit
mode unless the store opens a transaction with ``BEGIN``, exactly as the SQLite connection (``isolation_level=None``)
does, so the store's transaction boundaries mean the same on both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from novum.errors import StoreError

# Tables whose key is an identity ``id`` the store reads back after an insert (SQLite's ``lastrowid``).
IDENTITY_TABLES = frozenset(
    {
        "quarantine",
        "search_history",
        "api_tokens",
        "saved_searches",
        "watches",
        "watch_alerts",
        "watch_deliveries",
        "watch_attempts",
        "needs",
    }
)
_INSERT = re.compile(r"\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)


class Row(tuple[Any, ...]):
    """A result row: a tuple that also answers ``row["column"]`` and ``keys()`` (so ``dict(row)`` works)."""

    _index: dict[str, int]

    def __new__(cls, values: Sequence[Any], index: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                key = self._index[key]
            except KeyError:
                raise IndexError(f"no such column: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: Any) -> Any:
    names = [column.name for column in cursor.description or ()]
    index = {name: i for i, name in enumerate(names)}
    return lambda values: Row(values, index)


@lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """``?`` placeholders outside string literals become ``%s``; a literal ``%`` becomes ``%%`` (psycopg's syntax)."""
    out: list[str] = []
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "%":
            out.append("%%")
        elif char == "?" and not quoted:
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)


class PgCursor:
    """The result of one statement: rows, ``rowcount`` and (for an insert into an identity table) ``lastrowid``."""

    def __init__(self, cursor: Any, returning_id: bool) -> None:
        self._cursor = cursor
        self.rowcount: int = cursor.rowcount
        self.lastrowid: int | None = None
        if returning_id:
            row = cursor.fetchone() if cursor.rowcount else None
            self.lastrowid = int(row[0]) if row is not None else None

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)


class PgConnection:
    """The subset of ``sqlite3.Connection`` the store uses, over one psycopg connection.

    A connection lost between transactions (the server restarted, an idle connection was cut) is opened again and
    the statement retried once; outside a transaction the store only reads. A connection lost inside a transaction
    is opened again too, but the error is raised: the transaction's writes are gone and the caller must know."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - psycopg is a dependency
            raise StoreError("a PostgreSQL store needs psycopg: pip install 'psycopg[binary]'") from exc
        self._psycopg = psycopg
        self.url = url
        self.conn = self._connect()
        self._began = False  # inside a transaction this adapter opened with BEGIN

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self.url, autocommit=True, row_factory=_row_factory)
        except self._psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {redact(self.url)}: {exc}") from exc

    @property
    def in_transaction(self) -> bool:
        return self._began

    def execute(self, sql: str, params: Sequence[Any] | None = None, /) -> PgCursor:
        returning = False
        match = _INSERT.match(sql)
        if match and match.group(1).lower() in IDENTITY_TABLES and "RETURNING" not in sql.upper():
            sql, returning = sql + " RETURNING id", True
        query, values = (sql, None) if params is None else (translate(sql), tuple(params))
        try:
            cursor = self.conn.execute(query, values)  # without parameters psycopg reads no placeholders
        except self._psycopg.OperationalError:
            if not self._reconnected():
                raise
            cursor = self.conn.execute(query, values)
        verb = sql.lstrip()[:8].upper()
        if verb.startswith("BEGIN"):
            self._began = True
        elif verb.startswith(("COMMIT", "ROLLBACK")):
            self._began = False
        return PgCursor(cursor, returning)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> PgCursor:
        cursor = self.conn.cursor()
        try:
            cursor.executemany(translate(sql), [tuple(row) for row in rows])
        except self._psycopg.OperationalError:
            self._reconnected()
            raise  # only transactions write many rows: their work is lost, so the error stands
        return PgCursor(cursor, False)

    def _reconnected(self) -> bool:
        """After a failed statement: if the connection is gone, open a new one; True when the statement may be
        retried (it ran outside a transaction)."""
        if not self.conn.broken:
            return False
        lost_transaction, self._began = self._began, False
        self.conn = self._connect()
        return not lost_transaction

    def close(self) -> None:
        self.conn.close()


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
