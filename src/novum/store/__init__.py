"""The system of record: every normalised publication, its source bytes, and the quarantine of bad input."""

from novum.store.sqlite import IngestCounts, Store, StoredDocument

__all__ = ["IngestCounts", "Store", "StoredDocument"]
