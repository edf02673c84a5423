"""The few things SQLite and PostgreSQL spell differently, in one place.

The store's statements are written once in the SQL both engines read (``INSERT ... ON CONFLICT``, ``coalesce``,
``substr``, ``CASE``); what differs is JSON access into the record, how a write transaction starts, where the schema
version is kept, and the schema's DDL itself (``novum.store.migrations`` and ``novum.store.pg_migrations``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from novum.store.migrations import MIGRATIONS
from novum.store.pg_migrations import PG_MIGRATIONS


class Cursor(Protocol):
    """What the store reads from an executed statement (``sqlite3.Cursor`` and ``PgCursor`` both give it)."""

    @property
    def rowcount(self) -> int: ...
    @property
    def lastrowid(self) -> int | None: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """What the store uses of a connection (``sqlite3.Connection`` and ``PgConnection`` both give it)."""

    @property
    def in_transaction(self) -> bool: ...
    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...
    def close(self) -> None: ...


# Serialises schema migrations of one PostgreSQL database across processes (any constant shared by all novums).
_MIGRATION_LOCK = 7_166_236_552


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one engine spells the non-portable parts of the store's SQL."""

    name: str  # "sqlite" or "postgresql"
    begin: str  # the statement that opens a write transaction
    migrations: tuple[str, ...]

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    def json_text(self, column: str, *path: str | int) -> str:
        """The value at ``path`` inside a JSON text column: a string as text, an array or object as JSON text."""
        if self.postgres:  # ARRAY[...], not '{...}': statements pass through str.format (``Store.select_in``)
            steps = ", ".join(f"'{p}'" for p in path)
            return f"({_jsonb(column)} #>> ARRAY[{steps}])"
        steps = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        return f"json_extract({column}, '${steps}')"

    def json_without(self, column: str, *keys: str) -> str:
        """A JSON text column with top-level ``keys`` removed (what a light read of a record leaves out)."""
        if self.postgres:
            removed = "".join(f" - '{k}'" for k in keys)
            return f"(({_jsonb(column)}{removed})::text)"
        paths = ", ".join(f"'$.{k}'" for k in keys)
        return f"json_remove({column}, {paths})"

    def lock_numbers(self, db: Database, numbers: list[str]) -> None:
        """Inside a transaction: take a lock per publication number, in sorted order (so two writers never wait on
        each other in a cycle), held to the end of the transaction. PostgreSQL only: concurrent writers (Spark
        tasks) of the same number then run one after the other; SQLite has a single writer anyway."""
        if self.postgres and numbers:
            db.execute(
                "SELECT count(pg_advisory_xact_lock(hashtextextended(n, 0))) FROM"
                " (SELECT DISTINCT n FROM unnest(?::text[]) AS n ORDER BY n) AS wanted",
                (numbers,),
            )

    def schema_version(self, db: Database) -> int:
        if not self.postgres:
            return int(db.execute("PRAGMA user_version").fetchone()[0])
        row = db.execute("SELECT to_regclass('novum_schema') IS NOT NULL").fetchone()
        if not row[0]:
            return 0
        found = db.execute("SELECT max(version) FROM novum_schema").fetchone()
        return int(found[0] or 0)

    def lock_schema(self, db: Database) -> None:
        """Inside a transaction: wait for any other process migrating the same database (PostgreSQL only; SQLite's
        ``BEGIN IMMEDIATE`` already excludes other writers)."""
        if self.postgres:
            db.execute(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
            db.execute("CREATE TABLE IF NOT EXISTS novum_schema (version INTEGER NOT NULL)")

    def set_schema_version(self, db: Database, number: int) -> None:
        if self.postgres:
            db.execute("DELETE FROM novum_schema")
            db.execute("INSERT INTO novum_schema (version) VALUES (?)", (number,))
        else:
            db.execute(f"PRAGMA user_version = {int(number)}")


def _jsonb(column: str) -> str:
    """A JSON text column as jsonb. jsonb refuses the escape ``\\u0000`` (PostgreSQL text cannot hold NUL), which a
    record of hostile input may carry inside a string: the JSON functions read it without the NUL (the stored record
    keeps it, and ``Store.get`` returns it)."""
    return f"replace({column}, '\\u0000', '')::jsonb"


SQLITE = Dialect("sqlite", "BEGIN IMMEDIATE", tuple(MIGRATIONS))
POSTGRES = Dialect("postgresql", "BEGIN", tuple(PG_MIGRATIONS))
