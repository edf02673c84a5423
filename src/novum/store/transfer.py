"""Copy a whole store into a PostgreSQL database (``novum migrate-store``): losslessly, resumably, verifiably.

Each table is copied in key order, a batch per transaction, with ``ON CONFLICT DO NOTHING``; a batch is committed
whole or not at all, so the highest key in the target says exactly how far a killed copy got, and a re-run starts
after it: nothing is copied twice. Documents travel with their raw bytes and citation links in the same transaction
(the children have no key of their own to resume on), in the order they first arrived (SQLite's ``rowid``, kept in
PostgreSQL's ``documents.rowid``), so the watch feed numbers documents the same way after the move.

The copy ends with a verification: per table, the row count and an order-independent digest of every row's values
on both sides. Identity sequences are moved past the copied ids, so new rows do not collide with old ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from novum.errors import StoreError
from novum.store.sqlite import Store

# Every table of the schema (migrations 1-7), parents before children, with the key a copy pages and resumes on.
# ``documents`` is copied together with ``raw_documents`` and ``citation_links`` (see ``_copy_documents``).
KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("rowid",),
    "raw_documents": ("number",),
    "citation_links": (),
    "quarantine": ("id",),
    "sources": ("source",),
    "search_history": ("id",),
    "passages": ("model", "id"),
    "embedded": ("model", "number"),
    "api_tokens": ("id",),
    "web_sessions": ("session_hash",),
    "jobs": ("id",),
    "saved_searches": ("id",),
    "charts": ("id",),
    "watches": ("id",),
    "watch_feed": ("number",),
    "watch_alerts": ("id",),
    "watch_deliveries": ("id",),
    "watch_attempts": ("id",),
    "needs": ("id",),
    "licence_offers": ("number", "licensor"),
}
_DOCUMENT_CHILDREN = ("raw_documents", "citation_links")
# Identity columns whose sequences must move past the copied values.
_IDENTITIES = {
    "documents": "rowid",
    **dict.fromkeys(
        ("quarantine", "search_history", "api_tokens", "saved_searches", "watches", "watch_alerts", "watch_deliveries",
         "watch_attempts", "needs"),
        "id",
    ),
}  # fmt: skip

# Called inside each batch's transaction, after its rows are written and before they are committed, with the table
# and the rows copied so far: a progress report, and where a test simulates a kill (an exception rolls back).
BatchHook = Callable[[str, int], None]


@dataclass(slots=True)
class TableCopy:
    """One table's copy: rows in the source, rows found already copied, rows copied now, and the verification."""

    table: str
    source_rows: int = 0
    already: int = 0
    copied: int = 0
    target_rows: int = 0
    source_digest: str = ""
    target_digest: str = ""

    @property
    def identical(self) -> bool:
        return self.source_rows == self.target_rows and self.source_digest == self.target_digest

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "source_rows": self.source_rows,
            "already": self.already,
            "copied": self.copied,
            "target_rows": self.target_rows,
            "identical": self.identical,
            "digest": self.target_digest[:16],
        }


@dataclass(slots=True)
class CopyReport:
    source: str
    target: str
    schema_version: int
    tables: list[TableCopy] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return all(t.identical for t in self.tables)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "schema_version": self.schema_version,
            "identical": self.identical,
            "tables": [t.to_dict() for t in self.tables],
        }


