"""Semantic closeness for watches: the vectors a watch compares new documents with, and how its threshold is set.

A watch vector is an independent claim of a portfolio patent (its stored ``claim N`` passage vector when the
document is embedded, else the claim text embedded as a passage) or the text of a ``sem(...)`` clause (embedded as
a query). A new document's closeness to it is the cosine of its best passage (title + abstract, independent
claims, description paragraphs: the same passages semantic search uses), read from the dense index that ingest
already wrote, so evaluation embeds nothing.

The threshold is calibrated on the store itself when the watch is added: the best-passage cosine of a random
sample of stored documents (the portfolio's own families left out) is computed, and the threshold is the
``closeness`` quantile of that distribution (default 0.998). Its meaning: a new document alerts when it is closer to
the claim than 99.8% of the documents already stored were; the cosine itself is recorded with the watch. With fewer
than ``MIN_SAMPLE`` embedded documents there is no distribution to read, and the fixed ``DEFAULT_COSINE`` is used
(marked ``uncalibrated``). ``--threshold`` sets a cosine directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from novum.index.dense import model_dir
from novum.ingest.embedding import embedded_models, searchable_models
from novum.model import Patent
from novum.store.sqlite import Store
from novum.store.watches import WatchTable

DEFAULT_CLOSENESS = 0.998
DEFAULT_COSINE = 0.85  # bge-small-en: unrelated patent passages sit around 0.5-0.7, near-duplicates above 0.9
MIN_SAMPLE = 200
SAMPLE_DOCUMENTS = 4000
_CHUNK = 8192

Matrix = npt.NDArray[np.float32]


@dataclass(slots=True)
class PassageVectors:
    """One model's vector file, read-only (a memory map), and the passage table it belongs to."""

    model: str
    dim: int
    matrix: Matrix
    table: WatchTable

    @property
    def rows(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def ledger(self) -> str:
        """The ``embedded`` ledger's name for these vectors (the faiss files' ledger is the model's name)."""
        return self.model

    def sample_numbers(self, rng: np.random.Generator, size: int) -> list[str]:
        """The documents of a random sample of ``size`` passages, in number order (a calibration sample)."""
        ids = rng.choice(self.rows, size=min(self.rows, size), replace=False)
        return sorted({n for _, n in self.table.passages_by_id(self.model, sorted(int(i) for i in ids))})

    def documents(self, numbers: Iterable[str]) -> DocumentVectors:
        """The passage vectors of these documents, grouped per document (documents without vectors are absent)."""
        rows = sorted(self.table.passage_rows(self.model, numbers, self.rows), key=lambda r: (r[1], r[0]))
        if not rows:
            return DocumentVectors([], np.zeros(0, dtype=np.int64), [], np.zeros((0, self.dim), dtype=np.float32))
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        order = np.argsort(ids)
        matrix = np.empty((len(ids), self.dim), dtype=np.float32)
        matrix[order] = self.matrix[ids[order]]  # read the memory map in file order
        numbers_out: list[str] = []
        starts: list[int] = []
        for i, row in enumerate(rows):
            if not numbers_out or numbers_out[-1] != row[1]:
                numbers_out.append(row[1])
                starts.append(i)
        return DocumentVectors(numbers_out, np.array(starts, dtype=np.int64), [r[2] for r in rows], matrix)


@dataclass(slots=True)
class DocumentVectors:
    """Passages of several documents, contiguous per document: ``starts[i]`` is document i's first row."""

    numbers: list[str]
    starts: npt.NDArray[np.int64]
    locations: list[str]
    matrix: Matrix

    def best(self, targets: Matrix) -> Matrix:
        """Per document and target vector: the best passage cosine."""
        if not self.numbers or targets.shape[0] == 0:
            return np.zeros((len(self.numbers), targets.shape[0]), dtype=np.float32)
        scores = np.empty((self.matrix.shape[0], targets.shape[0]), dtype=np.float32)
        for start in range(0, self.matrix.shape[0], _CHUNK):
            scores[start : start + _CHUNK] = self.matrix[start : start + _CHUNK] @ targets.T
        best: Matrix = np.maximum.reduceat(scores, self.starts, axis=0)
        return best

    def where(self, document: int, target: npt.NDArray[np.float32]) -> str:
        """The location of a document's passage closest to one target (asked only for the documents that alert)."""
        lo = int(self.starts[document])
        hi = int(self.starts[document + 1]) if document + 1 < len(self.starts) else self.matrix.shape[0]
        return self.locations[lo + int(np.argmax(self.matrix[lo:hi] @ target))]


class StoredVectors(Protocol):
    """What watches read of a model's stored vectors: ``PassageVectors`` (faiss file) or ``PgPassageVectors``."""

    model: str
    dim: int

    @property
    def rows(self) -> int: ...

    @property
    def ledger(self) -> str: ...

    def documents(self, numbers: Iterable[str]) -> DocumentVectors: ...

    def sample_numbers(self, rng: np.random.Generator, size: int) -> list[str]: ...


def open_vectors(store: Store, model: str | None = None) -> StoredVectors | None:
    """The named model's vectors (default: the first embedded model), or None when nothing is embedded. A
    PostgreSQL store's vectors are its pgvector tables."""
    if store.url is not None:
        return _open_pg_vectors(store, model)
    models = embedded_models(store)
    name = model if model in models else (models[0] if models and model is None else None)
    if name is None:
        return None
    folder = model_dir(store.data_dir, name)
    meta = json.loads((folder / "meta.json").read_text()) if (folder / "meta.json").exists() else {}
    dim = int(meta.get("dim", 384))
    size = (folder / "vectors.f32").stat().st_size // (dim * 4)
    if size == 0:
        return None
    matrix = np.memmap(folder / "vectors.f32", dtype=np.float32, mode="r", shape=(size, dim))
    return PassageVectors(name, dim, matrix, WatchTable(store))


def _open_pg_vectors(store: Store, model: str | None) -> StoredVectors | None:
    from novum.watch.pg_vectors import PgPassageVectors  # imports this module: imported when first needed

    models = searchable_models(store)
    name = model if model in models else (models[0] if models and model is None else None)
    if name is None or store.url is None:
        return None
    vectors = PgPassageVectors(store.url, name)
    if vectors.rows:
        return vectors
    vectors.close()
    return None


def claim_targets(
    store: Store, vectors: StoredVectors | None, model: str, patents: Sequence[Patent]
) -> list[dict[str, Any]]:
    """One target per independent claim of each patent: the stored ``claim N`` vector, else the claim embedded."""
    targets: list[dict[str, Any]] = []
    stored: dict[tuple[str, str], Matrix] = {}
    if vectors is not None:
        found = vectors.documents(p.number for p in patents)
        for i, location in enumerate(found.locations):
            number = found.numbers[int(np.searchsorted(found.starts, i, side="right")) - 1]
            stored[(number, location)] = found.matrix[i]
    missing: list[tuple[Patent, int, str]] = []
    for patent in patents:
        for claim in patent.claims:
            if not claim.independent or claim.lang not in (None, patent.language, "en"):
                continue
            label = f"{patent.number} claim {claim.number}"
            vector = stored.get((patent.number, f"claim {claim.number}"))
            if vector is None:
                missing.append((patent, claim.number, claim.text[:1500]))
                continue
            targets.append({"label": label, "target": patent.number, "claim": claim.number, "vector": vector})
    if missing:
        from novum.index.embed import load_embedder  # the model loads only when a claim has no stored vector

        embedded = load_embedder(model).embed_passages([text for _, _, text in missing])
        for (patent, claim_number, _), vector in zip(missing, embedded, strict=True):
            label = f"{patent.number} claim {claim_number}"
            targets.append({"label": label, "target": patent.number, "claim": claim_number, "vector": vector})
    return targets


def text_targets(model: str, texts: Sequence[str]) -> list[dict[str, Any]]:
    """One target per ``sem(...)`` text, embedded as a query."""
    from novum.index.embed import load_embedder

    embedded = load_embedder(model).embed_queries(list(texts))
    return [
        {"label": f"sem({t!r})", "target": "sem", "text": t, "vector": v} for t, v in zip(texts, embedded, strict=True)
    ]


def calibrate(
    targets: list[dict[str, Any]],
    vectors: StoredVectors | None,
    *,
    closeness: float = DEFAULT_CLOSENESS,
    threshold: float | None = None,
    exclude: set[str] | None = None,
    seed: int = 0,
) -> None:
    """Set each target's ``threshold`` (cosine) and ``calibration`` (how it was set), then store the vector as a
    rounded list (JSON)."""
    sample: Matrix | None = None
    sampled = 0
    if threshold is None and vectors is not None and vectors.rows:
        rng = np.random.default_rng(seed)
        numbers = vectors.sample_numbers(rng, SAMPLE_DOCUMENTS * 4)
        numbers = [n for n in numbers if n not in (exclude or set())][:SAMPLE_DOCUMENTS]
        docs = vectors.documents(numbers)
        sampled = len(docs.numbers)
        if sampled >= MIN_SAMPLE:
            stack = np.stack([np.asarray(t["vector"], dtype=np.float32) for t in targets]) if targets else None
            sample = docs.best(stack) if stack is not None else None
    for j, target in enumerate(targets):
        if threshold is not None:
            target["threshold"] = round(float(threshold), 4)
            target["calibration"] = {"method": "given cosine"}
        elif sample is not None:
            column = sample[:, j]
            target["threshold"] = round(float(np.quantile(column, closeness)), 4)
            target["calibration"] = {
                "method": "quantile of stored documents' best-passage cosine",
                "closeness": closeness,
                "sample": sampled,
                "median": round(float(np.median(column)), 4),
            }
        else:
            target["threshold"] = DEFAULT_COSINE
            target["calibration"] = {"method": "uncalibrated default cosine", "sample": sampled}
        target["vector"] = [round(float(x), 6) for x in np.asarray(target["vector"], dtype=np.float32)]


def target_matrix(targets: list[dict[str, Any]]) -> Matrix:
    if not targets:
        return np.zeros((0, 0), dtype=np.float32)
    return np.asarray([t["vector"] for t in targets], dtype=np.float32)
