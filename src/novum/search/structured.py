"""Boolean / proximity / field queries in ``novum search``, next to the free-text modes.

A query is "structured" when it uses anything beyond plain words: an operator, a field, a class, a date, a
wildcard, a set label or ``sem(...)``. Plain words stay free text (BM25 / semantic / hybrid) because requiring every
word of a sentence would be the wrong search. A structured query is exact: the Boolean decides which documents
match; inside that set, documents are ranked by BM25 and, when the query holds ``sem("...")`` and embeddings
exist, fused with the semantic ranking of the same set.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from novum.errors import QuerySyntaxError
from novum.index.lexical import Filters, LexicalIndex
from novum.index.pgvector import SemanticIndex
from novum.search.fusion import reciprocal_rank_fusion
from novum.search.prior_art import Hit
from novum.search.query import History, QueryResult, parse, render_explanation, run_query, split_assignment
from novum.search.query.ast import Node, Or, Phrase, Term
from novum.store.sqlite import Store

SEMANTIC_POOL = 1000  # Boolean matches the semantic ranker may reorder


# Marks that only a query-language query has: upper-case operators, fields, brackets, sets, sem(), wildcards.
# Lower-case "and", "or", "with" are operators too once a query is read as one, but in a sentence they are words.
_QUERY_MARKS = re.compile(
    r"\b(?:AND|OR|NOT|XOR|ADJ\d*|NEAR\d*|WITH|SAME|\d+[WD]|L\d+)\b|[()=\[\]<>＝（）&|*?#$]|\.\w+\.|\bsem\(|/\w+/"
    r"|\b\w+\s+(?:within|any|all|adj)\s+[\"\d]"  # CQL relations: pd within 2010,2012; ia any "John, Smith"
    r"|\bprox/",
)
# Marks a searcher types on purpose: upper-case operators, field relations, sets, sem(), CQL and USPTO fields,
# truncation inside a word. Brackets, parentheses, "<", "&" and "3D" also occur in titles and abstracts
# ("Imidazo[1,2-a]pyridine", "augmented reality (AR)", "2D and 3D displays"): alone, they make a query-language
# reading worth trying, but when that reading fails the text is free text, not an error.
_DELIBERATE_MARKS = re.compile(
    r"\b(?:AND|OR|NOT|XOR|ADJ\d*|NEAR\d*|WITH|SAME|L\d+)\b|[=＝]|\.\w+\.|\bsem\(|\bprox/|\w[*#$]|\w\?\w|@\w+"
    r"|\b\w+\s+(?:within|any|all|adj)\s+[\"\d]"
)
# A question mark that ends a sentence ("... sprays crops?"), not one inside a word ("wom?n"): free text.
_QUESTION = re.compile(r"(?<=\w)\?+(?=\s|$)")


def is_structured(text: str) -> bool:
    """Whether the text uses the query language rather than plain words and quoted phrases.

    Text without query-language marks is free text ("Buchholz relay between tank and conservator"). Text with
    deliberate marks that fails to parse raises the syntax error (with its column): that is what the user needs to
    see, not a free-text search for "NEAR3". Text whose only marks also occur in ordinary prose (brackets,
    parentheses, "3D") and that does not parse is free text.
    """
    if not _QUERY_MARKS.search(_QUESTION.sub("", text)):
        return False
    try:
        return not _plain(parse(split_assignment(text)[1], "OR"))
    except QuerySyntaxError:
        if deliberate(text):
            raise
        return False


def deliberate(text: str) -> bool:
    """Whether the text carries marks only a query-language query has (see ``_DELIBERATE_MARKS``)."""
    return bool(_DELIBERATE_MARKS.search(_QUESTION.sub("", text)))


def _plain(node: Node) -> bool:
    if isinstance(node, Term):  # "C++" is a word in free text, not a truncation
        return not node.wildcard or not any(ch in "*?#$" for ch in node.text)
    if isinstance(node, Phrase):
        return True
    return isinstance(node, Or) and all(isinstance(c, Term | Phrase) and _plain(c) for c in node.children)


@dataclass(slots=True)
class StructuredResult:
    hits: list[Hit]
    result: QueryResult
    explanations: dict[str, list[str]] = field(default_factory=dict)


def structured_search(
    store: Store,
    index: LexicalIndex,
    text: str,
    filters: Filters,
    limit: int,
    *,
    dense: list[SemanticIndex] | None = None,
    collapse_families: bool = True,
    explain: bool = False,
    history: History | None = None,
    default_operator: str = "AND",
) -> StructuredResult:
    """Run a query-language search; ``sem()`` texts rerank the Boolean set semantically when embeddings exist."""
    semantic = bool(dense) and "sem(" in text.replace(" ", "").lower()
    result = run_query(
        text,
        store,
        index,
        filters=filters,
        limit=SEMANTIC_POOL if semantic else limit,
        default_operator="OR" if default_operator.upper() == "OR" else "AND",
        history=history,
        explain=explain,
        collapse_families=collapse_families,
    )
    ranked = [(h.number, h.score) for h in result.hits]
    if semantic and result.semantic_texts and ranked and dense:
        ranked = _with_semantics(result, ranked, dense, filters)
    by_number = {h.number: h for h in result.hits}
    hits: list[Hit] = []
    explanations: dict[str, list[str]] = {}
    snippet = index.snippets(result.compiled.text)
    for number, score in ranked[:limit]:
        found = by_number[number]
        hit = Hit(len(hits) + 1, number, score, found.patent, snippet(found.patent))
        if collapse_families and found.family and not found.family.startswith("n:"):
            hit.family_members = [n for n in store.family_members(found.family) if n != number]  # as free text does
        hits.append(hit)
        if explain:
            explanations[number] = render_explanation(found)
    return StructuredResult(hits, result, explanations)


def _with_semantics(
    result: QueryResult, ranked: list[tuple[str, float]], dense: list[SemanticIndex], filters: Filters
) -> list[tuple[str, float]]:
    """Fuse BM25 order with the semantic order of the same Boolean set (the set itself never changes)."""
    members = [n for n, _ in ranked]
    inside = dataclasses.replace(filters, only=members)
    query = " ".join(result.semantic_texts)
    rankings = [members]
    for index in dense:
        rankings.append([h.number for h in index.search(query, inside, limit=len(members))])
    return reciprocal_rank_fusion(rankings)
