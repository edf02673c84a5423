"""The query evaluated on one stored record: the verifier of inexact candidates and the source of ``--explain``.

Its meaning of every clause is tantivy's (same tokens, same stems, same class prefixes, same dates), so a
candidate it accepts is one the index would have matched had the index known sentences and paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from novum.analytics.sei import codes as sei_codes
from novum.model import Patent
from novum.normalize.numbers import application_key, claim_keys
from novum.search.query.ast import (
    And,
    ClassQuery,
    DateQuery,
    Fielded,
    Node,
    Not,
    Or,
    Phrase,
    Prox,
    Semantic,
    SetRef,
    Term,
    Value,
    Xor,
)
from novum.search.query.compile import CompiledQuery, class_regex, number_forms
from novum.search.query.fields import FULLTEXT
from novum.search.query.printer import to_text
from novum.search.query.proximity import DocText, FieldText, Occ, locate, pair, pattern_occurrences, snippet

_EVIDENCE_PER_CLAUSE = 3


@dataclass(slots=True)
class Evidence:
    """Where a clause matched: field, paragraph (1-based, with the office's label), sentence in it, the words."""

    field: str
    paragraph: int | None = None
    label: str = ""
    sentence: int | None = None
    terms: tuple[str, ...] = ()
    snippet: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "paragraph": self.paragraph,
            "label": self.label,
            "sentence": self.sentence,
            "terms": list(self.terms),
            "snippet": self.snippet,
        }


@dataclass(slots=True)
class ClauseMatch:
    """One clause of the query (a word, phrase, proximity expression or field condition) on one record."""

    clause: str
    matched: bool
    negated: bool = False  # under a NOT: the record passes when the clause does not match
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "matched": self.matched,
            "negated": self.negated,
            "evidence": [e.to_dict() for e in self.evidence],
        }


def _date(patent: Patent, name: str) -> int | None:
    iso = {
        "published": patent.publication_date,
        "filed": patent.filing_date,
        "priority": patent.earliest_priority(),
        "effective": patent.effective_date,
    }[name]
    return int(iso.replace("-", "")) if iso else None


