"""Matching quality on a constructed judged set, and the latency of one match at 100k documents.

Quality (``quality``): needs written as CPC/IPC group titles with their parents (relevant: the documents classified
in the group), the two PatSnap free-text topics (real judged lists), and firm matching by holding out one patent of
every applicant with five or more (relevant: that applicant). Each set is ranked by novum's BM25 (the same lexical
search, the whole text as the query: the baseline) and by novum match in the same run; nDCG@10 and Hit@10 with the
change over BM25 and its 95% paired-bootstrap interval, for the tuning and held-out halves separately. Stores are
built by ``bench/match_data.py`` under /tmp (see docs/benchmarks.md for exactly which data each row reads).

Latency (``latency``): the NVIDIA records replicated to 100k documents with new numbers (their bge vectors copied
with small noise, so the HNSW graph holds 100k distinct points); one ``match need`` (ranking, readiness, per-part
explanations) against the search call alone on the same needs.

    nice -n 10 python bench/match_bench.py quality
    nice -n 10 python bench/match_bench.py latency [--docs 100000]
    nice -n 10 python bench/match_bench.py firms      # what the firm documents cost an ingest, on the US API store
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

import match_data  # noqa: E402

from novum.eval.datasets import patsnap_free_text  # noqa: E402
from novum.eval.measures import hit_at, per_topic, relative_change  # noqa: E402
from novum.index.dense import DenseIndex  # noqa: E402
from novum.index.firms import FirmEntry, FirmHit, FirmIndex  # noqa: E402
from novum.index.lexical import Filters, LexicalIndex, open_index_for_reading  # noqa: E402
from novum.ingest.embedding import existing_dense  # noqa: E402
from novum.match.engine import PORTFOLIOS, Matcher, MatchOptions  # noqa: E402
from novum.match.evalset import (  # noqa: E402
    FirmTopic,
    NeedTopic,
    class_title_needs,
    firm_topics,
    read_cpc_titles,
    read_ipc_titles,
    sha,
)
from novum.match.firms import PROFILE_K, FirmMatch, firm_key, fuse_firms, owners, rank_firms  # noqa: E402
from novum.match.text import need_parts  # noqa: E402
from novum.search.fusion import reciprocal_rank_fusion  # noqa: E402
from novum.store.sqlite import Store  # noqa: E402

CLASSIFICATION = match_data.SHARED / "classification"
DEPTH = 100
Ranking = list[tuple[str, float]]


# --- systems ----------------------------------------------------------------------------------------------------
def bm25_need(matcher: Matcher, text: str, exclude: Sequence[str] = ()) -> Ranking:
    return matcher.rank(text, [], Filters(exclude=list(exclude)), DEPTH, "lexical")


def novum_need(matcher: Matcher, text: str, exclude: Sequence[str] = (), parts: bool = True) -> Ranking:
    return matcher.rank(text, need_parts(text) if parts else [], Filters(exclude=list(exclude)), DEPTH)


def bm25_firms(matcher: Matcher, topic: FirmTopic) -> Ranking:
    """Firms in the order their first document appears in the BM25 ranking of the held-out patent's text."""
    ranked = matcher.rank(topic.text, [], Filters(exclude=topic.exclude), DEPTH, "lexical")
    records = matcher.store.get_many(n for n, _ in ranked)
    order: dict[str, float] = {}
    for rank, (number, _) in enumerate(ranked, start=1):
        patent = records.get(number)
        for name in owners(patent) if patent else []:
            order.setdefault(firm_key(name), 1.0 / rank)
    return sorted(order.items(), key=lambda kv: -kv[1])


def held_out_firms(matcher: Matcher, patents: list[Any], topics: list[FirmTopic], folder: Path) -> Matcher:
    """The matcher with firm documents built by novum's own ``FirmIndex`` from every patent but the held-out ones
    (and their families), so a held-out patent's words are not in its firm's document."""
    held_out = {n for t in topics for n in t.exclude}
    firms = FirmIndex(folder)
    firms.reset()
    firms.add([FirmEntry.of(p) for p in patents if p.number not in held_out])
    return Matcher(matcher.store, matcher.index, matcher.dense, firms=firms)


# The voting grid tried on the tuning half of each firm set (k of 1/(k + rank); decay of a firm's later documents).
GRID = [{"k": k, "decay": d, "votes_per_firm": v} for k in (1, 3, 10) for d in (0.25, 0.5, 1.0) for v in (3, 5)]


