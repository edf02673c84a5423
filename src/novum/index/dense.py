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
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from novum.errors import NovumError
from novum.index.doctable import DocTable, Mask
from novum.index.embed import Embedder, Vectors
from novum.index.lexical import Filters
from novum.index.passages import DEFAULT_POLICY, Passage, PassagePolicy, passages
from novum.model import Patent
from novum.store.passages import PassageTable
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


class ModelMismatchError(NovumError):
    """The vectors on disk were made by another model version or passage policy than the installed one."""


def model_dir(data_dir: Path, model: str) -> Path:
    return Path(data_dir) / "dense" / model


def expected_meta(embedder: Embedder, policy: PassagePolicy) -> dict[str, Any]:
    """What a model's ``meta.json`` says: everything that determines its vectors."""
    return {
        "model": embedder.name,
        "version": embedder.version,
        "identity": dict(embedder.identity),
        "dim": embedder.dim,
        "policy": repr(policy),
    }


def meta_differences(found: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """How recorded vectors differ from what the installed model would make; empty when they are compatible.

    A ``meta.json`` from before identities were recorded (no ``identity``) is compatible when its version string,
    dimension and passage policy match; the next write records the full identity.
    """
    keys = ("dim", "policy") if "identity" in found else ("version", "dim", "policy")
    out = [
        f"{key} {found.get(key)!r} (installed: {expected[key]!r})" for key in keys if found.get(key) != expected[key]
    ]
    if "identity" in found:
        have, want = found["identity"], expected["identity"]
        out += [
            f"{k} {have.get(k)!r} (installed: {want.get(k)!r})"
            for k in sorted({*have, *want})
            if have.get(k) != want.get(k)
        ]
    return out


def drop_vectors(store: Store, model: str) -> None:
    """Delete a model's vectors, graph and passage rows: the explicit write behind ``novum embed --rebuild``."""
    folder = model_dir(store.data_dir, model)
    for name in ("vectors.f32", "hnsw.faiss", "meta.json"):
        (folder / name).unlink(missing_ok=True)
    PassageTable(store, model).drop()


class DenseIndex:
    """Vectors of one model for every embedded passage of the store's documents.

    ``read_only`` is for searching: nothing on disk or in the store changes. Vectors made by another model identity
    raise ``ModelMismatchError`` naming ``novum embed --rebuild MODEL`` (reading and writing alike: only that
    command drops vectors); rows an interrupted write left half-done are ignored rather than repaired.
    """

    def __init__(
        self, store: Store, embedder: Embedder, policy: PassagePolicy = DEFAULT_POLICY, *, read_only: bool = False
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.model = embedder.name
        self.policy = policy
        self.dim = embedder.dim
        self.read_only = read_only
        self.table = PassageTable(store, self.model)
        self.path = model_dir(store.data_dir, self.model)
        if not read_only:
            self.path.mkdir(parents=True, exist_ok=True)
        self.vector_file = self.path / "vectors.f32"
        self.graph_file = self.path / "hnsw.faiss"
        self._check_meta()
        usable = self._recover()
        self._load_passages(usable)
        self.graph = self._load_graph()
        self._docs: DocTable | None = None
        self._passage_doc = np.zeros(0, dtype=np.int64)

    # --- persistence --------------------------------------------------------------------------------------------
    def _check_meta(self) -> None:
        meta_file = self.path / "meta.json"
        expected = expected_meta(self.embedder, self.policy)
        found = json.loads(meta_file.read_text()) if meta_file.exists() else None
        if found is None and self.vector_file.exists():
            found = {"model": self.model, "version": "unrecorded", "dim": None, "policy": None}
        if found is not None:
            differences = meta_differences(found, expected)
            if differences:
                raise ModelMismatchError(
                    f"the {self.model} vectors in {self.path} were made by another model version or passage policy:"
                    f" {'; '.join(differences)}. Searching them with the installed model would give wrong results and"
                    f" adding to them would mix the two; run `novum embed --rebuild {self.model}` to drop and"
                    " rebuild them"
                )
        if not self.read_only and found != expected:
            _write_atomically(meta_file, json.dumps(expected, indent=2).encode())

    def _recover(self) -> int:
        """How many passage rows have both a committed row and a vector. A writer first makes the vector file and
        the passages table agree after a crash between the two writes; a reader ignores the difference."""
        rows = self._vector_rows()
        committed = self.table.next_id()
        if self.read_only or rows == committed:
            return min(rows, committed)
        if rows > committed:  # vectors written, rows never committed: forget the vectors
            with open(self.vector_file, "r+b") as handle:
                handle.truncate(committed * self.dim * 4)
        else:  # cannot happen unless the file was damaged: drop what has no vector, so it is embedded again
            self.table.forget_from(rows)
        return min(rows, committed)

    def _vector_rows(self) -> int:
        return self.vector_file.stat().st_size // (self.dim * 4) if self.vector_file.exists() else 0

    def _load_passages(self, usable: int) -> None:
        rows = self.table.rows(below=usable)
        self.passage_number: list[str] = [r.number for r in rows]
        self.passage_location: list[str] = [r.location for r in rows]
        self.deleted = np.array([r.deleted for r in rows], dtype=bool)

    def _load_graph(self) -> Any:  # faiss.IndexHNSWFlat; faiss ships no type hints
        graph: Any = faiss.read_index(str(self.graph_file)) if self.graph_file.exists() else None
        if graph is None or graph.ntotal > len(self.passage_number):
            graph = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        missing = len(self.passage_number) - graph.ntotal
        if missing > 0:
            graph.add(np.ascontiguousarray(self.vectors()[graph.ntotal :]))
            if not self.read_only:  # a reader catches up in memory; the next write saves the graph
                self._write_graph(graph)
        graph.hnsw.efSearch = HNSW_EF_SEARCH
        return graph

    def _write_graph(self, graph: Any) -> None:
        """Write the graph beside its final name and rename it, so a reader never loads half a file."""
        partial = self.graph_file.with_name(f".{self.graph_file.name}.{os.getpid()}.tmp")
        faiss.write_index(graph, str(partial))
        os.replace(partial, self.graph_file)

    def vectors(self) -> npt.NDArray[np.float32]:
        rows = len(self.passage_number)
        if rows == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.memmap(self.vector_file, dtype=np.float32, mode="r", shape=(rows, self.dim))

    # --- writing ------------------------------------------------------------------------------------------------
    def pending(self, limit: int = 64, after: str = "") -> list[Patent]:
        """Documents whose current version this model has not embedded, in number order after ``after``."""
        return self.table.pending(limit, after)

    def pending_count(self) -> int:
        return self.table.pending_count()

    def add(self, patents: list[Patent]) -> int:
        """Embed and store the passages of these documents; returns the number of passages written.

        Vectors are appended and flushed to disk before the rows that name them are committed, so a crash leaves
        at worst unreferenced vectors, which ``_recover`` trims.
        """
        self._writable()
        items: list[Passage] = [p for patent in patents for p in passages(patent, self.policy)]
        vectors = self.embedder.embed_passages([p.text for p in items]) if items else np.zeros((0, self.dim))
        start = len(self.passage_number)
        with open(self.vector_file, "ab") as handle:
            handle.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
            handle.flush()
            os.fsync(handle.fileno())
        old = self.table.record(
            start,
            [(p.number, p.location) for p in items],
            [(patent.number, content_hash(patent.to_dict())) for patent in patents],
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
        self._writable()
        self._write_graph(self.graph)

    def _writable(self) -> None:
        if self.read_only:
            raise RuntimeError(f"the {self.model} dense index was opened read-only (for searching)")

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

    def passage_vectors(self, number: str) -> list[tuple[str, Vectors]]:
        """A stored document's live passages (location, vector) in passage id order (read from the vector file)."""
        ids = sorted(i for i in self.table.live_ids([number]) if i < len(self.passage_number))
        vectors = self.vectors()
        return [(self.passage_location[i], np.asarray(vectors[i], dtype=np.float32)) for i in ids]

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
        """Each document once, at its best passage, best first. ``scores`` come best first (faiss and ``_exact``
        sort them), so the walk stops at the ``limit``-th document. The deleted and padding ids are dropped in
        numpy and the rest walked as Python ints: a hybrid search reads 800 passages, and indexing with numpy
        scalars one by one cost as much as the graph search."""
        keep = ids >= 0
        keep[keep] = ~self.deleted[ids[keep]]
        best: dict[str, DenseHit] = {}
        for score, pid in zip(scores[keep].tolist(), ids[keep].tolist(), strict=True):
            number = self.passage_number[pid]
            if number not in best:
                best[number] = DenseHit(number, score, self.passage_location[pid], pid)
                if len(best) == limit:
                    break
        return sorted(best.values(), key=lambda h: -h.score)[:limit]


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    os.replace(partial, path)
