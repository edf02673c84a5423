"""``--explain`` for free text: per hit, which of the query's words matched, in which fields and passages.

Free text is ranked by BM25 over the words (and, in the semantic modes, by the closest passage), so the useful
explanation is the one the query language gives per clause: each word (or quoted phrase) of the query, whether
the hit has it, and where: field, paragraph or claim, sentence, with the words marked. The words are read the way
the index reads them (same stems, Chinese segmented the same way) by compiling them as a disjunction and asking
the query language's evaluator, so the two explanations never disagree about what matched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from novum.index.lexical import LexicalIndex
from novum.normalize.text import has_cjk
from novum.search.prior_art import Hit
from novum.search.query.ast import Node, Or, Phrase, Term
from novum.search.query.compile import compile_query
from novum.search.query.engine import QueryHit, render_explanation
from novum.search.query.evaluate import Evaluator
from novum.search.query.proximity import chinese_words, english_key

_PHRASE = re.compile(r'"([^"]+)"')
_WORD = re.compile(r"[^\W_]+")


def query_words(text: str) -> list[Term | Phrase]:
    """The words and quoted phrases of a free-text query that the index can match, each once, in query order.

    Stop words are left out (the index does not hold them); Chinese runs are cut into words as the index cuts them.
    """
    out: dict[str, Term | Phrase] = {}
    for phrase in _PHRASE.findall(text):
        words = " ".join(_WORD.findall(phrase))
        if words and (has_cjk(words) or any(english_key(w) for w in words.split())):
            out.setdefault(f'"{words.lower()}"', Phrase(words))
    for word in _WORD.findall(_PHRASE.sub(" ", text)):
        pieces = [w for w in chinese_words(word) if _WORD.fullmatch(w)] if has_cjk(word) else [word]
        for piece in pieces:
            if has_cjk(piece) or english_key(piece):
                out.setdefault(piece.lower(), Term(piece))
    return list(out.values())


def explain_text(index: LexicalIndex, text: str, hits: Sequence[Hit]) -> dict[str, list[str]]:
    """Explanation lines per hit number, in the format of the query language's ``--explain``.

    A hit found by the semantic ranker alone may match none of the words; its line names the passage that made it
    close to the query instead.
    """
    words = query_words(text)
    explanations: dict[str, list[str]] = {}
    evaluator = None
    if words:
        ast: Node = words[0] if len(words) == 1 else Or(tuple(words))
        evaluator = Evaluator(compile_query(ast, index))
    for hit in hits:
        clauses = evaluator.explain(hit.patent) if evaluator is not None else []
        lines = render_explanation(QueryHit(hit.rank, hit.number, hit.score, "", hit.patent, clauses))
        if hit.passage:
            lines.append(f"  ~ semantic: closest passage {hit.passage}")
        explanations[hit.number] = lines
    return explanations
