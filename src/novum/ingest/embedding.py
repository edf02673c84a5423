"""Embedding the store's documents: the slow step of ingest on a CPU, so it runs beside parsing and resumes.

``embed_pending`` embeds whatever the store holds that a model has not embedded yet (new or changed documents);
it is safe to stop at any batch. ``EmbeddingWorker`` runs it in a background thread during ``novum ingest``
(onnxruntime releases the GIL, so parsing and embedding share the two cores), and ``novum embed`` runs it on its
own after ``novum ingest --no-embed``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from novum.index.dense import DenseIndex, drop_vectors
from novum.index.embed import EMBEDDERS, load_embedder
from novum.index.passages import DEFAULT_POLICY, PassagePolicy
from novum.index.pgvector import PgVectorIndex, SemanticIndex
from novum.ingest.pg_embedding import PgEmbedding, has_vectors
from novum.model import Patent
from novum.store.sqlite import Store

DEFAULT_MODELS = ("bge-small-en",)
BATCH_DOCUMENTS = 32
EmbedProgress = Callable[[int, int], None]  # (documents embedded, documents pending when counted)


def models_file(data_dir: Path) -> Path:
    return data_dir / "dense" / "models.json"


def configured_models(data_dir: Path) -> list[str]:
    """The embedding models this data directory uses (chosen at the first ingest, extended by ``novum embed``)."""
    path = models_file(data_dir)
    if path.exists():
        return list(json.loads(path.read_text()))
    return list(DEFAULT_MODELS)


def set_models(data_dir: Path, models: list[str]) -> None:
    unknown = [m for m in models if m not in EMBEDDERS]
    if unknown:
        raise ValueError(f"unknown embedding model(s) {', '.join(unknown)}; choose from {', '.join(EMBEDDERS)}")
    path = models_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(list(dict.fromkeys(models))))


# multilingual-e5-small runs at a fifth of bge-small's speed on a CPU; it is there for cross-lingual search and
# matching (beside bge it does not lift English hybrid search: bench/fusion_bench.py), where the title + abstract
# and the independent claims carry it.
POLICIES = {"e5-small-multilingual": PassagePolicy(max_paragraphs=0)}


def open_dense(store: Store, models: list[str] | None = None, *, read_only: bool = False) -> list[DenseIndex]:
    """A dense index for each named model (default: the data directory's configured models)."""
    names = models or configured_models(store.data_dir)
    return [
        DenseIndex(store, load_embedder(name), POLICIES.get(name, DEFAULT_POLICY), read_only=read_only)
        for name in names
    ]


class EmbeddingTarget(Protocol):
    """Where ``embed_pending`` writes: the faiss ``DenseIndex`` (SQLite store) or ``PgEmbedding`` (PostgreSQL)."""

    model: str

    def pending(self, limit: int = 64, after: str = "") -> list[Patent]: ...

    def pending_count(self) -> int: ...

    def add(self, patents: list[Patent]) -> int: ...

    def save(self) -> None: ...


def open_writers(store: Store, models: list[str] | None = None) -> list[EmbeddingTarget]:
    """What ``novum embed`` and ingest's embedding step write to: pgvector tables when the store is PostgreSQL
    (the ledger ``novum spark embed`` shares), else the data directory's faiss indexes."""
    names = models or configured_models(store.data_dir)
    if store.url is None:
        return list(open_dense(store, names))
    return [PgEmbedding(store, load_embedder(name), POLICIES.get(name, DEFAULT_POLICY)) for name in names]


def close_target(target: EmbeddingTarget) -> None:
    """Release a writer's connection (a pgvector writer holds one; a faiss index holds none)."""
    close = getattr(target, "close", None)
    if close is not None:
        close()


def rebuild_dense(store: Store, model: str) -> EmbeddingTarget:
    """Drop a model's vectors and open it empty, to be embedded again: the one write that deletes vectors, run
    only by ``novum embed --rebuild`` after a model's identity changed."""
    if model not in EMBEDDERS:
        raise ValueError(f"unknown embedding model {model}; choose from {', '.join(EMBEDDERS)}")
    if store.url is not None:
        target = PgEmbedding(store, load_embedder(model), POLICIES.get(model, DEFAULT_POLICY))
        target.drop()
        return target
    drop_vectors(store, model)
    return DenseIndex(store, load_embedder(model), POLICIES.get(model, DEFAULT_POLICY))


def embedded_models(store: Store) -> list[str]:
    """Configured models that already hold faiss vectors (checked on disk, without loading any model)."""
    return [m for m in configured_models(store.data_dir) if (store.data_dir / "dense" / m / "vectors.f32").exists()]


def searchable_models(store: Store) -> list[str]:
    """Configured models search can use: with a PostgreSQL store those whose pgvector table exists, else those
    with faiss vectors on disk. Asked without loading a model or creating anything."""
    if store.url is None:
        return embedded_models(store)
    return [m for m in configured_models(store.data_dir) if has_vectors(store, m)]


def existing_dense(store: Store) -> list[SemanticIndex]:
    """Semantic indexes that already hold vectors, opened read-only for searching; none when nothing was embedded.
    A PostgreSQL store is searched in its pgvector tables (filters inside the SQL), never in local faiss files."""
    names = searchable_models(store)
    if store.url is None:
        return list(open_dense(store, names, read_only=True)) if names else []
    return [
        PgVectorIndex(store.url, load_embedder(name), POLICIES.get(name, DEFAULT_POLICY), read_only=True, store=store)
        for name in names
    ]


def embed_pending(
    dense: EmbeddingTarget,
    on_progress: EmbedProgress | None = None,
    stop: threading.Event | None = None,
    batch: int = BATCH_DOCUMENTS,
) -> int:
    """Embed every document the model has not embedded yet; returns how many documents were embedded."""
    total = dense.pending_count()
    done = 0
    try:
        while not (stop is not None and stop.is_set()):
            documents = dense.pending(limit=batch)
            if not documents:
                break
            dense.add(documents)
            done += len(documents)
            if on_progress is not None:
                on_progress(done, max(total, done))
    finally:
        if done:
            dense.save()
    return done


class EmbeddingWorker(threading.Thread):
    """Embeds documents while the ingest thread is still storing more; stops when ingest is done and caught up."""

    def __init__(self, data_dir: Path, models: list[str], on_progress: EmbedProgress | None = None) -> None:
        super().__init__(name="novum-embedding", daemon=True)
        self.data_dir = data_dir
        self.models = models
        self.on_progress = on_progress
        self.ingest_done = threading.Event()
        self.stop_now = threading.Event()
        self.embedded = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with Store(self.data_dir) as store:  # its own connection: SQLite WAL lets both threads work
                indexes = open_writers(store, self.models)
                while not self.stop_now.is_set():
                    finished = self.ingest_done.is_set()  # read before embedding, so nothing stored later is missed
                    for dense in indexes:
                        self.embedded += embed_pending(dense, self._progress, self.stop_now)
                    if finished:
                        break
                    time.sleep(0.2)
                for target in indexes:
                    close_target(target)
        except BaseException as exc:  # reported by the ingest thread, which owns the terminal
            self.error = exc

    def _progress(self, done: int, total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(self.embedded + done, self.embedded + total)

    def finish(self) -> None:
        """Tell the worker ingest is over, wait for it to catch up, and re-raise anything it hit."""
        self.ingest_done.set()
        self.join()
        if self.error is not None:
            raise self.error
