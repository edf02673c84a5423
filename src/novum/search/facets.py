"""Facets of a search: how the documents a query matches split by year, office, CPC and IPC subclass and applicant.

Counts are taken over the whole match set (every document the words or the Boolean query match under the
filters) when it has at most ``FACET_CAP`` documents, else over the ``FACET_CAP`` best-ranked ones; a query-language
query whose proximity must be checked on the stored text counts its first ``VERIFIED_CAP`` verified matches. The
``basis`` says which, so a page can say so. Year, office and classes come from the store's columns, so they cost one
more index lookup and one indexed SQL read; the applicant is inside the JSON record, so it is counted over the best
``APPLICANT_CAP`` matches only (``Facets.applicants_counted``).

Year and applicant are not index filters; clicking them narrows the search to the matched documents with that
value (``narrow``), through ``Filters.only``, which every engine honours.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from novum.analytics.applicants import clean_name
from novum.index.lexical import LexicalIndex
from novum.search.query import History, run_query
from novum.search.query.ast import SetRef, walk
from novum.search.query.compile import compile_query
from novum.search.query.history import split_assignment
from novum.search.query.parser import parse
from novum.search.service import SearchParams, SetLookup, reads_as_query
from novum.store.facets import FacetReader, FacetRow
from novum.store.sqlite import Store

FACET_CAP = 10_000  # documents counted at most (the best-ranked ones when the match set is larger)
VERIFIED_CAP = 500  # verified matches counted for a proximity query that needs the stored text checked
APPLICANT_CAP = 500  # the applicant is read from the JSON record: counted over the best this many only
TOP = 12  # values shown per facet
FACETS = ("year", "country", "cpc", "ipc", "applicant")


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str  # what a filter link carries
    label: str  # what is shown
    count: int


@dataclass(slots=True)
class Facets:
    """Facet counts and what they were counted over: ``all`` matches, the ``best`` N, or the first N ``verified``."""

    basis: str
    counted: int
    groups: dict[str, list[FacetValue]] = field(default_factory=dict)
    applicants_counted: int = 0  # the applicant facet covers the best this many of ``counted``

    def to_dict(self) -> dict[str, Any]:
        return {"basis": self.basis, "counted": self.counted, "applicants_counted": self.applicants_counted,
                "groups": {k: [dataclasses.asdict(v) for v in vs] for k, vs in self.groups.items()}}  # fmt: skip


def match_numbers(
    store: Store, index: LexicalIndex, params: SearchParams, cap: int = FACET_CAP
) -> tuple[list[str], str]:
    """The numbers of the documents the search matches, best first, at most ``cap``; and the basis (see ``Facets``).

    Free text counts the documents its words match (the lexical match set, which is also what a hybrid result
    pages through); the query language counts its Boolean result."""
    if not reads_as_query(params):
        found = [h.number for h in index.search(params.q, params.filters, limit=cap)]
        total = index.count_matches(params.q, params.filters)
        return found, "all" if total <= cap else "best"
    label, source = split_assignment(params.q)
    ast = parse(source, "OR" if params.default_operator.upper() == "OR" else "AND")
    refs = sorted({n.label for n in walk(ast) if isinstance(n, SetRef)})
    history = History(store, params.workspace)
    sets = history.sets(refs) if refs else {}
    compiled = compile_query(ast, index, filters=params.filters, sets=sets, source=source)
    searcher = index.index.searcher()
    if compiled.exact:
        result = searcher.search(compiled.query, limit=cap + 1)
        numbers = [searcher.doc(address)["number"][0] for _, address in result.hits]
        return numbers[:cap], "all" if len(numbers) <= cap else "best"
    if refs:  # proximity with sets: the sets must be looked up, so run the query with a history that never records
        verified = run_query(source, store, index, filters=params.filters, limit=VERIFIED_CAP, explain=False,
                             history=SetLookup(store, params.workspace), count_all=False)  # fmt: skip
    else:
        verified = run_query(source, store, index, filters=params.filters, limit=VERIFIED_CAP, explain=False)
    numbers = [h.number for h in verified.hits]
    return numbers, "all" if verified.total <= len(numbers) and not verified.total_is_lower_bound else "verified"


def count_facets(rows: Iterable[FacetRow], top: int = TOP) -> dict[str, list[FacetValue]]:
    """Each facet's most frequent values; a document counts once per value (two CPC subclasses: both count)."""
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    shown: dict[str, Counter[str]] = {}
    for row in rows:
        if row.date:
            counters["year"][row.date[:4]] += 1
        counters["country"][row.country] += 1
        counters["cpc"].update({s[:4] for s in row.cpc.split() if len(s) >= 4})
        counters["ipc"].update({s[:4] for s in row.ipc.split() if len(s) >= 4})
        if row.applicant:
            key = clean_name(row.applicant)
            counters["applicant"][key] += 1
            shown.setdefault(key, Counter())[row.applicant] += 1
    out: dict[str, list[FacetValue]] = {}
    for name, counter in counters.items():
        ranked = counter.most_common(top) if name != "year" else sorted(counter.items(), reverse=True)[:top]
        out[name] = [
            FacetValue(value, shown[value].most_common(1)[0][0] if name == "applicant" else value, count)
            for value, count in ranked
        ]
    return out


def facet_counts(store: Store, index: LexicalIndex, params: SearchParams, cap: int = FACET_CAP) -> Facets:
    """The facets of a search (see the module docstring for what they are counted over)."""
    numbers, basis = match_numbers(store, index, params, cap)
    rows = list(FacetReader(store).rows(numbers, numbers[:APPLICANT_CAP]))
    return Facets(basis, len(rows), count_facets(rows), min(len(rows), APPLICANT_CAP))


def narrow(
    store: Store, index: LexicalIndex, params: SearchParams, years: list[str], applicants: list[str],
    cap: int = FACET_CAP,
) -> SearchParams:  # fmt: skip
    """The search restricted to its matches published in one of ``years`` and by one of ``applicants`` (cleaned
    names, as ``FacetValue.value``): the year and applicant facets' filter. Unchanged when neither is given."""
    years = [y for y in years if y]
    wanted = {clean_name(a) for a in applicants if a}
    if not years and not wanted:
        return params
    numbers, _ = match_numbers(store, index, params, cap)
    keep = [
        row.number
        for row in FacetReader(store).rows(numbers, numbers[:APPLICANT_CAP] if wanted else ())
        if (not years or (row.date or "")[:4] in years)
        and (not wanted or (row.applicant is not None and clean_name(row.applicant) in wanted))
    ]
    filters = dataclasses.replace(params.filters, only=keep)
    return dataclasses.replace(params, filters=filters)
