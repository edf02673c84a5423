"""The system of record: SQLite (WAL) in the data directory by default, or PostgreSQL when a database URL is given.

Every index can be rebuilt from the store. Writes are idempotent upserts keyed on the canonical publication number,
and a content hash tells a real update from a re-read of the same document, so ingesting twice changes nothing.
The SQL is written once for both engines (``novum.store.dialect`` holds the few differences);
``NOVUM_DATABASE_URL=postgresql://...`` (or ``database_url``) makes every ``Store`` a PostgreSQL one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from novum.errors import NotFoundError, StoreError
from novum.model import Patent
from novum.normalize.numbers import NumberFormatError, parse_number, stored_forms
from novum.store.dialect import POSTGRES, SQLITE, Database, Dialect
from novum.store.postgres import PgConnection, redact

DB_NAME = "novum.db"
DATABASE_URL_ENV = "NOVUM_DATABASE_URL"


def resolve_database_url(explicit: str | None = None) -> str | None:
    """The PostgreSQL URL a store should use: the one given, else ``NOVUM_DATABASE_URL``; None means SQLite."""
    url = explicit if explicit is not None else os.environ.get(DATABASE_URL_ENV, "")
    if not url:
        return None
    if not url.startswith(("postgresql://", "postgres://")):
        raise StoreError(f"{DATABASE_URL_ENV} must be a postgresql:// URL, not {redact(url)!r}")
    return url


@dataclass(slots=True)
class StoredDocument:
    """A document ready to be written: the record plus where it came from."""

    patent: Patent
    raw: bytes
    source: str
    position: str
    format: str | None = None
    warning: str | None = None


@dataclass(slots=True)
class IngestCounts:
    """What an ingest did, document by document."""

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    repaired: int = 0
    skipped_files: int = 0

    def add(self, other: IngestCounts) -> None:
        for name in ("read", "new", "updated", "unchanged", "quarantined", "repaired", "skipped_files"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# What an insert that lost a race with another writer (two PostgreSQL writers, one new number) does instead.
_RACED_INSERT = ", ".join(
    f"{column} = excluded.{column}"
    for column in (
        "country", "doc_number", "kind", "family_key", "priority_date", "filing_date", "publication_date",
        "effective_date", "language", "record", "content_hash", "source", "position", "format", "warning", "cpc",
        "ipc", "updated_at",
    )
) + ", indexed = 0"  # fmt: skip


def family_key(patent: Patent) -> str:
    """The key family collapse groups on: the office's family id, else the smallest number among listed members."""
    if patent.family_id:
        return f"id:{patent.family_id}"
    if patent.family_members:
        return f"m:{min([patent.number, *patent.family_members])}"
    return f"n:{patent.number}"


def citation_key(country: str | None, doc_number: str | None, number: str | None) -> str | None:
    """The key a citation links on: office + serial without leading zeros or kind (``US8799651``), so a citation
    of ``US 8,799,651`` finds the stored ``US8799651B2``."""
    if not (country and doc_number) and number:
        try:
            parsed = parse_number(number)
        except NumberFormatError:
            return None
        country, doc_number = parsed.country, parsed.number
    if not (country and doc_number):
        return None
    return f"{country.upper()}{doc_number.lstrip('0')}"


