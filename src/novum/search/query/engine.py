"""Running a query: candidates and BM25 ranking from tantivy, exact verification where tantivy cannot be exact,
an explanation per hit, and the result recorded in the search history.

Verification reads candidates from the store in score order, so the ranking stays tantivy's. It is bounded: a
query whose proximity would have to be checked on more than ``max_verify`` documents is refused with a message
saying so, rather than running for minutes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from novum.index.lexical import Filters, LexicalIndex
from novum.model import Patent
from novum.search.query.ast import Node, SetRef, walk
from novum.search.query.compile import CompiledQuery, QueryTooExpensiveError, compile_query
from novum.search.query.evaluate import ClauseMatch, Evaluator
from novum.search.query.history import MAX_SET_SIZE, History, split_assignment
from novum.search.query.parser import DefaultOperator, parse
from novum.store.sqlite import Store

MAX_VERIFY = 20_000
_CHUNK = 256


@dataclass(slots=True)
class QueryHit:
    rank: int
    number: str
    score: float
    family: str
    patent: Patent
    clauses: list[ClauseMatch] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "number": self.number,
            "title": self.patent.title(),
            "score": round(self.score, 4),
            "explanation": [c.to_dict() for c in self.clauses],
        }


@dataclass(slots=True)
class QueryResult:
    query: str  # canonical
    hits: list[QueryHit]
    total: int  # documents matching (before family collapse and the limit); see ``total_is_lower_bound``
    candidates: int  # documents tantivy returned (== total when no verification was needed)
    verified: bool
    compiled: CompiledQuery
    label: str | None = None  # the history label the result was saved under
    seconds: float = 0.0
    total_is_lower_bound: bool = False  # verification stopped once the page was full (``count_all=False``)

    @property
    def semantic_texts(self) -> list[str]:
        return self.compiled.semantic_texts


def run_query(
    query: str | Node,
    store: Store,
    index: LexicalIndex,
    *,
    filters: Filters | None = None,
    limit: int = 10,
    default_operator: DefaultOperator = "AND",
    history: History | None = None,
    explain: bool = True,
    collapse_families: bool = False,
    max_verify: int = MAX_VERIFY,
    count_all: bool | None = None,
) -> QueryResult:
    """Parse (when given text), compile, search, verify, explain; with ``history``, resolve ``L1``-style sets from
    it and record the result as the next label (or the one assigned: ``L3 = L1 AND NOT L2``).

    ``count_all`` (default: only when recording history) verifies every candidate for an exact total; otherwise
    verification stops once the page is full and ``total`` is a lower bound (``candidates`` the upper one)."""
    started = time.perf_counter()
    label: str | None = None
    source: str | None = None
    if isinstance(query, str):
        label, source = split_assignment(query) if history is not None else (None, query)
        ast = parse(source, default_operator)
    else:
        ast = query
    refs = sorted({n.label for n in walk(ast) if isinstance(n, SetRef)})
    sets = history.sets(refs) if history is not None and refs else {}
    compiled = compile_query(ast, index, filters=filters, sets=sets, source=source)
    searcher = index.index.searcher()
    candidates = int(getattr(searcher.search(compiled.query, limit=1, count=True), "count", 0) or 0)
    want_all = history is not None
    count_all = want_all if count_all is None else count_all or want_all
    lower_bound = False
    if not compiled.exact and candidates > max_verify:
        raise QueryTooExpensiveError(
            f"{compiled.text!r} needs its proximity checked on {candidates:,} candidate documents, more than the"
            f" limit of {max_verify:,}: add a field, a class or a date range, or use longer words"
        )
    evaluator = Evaluator(compiled)
    ranked: list[tuple[float, str, str]] = []  # (score, number, family) of the matches, best first
    cached: dict[str, Patent] = {}
    if compiled.exact:
        page = max(limit, 1) * (5 if collapse_families else 1)
        fetch = min(candidates, MAX_SET_SIZE) if want_all else min(candidates, page)
        total = candidates
        for score, address in searcher.search(compiled.query, limit=max(fetch, 1)).hits if candidates else []:
            stored = searcher.doc(address)
            ranked.append((float(score), stored["number"][0], stored["family"][0]))
    else:
        result = searcher.search(compiled.query, limit=max(candidates, 1)).hits if candidates else []
        step = _CHUNK if count_all else max(2 * limit, 20)
        for start in range(0, len(result), step):
            chunk = [(float(s), searcher.doc(a)) for s, a in result[start : start + step]]
            records = store.get_many(d["number"][0] for _, d in chunk)
            for score, stored in chunk:
                number = stored["number"][0]
                patent = records.get(number)
                if patent is not None and evaluator.matches(patent):
                    ranked.append((score, number, stored["family"][0]))
                    if len(ranked) <= limit * 5:
                        cached[number] = patent
            if not count_all and len(_page(ranked, limit, collapse_families)) >= limit:
                lower_bound = start + step < len(result)
                break
        total = len(ranked)
    hits = _page(ranked, limit, collapse_families)
    missing = [n for _, n, _ in hits if n not in cached]
    cached.update(store.get_many(missing))
    out: list[QueryHit] = []
    for score, number, family in hits:
        patent = cached.get(number)
        if patent is None:  # indexed but no longer stored: `novum reindex` rebuilds the index
            continue
        clauses = evaluator.explain(patent) if explain else []
        out.append(QueryHit(len(out) + 1, number, score, family, patent, clauses))
    saved: str | None = None
    if history is not None:
        saved = history.add(compiled.text, [n for _, n, _ in ranked], hits=total, label=label).label
    return QueryResult(compiled.text, out, total, candidates, not compiled.exact, compiled, saved,
                       time.perf_counter() - started, lower_bound)  # fmt: skip


def _page(ranked: list[tuple[float, str, str]], limit: int, collapse: bool) -> list[tuple[float, str, str]]:
    if not collapse:
        return ranked[:limit]
    seen: set[str] = set()
    page: list[tuple[float, str, str]] = []
    for item in ranked:
        if item[2] in seen:
            continue
        seen.add(item[2])
        page.append(item)
        if len(page) == limit:
            break
    return page


def render_explanation(hit: QueryHit) -> list[str]:
    """Plain-text lines for ``--explain``: each clause, whether it held, and where (field, paragraph, sentence)
    with the matched words in ``**bold**``. The CLI may restyle the ``**`` marks."""
    lines: list[str] = []
    for clause in hit.clauses:
        held = clause.matched != clause.negated
        mark = "+" if held else "-"
        prefix = "NOT " if clause.negated else ""
        if not clause.evidence:
            lines.append(f"  {mark} {prefix}{clause.clause}: {'absent' if not clause.matched else 'matched'}")
            continue
        lines.append(f"  {mark} {prefix}{clause.clause}")
        for ev in clause.evidence:
            if ev.paragraph is None:
                lines.append(f"      {ev.snippet}")
                continue
            where = [ev.field]
            if ev.label:
                where.append(ev.label)
            elif ev.field in ("description", "claims"):
                where.append(f"paragraph {ev.paragraph}")
            where.append(f"sentence {ev.sentence}")
            lines.append(f"      {', '.join(where)}: {ev.snippet}")
    return lines
