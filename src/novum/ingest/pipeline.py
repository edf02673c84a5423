"""The ingest pipeline: sources → parsed documents → store (in batches) → index, resumable at any point.

Order of operations is what makes it safe to kill: a batch is committed to the store in one transaction, documents
are flagged for indexing in that same write, and the index catches up from the flags. A source is marked complete
only after its last batch, so a re-run skips finished files and re-reads the interrupted one; upserts keyed on the
publication number make re-reading harmless.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from novum.index.lexical import LexicalIndex
from novum.ingest.formats.base import ParsedDocument
from novum.ingest.limits import IngestLimits
from novum.ingest.reader import read_stream
from novum.ingest.sources import Refused, Skipped, Source, expand
from novum.store.sqlite import IngestCounts, Store, StoredDocument

BATCH_SIZE = 500
INDEX_EVERY = 5000


@dataclass(slots=True)
class Progress:
    """What the pipeline reports after every batch, for progress bars."""

    source: str
    counts: IngestCounts
    started: float
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.counts.read / elapsed if elapsed > 0 else 0.0


ProgressCallback = Callable[[Progress], None]


class Ingester:
    """Loads sources into a store and keeps the lexical index in step with it."""

    def __init__(
        self,
        store: Store,
        index: LexicalIndex | None,
        on_progress: ProgressCallback | None = None,
        batch_size: int = BATCH_SIZE,
        limits: IngestLimits | None = None,
    ) -> None:
        self.store = store
        self.limits = limits or IngestLimits.from_env()
        self.index = index
        self.on_progress = on_progress
        self.batch_size = batch_size
        self.counts = IngestCounts()
        self.problems: list[str] = []  # "file, position: reason" for every quarantined document
        self.skipped: list[Skipped] = []
        self._since_index = 0
        self._started = time.monotonic()

    def run(self, paths: list[Path]) -> IngestCounts:
        self.sync_index()  # finish what an interrupted run left unindexed
        for item in expand(paths, self.limits):
            if isinstance(item, Refused):
                self._refuse(item)
                continue
            if isinstance(item, Skipped):
                self.skipped.append(item)
                self.counts.skipped_files += 1
                continue
            self.ingest_source(item)
        self.sync_index()
        return self.counts

    def ingest_source(self, source: Source) -> None:
        done = self.store.source_done(source.name, source.fingerprint)
        if done is not None:
            self.counts.read += done["documents"] + done["quarantined"]
            self.counts.unchanged += done["documents"]
            self.counts.quarantined += done["quarantined"]
            self._report(source.name)
            return
        self.store.clear_quarantine(source.name)
        batch: list[StoredDocument] = []
        good = bad = 0
        with source.opener() as stream:
            for document in read_stream(stream, source.filename, self.limits, source.stored):
                if document.patent is None:
                    bad += 1
                    self._quarantine(source, document)
                    continue
                good += 1
                batch.append(
                    StoredDocument(
                        document.patent, document.raw, source.name, document.position, document.format, document.warning
                    )
                )
                if len(batch) >= self.batch_size:
                    self._flush(batch, source.name)
                    batch = []
        self._flush(batch, source.name)
        self.store.mark_source_done(source.name, source.fingerprint, good, bad)

    def _refuse(self, item: Refused) -> None:
        """A hostile or damaged archive member: quarantined with the archive, the member and the reason."""
        self.store.quarantine(item.name, item.position, item.reason, b"")
        self.counts.read += 1
        self.counts.quarantined += 1
        self.problems.append(f"{item.name}, {item.position}: {item.reason}")
        self._report(item.name)

    def _quarantine(self, source: Source, document: ParsedDocument) -> None:
        reason = document.error or "unreadable document"
        self.store.quarantine(source.name, document.position, reason, document.raw, document.format)
        self.counts.read += 1
        self.counts.quarantined += 1
        self.problems.append(f"{source.name}, {document.position}: {reason}")
        self._report(source.name)

    def _flush(self, batch: list[StoredDocument], source: str) -> None:
        if not batch:
            return
        counts = self.store.upsert(batch)
        self.counts.add(counts)
        self._since_index += counts.new + counts.updated
        if self._since_index >= INDEX_EVERY:
            self.sync_index()
        self._report(source)

    def sync_index(self) -> int:
        """Index every stored document flagged as not yet indexed; returns how many were written."""
        if self.index is None:
            return 0
        self._since_index = 0
        return sync_index(self.store, self.index)

    def _report(self, source: str) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(source, self.counts, self._started, self.problems))


def sync_index(store: Store, index: LexicalIndex) -> int:
    """Index every stored document flagged as not yet indexed, in one commit; flags are cleared only after it."""
    if store.pending_count() == 0:
        return 0
    written = index.add(store.iter_pending())
    store.mark_indexed(written)
    return len(written)


def reindex(store: Store, index: LexicalIndex) -> int:
    """Rebuild the lexical index from the store. The flags are cleared before the index is emptied, so a run killed
    at any point leaves every document flagged and the next ``reindex`` or ``ingest`` puts it back."""
    store.mark_all_unindexed()
    index.reset()
    return sync_index(store, index)


def ingest(paths: list[Path], store: Store, index: LexicalIndex | None = None) -> IngestCounts:
    """Library entry point: ingest paths into a store (and index), returning the counts."""
    return Ingester(store, index).run(paths)