def content_hash(record: dict[str, Any]) -> str:
    """Hash of a record's canonical JSON: equal content gives an equal hash whatever the key order."""
    payload = json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(payload).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """The store of a data directory: its SQLite file, or the PostgreSQL database of ``database_url`` (default: the
    ``NOVUM_DATABASE_URL`` environment variable). One writer at a time on SQLite; readers are cheap."""

    def __init__(self, data_dir: Path, database_url: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_NAME
        self.url = resolve_database_url(database_url)
        self.dialect: Dialect = POSTGRES if self.url else SQLITE
        self.location = redact(self.url) if self.url else str(self.path)
        self.db: Database
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)  # the index files live here whatever the engine
            if self.url:
                self.db = PgConnection(self.url)
            else:
                self.db = _open_sqlite(self.path)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the store in {self.data_dir}: {exc}") from exc
        try:
            self._migrate()
        except BaseException:
            self.db.close()
            raise

    # --- schema -------------------------------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return self.dialect.schema_version(self.db)

    def _migrate(self) -> None:
        migrations = self.dialect.migrations
        version = self.schema_version
        if version > len(migrations):
            raise StoreError(
                f"{self.location} has schema version {version}, newer than this novum understands ({len(migrations)})"
            )
        for number, script in enumerate(migrations[version:], start=version + 1):
            with self.transaction():
                self.dialect.lock_schema(self.db)
                if self.schema_version >= number:  # another process migrated it meanwhile
                    continue
                for statement in script.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.dialect.set_schema_version(self.db, number)

    def transaction(self) -> _Transaction:
        return _Transaction(self.db, self.dialect.begin)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writes -------------------------------------------------------------------------------------------------
    def upsert(self, documents: Iterable[StoredDocument]) -> IngestCounts:
        """Insert or update documents in one transaction; unchanged content is left alone (and stays indexed)."""
        counts = IngestCounts()
        now = _now()
        batch = list(documents)
        with self.transaction():
            self.dialect.lock_numbers(self.db, [doc.patent.number for doc in batch])
            # the stored hashes of the whole batch in one statement (a round trip per document costs on PostgreSQL)
            sql = "SELECT number, content_hash FROM documents WHERE number IN ({marks})"
            stored = {row[0]: row[1] for row in self.select_in(sql, {doc.patent.number for doc in batch})}
            for doc in batch:
                counts.read += 1
                counts.repaired += doc.warning is not None
                patent = doc.patent
                record = patent.to_dict()
                digest = content_hash(record)
                old = stored.get(patent.number)
                if old == digest:
                    counts.unchanged += 1
                    continue
                stored[patent.number] = digest  # the same number later in the batch compares with this version
                values = (
                    patent.country,
                    patent.doc_number,
                    patent.kind,
                    family_key(patent),
                    patent.earliest_priority(),
                    patent.filing_date,
                    patent.publication_date,
                    patent.effective_date,
                    patent.language,
                    json.dumps(record, ensure_ascii=False),
                    digest,
                    doc.source,
                    doc.position,
                    doc.format,
                    doc.warning,
                    " ".join(patent.cpc),
                    " ".join(patent.ipc),
                    now,
                )
                if old is None:
                    counts.new += 1
                    self.db.execute(
                        "INSERT INTO documents (country, doc_number, kind, family_key, priority_date, filing_date,"
                        " publication_date, effective_date, language, record, content_hash, source, position, format,"
                        " warning, cpc, ipc, updated_at, number, ingested_at)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                        f" ON CONFLICT (number) DO UPDATE SET {_RACED_INSERT}",
                        (*values, patent.number, now),
                    )
                else:
                    counts.updated += 1
                    self.db.execute(
                        "UPDATE documents SET country=?, doc_number=?, kind=?, family_key=?, priority_date=?,"
                        " filing_date=?, publication_date=?, effective_date=?, language=?, record=?, content_hash=?,"
                        " source=?, position=?, format=?, warning=?, cpc=?, ipc=?, updated_at=?, indexed=0"
                        " WHERE number=?",
                        (*values, patent.number),
                    )
                self.db.execute(
                    "INSERT INTO raw_documents (number, raw) VALUES (?, ?)"
                    " ON CONFLICT (number) DO UPDATE SET raw = excluded.raw",
                    (patent.number, zlib.compress(doc.raw, 3)),
                )
                self._link_citations(patent)
        return counts

    def _link_citations(self, patent: Patent) -> None:
        """Index the document's patent citations by the cited serial, so forward citations are one lookup."""
        self.db.execute("DELETE FROM citation_links WHERE citing = ?", (patent.number,))
        rows = []
        for citation in patent.citations:
            key = citation_key(citation.country, citation.doc_number, citation.number)
            if key:
                rows.append((patent.number, key, citation.cited_by, citation.category))
        if rows:
            self.db.executemany(
                "INSERT INTO citation_links (citing, cited_key, cited_by, category) VALUES (?, ?, ?, ?)", rows
            )

    def citing(self, number: str) -> list[sqlite3.Row]:
        """Stored documents that cite ``number`` (any kind of it), with who cited it and the category."""
        patent = self.get(number)
        key = citation_key(patent.country, patent.doc_number, None)
        return self.db.execute(
            "SELECT l.citing AS number, l.cited_by, l.category, d.publication_date FROM citation_links l"
            " JOIN documents d ON d.number = l.citing WHERE l.cited_key = ? AND l.citing != ?"
            " ORDER BY d.publication_date, l.citing",
            (key, patent.number),
        ).fetchall()

    def quarantine(self, source: str, position: str, reason: str, raw: bytes, fmt: str | None = None) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO quarantine (source, position, reason, format, raw, at) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT (source, position) DO UPDATE SET reason = excluded.reason, format = excluded.format,"
                " raw = excluded.raw, at = excluded.at",
                (source, position, reason, fmt, zlib.compress(raw[: 4 * 1024 * 1024], 6), _now()),
            )

    def clear_quarantine(self, source: str) -> None:
        """Forget a source's old failures before it is read again, so fixed files leave the quarantine."""
        with self.transaction():
            self.db.execute("DELETE FROM quarantine WHERE source = ?", (source,))

    # --- resumable ingest ---------------------------------------------------------------------------------------
    def source_done(self, source: str, fingerprint: str) -> sqlite3.Row | None:
        """The record of a source completed with this fingerprint, if any (so a re-run can skip it)."""
        row: sqlite3.Row | None = self.db.execute(
            "SELECT * FROM sources WHERE source = ? AND fingerprint = ?", (source, fingerprint)
        ).fetchone()
        return row

    def mark_source_done(self, source: str, fingerprint: str, documents: int, quarantined: int) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO sources (source, fingerprint, documents, quarantined, completed_at) VALUES (?,?,?,?,?)"
                " ON CONFLICT (source) DO UPDATE SET fingerprint = excluded.fingerprint,"
                " documents = excluded.documents, quarantined = excluded.quarantined,"
                " completed_at = excluded.completed_at",
                (source, fingerprint, documents, quarantined, _now()),
            )

    # --- index bookkeeping --------------------------------------------------------------------------------------
    def iter_pending(self, batch: int = 500) -> Iterator[Patent]:
        """Documents not yet in the index, streamed in batches so indexing a large store keeps memory flat."""
        return self._iter_records("indexed = 0 AND", batch)

    def pending_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM documents WHERE indexed = 0").fetchone()[0])

    def mark_indexed(self, numbers: Iterable[str]) -> None:
        with self.transaction():
            self.db.executemany("UPDATE documents SET indexed = 1 WHERE number = ?", [(n,) for n in numbers])

    def mark_all_unindexed(self) -> None:
        with self.transaction():
            self.db.execute("UPDATE documents SET indexed = 0")

    # --- reads --------------------------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def resolve(self, text: str) -> str:
        """The stored canonical number for any common spelling; ``NotFoundError`` when there is no such document."""
        try:
            parsed, forms = stored_forms(text)  # canonical first, then spellings older stores keep
        except NumberFormatError as exc:
            raise NotFoundError(str(exc)) from exc
        candidates: list[sqlite3.Row] = []
        if parsed.country:
            row = self.db.execute("SELECT number FROM documents WHERE number = ?", (str(parsed),)).fetchone()
            if row:
                return str(row["number"])
            for form in forms:
                candidates = self.db.execute(
                    "SELECT number FROM documents WHERE country = ? AND doc_number = ? ORDER BY number",
                    (parsed.country, form),
                ).fetchall()
                if candidates:
                    break
            if not candidates:  # a padded serial stored before padding was dropped (DE000004240017)
                candidates = self.db.execute(
                    "SELECT number FROM documents WHERE country = ? AND ltrim(doc_number, '0') = ? ORDER BY number",
                    (parsed.country, parsed.number.lstrip("0")),
                ).fetchall()
            if parsed.kind:
                candidates = [r for r in candidates if r["number"].endswith(parsed.kind)] or candidates
        else:
            bare = parsed.number.lstrip("0") or parsed.number  # "08799651" is how US grants are often typed
            candidates = self.db.execute(
                "SELECT number FROM documents WHERE doc_number IN (?, ?) ORDER BY number", (parsed.number, bare)
            ).fetchall()
        if not candidates:
            raise NotFoundError(f"{text!r} is not in the store")
        return str(candidates[0]["number"])

    def get(self, text: str) -> Patent:
        number = self.resolve(text)
        return self.get_many([number])[number]

    def select_in(self, sql: str, numbers: Iterable[str], *leading: object) -> Iterator[sqlite3.Row]:
        """Rows of ``sql`` with its ``{marks}`` filled by the numbers, 500 at a time (SQLite's variable limit).

        ``leading`` are the parameters that come before the list in the statement.
        """
        wanted = list(numbers)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            yield from self.db.execute(sql.format(marks=",".join("?" * len(chunk))), (*leading, *chunk))

    def get_many(self, numbers: Iterable[str], *, without: tuple[str, ...] = ()) -> dict[str, Patent]:
        """The stored records of ``numbers`` (unknown numbers are left out). ``without`` names top-level fields the
        database drops before Python parses the JSON: a full-text grant's description is most of its record."""
        record = self.dialect.json_without("record", *without) if without else "record"
        rows = self.select_in(f"SELECT number, {record} AS record FROM documents WHERE number IN ({{marks}})", numbers)
        return {row["number"]: Patent.from_dict(json.loads(row["record"])) for row in rows}

    def provenance(self, number: str) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT source, position, format, warning, ingested_at, updated_at FROM documents WHERE number = ?",
            (number,),
        ).fetchone()
        return dict(row) if row else {}

    def raw(self, number: str) -> bytes | None:
        row = self.db.execute("SELECT raw FROM raw_documents WHERE number = ?", (number,)).fetchone()
        return zlib.decompress(bytes(row["raw"])) if row else None

    def family_keys(self, numbers: Iterable[str]) -> dict[str, str]:
        rows = self.select_in("SELECT number, family_key FROM documents WHERE number IN ({marks})", numbers)
        return {row["number"]: row["family_key"] for row in rows}

    def family_members(self, key: str) -> list[str]:
        rows = self.db.execute("SELECT number FROM documents WHERE family_key = ? ORDER BY number", (key,))
        return [r["number"] for r in rows]

    def content_hashes(self) -> Iterator[tuple[str, str]]:
        """``(number, content hash)`` of every document in number order: a corpus snapshot without the records."""
        for row in self.db.execute("SELECT number, content_hash FROM documents ORDER BY number"):
            yield str(row["number"]), str(row["content_hash"])

    def document_sources(self) -> list[tuple[str, str | None]]:
        """``(number, source file)`` of every document (benchmarks name documents by their files)."""
        return [(str(r["number"]), r["source"]) for r in self.db.execute("SELECT number, source FROM documents")]

    def filter_rows(self) -> list[tuple[str, str | None, str | None, str, str, str, str, str]]:
        """Per document in number order: number, effective date, publication date, country, kind ('' if none),
        CPC and IPC (space-separated) and family key: what filter masks are computed from."""
        rows = self.db.execute(
            "SELECT number, effective_date, publication_date, country, coalesce(kind, ''), cpc, ipc, family_key"
            " FROM documents ORDER BY number"
        )
        return [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows]

    def numbers(self) -> set[str]:
        """Every stored publication number."""
        return {str(r[0]) for r in self.db.execute("SELECT number FROM documents")}

    def indexed_numbers(self) -> set[str]:
        """Numbers flagged as written to the lexical index."""
        return {str(r[0]) for r in self.db.execute("SELECT number FROM documents WHERE indexed = 1")}

    def iter_patents(self, batch: int = 1000) -> Iterator[Patent]:
        """Every stored record in number order, streamed in batches so memory stays flat."""
        return self._iter_records("", batch)

    def _iter_records(self, condition: str, batch: int) -> Iterator[Patent]:
        """Records in number order, ``batch`` at a time, each batch starting after the last number read (keyset
        paging: no OFFSET to rescan, and rows changed behind the cursor are not read twice)."""
        sql = f"SELECT number, record FROM documents WHERE {condition} number > ? ORDER BY number LIMIT ?"
        last = ""
        while True:
            rows = self.db.execute(sql, (last, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield Patent.from_dict(json.loads(row["record"]))
            last = rows[-1]["number"]

    def snapshot(self) -> dict[str, Any]:
        """A cheap identity of the corpus's state: document count and the time of the last change (an index-only
        query, so a server can stamp every response with it)."""
        row = self.db.execute("SELECT count(*), max(updated_at) FROM documents").fetchone()
        return {"documents": int(row[0]), "updated": row[1]}

    def stats(self) -> dict[str, Any]:
        """Counts by country, kind and publication year, and the quarantine grouped by reason."""

        def grouped(sql: str) -> dict[str, int]:
            return {str(r[0]): int(r[1]) for r in self.db.execute(sql)}

        reasons: Counter[str] = Counter()
        for row in self.db.execute("SELECT reason FROM quarantine"):
            reasons[_reason_class(row["reason"])] += 1
        return {
            "documents": self.count(),
            "by_country": grouped("SELECT country, count(*) FROM documents GROUP BY country ORDER BY 2 DESC, 1"),
            "by_kind": grouped("SELECT coalesce(kind, '?'), count(*) FROM documents GROUP BY kind ORDER BY 2 DESC, 1"),
            "by_year": grouped(
                "SELECT coalesce(substr(publication_date, 1, 4), substr(filing_date, 1, 4), '?'), count(*)"
                " FROM documents GROUP BY 1 ORDER BY 1"
            ),
            "by_format": grouped(
                "SELECT coalesce(format, '?'), count(*) FROM documents GROUP BY format ORDER BY 2 DESC, 1"
            ),
            "pending_index": self.pending_count(),
            "quarantined": int(self.db.execute("SELECT count(*) FROM quarantine").fetchone()[0]),
            "quarantine_reasons": dict(reasons.most_common()),
            "quarantine": [
                {"source": r["source"], "position": r["position"], "reason": r["reason"]}
                for r in self.db.execute("SELECT source, position, reason FROM quarantine ORDER BY source, id")
            ],
            "repaired": [
                {"number": r["number"], "source": r["source"], "position": r["position"], "warning": r["warning"]}
                for r in self.db.execute(
                    "SELECT number, source, position, warning FROM documents WHERE warning IS NOT NULL ORDER BY number"
                )
            ],
            "schema_version": self.schema_version,
        }


def _open_sqlite(path: Path) -> sqlite3.Connection:
    # a long busy timeout: the embedding thread and the ingest thread write to the same file
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=120)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    return db


def _reason_class(reason: str) -> str:
    """Group quarantine reasons by their lead phrase so the summary is short ("malformed XML", "empty file")."""
    return reason.split(":", 1)[0].strip()


class _Transaction:
    """``BEGIN IMMEDIATE`` (PostgreSQL: ``BEGIN``) … ``COMMIT``, or ``ROLLBACK`` on error: a crash mid-batch leaves
    the store unchanged."""

    def __init__(self, db: Database, begin: str = "BEGIN IMMEDIATE") -> None:
        self.db = db
        self.begin = begin
        self.outer = False

    def __enter__(self) -> None:
        self.outer = not self.db.in_transaction
        if self.outer:
            self.db.execute(self.begin)

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if not self.outer:
            return
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
