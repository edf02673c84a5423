"""The query language patent searchers already know: USPTO, EPOQUE/CNIPA, Espacenet CQL and Chinese field names
parsed by one parser into one tree, compiled to tantivy, proximity verified on the stored text.

Entry points: ``parse`` (text → tree), ``to_text`` (tree → canonical text), ``compile_query`` (tree → tantivy),
``run_query`` (search with verification, explanation and history), ``History`` (L1, L2, ... sets).
"""

from __future__ import annotations

from novum.search.query.compile import CompiledQuery, QueryTooExpensiveError, compile_query
from novum.search.query.engine import QueryHit, QueryResult, render_explanation, run_query
from novum.search.query.history import History, HistoryEntry, render_history, split_assignment
from novum.search.query.lexer import QueryParseError
from novum.search.query.parser import parse
from novum.search.query.printer import to_text

__all__ = [
    "CompiledQuery",
    "History",
    "HistoryEntry",
    "QueryHit",
    "QueryParseError",
    "QueryResult",
    "QueryTooExpensiveError",
    "compile_query",
    "parse",
    "render_explanation",
    "render_history",
    "run_query",
    "split_assignment",
    "to_text",
]
