"""The dense (semantic) index of one embedding model: passage vectors, an HNSW graph, filters inside the search.

Layout in ``<data dir>/dense/<model>/``: ``vectors.f32`` is the append-only source of truth (row i is passage id
i, listed in the store's ``passages`` table); ``hnsw.faiss`` is a faiss HNSW graph over those rows, a cache that
is caught up from the vector file when it falls behind. A document that changes gets new passages; the old ones
are flagged deleted and excluded by the same ID selector that applies the query's filters. Very selective
filters are answered exactly over the allowed vectors, where a graph walk would wander.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from novum.index.doctable import DocTable, Mask
from novum.index.embed import Embedder, Vectors
from novum.index.lexical import Filters
from novum.index.passages import DEFAULT_POLICY, Passage, PassagePolicy, passages
from novum.model import Patent
from novum.store.sqlite import Store, content_hash

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 100
HNSW_EF_SEARCH = 128
EXACT_BELOW = 20_000  # allowed passages under this are scored exactly: cheaper and never misses
PASSAGES_PER_DOC = 8  # over-fetch so that one document's many passages do not crowd out the others


@dataclass(slots=True)
class DenseHit:
    number: str
    score: float
    location: str  # the best passage of the document
    passage_id: int


class DenseIndex:
    """Vectors of one model for every embedded passage of the store's documents."""

    def __init__(self, store: Store, embedder: Embedder, policy: PassagePolicy = DEFAULT_POLICY) -> None:
        self.store = store
        self.embedder = embedder
        self.model = embedder.name
        self.policy = policy
        self.dim = embedder.dim
        self.path = store.data_dir / "dense" / self.model
        self.path.mkdir(parents=True, exist_ok=True)
        self.vector_file = self.path / "vectors.f32"
        self.graph_file = self.path / "hnsw.faiss"
        self._check_meta()
        self._recover()
        self._load_passages()
        self.graph = self._load_graph()
        self._docs: DocTable | None = None
        self._passage_doc = np.zeros(0, dtype=np.int64)

    # --- persistence --------------------------------------------------------------------------------------------
    def _check_meta(self) -> None:
        meta_file = self.path / "meta.json"
        meta = {"model": self.model, "version": self.embedder.version, "dim": self.dim, "policy": repr(self.policy)}
        if meta_file.exists() and json.loads(meta_file.read_text()) != meta:
            self._drop()  # another model version or passage policy: its vectors cannot be mixed with ours
        meta_file.write_text(json.dumps(meta, indent=2))

    def _drop(self) -> None:
        for file in (self.vector_file, self.graph_file):
            file.unlink(missing_ok=True)
        with self.store.transaction():
            self.store.db.execute("DELETE FROM passages WHERE model = ?", (self.model,))
            self.store.db.execute("DELETE FROM embedded WHERE model = ?", (self.model,))

    def _recover(self) -> None:
        """Make the vector file and the passages table agree after a crash between the two writes."""
        rows = self._vector_rows()
        committed = self.store.db.execute(
            "SELECT coalesce(max(id) + 1, 0) FROM passages WHERE model = ?", (self.model,)
        ).fetchone()[0]
        if rows > committed:  # vectors written, rows never committed: forget the vectors
            with open(self.vector_file, "r+b") as handle:
                handle.truncate(committed * self.dim * 4)
        elif rows < committed:  # cannot happen unless the file was damaged: drop what has no vector
            with self.store.transaction():
                lost = self.store.db.execute(
                    "SELECT DISTINCT number FROM passages WHERE model = ? AND id >= ?", (self.model, rows)
                ).fetchall()
                self.store.db.executemany(
                    "DELETE FROM embedded WHERE model = ? AND number = ?", [(self.model, r[0]) for r in lost]
                )
                self.store.db.execute("DELETE FROM passages WHERE model = ? AND id >= ?", (self.model, rows))

    def _vector_rows(self) -> int:
        return self.vector_file.stat().st_size // (self.dim * 4) if self.vector_file.exists() else 0

    def _load_passages(self) -> None:
        rows = self.store.db.execute(
            "SELECT id, number, location, deleted FROM passages WHERE model = ? ORDER BY id", (self.model,)
        ).fetchall()
        self.passage_number: list[str] = [r[1] for r in rows]
        self.passage_location: list[str] = [r[2] for r in rows]
        self.deleted = np.array([bool(r[3]) for r in rows], dtype=bool)

    def _load_graph(self) -> Any:  # faiss.IndexHNSWFlat; faiss ships no type hints
        graph: Any = faiss.read_index(str(self.graph_file)) if self.graph_file.exists() else None
        if graph is None or graph.ntotal > len(self.passage_number):
            graph = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        missing = len(self.passage_number) - graph.ntotal
        if missing > 0:
            graph.add(np.ascontiguousarray(self.vectors()[graph.ntotal :]))
            faiss.write_index(graph, str(self.graph_file))
        graph.hnsw.efSearch = HNSW_EF_SEARCH
        return graph

    def vectors(self) -> npt.NDArray[np.float32]:
        rows = len(self.passage_number)
        if rows == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.memmap(self.vector_file, dtype=np.float32, mode="r", shape=(rows, self.dim))

    # --- writing ------------------------------------------------------------------------------------------------
    def pending(self, limit: int = 64, after: str = "") -> list[Patent]:
        """Documents whose current version this model has not embedded, in number order after ``after``."""
        rows = self.store.db.execute(
            "SELECT d.number, d.record FROM documents d LEFT JOIN embedded e ON e.model = ? AND e.number = d.number"
            " WHERE d.number > ? AND (e.content_hash IS NULL OR e.content_hash != d.content_hash)"
            " ORDER BY d.number LIMIT ?",
            (self.model, after, limit),
        ).fetchall()
        return [Patent.from_dict(json.loads(r[1])) for r in rows]

    def pending_count(self) -> int:
        return int(
            self.store.db.execute(
                "SELECT count(*) FROM documents d LEFT JOIN embedded e ON e.model = ? AND e.number = d.number"
                " WHERE e.content_hash IS NULL OR e.content_hash != d.content_hash",
                (self.model,),
            ).fetchone()[0]
        )

    def add(self, patents: list[Patent]) -> int:
        """Embed and store the passages of these documents; returns the number of passages written.

        Vectors are appended and flushed to disk before the rows that name them are committed, so a crash leaves
        at worst unreferenced vectors, which ``_recover`` trims.
        """
        items: list[Passage] = [p for patent in patents for p in passages(patent, self.policy)]
        vectors = self.embedder.embed_passages([p.text for p in items]) if items else np.zeros((0, self.dim))
        start = len(self.passage_number)
        with open(self.vector_file, "ab") as handle:
            handle.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
            handle.flush()
            os.fsync(handle.fileno())
        numbers = [p.number for p in patents]
        with self.store.transaction():
            old = self._passage_ids(numbers)
            self.store.db.executemany(
                "UPDATE passages SET deleted = 1 WHERE model = ? AND id = ?", [(self.model, i) for i in old]
            )
            self.store.db.executemany(
                "INSERT INTO passages (model, id, number, location) VALUES (?, ?, ?, ?)",
                [(self.model, start + i, p.number, p.location) for i, p in enumerate(items)],
            )
            self.store.db.executemany(
                "INSERT OR REPLACE INTO embedded (model, number, content_hash) VALUES (?, ?, ?)",
                [(self.model, patent.number, content_hash(patent.to_dict())) for patent in patents],
            )
        if old:
            self.deleted[old] = True
        self.passage_number.extend(p.number for p in items)
        self.passage_location.extend(p.location for p in items)
        self.deleted = np.concatenate([self.deleted, np.zeros(len(items), dtype=bool)])
        if len(items):
            self.graph.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self._docs = None
        return len(items)

    def save(self) -> None:
        """Write the HNSW graph so the next start does not rebuild it from the vector file."""
        faiss.write_index(self.graph, str(self.graph_file))

    def _passage_ids(self, numbers: list[str]) -> list[int]:
        sql = "SELECT id FROM passages WHERE model = ? AND deleted = 0 AND number IN ({marks})"
        return [row[0] for row in self.store.select_in(sql, numbers, self.model)]

    # --- searching ----------------------------------------------------------------------------------------------
    @property
    def docs(self) -> DocTable:
        """The store's documents for filter masks, with each passage's document ordinal; rebuilt after writes."""
        if self._docs is None:
            self._docs = DocTable(self.store)
            ordinal = self._docs.ordinal
            self._passage_doc = np.fromiter((ordinal.get(n, -1) for n in self.passage_number), dtype=np.int64)
        return self._docs

    def count(self) -> int:
        return int((~self.deleted).sum())

    def search(self, query: str, filters: Filters | None = None, limit: int = 10) -> list[DenseHit]:
        """Documents ranked by their best passage's cosine similarity to the query, filtered inside the search."""
        if not self.passage_number:
            return []
        vector = self.embedder.embed_queries([query])
        return self.search_vector(vector, filters or Filters(), limit)

    def search_vector(self, vector: Vectors, filters: Filters, limit: int) -> list[DenseHit]:
        allowed = self._allowed(filters)
        want = limit * PASSAGES_PER_DOC
        if allowed is None:
            scores, ids = self.graph.search(vector, want)
        else:
            count = int(allowed.sum())
            if count == 0:
                return []
            if count < EXACT_BELOW:
                scores, ids = self._exact(vector, np.flatnonzero(allowed), want)
            else:
                bitmap = np.packbits(allowed, bitorder="little")
                selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
                params = faiss.SearchParametersHNSW(  # type: ignore[attr-defined]
                    sel=selector, efSearch=max(HNSW_EF_SEARCH, want)
                )
                scores, ids = self.graph.search(vector, want, params=params)
        return self._best_per_document(scores[0], ids[0], limit)

    def _allowed(self, filters: Filters) -> Mask | None:
        doc_mask = self.docs.mask(filters)
        if doc_mask is None and not self.deleted.any():
            return None
        alive = ~self.deleted
        if doc_mask is None:
            return alive
        ordinals = self._passage_doc
        known = ordinals >= 0
        allowed = np.zeros(len(self.passage_number), dtype=bool)
        allowed[known] = doc_mask[ordinals[known]]
        result: Mask = allowed & alive
        return result

    def _exact(self, vector: Vectors, ids: npt.NDArray[np.int64], want: int) -> tuple[np.ndarray, np.ndarray]:
        scores = np.asarray(self.vectors()[ids] @ vector[0], dtype=np.float32)
        top = np.argsort(-scores)[:want]
        return scores[top][None, :], ids[top][None, :]

    def _best_per_document(self, scores: np.ndarray, ids: np.ndarray, limit: int) -> list[DenseHit]:
        best: dict[str, DenseHit] = {}
        for score, pid in zip(scores, ids, strict=True):
            if pid < 0 or self.deleted[pid]:
                continue
            number = self.passage_number[pid]
            if number not in best:
                best[number] = DenseHit(number, float(score), self.passage_location[pid], int(pid))
        return sorted(best.values(), key=lambda h: -h.score)[:limit]
