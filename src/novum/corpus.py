"""A data directory opened once for a long-running process (``novum serve``): the store, the search index and the
semantic indexes, shared by many threads.

The CLI opens a data directory per command; a server must not pay that per request (loading a model and a vector
file takes seconds) and must keep working while an ingest job writes. So each thread gets its own SQLite
connection (WAL lets readers run beside the one writer), the lexical index is opened read-only and sees new
commits as they land, and the dense indexes are reopened only when their vector files have grown. Nothing here
writes: a read path never rebuilds, deletes or rewrites stored data.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from novum.index.lexical import LexicalIndex, open_index_for_reading
from novum.index.pgvector import SemanticIndex
from novum.ingest.embedding import configured_models, existing_dense, models_file, searchable_models
from novum.store.sqlite import DB_NAME, Store, resolve_database_url


class Corpus:
    """The shared, read-only view of one data directory. ``close()`` releases every connection."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._local = threading.local()
        self._stores: list[Store] = []
        self._lock = threading.RLock()  # re-entrant: index() opens this thread's store() under the lock
        self._index: LexicalIndex | None = None
        self._index_mark: float = -1.0
        self._dense: list[SemanticIndex] = []
        self._dense_mark: tuple[tuple[str, int], ...] = ()
        self._dense_store: Store | None = None
        self._configured: tuple[tuple[int, int], list[str]] | None = None
        self._snapshot: tuple[tuple[tuple[int, int], ...], dict[str, Any]] | None = None
        Store(self.data_dir).close()  # create and migrate once, before any reader opens it
        self._postgres = resolve_database_url() is not None

    def store(self) -> Store:
        """This thread's connection to the store."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.data_dir)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def index(self) -> LexicalIndex:
        """The lexical index, reloaded when a writer has committed since the last look."""
        meta = self.data_dir / "lexical" / "meta.json"
        mark = meta.stat().st_mtime if meta.exists() else 0.0
        with self._lock:
            if self._index is None or (mark != self._index_mark and self._index.missing):
                self._index = open_index_for_reading(self.store())
            elif mark != self._index_mark:
                self._index.index.reload()
            self._index_mark = mark
            return self._index

    def dense(self) -> list[SemanticIndex]:
        """The semantic indexes that hold vectors; reopened when an embedding run has added vectors. Over a
        PostgreSQL store they are pgvector tables, read live: reopened only when a model's table appears."""
        if self._postgres:
            mark = tuple((name, 1) for name in self.models_on_disk())
        else:
            dense = self.data_dir / "dense"
            mark = tuple((name, _stamp(dense / name / "vectors.f32")[1]) for name in self._configured_models())
        with self._lock:
            if mark != self._dense_mark:
                if self._dense_store is None:
                    self._dense_store = Store(self.data_dir)
                _close_all(self._dense)
                self._dense = existing_dense(self._dense_store)
                self._dense_mark = mark
            return list(self._dense)

    def _configured_models(self) -> list[str]:
        """The data directory's configured models, read again only when ``dense/models.json`` changes: every
        request asks (the corpus stamp names the models), and reading the file cost more than a stat."""
        stamp = _stamp(models_file(self.data_dir))
        with self._lock:
            if self._configured is None or self._configured[0] != stamp:
                self._configured = (stamp, configured_models(self.data_dir))
            return self._configured[1]

    def models_on_disk(self) -> list[str]:
        """Models with vectors: faiss files on disk, or pgvector tables of a PostgreSQL store."""
        return searchable_models(self.store())

    def models(self) -> dict[str, str]:
        """Each embedding model with vectors here, and the version of its weights (without loading it)."""
        return {dense.model: dense.embedder.version for dense in self.dense()}

    def snapshot(self) -> dict[str, Any]:
        """What the results were computed on: the document count and the time of the last change. Counting reads
        the whole table, so the answer is kept until the store's files change (any commit changes them)."""
        mark = tuple(_stamp(self.data_dir / name) for name in (DB_NAME, f"{DB_NAME}-wal"))
        if self._postgres:  # no file to watch: count again at most every two seconds
            mark = ((int(time.monotonic() // 2), 0),)
        with self._lock:
            if self._snapshot is not None and self._snapshot[0] == mark:
                return dict(self._snapshot[1])
        figures = self.store().snapshot()
        with self._lock:
            self._snapshot = (mark, figures)
        return dict(figures)

    def close(self) -> None:
        with self._lock:
            for store in self._stores:
                store.close()
            self._stores.clear()
            _close_all(self._dense)
            self._dense = []
            if self._dense_store is not None:
                self._dense_store.close()
                self._dense_store = None


def _close_all(indexes: list[SemanticIndex]) -> None:
    """Close the connections of pgvector indexes (faiss indexes hold none)."""
    for index in indexes:
        close = getattr(index, "close", None)
        if close is not None:
            close()


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)