def tune_firms(matcher: Matcher, topics: list[FirmTopic]) -> None:
    """nDCG@10 of every voting setting on the tuning topics (the neighbours are searched once per topic)."""
    qrels = {t.id: {t.firm: 1} for t in topics}
    cached = {t.id: matcher.neighbours(t.text, Filters(exclude=t.exclude), DEPTH) for t in topics}
    records = matcher.store.get_many({n for ranked in cached.values() for n, _ in ranked})
    print("\n| k | decay | votes per firm | nDCG@10 (tuning half) |\n|---:|---:|---:|---:|")
    for setting in GRID:
        run = {tid: [(f.key, f.score) for f in rank_firms(nb, records, None, DEPTH, **setting)]  # type: ignore[arg-type]
               for tid, nb in cached.items()}  # fmt: skip
        ndcg, _ = scores(qrels, run)
        print(f"| {setting['k']} | {setting['decay']} | {setting['votes_per_firm']} | {np.mean(ndcg):.3f} |")


# --- measuring --------------------------------------------------------------------------------------------------
def scores(qrels: dict[str, dict[str, int]], run: dict[str, Ranking]) -> tuple[list[float], list[float]]:
    table = per_topic(qrels, run)
    topics = sorted(table)
    ndcg = [table[t]["nDCG@10"] for t in topics]
    hits = [hit_at([d for d, _ in run.get(t, [])], [d for d, g in qrels[t].items() if g > 0], 10) for t in topics]
    return ndcg, hits


def report(name: str, qrels: dict[str, dict[str, int]], runs: dict[str, dict[str, Ranking]], note: str = "") -> None:
    base_ndcg, base_hit = scores(qrels, runs["BM25 (novum lexical)"])
    print(f"\n### {name} ({len(qrels)} topics){' - ' + note if note else ''}\n")
    print("| system | nDCG@10 | change (95% CI) | Hit@10 | change (95% CI) |")
    print("|---|---:|---|---:|---|")
    for system, run in runs.items():
        ndcg, hit = scores(qrels, run)
        cells = [f"{np.mean(ndcg):.3f}", _change(base_ndcg, ndcg), f"{np.mean(hit):.3f}", _change(base_hit, hit)]
        print(f"| {system} | " + " | ".join(cells) + " |")


def _change(base: list[float], mine: list[float]) -> str:
    if not base or sum(base) == 0:
        return "n/a"
    change = relative_change(base, mine)
    return f"{change.change:+.1%} ({change.low:+.1%}, {change.high:+.1%})"


