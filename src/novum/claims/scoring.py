"""How well a passage discloses a claim element: a lexical scorer, and a semantic/hybrid one over an embedder.

Every scorer returns a matrix of scores in [0, 1] (elements x passages) so the chart can apply one documented
threshold whatever the scorer. The lexical score is the share of the element's terms, weighted by IDF, that occur in
the passage ("coverage"), with BM25 as a small tie-breaker; English terms are stemmed exactly as the search index
stems them, Chinese is segmented by rjieba as the index segments it. The semantic scorer takes any embedder with
``embed_queries``/``embed_passages`` (``novum.index.embed``), injected so tests and benchmarks choose the model.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
import numpy.typing as npt
import rjieba

from novum.claims.passages import Passage
from novum.index.lexical import english_analyzer  # the index's own analyzer: chart terms are search terms
from novum.normalize.text import has_cjk

Matrix = npt.NDArray[np.float64]

# Claim boilerplate (after stemming): words every claim uses, which would make any passage look like a match.
# fmt: off
_CLAIM_STOP = frozenset({
    "said", "wherein", "wherebi", "therebi", "thereof", "therein", "compris", "includ", "configur", "plural", "least",
    "one", "more", "claim", "further", "each", "being", "have", "has", "were", "which", "from", "upon", "via", "can",
    "may", "other", "also", "ani", "all", "onli", "first", "second",
})
_ZH_STOP = frozenset({
    "的", "所述", "和", "与", "在", "为", "是", "个", "中", "将", "对", "或", "其", "该", "一种", "等", "于", "由",
    "上", "以", "并", "了", "进行", "包括", "其中", "特征", "在于", "根据", "权利", "要求", "如", "所", "之", "及",
    "且", "被", "使", "时", "后", "至", "从", "具有", "多个", "至少", "一个", "以及", "并且", "用于", "通过",
})
# fmt: on
_WORD = re.compile(r"[A-Za-z0-9]+")
_EN_ANALYZER = english_analyzer()
_TIE_WEIGHT = 0.05  # share of the score given to saturated BM25, so equal coverage ranks the denser passage first
_PRIOR_DOCS = 20  # empty pseudo-documents added to the IDF collection: a term in every passage still counts


class PassageScorer(Protocol):
    """Scores claim elements (queries) against a reference's passages; values in [0, 1], higher is better."""

    name: str
    version: str

    def score(self, queries: Sequence[str], passages: Sequence[Passage]) -> Matrix: ...


class Embedder(Protocol):
    """What the semantic scorer needs from ``novum.index.embed.load_embedder()``."""

    name: str
    version: str

    def embed_queries(self, texts: list[str]) -> npt.NDArray[np.float32]: ...

    def embed_passages(self, texts: list[str]) -> npt.NDArray[np.float32]: ...


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str | None:
    analyzed = _EN_ANALYZER.analyze(word)
    if not analyzed:
        return None
    term = str(analyzed[0])
    if term in _CLAIM_STOP or term.isdigit() or len(term) < 2:
        return None
    return term


def term_spans(text: str) -> list[tuple[str, int, int]]:
    """(term, start, end) for every content word of the text: English stemmed, Chinese segmented."""
    out: list[tuple[str, int, int]] = []
    if not has_cjk(text):
        for match in _WORD.finditer(text):
            term = _stem(match.group(0))
            if term:
                out.append((term, match.start(), match.end()))
        return out
    for word, start, end in rjieba.tokenize(text):
        if has_cjk(word):
            if word not in _ZH_STOP and not (len(word) == 1 and word in "个种条者"):
                out.append((word, start, end))
        else:
            for match in _WORD.finditer(word):
                term = _stem(match.group(0))
                if term:
                    out.append((term, start + match.start(), start + match.end()))
    return out


def terms(text: str) -> list[str]:
    return [t for t, _, _ in term_spans(text)]


def matched_spans(query: str, text: str) -> list[tuple[int, int]]:
    """Offsets of the words of ``text`` that share a term with ``query``: what the chart highlights."""
    wanted = set(terms(query))
    return [(s, e) for t, s, e in term_spans(text) if t in wanted]


