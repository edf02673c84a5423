"""The system of record: every normalised publication, its source bytes, and the quarantine of bad input."""

from pathlib import Path

from novum.store.sqlite import IngestCounts, Store, StoredDocument


def open_store(data_dir: Path, database_url: str | None = None) -> Store:
    """The store of ``data_dir``: PostgreSQL at ``database_url`` (default: ``NOVUM_DATABASE_URL``), else SQLite.

    The same as ``Store(data_dir, database_url)``; every ``Store(data_dir)`` already honours the variable."""
    return Store(data_dir, database_url)


__all__ = ["IngestCounts", "Store", "StoredDocument", "open_store"]
