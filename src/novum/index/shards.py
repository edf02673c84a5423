"""Lexical search over several tantivy shards (documents hash-partitioned by number), searched in parallel and
merged with the scores one index over all the documents would give.

BM25 depends on the collection: a term's idf on the number of documents holding it, the length normalisation on
the field's average length. Each shard knows only its own, so per-shard scores are not comparable. The merge is
distributed-frequency scoring (what Elasticsearch calls DFS): each shard returns its best ``depth`` candidates;
tantivy's explanation of a candidate's score gives, per term and field, the frequency and field length; the
coordinator gathers the global document frequency of every term, the total document count and every field's total
length from all shards, and recomputes the candidate's BM25 with those, so the scores are the single index's.

A candidate set is complete when no document a shard left out could beat the merged ``limit``-th score: a
document's global score is at most its local score times the largest ratio of global to local idf over the query's
terms, times the largest ratio of global to local average field length. Where that bound could still reach the
merged ``limit``-th score, that shard is searched deeper. Phrase clauses carry no term in their explanation; their
local score is kept (``exact`` is then False on the result), which only matters for quoted queries. A long text's
first hits are then scored again at the second pass's k1 and b, as one index does (``novum.index.bm25``), with the
collection-wide statistics.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy

from novum.index import bm25
from novum.index.lexical import (
    RANKED_FIELDS,
    TEXT_FIELDS,
    ZH_FIELDS,
    Filters,
    LexicalHit,
    LexicalIndex,
    _english,
    _segmented,
)
from novum.model import Patent
from novum.normalize.text import has_cjk, segment

TERM_FIELDS = (*TEXT_FIELDS, *ZH_FIELDS, "number", "family", "cpc", "ipc", "country", "kind", "numbers", "sei",
               "priority_numbers")  # fmt: skip
_TERM = re.compile(r'Term\(field=(\d+), type=Str, "(.*)"\)$', re.DOTALL)
FIRST_DEPTH = 3  # candidates per shard: limit * FIRST_DEPTH + 10 at first, doubled while the bound says so


def shard_of(number: str, shards: int) -> int:
    """The shard a publication number belongs to (CRC-32 of the number: stable across processes and machines)."""
    return zlib.crc32(number.encode()) % shards


@dataclass
class _Candidate:
    shard: int
    number: str
    family: str
    local: float
    explanation: dict[str, Any]
    address: Any


@dataclass
class ShardedResult:
    hits: list[LexicalHit]
    total: int
    exact: bool = True  # False when a phrase clause kept its shard-local score
    depths: list[int] = field(default_factory=list)  # how deep each shard was read
    explained: int = 0  # candidates whose scores were explained and recomputed


class ShardedLexicalIndex:
    """N tantivy indexes, one per folder; ``add`` routes each document to its shard by ``shard_of``."""

    def __init__(self, folders: Iterable[Path], *, read_only: bool = False) -> None:
        self.shards = [LexicalIndex(Path(f), read_only=read_only, firms=False) for f in folders]
        if not self.shards:
            raise ValueError("a sharded index needs at least one shard folder")
        self._pool = ThreadPoolExecutor(max_workers=len(self.shards), thread_name_prefix="novum-shard")
        probe = tantivy.Query.term_query  # field ids, read back from how tantivy prints a term query
        self._field_name = {
            int(m.group(1)): name
            for name in TERM_FIELDS
            if (m := re.search(r"field=(\d+)", repr(probe(self.shards[0].schema, name, "x"))))
        }
        self._lengths: dict[tuple[int, str, int], tuple[float, float]] = {}  # (shard, field, docs) -> (tokens, N)

    def close(self) -> None:
        self._pool.shutdown()

    # --- writing ------------------------------------------------------------------------------------------------
    def add(self, patents: Iterable[Patent]) -> list[str]:
        """Index documents in their shards (in parallel); returns the numbers written."""
        parts: list[list[Patent]] = [[] for _ in self.shards]
        for patent in patents:
            parts[shard_of(patent.number, len(self.shards))].append(patent)
        done = list(self._pool.map(lambda pair: pair[0].add(pair[1]), zip(self.shards, parts, strict=True)))
        self._lengths.clear()
        return [n for written in done for n in written]

    def count(self) -> int:
        return sum(s.count() for s in self.shards)

    # --- searching ----------------------------------------------------------------------------------------------
    def search(
        self, text: str, filters: Filters | None = None, limit: int = 10, *, second_pass: bool = True
    ) -> list[LexicalHit]:
        return self.search_counted(text, filters, limit, second_pass=second_pass).hits

    def search_counted(
        self, text: str, filters: Filters | None = None, limit: int = 10, *, second_pass: bool = True
    ) -> ShardedResult:
        """The global top ``limit`` (single-index BM25 scores) and the number of matching documents.

        Explaining a score costs about a millisecond, so only candidates that could still reach the top are
        explained: in order of their bound (local score times the shard's bound), until the bound of the next
        falls under the ``limit``-th rescored score.
        """
        filters = filters or Filters()
        # a long text's term query on each shard, built once: searched with the filters, and (second pass) alone
        documents = [shard.document_query(text) for shard in self.shards]
        free = [document or shard.text_query(text) for shard, document in zip(self.shards, documents, strict=True)]
        if any(q is None for q in free):
            return ShardedResult([], 0)
        queries = [shard._with_filters(q, filters) for shard, q in zip(self.shards, free, strict=True) if q is not None]
        document = second_pass and documents[0] is not None
        wanted, limit = limit, max(limit, bm25.RESCORE_DEPTH) if document else limit
        searchers = [s.index.searcher() for s in self.shards]  # one snapshot per shard for the whole search
        depth = [limit * FIRST_DEPTH + 10] * len(self.shards)
        fetched = list(self._pool.map(lambda i: self._fetch(searchers[i], queries[i], depth[i]), range(len(depth))))
        terms = _query_terms(text, filters)
        stats = self._statistics(terms, searchers)
        bounds = [self._bound(i, stats) for i in range(len(searchers))]
        done: dict[tuple[int, int, int], _Candidate] = {}
        scores: dict[tuple[int, int, int], tuple[float, bool]] = {}
        while True:
            ranked = sorted(scores.values(), key=lambda pair: -pair[0])
            floor = ranked[limit - 1][0] if len(ranked) >= limit else -math.inf
            pending = sorted(
                ((score * bounds[i], i, address) for i, (hits, _) in enumerate(fetched) for score, address in hits
                 if _key(i, address) not in done and score * bounds[i] >= floor),
                key=lambda item: -item[0],
            )  # fmt: skip
            if pending:
                batch = pending[: max(limit, 4)]  # explained a few at a time, raising the floor as they come
                fresh = {_key(i, a): self._explain(i, searchers[i], queries[i], a) for _, i, a in batch}
                found: set[tuple[str, str]] = set()
                for c in fresh.values():
                    _collect_terms(c.explanation, self._field_name, found)
                if found - stats.terms:  # a term the analysis missed: its statistics, and bounds that count it
                    self._extend(stats, found - stats.terms, searchers)
                    bounds = [self._bound(i, stats) for i in range(len(searchers))]
                # a term's global idf and a field's global length do not depend on other terms: earlier scores stand
                scores.update((key, self._rescore(c.explanation, c.shard, stats)) for key, c in fresh.items())
                done.update(fresh)
                continue
            deeper = [
                i for i, (hits, _) in enumerate(fetched)
                if len(hits) == depth[i] and hits[-1][0] * bounds[i] >= floor
            ]  # fmt: skip
            if not deeper:
                break
            for i in deeper:
                depth[i] *= 2
                fetched[i] = self._fetch(searchers[i], queries[i], depth[i])
        order = sorted(done, key=lambda key: (-scores[key][0], done[key].number))[:limit]
        top = [(scores[key][0], key) for key in order]
        if document:  # as one index does it (novum.index.bm25), with the collection's statistics
            top = bm25.second_pass(top, lambda key: self._document_score(done[key], documents, searchers, stats))
        hits = [LexicalHit(done[key].number, score, done[key].family) for score, key in top[:wanted]]
        exact = all(scores[key][1] for _, key in top[:wanted])
        return ShardedResult(hits, sum(count for _, count in fetched), exact, depth, len(done))

    def _document_score(
        self, candidate: _Candidate, documents: list[tantivy.Query | None], searchers: list[Any], stats: _Stats
    ) -> float:
        """A candidate's BM25 for the long text alone (no filter clauses) at the second pass's k1 and b."""
        query = documents[candidate.shard]
        assert query is not None
        explanation = json.loads(query.explain(searchers[candidate.shard], candidate.address).to_json())
        return self._rescore(explanation, candidate.shard, stats, (bm25.K1, bm25.B))[0]

    @staticmethod
    def _fetch(searcher: Any, query: tantivy.Query | None, depth: int) -> tuple[list[tuple[float, Any]], int]:
        """A shard's best ``depth`` (local score, address) pairs and how many documents match there."""
        assert query is not None
        result = searcher.search(query, limit=depth, count=True)
        return [(float(score), address) for score, address in result.hits], int(getattr(result, "count", 0) or 0)

    @staticmethod
    def _explain(i: int, searcher: Any, query: tantivy.Query | None, address: Any) -> _Candidate:
        assert query is not None
        stored = searcher.doc(address)
        explanation = json.loads(query.explain(searcher, address).to_json())
        return _Candidate(
            i, stored["number"][0], stored["family"][0], float(explanation["value"]), explanation, address
        )

    # --- global statistics --------------------------------------------------------------------------------------
    def _statistics(self, terms: set[tuple[str, str]], searchers: list[Any]) -> _Stats:
        local = {(i, key): self._doc_freq(searchers[i], key) for key in terms for i in range(len(searchers))}
        fields = {name for name, _ in terms}
        lengths = {(i, name): self._field_length(i, name) for name in fields for i in range(len(searchers))}
        # N as BM25 sees it (the probes' explanations), else the live document count
        docs = [max((d for (j, _), (_, d) in lengths.items() if j == i), default=float(s.num_docs))
                for i, s in enumerate(searchers)]  # fmt: skip
        return _Stats(local, docs, lengths, set(terms))

    def _extend(self, stats: _Stats, terms: set[tuple[str, str]], searchers: list[Any]) -> None:
        """Add the statistics of more terms (and of any new field) to ``stats``."""
        stats.local.update(
            {(i, key): self._doc_freq(searchers[i], key) for key in terms for i in range(len(searchers))}
        )
        for name in {name for name, _ in terms}:
            for i in range(len(searchers)):
                if (i, name) not in stats.lengths:
                    stats.lengths[(i, name)] = self._field_length(i, name)
        stats.terms |= terms

    @staticmethod
    def _doc_freq(searcher: Any, key: tuple[str, str]) -> int:
        try:
            return int(searcher.doc_freq(key[0], key[1]))
        except ValueError:  # a field the query names that holds no such term type
            return 0

    def _field_length(self, i: int, name: str) -> tuple[float, float]:
        """(total tokens, documents) of a field in a shard, read from the explanation of a probe term's score."""
        searcher = self.shards[i].index.searcher()
        key = (i, name, int(searcher.num_docs))
        if key not in self._lengths:
            tokens, docs = 0.0, float(searcher.num_docs)
            try:
                probes = searcher.terms_with_prefix(name, "", limit=1)
            except ValueError:  # not a text field
                probes = []
            for term, _ in probes:
                query = tantivy.Query.term_query(self.shards[i].schema, name, term)
                hit = searcher.search(query, limit=1).hits
                if hit:
                    leaf = bm25.term_statistics(json.loads(query.explain(searcher, hit[0][1]).to_json()))
                    tokens = leaf["avgdl"] * leaf["N"]
                    docs = leaf["N"]
            self._lengths[key] = (tokens, docs)
        return self._lengths[key]

    def _bound(self, i: int, stats: _Stats) -> float:
        """How much higher than its local score a document of shard ``i`` can score globally."""
        present = [key for key in stats.terms if stats.local.get((i, key), 0) > 0]  # others add nothing there
        idf = max((stats.idf(key) / max(stats.local_idf(i, key), 1e-9) for key in present), default=1.0)
        avgdl = max((max(1.0, stats.avgdl(name) / max(stats.local_avgdl(i, name), 1e-9))
                     for name in {n for n, _ in present}), default=1.0)  # fmt: skip
        return max(1.0, idf) * avgdl

    def _rescore(
        self, node: dict[str, Any], shard: int, stats: _Stats, k1_b: tuple[float, float] | None = None
    ) -> tuple[float, bool]:
        """The node's score with global statistics (at tantivy's k1 and b, or ``k1_b``), and whether every part of
        it could be recomputed."""
        description = str(node.get("description", ""))
        children = node.get("details") or []
        if description.startswith("TermQuery") and node.get("context"):
            key = self._term_key(node["context"][0])
            leaf = bm25.term_statistics(node)
            if key is not None:
                k1, b = k1_b or (leaf["k1"], leaf["b"])
                return stats.idf(key) * bm25.saturation(leaf["freq"], leaf["dl"], stats.avgdl(key[0]), k1, b), True
        boost = bm25.BOOST.match(description)
        if boost and len(children) == 1:
            value, whole = self._rescore(children[0], shard, stats, k1_b)
            return float(boost.group(1)) * value, whole
        if description.startswith("BooleanClause"):
            parts = [self._rescore(child, shard, stats, k1_b) for child in children]
            return sum(p[0] for p in parts), all(p[1] for p in parts)
        constant = not children and not description.startswith(("TermQuery", "Phrase"))
        return float(node["value"]), constant  # a constant-score clause (filters) or a phrase: kept as it is

    def _term_key(self, context: str) -> tuple[str, str] | None:
        match = _TERM.search(context)
        if match is None or int(match.group(1)) not in self._field_name:
            return None
        return self._field_name[int(match.group(1))], _unescape(match.group(2))


@dataclass
class _Stats:
    local: dict[tuple[int, tuple[str, str]], int]  # (shard, (field, term)) -> document frequency
    docs: list[float]  # documents per shard
    lengths: dict[tuple[int, str], tuple[float, float]]  # (shard, field) -> (tokens, documents)
    terms: set[tuple[str, str]]

    def idf(self, key: tuple[str, str]) -> float:
        n = sum(self.local.get((i, key), 0) for i in range(len(self.docs)))
        return bm25.idf(n, sum(self.docs))

    def local_idf(self, shard: int, key: tuple[str, str]) -> float:
        return bm25.idf(self.local.get((shard, key), 0), self.docs[shard])

    def avgdl(self, name: str) -> float:
        tokens = sum(t for (_, f), (t, _) in self.lengths.items() if f == name)
        return tokens / sum(self.docs) if sum(self.docs) else 0.0

    def local_avgdl(self, shard: int, name: str) -> float:
        tokens, docs = self.lengths.get((shard, name), (0.0, 0.0))
        return tokens / docs if docs else 0.0


def _key(shard: int, address: Any) -> tuple[int, int, int]:
    return shard, int(address.segment_ord), int(address.doc)


def _query_terms(text: str, filters: Filters) -> set[tuple[str, str]]:
    """The (field, term) pairs the free-text query can score on, for the bounds (explanations add any missed)."""
    terms = {(name, str(t)) for t in _english().analyze(text) for name in RANKED_FIELDS}
    if has_cjk(text):
        terms |= {(f"{name}_zh", str(t)) for t in _segmented().analyze(segment(text)) for name in RANKED_FIELDS}
    terms |= {("country", v.upper()) for v in filters.country} | {("kind", v.upper()) for v in filters.kind}
    return terms


def _collect_terms(node: dict[str, Any], names: dict[int, str], into: set[tuple[str, str]]) -> None:
    for context in node.get("context") or []:
        match = _TERM.search(str(context))
        if match and int(match.group(1)) in names:
            into.add((names[int(match.group(1))], _unescape(match.group(2))))
    for child in node.get("details") or []:
        _collect_terms(child, names, into)


def _unescape(text: str) -> str:
    """A term as tantivy's debug output quotes it (Rust escapes quotes and backslashes, keeps other characters)."""
    return re.sub(r"\\(.)", r"\1", text)