def copy_store(source: Store, target: Store, batch: int = 500, hook: BatchHook | None = None) -> CopyReport:
    """Copy every row of ``source`` into the PostgreSQL store ``target`` (resuming a partial copy) and verify."""
    if not target.dialect.postgres:
        raise StoreError("migrate-store copies into PostgreSQL: give a postgresql:// URL")
    if source.url is not None and source.url == target.url:
        raise StoreError(
            "the source and the target are the same database (NOVUM_DATABASE_URL names the target: unset it to copy"
            " the data directory's SQLite store)"
        )
    if source.schema_version != target.schema_version:
        raise StoreError(
            f"schema versions differ: {source.location} is at {source.schema_version},"
            f" {target.location} at {target.schema_version}"
        )
    unknown = sorted(set(_tables(source)) - set(KEYS))
    if unknown:  # a table this copier does not know would be left behind: refuse rather than lose it
        raise StoreError(f"{source.location} has tables migrate-store does not know: {', '.join(unknown)}")
    _check_resumable(source, target)
    report = CopyReport(source.location, target.location, target.schema_version)
    copies = {table: TableCopy(table) for table in KEYS}
    _copy_documents(source, target, copies, batch, hook)
    for table, key in KEYS.items():
        if table == "documents" or table in _DOCUMENT_CHILDREN:
            continue
        _copy_table(source, target, table, key, copies[table], batch, hook)
    _advance_identities(target)
    for table, copy in copies.items():
        copy.source_rows, copy.source_digest = table_digest(source, table)
        copy.target_rows, copy.target_digest = table_digest(target, table)
        report.tables.append(copy)
    return report


def _check_resumable(source: Store, target: Store) -> None:
    """Refuse a target whose documents did not come from this source: resuming would mix two stores."""
    last = _last_key(target, "documents", ("rowid",))
    if last is None:
        return
    sql = "SELECT number FROM documents WHERE rowid = ?"
    mine, theirs = source.db.execute(sql, last).fetchone(), target.db.execute(sql, last).fetchone()
    if mine is None or mine[0] != theirs[0]:
        raise StoreError(
            f"{target.location} holds documents that were not copied from {source.location}: copy into an empty"
            " database (a re-run resumes only a copy of the same store)"
        )


def _copy_documents(
    source: Store, target: Store, copies: dict[str, TableCopy], batch: int, hook: BatchHook | None
) -> None:
    columns = _columns(target, "documents")
    children = {name: _columns(target, name) for name in _DOCUMENT_CHILDREN}
    last = _last_key(target, "documents", ("rowid",))
    copies["documents"].already = _count(target, "documents")
    for name in _DOCUMENT_CHILDREN:
        copies[name].already = _count(target, name)
    select = f"SELECT {', '.join(columns)} FROM documents WHERE rowid > ? ORDER BY rowid LIMIT ?"
    position = last[0] if last else 0
    while True:
        rows = source.db.execute(select, (position, batch)).fetchall()
        if not rows:
            return
        numbers = [row[columns.index("number")] for row in rows]
        with target.transaction():
            _insert(target, "documents", columns, rows)
            copies["documents"].copied += len(rows)
            for name, child_columns in children.items():
                sql = f"SELECT {', '.join(child_columns)} FROM {name} WHERE {_parent(name)} IN ({{marks}})"
                child_rows = list(source.select_in(sql, numbers))
                _insert(target, name, child_columns, child_rows)
                copies[name].copied += len(child_rows)
            if hook is not None:
                hook("documents", copies["documents"].already + copies["documents"].copied)
        position = rows[-1][columns.index("rowid")]


def _copy_table(
    source: Store, target: Store, table: str, key: tuple[str, ...], copy: TableCopy, batch: int,
    hook: BatchHook | None,
) -> None:  # fmt: skip
    columns = _columns(target, table)
    copy.already = _count(target, table)
    last = _last_key(target, table, key)
    for rows in _key_pages(source, table, columns, key, last, batch):
        with target.transaction():
            _insert(target, table, columns, rows)
            copy.copied += len(rows)
            if hook is not None:
                hook(table, copy.already + copy.copied)


def _insert(target: Store, table: str, columns: Sequence[str], rows: Sequence[Any]) -> None:
    if rows:
        marks = ", ".join("?" * len(columns))
        target.db.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT DO NOTHING",
            [tuple(row) for row in rows],
        )