class LexicalScorer:
    """IDF-weighted term coverage with a BM25 tie-breaker. ``fit`` on every reference of a chart keeps the IDF
    common to all of them, so coverage figures compare across references."""

    name = "lexical"
    version = "coverage-bm25/1"

    def __init__(self, k1: float = 1.2, b: float = 0.75, background: Callable[[str], float] | None = None) -> None:
        """``background`` maps a term to an IDF from a larger corpus; without it IDF comes from ``fit``."""
        self.k1 = k1
        self.b = b
        self.background = background
        self.df: Counter[str] = Counter()
        self.docs = 0
        self._terms: dict[str, Counter[str]] = {}

    def fit(self, passages: Iterable[Passage]) -> LexicalScorer:
        """Collect document frequencies over a collection of passages (each passage is one document)."""
        for passage in passages:
            self.df.update(self._counts(passage.text).keys())
            self.docs += 1
        return self

    def idf(self, term: str) -> float:
        if self.background is not None:
            return self.background(term)
        docs = self.docs + _PRIOR_DOCS
        df = self.df.get(term, 0)
        return math.log(1.0 + (docs - df + 0.5) / (df + 0.5))

    def _counts(self, text: str) -> Counter[str]:
        counts = self._terms.get(text)
        if counts is None:
            counts = Counter(terms(text))
            if len(self._terms) < 50_000:
                self._terms[text] = counts
        return counts

    def score(self, queries: Sequence[str], passages: Sequence[Passage]) -> Matrix:
        if not self.docs:
            self.fit(passages)
        coverage = self.coverage(queries, passages)
        bm25 = self.bm25(queries, passages)
        return (1.0 - _TIE_WEIGHT) * coverage + _TIE_WEIGHT * (bm25 / (bm25 + 10.0))

    def coverage(self, queries: Sequence[str], passages: Sequence[Passage]) -> Matrix:
        """Share of each query's distinct terms (IDF-weighted) that occur in each passage."""
        out = np.zeros((len(queries), len(passages)))
        passage_terms = [set(self._counts(p.text)) for p in passages]
        for i, query in enumerate(queries):
            weights = {t: self.idf(t) for t in set(terms(query))}
            total = sum(weights.values())
            if not total:
                continue
            for j, present in enumerate(passage_terms):
                out[i, j] = sum(w for t, w in weights.items() if t in present) / total
        return out

    def bm25(self, queries: Sequence[str], passages: Sequence[Passage]) -> Matrix:
        """Okapi BM25 of each query against each passage, IDF from the fitted collection."""
        counts = [self._counts(p.text) for p in passages]
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
        average = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
        norm = self.k1 * (1.0 - self.b + self.b * lengths / average)
        out = np.zeros((len(queries), len(passages)))
        for i, query in enumerate(queries):
            for term, qtf in Counter(terms(query)).items():
                idf = self.idf(term)
                tf = np.array([c.get(term, 0) for c in counts], dtype=np.float64)
                out[i] += qtf * idf * tf * (self.k1 + 1.0) / (tf + norm)
        return out