def run_all(
    systems: dict[str, Callable[[str, Sequence[str]], Ranking]], topics: list[tuple[str, str, list[str]]]
) -> dict[str, dict[str, Ranking]]:
    runs: dict[str, dict[str, Ranking]] = {}
    for name, system in systems.items():
        started = time.perf_counter()
        runs[name] = {tid: system(text, exclude) for tid, text, exclude in topics}
        print(f"  {name}: {len(topics)} topics in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return runs


def need_sets(matcher: Matcher, needs: list[NeedTopic], label: str) -> None:
    systems: dict[str, Callable[[str, Sequence[str]], Ranking]] = {
        "BM25 (novum lexical)": lambda t, e: bm25_need(matcher, t, e),
        "novum lexical, need parts fused": lambda t, e: novum_need(Matcher(matcher.store, matcher.index), t, e),
    }
    if matcher.dense:
        systems["novum match (hybrid BM25 + bge, the default)"] = lambda t, e: novum_need(matcher, t, e, parts=False)
        systems["novum hybrid, need parts fused"] = lambda t, e: novum_need(matcher, t, e)
    for half in ("tune", "held-out"):
        chosen = [n for n in needs if n.half == half]
        qrels = {n.id: dict.fromkeys(n.relevant, 1) for n in chosen}
        runs = run_all(systems, [(n.id, n.text, []) for n in chosen])
        report(f"{label}, {half} half", qrels, runs)


class FirmSpace:
    """Diagnostics, not novum's ranking (measured and not adopted, docs/benchmarks.md): firms in the space of their
    patents' title-and-abstract bge vectors, every patent but the held-out ones counted.

    ``centroid`` ranks firms by the cosine of their mean vector (the firm vector of text-based technological
    proximity); ``closest`` by their ``m`` closest patents over the whole store, the n-th cosine weighted
    ``decay ** (n - 1)`` (k-NN voting by cosine with no depth cut-off: firms with several patents collect several
    cosines, which the control rows take away)."""

    def __init__(self, dense: DenseIndex, patents: list[Any], held_out: set[str]) -> None:
        summary = {  # each document's title-and-abstract passage (its main language's)
            number: row
            for row, (number, location) in enumerate(zip(dense.passage_number, dense.passage_location, strict=True))
            if location == "abstract" and not dense.deleted[row]
        }
        pairs = sorted({(key, summary[p.number]) for p in patents if p.number in summary and p.number not in held_out
                        for key in {firm_key(name) for name in owners(p)} if key})  # fmt: skip
        self.keys = sorted({key for key, _ in pairs})
        index = {key: i for i, key in enumerate(self.keys)}
        self.firm = np.array([index[key] for key, _ in pairs])
        self.vectors = np.asarray(dense.vectors()[[row for _, row in pairs]], dtype=np.float32)  # one row per pair
        sums = np.zeros((len(self.keys), self.vectors.shape[1]), dtype=np.float32)
        np.add.at(sums, self.firm, self.vectors)
        self.centroids = sums / np.linalg.norm(sums, axis=1, keepdims=True)

    def centroid(self, vector: np.ndarray) -> Ranking:
        return self._best(self.centroids @ vector.reshape(-1))

    def closest(self, vector: np.ndarray, m: int = 3, decay: float = 0.5) -> Ranking:
        cosines = self.vectors @ vector.reshape(-1)
        order = np.lexsort((-cosines, self.firm))  # by firm, each firm's closest first
        firm, value = self.firm[order], cosines[order]
        starts = np.r_[0, np.flatnonzero(np.diff(firm)) + 1]
        nth = np.arange(len(firm)) - np.repeat(starts, np.diff(np.r_[starts, len(firm)]))
        kept = nth < m
        totals = np.zeros(len(self.keys))
        np.add.at(totals, firm[kept], value[kept] * decay ** nth[kept])
        return self._best(totals)

    def _best(self, scores: np.ndarray) -> Ranking:
        return [(self.keys[i], float(scores[i])) for i in np.argsort(-scores, kind="stable")[:DEPTH]]


@dataclass
class FirmLists:
    """One topic's firm rankings, each alone: k-NN voting, the firm documents (BM25), the firm centroids (when the
    store is embedded; a diagnostic)."""

    voting: list[FirmMatch]
    portfolio: list[FirmHit]
    centroids: Ranking

    @classmethod
    def of(cls, matcher: Matcher, topic: FirmTopic, space: FirmSpace | None, vector: np.ndarray | None) -> FirmLists:
        neighbours = matcher.neighbours(topic.text, Filters(exclude=topic.exclude), DEPTH)
        voting = rank_firms(neighbours, matcher.store.get_many(n for n, _ in neighbours), None, DEPTH)
        assert matcher.firms is not None
        centroids = space.centroid(vector) if space is not None and vector is not None else []
        return cls(voting, matcher.firms.rank(topic.text, DEPTH), centroids)

    def fused(self, k: int = PROFILE_K) -> Ranking:
        """Voting and firm documents fused as ``novum match patent`` fuses them."""
        voting = [replace(m) for m in self.voting]  # fusing renumbers the matches it keeps
        return [(f.key, f.score) for f in fuse_firms(voting, self.portfolio, None, DEPTH, k)]

    def with_centroids(self, k: int = PROFILE_K) -> Ranking:
        """The centroids as a third list in the same reciprocal-rank fusion."""
        lists = [[m.key for m in self.voting], [h.key for h in self.portfolio], [key for key, _ in self.centroids]]
        return sorted(reciprocal_rank_fusion(lists, k), key=lambda pair: (-pair[1], pair[0]))[:DEPTH]


def firm_set(matcher: Matcher, patents: list[Any], topics: list[FirmTopic], label: str, tune: bool = False) -> None:
    """Both halves (split by the parity of the SHA-1 of the held-out number); the grids on the tuning half; each
    half again with every ranking cut to the applicants that can be answers (the control)."""
    halves = {"tune": [t for t in topics if sha(t.id) % 2 == 0], "held-out": [t for t in topics if sha(t.id) % 2]}
    dense = next((d for d in matcher.dense if isinstance(d, DenseIndex)), None)
    space = FirmSpace(dense, patents, {n for t in topics for n in t.exclude}) if dense is not None else None
    with tempfile.TemporaryDirectory(prefix="novum-firms-") as folder:
        profiled = held_out_firms(matcher, patents, topics, Path(folder))
        if tune:
            tune_firms(matcher, halves["tune"])
        for half, chosen in halves.items():
            qrels = {t.id: {t.firm: 1} for t in chosen}
            runs: dict[str, dict[str, Ranking]] = defaultdict(dict)
            started = time.perf_counter()
            lists: dict[str, FirmLists] = {}
            for topic in chosen:
                vector = dense.embedder.embed_passages([topic.text]) if dense is not None else None
                lists[topic.id] = parts = FirmLists.of(profiled, topic, space, vector)
                runs["BM25 (novum lexical)"][topic.id] = bm25_firms(matcher, topic)
                runs["k-NN voting alone"][topic.id] = [(m.key, m.score) for m in parts.voting]
                found = profiled.firms_for(topic.text, topic.exclude, None, DEPTH, evidence=False)
                runs["novum match firms (voting + firm documents)"][topic.id] = [(f.key, f.score) for f in found]
                if space is not None and vector is not None:
                    runs["diagnostic: firm centroids alone"][topic.id] = parts.centroids
                    runs["diagnostic: novum match firms + centroids (RRF k 10)"][topic.id] = parts.with_centroids()
                    runs["diagnostic: firms by their 3 closest patents' cosines"][topic.id] = space.closest(vector)
            print(f"  firms: {len(chosen)} topics in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            if half == "tune" and tune:
                tune_profile_k(qrels, lists)
            report(f"{label}, {half} half", qrels, runs, "one held-out patent per applicant with >= 5 families")
            eligible = {t.firm for t in topics}  # the applicants with five or more families
            among = {system: {tid: [(key, score) for key, score in ranking if key in eligible]
                              for tid, ranking in ranked.items()} for system, ranked in runs.items()}  # fmt: skip
            note = f"each ranking cut to the {len(eligible)} applicants with >= 5 families, the only possible answers"
            report(f"{label}, {half} half, control", qrels, among, note)


def tune_profile_k(qrels: dict[str, dict[str, int]], lists: dict[str, FirmLists]) -> None:
    """nDCG@10 on the tuning topics of the reciprocal-rank k that fuses voting with the firm documents, and with
    the centroids as a third list (a diagnostic)."""
    alone = {tid: [(h.key, h.score) for h in parts.portfolio] for tid, parts in lists.items()}
    print("\n| fusion k | voting + firm documents | + centroids | firm documents alone |\n|---:|---:|---:|---:|")
    for k in (1, 10, 60):
        fused = {tid: parts.fused(k) for tid, parts in lists.items()}
        third = {tid: parts.with_centroids(k) for tid, parts in lists.items()}
        print(f"| {k} | {np.mean(scores(qrels, fused)[0]):.3f} | {np.mean(scores(qrels, third)[0]):.3f} "
              f"| {np.mean(scores(qrels, alone)[0]):.3f} |")  # fmt: skip


def open_matcher(name: str) -> Matcher:
    folder = match_data.store_dir(name)
    if not (folder / "novum.db").exists():
        sys.exit(f"{folder} is missing: run `python bench/match_data.py {name} --embed` first")
    store = Store(folder)
    return Matcher(store, open_index_for_reading(store), existing_dense(store))


def quality(sets: list[str]) -> None:
    if "nvidia" in sets:
        matcher = open_matcher("nvidia")
        patents = list(matcher.store.iter_patents())
        subclasses = {s[:4] for p in patents for s in p.cpc}
        titles = read_cpc_titles(CLASSIFICATION / "cpc-titles-2025-05" / "data" / "cpc_title_lists", subclasses)
        needs = class_title_needs(patents, titles, "cpc")
        _describe(needs, "NVIDIA PatentsView (5,169 US patents, title + abstract, current CPC)")
        need_sets(matcher, needs, "CPC group titles -> NVIDIA patents")
    if "patsnap" in sets:
        matcher = open_matcher("patsnap")
        patents = list(matcher.store.iter_patents())
        subclasses = {s[:4] for p in patents for s in p.ipc}
        titles = read_ipc_titles(CLASSIFICATION / "ipc-titles" / "all_ipc.csv", subclasses)
        needs = class_title_needs(patents, titles, "ipc")
        _describe(needs, "PatSnap export (2,244 records, title + abstract, IPC)")
        need_sets(matcher, needs, "IPC group titles -> PatSnap records")
        bench = patsnap_free_text(matcher.store, match_data.SHARED / "bench")
        systems: dict[str, Callable[[str, Sequence[str]], Ranking]] = {
            "BM25 (novum lexical)": lambda t, e: bm25_need(matcher, t, e),
            "novum match (hybrid BM25 + bge, the default)": lambda t, e: novum_need(matcher, t, e, parts=False),
        }
        runs = run_all(systems, [(t.id, t.text, t.exclude) for t in bench.topics])
        report(
            "PatSnap free-text topics q1, q2 (real judged lists)", bench.qrels, runs, "2 topics: no interval means much"
        )
        family = matcher.store.family_keys(p.number for p in patents)
        firm_set(matcher, patents, firm_topics(patents, family), "Firms for held-out patents, PatSnap (hybrid)", True)
    if "usapi" in sets:
        matcher = open_matcher("usapi")
        patents = list(matcher.store.iter_patents())
        family = matcher.store.family_keys(p.number for p in patents)
        topics = firm_topics(patents, family)
        kind = "hybrid: bge-small vectors of every passage" if matcher.dense else "lexical only: not embedded"
        label = f"Firms for held-out patents, US API corpus 18,880 ({kind})"
        firm_set(matcher, patents, topics, label, True)


def _describe(needs: list[NeedTopic], corpus: str) -> None:
    sizes = [len(n.relevant) for n in needs]
    print(f"\n{corpus}: {len(needs)} class-title needs ({sum(n.half == 'tune' for n in needs)} tuning), "
          f"{min(sizes)}-{max(sizes)} relevant each (median {statistics.median(sizes):.0f}); e.g. {needs[0].id}: "
          f"{needs[0].text[:120]!r}")  # fmt: skip


# --- latency ----------------------------------------------------------------------------------------------------
def build_latency_store(
    work: Path, size: int, real: list[dict[str, Any]], first_vector: dict[str, np.ndarray]
) -> tuple[Store, LexicalIndex, float]:
    """The replicated store: records with new numbers, each with its original's bge vector (plus noise)."""
    import gzip

    from novum.index.embed import load_embedder
    from novum.ingest.pipeline import Ingester

    replicated = work / "replicated.jsonl.gz"
    made: list[tuple[str, str]] = []  # (new number, the real document it copies)
    with gzip.open(replicated, "wt", encoding="utf-8") as handle:
        for i in range(size):
            record = dict(real[i % len(real)])
            original = f"US{record['doc_number']}{record.get('kind', '')}"
            record["doc_number"] = str(30_000_000 + i)
            made.append((f"US{record['doc_number']}{record.get('kind', '')}", original))
            handle.write(json.dumps(record) + "\n")
    started = time.perf_counter()
    store = Store(work / "data")
    index = LexicalIndex(work / "data")
    Ingester(store, index).run([replicated])
    ingest_s = time.perf_counter() - started
    dense = DenseIndex(store, load_embedder("bge-small-en"))
    rng = np.random.default_rng(7)
    with open(dense.vector_file, "wb") as out:
        for i, (_, original) in enumerate(made):
            row = np.array(first_vector[original], dtype=np.float32)
            if i >= len(real):
                row = row + rng.normal(0, 0.01, row.shape).astype(np.float32)
                row /= np.linalg.norm(row)
            out.write(row.astype(np.float32).tobytes())
    with store.transaction():
        store.db.executemany(
            "INSERT INTO passages (model, id, number, location) VALUES ('bge-small-en', ?, ?, 'abstract')",
            [(i, number) for i, (number, _) in enumerate(made)],
        )
        store.db.execute("INSERT INTO embedded SELECT 'bge-small-en', number, content_hash FROM documents")
    return store, index, ingest_s


def latency(size: int, queries: int) -> None:
    from novum.index.embed import load_embedder
    from novum.search.prior_art import SearchRequest, search

    source = open_matcher("nvidia")
    (dense_source,) = [d for d in source.dense if d.model == "bge-small-en"]
    with open(match_data.WORK / "novum-match-nvidia.jsonl", encoding="utf-8") as handle:
        real = [json.loads(line) for line in handle]
    first_vector = {}  # each real document's first passage vector, copied (with noise) to its replicas
    for record in real:
        number = f"US{record['doc_number']}{record.get('kind', '')}"
        first_vector[number] = dense_source.passage_vectors(number)[0][1]
    work = match_data.WORK / f"novum-match-latency-{size}"  # built once, reused by later runs
    if (work / "data" / "novum.db").exists():
        store = Store(work / "data")
        index = open_index_for_reading(store)
        ingest_s = float("nan")
        built = store.count()
        if built != size:
            sys.exit(f"{work} holds {built:,} documents, not {size:,}: delete it to rebuild")
    else:
        work.mkdir(parents=True)
        store, index, ingest_s = build_latency_store(work, size, real, first_vector)
    dense = DenseIndex(store, load_embedder("bge-small-en"))
    writable = FirmIndex(work / "data")
    if writable.count() == 0:  # a store built before the firm documents: add them, as `novum reindex` would
        writable.add([FirmEntry.of(p) for p in store.iter_patents()])
    matcher = Matcher(store, index, [dense], firms=FirmIndex(work / "data", read_only=True))
    rng_q = random.Random(3)
    needs = [str(r["abstracts"]["en"]) for r in rng_q.sample([r for r in real if r.get("abstracts")], queries)]
    patents = rng_q.sample(sorted(store.numbers()), queries)
    runs: list[tuple[str, Callable[[str], object]]] = [
        ("search() alone, hybrid (the engine call a match makes)",
         lambda q: search(store, index, SearchRequest(q, Filters(), 10, True, "hybrid"), [dense])),
        ("novum match need, no explanations", lambda q: matcher.match_need(q, MatchOptions(explain=False))),
        ("novum match need (parts, readiness, explanations)", lambda q: matcher.match_need(q)),
        ("novum match need --available", lambda q: matcher.match_need(q, MatchOptions(available=True))),
    ]  # fmt: skip
    rows = [(label, _timed(needs, run)) for label, run in runs]
    rows.append(("novum match patent (firms by neighbours and firm documents, needs, readiness)",
                 _timed(patents, lambda number: matcher.match_patent(number))))  # fmt: skip
    print(f"\n{size:,} documents ({len(real):,} real NVIDIA records replicated), {size:,} bge vectors, "
          f"{queries} needs (real abstracts) and {queries} stored patents; lexical ingest {ingest_s:.0f} s (nan: store "
          f"reused)\n")  # fmt: skip
    print("| run | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for label, (p50, p95) in rows:
        print(f"| {label} | {p50:.0f} | {p95:.0f} |")


def _timed(queries: list[str], run: Callable[[str], object]) -> tuple[float, float]:
    for query in queries[:3]:
        run(query)
    samples = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def firm_index_cost(batch: int = 1_000) -> None:
    """What the firm documents add to an ingest, on the US API store: the index sync of every patent (lexical index
    and firm documents, as an ingest writes them) against the firm documents built alone; rewriting them for a batch
    of patents they already hold (a later sync touching the same firms); one ranking of firms; the folder's size."""
    store = open_matcher("usapi").store
    patents = list(store.iter_patents())
    with tempfile.TemporaryDirectory(prefix="novum-firm-cost-") as folder:
        started = time.perf_counter()
        LexicalIndex(Path(folder) / "ingest").add(patents)  # what an ingest's sync writes: both indexes
        both_s = time.perf_counter() - started
        firms = FirmIndex(Path(folder))
        started = time.perf_counter()
        written = firms.add([FirmEntry.of(p) for p in patents])
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        for start in range(0, 5 * batch, batch):
            firms.add([FirmEntry.of(p) for p in patents[start : start + batch]])
        rewrite_s = (time.perf_counter() - started) / 5
        texts = [" ".join(filter(None, (p.title(), p.abstract()))) for p in patents[:200]]
        p50, p95 = _timed(texts, lambda text: firms.rank(text, PORTFOLIOS))
        size = sum(f.stat().st_size for f in firms.path.rglob("*") if f.is_file())
    print(f"\nUS API corpus: {len(patents):,} patents, {written:,} firms\n")
    print("| step | seconds | ms |\n|---|---:|---:|")
    print(f"| an ingest's index sync of every patent: lexical index and firm documents | {both_s:.1f} | |")
    print(f"| of which the firm documents (built alone) | {build_s:.1f} | |")
    print(f"| firm documents, rewrite for {batch:,} patents already in them (mean of 5) | {rewrite_s:.2f} | |")
    print(f"| rank firms for a patent's title + abstract, p50 / p95 | | {p50:.1f} / {p95:.1f} |")
    print(f"\nfirm folder on disk: {size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["quality", "latency", "firms"])
    parser.add_argument("--sets", nargs="+", default=["nvidia", "patsnap", "usapi"])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    if args.what == "quality":
        quality(args.sets)
    elif args.what == "firms":
        firm_index_cost()
    else:
        latency(args.docs, args.queries)


if __name__ == "__main__":
    main()
