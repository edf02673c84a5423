"""Lexical search over several tantivy shards (documents hash-partitioned by number), searched in parallel and
merged with the scores one index over all the documents would give.

BM25 depends on the collection: a term's idf on the number of documents holding it, the length normalisation on
the field's average length. Each shard knows only its own, so per-shard scores are not comparable. The merge is
distributed-frequency scoring (what Elasticsearch calls DFS): each shard returns its best ``depth`` candidates
with tantivy's explanation of their scores (per term and field: frequency, field length); the coordinator gathers
the global document frequency of every term, the total document count and every field's total length from all
shards, and recomputes each candidate's BM25 with those, so the scores are the single index's scores.

A candidate set is complete when no document a shard left out could beat the merged ``limit``-th score: a
document's global score is at most its local score times the largest ratio of global to local idf over the query's
terms, times the largest ratio of global to local average field length. Where that bound could still reach the
merged ``limit``-th score, that shard is searched deeper. Phrase clauses carry no term in their explanation; their
local score is kept (``exact`` is then False on the result), which only matters for quoted queries.
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

from novum.index.lexical import TEXT_FIELDS, ZH_FIELDS, Filters, LexicalHit, LexicalIndex
from novum.model import Patent

TERM_FIELDS = (*TEXT_FIELDS, *ZH_FIELDS, "number", "family", "cpc", "ipc", "country", "kind", "numbers", "sei",
               "priority_numbers")  # fmt: skip
_TERM = re.compile(r'Term\(field=(\d+), type=Str, "(.*)"\)$', re.DOTALL)
_BOOST = re.compile(r"Boost x([0-9.eE+-]+) of")
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


@dataclass
class ShardedResult:
    hits: list[LexicalHit]
    total: int
    exact: bool = True  # False when a phrase clause kept its shard-local score
    depths: list[int] = field(default_factory=list)  # how deep each shard was read


class ShardedLexicalIndex:
    """N tantivy indexes, one per folder; ``add`` routes each document to its shard by ``shard_of``."""

    def __init__(self, folders: Iterable[Path], *, read_only: bool = False) -> None:
        self.shards = [LexicalIndex(Path(f), read_only=read_only) for f in folders]
        if not self.shards:
            raise ValueError("a sharded index needs at least one shard folder")
        self._pool = ThreadPoolExecutor(max_workers=len(self.shards), thread_name_prefix="novum-shard")
        probe = tantivy.Query.term_query  # field ids, read back from how tantivy prints a term query
        self._field_name = {
            int(m.group(1)): name
            for name in TERM_FIELDS
            if (m := re.search(r"field=(\d+)", repr(probe(self.shards[0].schema, name, "x"))))
        }
        self._lengths: dict[tuple[int, str], tuple[float, float]] = {}  # (shard, field) -> (tokens, docs)

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
    def search(self, text: str, filters: Filters | None = None, limit: int = 10) -> list[LexicalHit]:
        return self.search_counted(text, filters, limit).hits

    def search_counted(self, text: str, filters: Filters | None = None, limit: int = 10) -> ShardedResult:
        """The global top ``limit`` (single-index BM25 scores) and the number of matching documents."""
        filters = filters or Filters()
        queries = [shard._filtered(text, filters) for shard in self.shards]
        if any(q is None for q in queries):
            return ShardedResult([], 0)
        depth = [limit * FIRST_DEPTH + 10] * len(self.shards)
        fetched: list[tuple[list[_Candidate], int, float | None]] = list(
            self._pool.map(lambda i: self._candidates(i, queries[i], depth[i]), range(len(self.shards)))
        )
        while True:
            candidates = [c for found, _, _ in fetched for c in found]
            stats = self._statistics(candidates)
            exact = True
            scored: list[tuple[float, _Candidate]] = []
            for c in candidates:
                score, whole = self._rescore(c.explanation, c.shard, stats)
                exact &= whole
                scored.append((score, c))
            scored.sort(key=lambda pair: (-pair[0], pair[1].number))
            floor = scored[limit - 1][0] if len(scored) >= limit else -math.inf
            deeper = [
                i for i, (found, _, last) in enumerate(fetched)
                if last is not None and last * self._bound(i, stats) >= floor and len(found) == depth[i]
            ]  # fmt: skip
            if not deeper:
                break
            for i in deeper:
                depth[i] *= 2
            again = list(self._pool.map(lambda i: self._candidates(i, queries[i], depth[i]), deeper))
            for i, result in zip(deeper, again, strict=True):
                fetched[i] = result
        hits = [LexicalHit(c.number, score, c.family) for score, c in scored[:limit]]
        return ShardedResult(hits, sum(total for _, total, _ in fetched), exact, depth)

    def _candidates(
        self, i: int, query: tantivy.Query | None, depth: int
    ) -> tuple[list[_Candidate], int, float | None]:
        """A shard's best ``depth`` documents with their score explanations; the count; the last local score."""
        assert query is not None
        searcher = self.shards[i].index.searcher()
        result = searcher.search(query, limit=depth, count=True)
        out: list[_Candidate] = []
        for score, address in result.hits:
            stored = searcher.doc(address)
            explanation = json.loads(query.explain(searcher, address).to_json())
            out.append(_Candidate(i, stored["number"][0], stored["family"][0], float(score), explanation))
        last = float(result.hits[-1][0]) if result.hits else None
        return out, int(getattr(result, "count", 0) or 0), last

    # --- global statistics --------------------------------------------------------------------------------------
    def _statistics(self, candidates: list[_Candidate]) -> _Stats:
        terms: set[tuple[str, str]] = set()
        for c in candidates:
            _collect_terms(c.explanation, self._field_name, terms)
        searchers = [s.index.searcher() for s in self.shards]
        local = {(i, key): searchers[i].doc_freq(key[0], key[1]) for key in terms for i in range(len(searchers))}
        fields = {name for name, _ in terms}
        lengths = {(i, name): self._field_length(i, name) for name in fields for i in range(len(searchers))}
        # N as BM25 sees it (the probes' explanations), else the live document count
        docs = [max((d for (j, _), (_, d) in lengths.items() if j == i), default=float(s.num_docs))
                for i, s in enumerate(searchers)]  # fmt: skip
        return _Stats(local, docs, lengths, terms)

    def _field_length(self, i: int, name: str) -> tuple[float, float]:
        """(total tokens, documents) of a field in a shard, read from the explanation of a probe term's score."""
        key = (i, name)
        if key not in self._lengths:
            searcher = self.shards[i].index.searcher()
            tokens, docs = 0.0, float(searcher.num_docs)
            for term, _ in searcher.terms_with_prefix(name, "", limit=1):
                query = tantivy.Query.term_query(self.shards[i].schema, name, term)
                hit = searcher.search(query, limit=1).hits
                if hit:
                    leaf = _leaf(json.loads(query.explain(searcher, hit[0][1]).to_json()))
                    tokens = leaf["avgdl"] * leaf["N"]
                    docs = leaf["N"]
            self._lengths[key] = (tokens, docs)
        return self._lengths[key]

    def _bound(self, i: int, stats: _Stats) -> float:
        """How much higher than its local score a document of shard ``i`` can score globally."""
        idf = max((stats.idf(key) / max(stats.local_idf(i, key), 1e-9) for key in stats.terms), default=1.0)
        avgdl = max((max(1.0, stats.avgdl(name) / max(stats.local_avgdl(i, name), 1e-9))
                     for name in {n for n, _ in stats.terms}), default=1.0)  # fmt: skip
        return max(1.0, idf) * avgdl

    def _rescore(self, node: dict[str, Any], shard: int, stats: _Stats) -> tuple[float, bool]:
        """The node's score with global statistics, and whether every part of it could be recomputed."""
        description = str(node.get("description", ""))
        children = node.get("details") or []
        if description.startswith("TermQuery") and node.get("context"):
            key = self._term_key(node["context"][0])
            leaf = _leaf(node)
            if key is not None:
                tf = leaf["freq"] / (leaf["freq"] + leaf["k1"] * (1 - leaf["b"] + leaf["b"] * leaf["dl"] / stats.avgdl(
                    key[0])))  # fmt: skip
                return (leaf["k1"] + 1) * stats.idf(key) * tf, True
        boost = _BOOST.match(description)
        if boost and len(children) == 1:
            value, whole = self._rescore(children[0], shard, stats)
            return float(boost.group(1)) * value, whole
        if description.startswith("BooleanClause"):
            parts = [self._rescore(child, shard, stats) for child in children]
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
        return _idf(n, sum(self.docs))

    def local_idf(self, shard: int, key: tuple[str, str]) -> float:
        return _idf(self.local.get((shard, key), 0), self.docs[shard])

    def avgdl(self, name: str) -> float:
        tokens = sum(t for (_, f), (t, _) in self.lengths.items() if f == name)
        return tokens / sum(self.docs) if sum(self.docs) else 0.0

    def local_avgdl(self, shard: int, name: str) -> float:
        tokens, docs = self.lengths.get((shard, name), (0.0, 0.0))
        return tokens / docs if docs else 0.0


def _idf(n: float, total: float) -> float:
    return math.log(1 + (total - n + 0.5) / (n + 0.5))


def _leaf(node: dict[str, Any]) -> dict[str, float]:
    """The numbers of a BM25 term explanation: freq, k1, b, dl, avgdl, n and N."""
    out: dict[str, float] = {}

    def walk(item: dict[str, Any]) -> None:
        head = str(item.get("description", "")).split(",", 1)[0].strip()
        if head in ("freq", "k1", "b", "dl", "avgdl", "n", "N"):
            out[head] = float(item["value"])
        for child in item.get("details") or []:
            walk(child)

    walk(node)
    return out


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