class SemanticScorer:
    """Cosine similarity of element and passage embeddings, rescaled to [0, 1] by the model's calibration.

    Embeddings are cached by text, so a reference charted for several claims is embedded once.
    """

    # Cosine values of bge-small-en for unrelated (low) and paraphrased (high) claim/passage pairs.
    # phrase-minilm (trained with CoSENT, which only orders cosines) packs them tightly: mean cosine 0.912 for PPPM
    # validation pairs scored 0 and 0.989 for pairs scored 1 (measured 2026-12-07, pads masked out of its pooling).
    CALIBRATION = {
        "bge-small-en": (0.55, 0.90),
        "e5-small-multilingual": (0.75, 0.92),
        "phrase-minilm": (0.91, 0.99),
    }

    def __init__(self, embedder: Embedder, calibration: tuple[float, float] | None = None) -> None:
        self.embedder = embedder
        self.name = f"semantic:{embedder.name}"
        self.version = str(getattr(embedder, "version", "?"))
        self.low, self.high = calibration or self.CALIBRATION.get(embedder.name, (0.5, 0.9))
        self._passages: dict[str, npt.NDArray[np.float32]] = {}
        self._queries: dict[str, npt.NDArray[np.float32]] = {}

    def cosine(self, queries: Sequence[str], passage_texts: Sequence[str]) -> Matrix:
        missing_q = list(dict.fromkeys(q for q in queries if q not in self._queries))
        if missing_q:
            self._queries.update(zip(missing_q, self.embedder.embed_queries(missing_q), strict=True))
        missing_p = list(dict.fromkeys(p for p in passage_texts if p not in self._passages))
        if missing_p:
            self._passages.update(zip(missing_p, self.embedder.embed_passages(missing_p), strict=True))
        if not queries or not passage_texts:
            return np.zeros((len(queries), len(passage_texts)))
        q = np.stack([self._queries[t] for t in queries]).astype(np.float64)
        p = np.stack([self._passages[t] for t in passage_texts]).astype(np.float64)
        return q @ p.T

    def rescale(self, cosine: Matrix) -> Matrix:
        return np.clip((cosine - self.low) / (self.high - self.low), 0.0, 1.0)

    def score(self, queries: Sequence[str], passages: Sequence[Passage]) -> Matrix:
        return self.rescale(self.cosine(queries, [p.text for p in passages]))

    def shortlisted(self, queries: Sequence[str], passages: Sequence[Passage], shortlists: list[list[int]]) -> Matrix:
        """Every query against the union of the shortlists (one embedding per passage serves all queries); 0
        elsewhere."""
        keep = sorted({j for row in shortlists for j in row})
        out = np.zeros((len(queries), len(passages)))
        out[:, keep] = self.score(queries, [passages[j] for j in keep])
        return out


class PairModel(Protocol):
    """What the cross scorer needs from ``novum.index.embed.load_phrase_cross()``."""

    name: str
    version: str

    def probabilities(self, pairs: list[tuple[str, str]]) -> list[float]: ...


class CrossScorer:
    """A cross-encoder reads the element and the passage together; its probability is the score (the phrase model
    is trained on [0, 1] similarity labels, so no calibration). One model pass per pair, cached by pair, so the
    hybrid scorer gives it each element's own shortlist rather than every passage."""

    def __init__(self, model: PairModel) -> None:
        self.model = model
        self.name = f"cross:{model.name}"
        self.version = model.version
        self._scores: dict[tuple[str, str], float] = {}

    def score_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        missing = list(dict.fromkeys(pair for pair in pairs if pair not in self._scores))
        if missing:
            self._scores.update(zip(missing, self.model.probabilities(missing), strict=True))
        return [self._scores[pair] for pair in pairs]

    def score(self, queries: Sequence[str], passages: Sequence[Passage]) -> Matrix:
        pairs = [(q, p.text) for q in queries for p in passages]
        return np.array(self.score_pairs(pairs), dtype=np.float64).reshape(len(queries), len(passages))

    def shortlisted(self, queries: Sequence[str], passages: Sequence[Passage], shortlists: list[list[int]]) -> Matrix:
        """Each query against its own shortlist only (a pass per pair); 0 elsewhere."""
        cells = [(i, j) for i, row in enumerate(shortlists) for j in row]
        out = np.zeros((len(queries), len(passages)))
        found = self.score_pairs([(queries[i], passages[j].text) for i, j in cells])
        for (i, j), value in zip(cells, found, strict=True):
            out[i, j] = value
        return out


class HybridScorer:
    """A weighted mix of lexical and semantic scores. Only a shortlist of passages (the lexical top few per
    element) is embedded, or read with its element by a cross-encoder: a CPU embeds ~30 passages/s, a long
    description has hundreds of paragraphs."""

    def __init__(
        self, lexical: LexicalScorer, semantic: SemanticScorer | CrossScorer, weight: float = 0.5, shortlist: int = 8
    ) -> None:
        self.lexical = lexical
        self.semantic = semantic
        self.weight = weight
        self.shortlist = shortlist
        self.name = f"hybrid:{lexical.name}+{semantic.name}"
        self.version = f"{lexical.version};{semantic.version};w={weight}"

    def score(self, queries: Sequence[str], passages: Sequence[Passage]) -> Matrix:
        lexical = self.lexical.score(queries, passages)
        if not len(passages) or not len(queries):
            return lexical
        shortlists = [[int(j) for j in np.argsort(-row)[: self.shortlist]] for row in lexical]
        semantic = self.semantic.shortlisted(queries, passages, shortlists)
        return self.weight * lexical + (1.0 - self.weight) * semantic
