"""Which documents a landscape or a monitor covers: a query-language query, an industry definition, an SEI code and
the search filters, all AND-ed, resolved by the search index to the exact set of publication numbers.

A landscape query is always read as the query language with AND between words (``drone spray`` means both words),
because a landscape is a set, not a ranking: free text's "any word" would take in most of the corpus.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from novum.analytics.industries import Industry
from novum.index.lexical import Filters, LexicalIndex
from novum.search.query import compile_query, parse, run_query
from novum.store.sqlite import Store


@dataclass(slots=True)
class Scope:
    query: str | None = None
    industry: Industry | None = None
    sei: list[str] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)

    def expression(self) -> str | None:
        """The query-language expression of the query and the industry together, or ``None`` for neither."""
        parts = [f"({p})" for p in (self.query, self.industry.expression() if self.industry else None) if p]
        return " AND ".join(parts) if parts else None

    def to_dict(self) -> dict[str, Any]:
        filters = {k: v for k, v in dataclasses.asdict(self.filters).items() if v not in (None, []) and k != "only"}
        return {
            "query": self.query,
            "industry": None
            if self.industry is None
            else {"name": self.industry.name, "title_zh": self.industry.title_zh, "title_en": self.industry.title_en,
                  "version": self.industry.version, "digest": self.industry.digest, "path": self.industry.path},
            "sei": self.sei,
            "filters": filters,
            "expression": self.expression(),
        }  # fmt: skip

    def describe(self) -> str:
        bits = []
        if self.industry:
            bits.append(f"{self.industry.title_zh} / {self.industry.title_en}")
        if self.sei:
            bits.append("SEI " + ", ".join(self.sei))
        if self.query:
            bits.append(self.query)
        return "; ".join(bits) or "all documents"


def select_numbers(store: Store, index: LexicalIndex, scope: Scope) -> list[str] | None:
    """The publication numbers in scope, sorted; ``None`` means every stored document (nothing restricts)."""
    filters = dataclasses.replace(scope.filters, sei=[*scope.filters.sei, *scope.sei])
    expression = scope.expression()
    if expression is None and filters.is_empty():
        return None
    searcher = index.index.searcher()
    if expression is None:
        import tantivy

        clauses = index.filter_clauses(filters)
        query = tantivy.Query.boolean_query(clauses)
        return _all_numbers(searcher, query)
    compiled = compile_query(parse(expression, "AND"), index, filters=filters, source=expression)
    if compiled.exact:
        return _all_numbers(searcher, compiled.query)
    total = int(getattr(searcher.search(compiled.query, limit=1, count=True), "count", 0) or 0)
    result = run_query(expression, store, index, filters=filters, limit=max(total, 1), explain=False, count_all=True)
    return sorted(h.number for h in result.hits)


def _all_numbers(searcher: Any, query: Any) -> list[str]:
    total = int(getattr(searcher.search(query, limit=1, count=True), "count", 0) or 0)
    if not total:
        return []
    hits = searcher.search(query, limit=total).hits
    return sorted(searcher.doc(address)["number"][0] for _, address in hits)