def _advance_identities(target: Store) -> None:
    """Move each identity sequence past the highest copied id (ids were copied as they were)."""
    with target.transaction():
        for table, column in _IDENTITIES.items():
            target.db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), max({column}))"
                f" FROM {table} HAVING max({column}) IS NOT NULL"
            )


def table_digest(store: Store, table: str, batch: int = 1000) -> tuple[int, str]:
    """Row count and a digest of every row's values that does not depend on the order rows are read in (the sum
    of the rows' SHA-256 values, modulo 2^256): equal digests mean equal multisets of rows."""
    total, count = 0, 0
    for row in _rows(store, table, batch):
        total = (total + int.from_bytes(hashlib.sha256(_canonical(row)).digest(), "big")) % (1 << 256)
        count += 1
    return count, f"{total:064x}"


def _rows(store: Store, table: str, batch: int) -> Iterator[Sequence[Any]]:
    """Every row of a table (in the schema's column order), keyset-paged so memory stays flat."""
    columns = _columns(store, table)
    if table in _DOCUMENT_CHILDREN:  # no key of their own: page through the documents they belong to
        sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {_parent(table)} IN ({{marks}})"
        last = ""
        while True:
            found = store.db.execute(
                "SELECT number FROM documents WHERE number > ? ORDER BY number LIMIT ?", (last, batch)
            ).fetchall()
            if not found:
                return
            yield from store.select_in(sql, [r[0] for r in found])
            last = found[-1][0]
    for page in _key_pages(store, table, columns, KEYS[table], None, batch):
        yield from page


def _key_pages(
    store: Store, table: str, columns: list[str], key: tuple[str, ...], after: tuple[Any, ...] | None, batch: int
) -> Iterator[list[Any]]:
    """The table's rows after the key ``after`` (from the start when None), in key order, ``batch`` at a time."""
    order = ", ".join(key)
    while True:
        where = f"WHERE ({order}) > ({', '.join('?' * len(key))})" if after else ""
        found = store.db.execute(
            f"SELECT {', '.join(columns)} FROM {table} {where} ORDER BY {order} LIMIT ?", (*(after or ()), batch)
        ).fetchall()
        if not found:
            return
        yield found
        after = tuple(found[-1][columns.index(k)] for k in key)


def _canonical(row: Sequence[Any]) -> bytes:
    """A row's values as bytes that are equal across engines (BLOB and BYTEA both as hex, numbers as JSON)."""
    values = [("bytes", bytes(v).hex()) if isinstance(v, bytes | memoryview) else v for v in row]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def _parent(child: str) -> str:
    return "citing" if child == "citation_links" else "number"


def _columns(store: Store, table: str) -> list[str]:
    """The table's columns in schema order; ``documents`` includes ``rowid`` (explicit in PostgreSQL, implicit in
    SQLite), the order documents arrived in."""
    if store.dialect.postgres:
        rows = store.db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ? ORDER BY ordinal_position",
            (table,),
        ).fetchall()
        names = [str(r[0]) for r in rows]
    else:
        names = [str(r[1]) for r in store.db.execute(f"PRAGMA table_info({table})").fetchall()]
        if table == "documents":
            names.insert(1, "rowid")
    if not names:
        raise StoreError(f"{store.location} has no table {table}")
    return names


def _tables(store: Store) -> list[str]:
    if store.dialect.postgres:
        sql = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_type = 'BASE TABLE' AND table_name != 'novum_schema'"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return [str(r[0]) for r in store.db.execute(sql).fetchall()]


def _count(store: Store, table: str) -> int:
    return int(store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _last_key(store: Store, table: str, key: tuple[str, ...]) -> tuple[Any, ...] | None:
    order = ", ".join(f"{k} DESC" for k in key)
    row = store.db.execute(f"SELECT {', '.join(key)} FROM {table} ORDER BY {order} LIMIT 1").fetchone()
    return tuple(row) if row is not None else None
