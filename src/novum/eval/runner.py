"""Run topics through novum's search in several modes (and a plain BM25 baseline), write TREC runs, score them.

Rankings are per document, not per family (``collapse_families=False``): the judgements name publications, and
collapsing could hide a judged publication behind a sibling from the same family, which the baseline never does.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from novum.errors import NovumError
from novum.eval.datasets import (
    Benchmark,
    ClaimItem,
    PhrasePair,
    Qrels,
    Topic,
    ingest_corpus,
    panorama_records,
    topic_text,
)
from novum.eval.measures import (
    Ranking,
    RelativeChange,
    Run,
    hit_at,
    means,
    monotone,
    pearson,
    per_topic,
    relative_change,
)
from novum.index.embed import Vectors
from novum.index.lexical import Filters, LexicalIndex
from novum.index.pgvector import SemanticIndex
from novum.ingest.embedding import existing_dense
from novum.search.prior_art import MODES, SearchRequest, search
from novum.store.sqlite import Store

DEFAULT_MODES = "lexical,semantic,hybrid"
DEPTH = 100
BASELINE_NAME = "BM25 baseline (bm25s)"


@dataclass(frozen=True, slots=True)
class ModeSpec:
    """One novum configuration as named on the command line: ``hybrid+rerank`` is mode hybrid with reranking."""

    label: str
    mode: str
    rerank: bool


def parse_modes(text: str) -> list[ModeSpec]:
    specs: list[ModeSpec] = []
    for raw in (part.strip().lower() for part in text.split(",")):
        if not raw:
            continue
        mode, _, suffix = raw.partition("+")
        if mode not in MODES or suffix not in ("", "rerank"):
            raise NovumError(f"unknown mode {raw!r}; use {', '.join(MODES)}, optionally with +rerank")
        specs.append(ModeSpec(raw, mode, suffix == "rerank"))
    if not specs:
        raise NovumError("no modes given")
    return specs


class Ranker(Protocol):
    name: str

    def rank(self, topic: Topic, depth: int) -> Ranking: ...


def search_request(topic: Topic, limit: int, spec: ModeSpec) -> SearchRequest:
    filters = Filters(before=topic.before, exclude=list(topic.exclude))
    return SearchRequest(
        topic.text,
        filters,
        limit,
        collapse_families=False,
        mode=spec.mode,
        rerank=spec.rerank,
        query_is_document=topic.is_document,
    )


class NovumRanker:
    """novum's own prior-art search, exactly as ``novum search`` runs it, minus family collapse."""

    def __init__(self, store: Store, index: LexicalIndex, spec: ModeSpec, dense: list[SemanticIndex]) -> None:
        self.store = store
        self.index = index
        self.spec = spec
        self.dense = dense
        self.name = f"novum {spec.label}"

    def rank(self, topic: Topic, depth: int) -> Ranking:
        hits = search(self.store, self.index, search_request(topic, depth, self.spec), self.dense)
        return [(hit.number, hit.score) for hit in hits]


class SimilarRanker:
    """``novum similar`` on the topic's own stored record: its code path (title, abstract and first claim as the
    query, embedded as a passage; its family excluded), minus family collapse, as for every ranker here."""

    def __init__(self, store: Store, index: LexicalIndex, mode: str, dense: list[SemanticIndex]) -> None:
        self.store = store
        self.index = index
        self.mode = mode
        self.dense = dense
        self.name = f"novum similar ({mode})"

    def rank(self, topic: Topic, depth: int) -> Ranking:
        from novum.search.service import similar_request

        if len(topic.exclude) != 1:
            raise NovumError(f"topic {topic.id}: novum similar needs a topic that is one stored publication")
        request = similar_request(self.store, self.store.get(topic.exclude[0]), depth, self.mode)
        request.collapse_families = False
        if topic.before is None:  # a benchmark without a cut-off (--cutoff none) keeps none here either
            request.filters.before = None
        hits = search(self.store, self.index, request, self.dense)
        return [(hit.number, hit.score) for hit in hits]


class Bm25Baseline:
    """bm25s with its default parameters (k1 1.5, b 0.75, English stop words) over title + abstract.

    bm25s has no filter clauses, so it ranks the whole corpus and the cut-off and exclusions are applied to that
    full ranked list. BM25 scores do not depend on the filter, so this gives exactly the filtered ranking.
    """

    name = BASELINE_NAME

    def __init__(self, store: Store) -> None:
        import bm25s

        self._bm25s = bm25s
        patents = list(store.iter_patents())
        self.numbers = [p.number for p in patents]
        self.effective = [p.effective_date for p in patents]
        self.retriever = bm25s.BM25()
        tokens = bm25s.tokenize([topic_text(p) for p in patents], show_progress=False)
        self.retriever.index(tokens, show_progress=False)

    def rank(self, topic: Topic, depth: int) -> Ranking:
        query = self._bm25s.tokenize([topic.text], return_ids=False, show_progress=False)
        if not any(query[0]):
            return []
        docs, scores = self.retriever.retrieve(query, k=len(self.numbers), show_progress=False)
        excluded = set(topic.exclude)
        out: Ranking = []
        for position, score in zip(docs[0], scores[0], strict=True):
            if score <= 0:
                break
            number = self.numbers[int(position)]
            effective = self.effective[int(position)]
            if number in excluded or (topic.before and (effective is None or effective >= topic.before)):
                continue
            out.append((number, float(score)))
            if len(out) == depth:
                break
        return out