class Evaluator:
    def __init__(self, compiled: CompiledQuery) -> None:
        self.compiled = compiled

    def matches(self, patent: Patent) -> bool:
        return self.truth(self.compiled.ast, DocText(patent), FULLTEXT)

    # --- truth ------------------------------------------------------------------------------------------------
    def truth(self, node: Node, doc: DocText, fields: tuple[str, ...]) -> bool:
        if isinstance(node, Term | Phrase | Prox):
            return any(self.occurrences(node, doc.field(f)) for f in fields)
        if isinstance(node, Fielded):
            return self.truth(node.child, doc, node.fields)
        if isinstance(node, And):
            return all(self.truth(c, doc, fields) for c in node.children)
        if isinstance(node, Or):
            return any(self.truth(c, doc, fields) for c in node.children)
        if isinstance(node, Not):
            return not self.truth(node.child, doc, fields)
        if isinstance(node, Xor):
            return self.truth(node.left, doc, fields) != self.truth(node.right, doc, fields)
        return self.value_match(node, doc.patent) is not None

    def value_match(self, node: Node, patent: Patent) -> str | None:
        """The value that satisfied a non-text clause (``cpc H04L9/3226``), or None."""
        if isinstance(node, Semantic):
            return "semantic ranking only"
        if isinstance(node, SetRef):
            return node.label if patent.number in self.compiled.sets.get(node.label, frozenset()) else None
        if isinstance(node, ClassQuery):
            prefix = class_regex(node)
            symbols = patent.cpc if node.scheme == "cpc" else patent.ipc
            for symbol in symbols:
                if symbol == node.symbol if prefix is None else symbol.startswith(prefix):
                    return f"{node.scheme} {symbol}"
            return None
        if isinstance(node, DateQuery):
            day = _date(patent, node.field)
            if day is None or (node.lower is not None and day < node.lower):
                return None
            if node.upper is not None and day > node.upper:
                return None
            return f"{node.field} {day // 10000}-{day // 100 % 100:02d}-{day % 100:02d}"
        assert isinstance(node, Value)
        if node.field == "country":
            return f"country {patent.country}" if patent.country == node.value else None
        if node.field == "kind":
            return f"kind {patent.kind}" if patent.kind == node.value else None
        if node.field == "sei":
            found = [c for c in sei_codes(patent.ipc, patent.cpc) if c == node.value or c.startswith(node.value + ".")]
            return f"sei {found[0]}" if found else None
        if node.field == "priority_number":
            key = application_key(node.value)
            claims = [c for c in patent.priority_claims if c.number and key in claim_keys(c.country, c.number)]
            return f"priority_number {claims[0].country or ''}{claims[0].number}" if claims else None
        spellings = {patent.number, f"{patent.country}{patent.doc_number}", patent.doc_number}
        return f"number {patent.number}" if spellings & number_forms(node.value) else None

    def occurrences(self, node: Node, ft: FieldText) -> list[Occ]:
        if isinstance(node, Term | Phrase):
            leaf = self.compiled.leaves[node]
            pattern = leaf.zh if ft.chinese else leaf.en
            return pattern_occurrences(pattern, ft) if pattern is not None else []
        if isinstance(node, Or):
            found = {o.positions: o for c in node.children for o in self.occurrences(c, ft)}
            return sorted(found.values(), key=lambda o: (o.start, o.end))
        if isinstance(node, Fielded):
            return self.occurrences(node.child, ft) if ft.name in node.fields else []
        assert isinstance(node, Prox)
        left = self.occurrences(node.left, ft)
        right = self.occurrences(node.right, ft) if left else []
        return pair(node, left, right, ft)

    # --- explanation ------------------------------------------------------------------------------------------
    def explain(self, patent: Patent) -> list[ClauseMatch]:
        """Every clause of the query on this record, in query order, with where it matched."""
        doc = DocText(patent)
        out: list[ClauseMatch] = []
        self._clauses(self.compiled.ast, doc, FULLTEXT, False, out)
        return out

    def _clauses(
        self, node: Node, doc: DocText, fields: tuple[str, ...], negated: bool, out: list[ClauseMatch]
    ) -> None:
        if isinstance(node, And | Or):
            for child in node.children:
                self._clauses(child, doc, fields, negated, out)
        elif isinstance(node, Xor):
            self._clauses(node.left, doc, fields, negated, out)
            self._clauses(node.right, doc, fields, negated, out)
        elif isinstance(node, Not):
            self._clauses(node.child, doc, fields, not negated, out)
        elif isinstance(node, Fielded) and not isinstance(node.child, Term | Phrase | Prox):
            self._clauses(node.child, doc, node.fields, negated, out)
        elif isinstance(node, Term | Phrase | Prox | Fielded):
            inner = node.child if isinstance(node, Fielded) else node
            scope = node.fields if isinstance(node, Fielded) else fields
            evidence: list[Evidence] = []
            for name in scope:
                ft = doc.field(name)
                places: set[tuple[int, int]] = set()
                for occ in self.occurrences(inner, ft):
                    place = locate(ft, occ)
                    if place in places:
                        continue
                    places.add(place)
                    evidence.append(_evidence(ft, occ))
                    if len(places) >= _EVIDENCE_PER_CLAUSE:
                        break
            out.append(ClauseMatch(to_text(node), bool(evidence), negated, evidence))
        else:
            found = self.value_match(node, doc.patent)
            evidence = [Evidence(field=found.split(" ", 1)[0], snippet=found)] if found else []
            out.append(ClauseMatch(to_text(node), found is not None, negated, evidence))


def _evidence(ft: FieldText, occ: Occ) -> Evidence:
    paragraph, sentence = locate(ft, occ)
    words = tuple(dict.fromkeys(ft.paragraphs[ft.tokens[p].para][ft.tokens[p].start : ft.tokens[p].end]
                                for p in occ.positions))  # fmt: skip
    return Evidence(ft.name, paragraph, ft.labels[paragraph - 1], sentence, words, snippet(ft, occ))