# --- TREC-style runs ----------------------------------------------------------------------------------------------
@dataclass(slots=True)
class SystemResult:
    system: str
    measures: dict[str, float]
    seconds: float
    topics: int
    run_file: Path | None = None
    per_topic: dict[str, dict[str, float]] = field(default_factory=dict)

    def restricted(self, topics: Iterable[str]) -> SystemResult:
        """The same run scored on some topics only (one half of the split); seconds stay those of the whole run."""
        keep = set(topics)
        table = {t: v for t, v in self.per_topic.items() if t in keep}
        return SystemResult(self.system, means(table), self.seconds, len(table), self.run_file, table)

    def versus(self, baseline: SystemResult, measure: str = "nDCG@10") -> RelativeChange:
        """This system's gain over ``baseline`` on ``measure``, paired over the topics both were scored on."""
        topics = sorted(self.per_topic.keys() & baseline.per_topic.keys())
        if not topics:
            raise NovumError(f"{self.system} and {baseline.system} share no scored topics")
        return relative_change(
            [baseline.per_topic[t][measure] for t in topics], [self.per_topic[t][measure] for t in topics]
        )


def run_topics(ranker: Ranker, topics: Sequence[Topic], depth: int = DEPTH) -> Run:
    return {topic.id: ranker.rank(topic, depth) for topic in topics}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9+]+", "-", name.lower()).strip("-")


def write_run(path: Path, run: Run, tag: str) -> Path:
    """TREC run format: ``topic Q0 doc rank score tag``, scores strictly decreasing so trec_eval keeps the order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for topic, ranking in run.items():
            for rank, (doc, score) in enumerate(monotone(ranking), start=1):
                out.write(f"{topic} Q0 {doc} {rank} {score:.6f} {tag}\n")
    return path


def write_qrels(path: Path, qrels: Qrels) -> Path:
    """The judgements with ids as the store spells them, beside the runs, so ``trec_eval`` can be re-run on them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for topic, docs in qrels.items():
            for doc, grade in docs.items():
                out.write(f"{topic} 0 {doc} {grade}\n")
    return path


def evaluate_rankers(
    rankers: Sequence[Ranker], bench: Benchmark, depth: int = DEPTH, runs_dir: Path | None = None
) -> list[SystemResult]:
    """Every ranker over every topic; one run file per ranker when ``runs_dir`` is given."""
    if runs_dir is not None:
        write_qrels(runs_dir / f"{bench.name}.qrels", bench.qrels)
    results: list[SystemResult] = []
    for ranker in rankers:
        started = time.perf_counter()
        run = run_topics(ranker, bench.topics, depth)
        seconds = time.perf_counter() - started
        tag = slug(ranker.name)
        path = write_run(runs_dir / f"{bench.name}.{tag}.run", run, tag) if runs_dir else None
        table = per_topic(bench.qrels, run)
        results.append(SystemResult(ranker.name, means(table), seconds, len(bench.topics), path, table))
    return results


def needs_embeddings(specs: Sequence[ModeSpec]) -> bool:
    return any(spec.mode != "lexical" for spec in specs)


def rankers_for(store: Store, index: LexicalIndex, specs: Sequence[ModeSpec], baseline: bool) -> list[Ranker]:
    """The baseline (when asked) and one novum ranker per mode, sharing the store's semantic indexes."""
    dense = existing_dense(store) if needs_embeddings(specs) else []
    if needs_embeddings(specs) and not dense:
        raise NovumError(f"{store.data_dir} has no embeddings for semantic or hybrid modes: run `novum embed` first")
    rankers: list[Ranker] = [Bm25Baseline(store)] if baseline else []
    rankers.extend(NovumRanker(store, index, spec, dense) for spec in specs)
    return rankers


# --- PANORAMA: rank the 8 candidates of a claim ------------------------------------------------------------------
PANORAMA_MEASURES = ("gold@1", "gold@3", "nDCG")


def panorama_store(items: Sequence[ClaimItem], data_dir: Path, embed: bool = False) -> tuple[Store, LexicalIndex]:
    """One scratch store holding every distinct candidate, ingested as JSONL records like any user document."""
    data_dir.mkdir(parents=True, exist_ok=True)
    source = data_dir / "par4pc-candidates.jsonl"
    lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in panorama_records(items))
    if not source.exists() or source.read_text(encoding="utf-8") != lines:
        source.write_text(lines, encoding="utf-8")
    return ingest_corpus(data_dir, [source], embed)


def evaluate_panorama(items: Sequence[ClaimItem], store: Store, rankers: Sequence[Ranker]) -> list[SystemResult]:
    """Each claim's candidates ranked by each system's score; every other candidate in the store is excluded.

    A candidate the system does not return (no word in common, say) goes after the returned ones, in letter order.
    gold@k: share of claims with a gold candidate in the top k; nDCG over the 8 with gold 2, silver 1, negative 0.
    """
    numbers = {c.patent_id: store.resolve(c.patent_id) for item in items for c in item.candidates}
    everything = set(numbers.values())
    results: list[SystemResult] = []
    for ranker in rankers:
        started = time.perf_counter()
        scores: dict[str, list[float]] = {name: [] for name in PANORAMA_MEASURES}
        for item in items:
            own = [numbers[c.patent_id] for c in item.candidates]
            topic = Topic(item.id, item.query, None, sorted(everything - set(own)))
            ranked = [doc for doc, _ in ranker.rank(topic, len(own)) if doc in own]
            ranked += [doc for doc in own if doc not in ranked]
            grades = {numbers[pid]: grade for pid, grade in item.grades().items()}
            gold = [doc for doc, grade in grades.items() if grade == 2]
            scores["gold@1"].append(hit_at(ranked, gold, 1))
            scores["gold@3"].append(hit_at(ranked, gold, 3))
            scores["nDCG"].append(_ndcg([grades[doc] for doc in ranked]))
        measures = {name: float(np.mean(values)) for name, values in scores.items()}
        results.append(SystemResult(ranker.name, measures, time.perf_counter() - started, len(items)))
    return results


def _ndcg(grades: Sequence[int]) -> float:
    """nDCG of a complete ranking (every candidate ranked); gain = grade, as trec_eval computes graded nDCG."""

    def dcg(values: Sequence[int]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(values))

    ideal = dcg(sorted(grades, reverse=True))
    return dcg(grades) / ideal if ideal > 0 else 0.0


# --- PPPM: embedding cosine against the human similarity score ---------------------------------------------------
TRIGRAM_NAME = "char-trigram overlap (baseline)"
# Symmetric similarity: e5 was trained to take "query: " on both sides; bge takes no instruction for it.
_SYMMETRIC_AS_QUERIES = {"e5-small-multilingual"}


@dataclass(slots=True)
class PppmResult:
    system: str
    pearson: float
    pearson_with_context: float = math.nan
    seconds: float = 0.0
    pairs: int = 0


def trigrams(text: str) -> set[str]:
    padded = f"  {' '.join(text.lower().split())} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_overlap(a: str, b: str) -> float:
    """Jaccard overlap of character trigrams: the surface-similarity floor an embedding has to beat."""
    x, y = trigrams(a), trigrams(b)
    return len(x & y) / len(x | y) if x | y else 0.0


def evaluate_pppm_cross(pairs: Sequence[PhrasePair]) -> PppmResult:
    """Pearson r of novum's phrase cross-encoder (its probability) with the human score: the pair as it comes, and in
    the form it was also trained on, (target, "anchor; CPC title")."""
    from novum.index.embed import load_phrase_cross

    started = time.perf_counter()
    model = load_phrase_cross()
    human = [p.score for p in pairs]

    plain = model.probabilities([(p.anchor, p.target) for p in pairs])
    titled = model.probabilities([(p.target, f"{p.anchor}; {p.context_title.lower()}") for p in pairs])
    return PppmResult(model.name, pearson(plain, human), pearson(titled, human), time.perf_counter() - started,
                      len(pairs))  # fmt: skip


def evaluate_pppm(pairs: Sequence[PhrasePair], embedders: Sequence[str]) -> list[PppmResult]:
    """Pearson r between cosine similarity and the human score, per embedder, plain and with the CPC title."""
    from novum.index.embed import load_embedder

    human = [p.score for p in pairs]
    started = time.perf_counter()
    results = [
        PppmResult(
            TRIGRAM_NAME,
            pearson([trigram_overlap(p.anchor, p.target) for p in pairs], human),
            seconds=time.perf_counter() - started,
            pairs=len(pairs),
        )
    ]
    for name in embedders:
        started = time.perf_counter()
        embedder = load_embedder(name)
        encode = embedder.embed_queries if name in _SYMMETRIC_AS_QUERIES else embedder.embed_passages
        plain = _cosines(encode, [(p.anchor, p.target) for p in pairs])
        titled = [(f"{p.context_title.lower()}: {p.anchor}", f"{p.context_title.lower()}: {p.target}") for p in pairs]
        with_context = _cosines(encode, titled)
        results.append(
            PppmResult(
                name,
                pearson(plain, human),
                pearson(with_context, human),
                time.perf_counter() - started,
                len(pairs),
            )
        )
    return results


def _cosines(encode: Callable[[list[str]], Vectors], pairs: Sequence[tuple[str, str]]) -> list[float]:
    texts = sorted({text for pair in pairs for text in pair})
    vectors = encode(texts)
    row = {text: i for i, text in enumerate(texts)}
    left = vectors[[row[a] for a, _ in pairs]]
    right = vectors[[row[b] for _, b in pairs]]
    return [float(x) for x in np.sum(left * right, axis=1)]
