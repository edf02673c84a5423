"""Syntax tree → one tantivy query over the lexical index, plus what the verifier needs.

The tantivy query finds candidates and ranks them by BM25; every filter (classes, dates, country, kind, numbers,
history sets, the CLI's ``Filters``) is a clause of it, so filtering never costs recall. Where tantivy cannot say
exactly what the syntax means (proximity in sentences or paragraphs, USPTO word distances, wildcards checked on the
unstemmed word, negations of those), the query is a superset and ``CompiledQuery.exact`` is False: the engine then
verifies the candidates on their stored text (``proximity.py``).

Wildcards are expanded against the index's term dictionary, which holds stems: trailing truncation (``comput*``)
takes every term starting with the typed stem or with its stem (``happy*`` → ``happi…``); other wildcards
(``wom?n``, ``colo#r``, ``electr$3``) take the terms that could be stems of a matching word and are then checked on
the unstemmed word. A pattern that expands to more than ``MAX_EXPANSIONS`` terms is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import tantivy

from novum.index.lexical import BOOSTS, Filters, LexicalIndex
from novum.normalize.numbers import NumberFormatError, application_key, parse_number
from novum.normalize.text import has_cjk
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
    walk,
)
from novum.search.query.fields import FULLTEXT
from novum.search.query.lexer import QueryParseError
from novum.search.query.printer import prox_operator, to_text
from novum.search.query.proximity import Pattern, Step, chinese_words, english_key, english_words, fold

MAX_EXPANSIONS = 1000
MIN_TRUNCATION_PREFIX = 2  # letters before an unlimited truncation: `a*` would read the whole dictionary
_SCAN_LIMIT = 200_000  # dictionary terms read for one wildcard before giving up
Occur = tantivy.Occur


class QueryTooExpensiveError(QueryParseError):
    """A query that would be absurdly expensive (a wildcard matching half the dictionary, proximity to verify on
    too many documents); the message says what to narrow."""


@dataclass(frozen=True, slots=True)
class Leaf:
    """A word or phrase compiled for the English fields and for the Chinese ones (``None``: cannot match there)."""

    en: Pattern | None
    zh: Pattern | None

    @property
    def checked_on_surface(self) -> bool:
        return any(s.surface is not None for p in (self.en, self.zh) if p for s in p.steps)


@dataclass(slots=True)
class CompiledQuery:
    ast: Node
    text: str  # canonical
    query: tantivy.Query
    exact: bool  # False: candidates must be verified on the stored text
    leaves: dict[Node, Leaf] = field(default_factory=dict)
    sets: dict[str, frozenset[str]] = field(default_factory=dict)
    semantic_texts: list[str] = field(default_factory=list)  # for the hybrid ranker

    @property
    def has_boolean_restriction(self) -> bool:
        return not all(isinstance(n, Semantic | And) for n in walk(self.ast))


def compile_query(
    ast: Node,
    index: LexicalIndex,
    *,
    filters: Filters | None = None,
    sets: Mapping[str, Sequence[str]] | None = None,
    source: str | None = None,
) -> CompiledQuery:
    """Compile a tree; ``sets`` gives the numbers of history labels (``L1``), ``source`` the query as typed (for
    error columns)."""
    compiler = _Compiler(index, sets or {}, source)
    compiler.validate(ast)
    query, exact = compiler.node(ast, FULLTEXT)
    semantic = [n.text for n in walk(ast) if isinstance(n, Semantic)]
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [(Occur.Must, query or tantivy.Query.all_query())]
    for text in semantic:
        ranking = index.text_query(text)
        if ranking is not None:
            clauses.append((Occur.Should, ranking))
    clauses.extend(index.filter_clauses(filters or Filters()))
    combined = clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
    resolved = {label: frozenset(numbers) for label, numbers in compiler.sets.items()}
    return CompiledQuery(ast, to_text(ast), combined, exact, compiler.leaves, resolved, semantic)


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(Occur.Should, q) for q in queries])


def class_regex(node: ClassQuery) -> str | None:
    """The prefix a hierarchical class query matches stored symbols against, or None for an exact one."""
    if node.exact:
        return None
    symbol = node.symbol
    return symbol[:-2] if symbol.endswith("/00") else symbol


def number_forms(value: str) -> set[str]:
    """The spellings of a typed number that the index's ``numbers`` field may hold."""
    forms = {value}
    try:
        parsed = parse_number(value)
    except NumberFormatError:
        return forms
    forms.add(str(parsed))
    forms.add(parsed.number)
    if parsed.country:
        forms.add(f"{parsed.country}{parsed.number}")
    return forms


def wildcard_regex(text: str) -> str:
    """A typed wildcard pattern as a regex over folded words: ``*``/``$``/``+`` any run, ``?`` one character,
    ``#`` an optional character, ``$n`` up to n characters."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "$" and i + 1 < len(text) and text[i + 1].isdigit():
            j = i + 1
            while j < len(text) and text[j].isdigit():
                j += 1
            out.append(f".{{0,{int(text[i + 1 : j])}}}")
            i = j
            continue
        out.append({"*": ".*", "$": ".*", "+": ".*", "?": ".", "#": ".?"}.get(ch) or re.escape(ch))
        i += 1
    return "".join(out)


class _Compiler:
    def __init__(self, index: LexicalIndex, sets: Mapping[str, Sequence[str]], source: str | None) -> None:
        self.index = index
        self.schema = index.schema
        self.searcher = index.index.searcher()
        self.given_sets = sets
        self.sets: dict[str, Sequence[str]] = {}
        self.source = source
        self.leaves: dict[Node, Leaf] = {}

    def column(self, text: str) -> int | None:
        if self.source is None:
            return None
        at = self.source.find(text)
        return at + 1 if at >= 0 else None

    def error(self, message: str, text: str, expensive: bool = False) -> QueryParseError:
        column = self.column(text)
        where = f" at column {column}" if column is not None else ""
        cls = QueryTooExpensiveError if expensive else QueryParseError
        return cls(message.replace("{where}", where), column)

    # --- checks -----------------------------------------------------------------------------------------------
    def validate(self, ast: Node) -> None:
        for node in walk(ast):
            if isinstance(node, Prox):
                for side in (node.left, node.right):
                    self._prox_operand(node, side)
            if isinstance(node, SetRef) and node.label not in self.given_sets:
                raise self.error(f"unknown set {node.label}{{where}}: the search history has no such label",
                                 node.label)  # fmt: skip

    def _prox_operand(self, parent: Prox, node: Node) -> None:
        if isinstance(node, Term | Phrase | Prox):
            return
        if isinstance(node, Or):
            for child in node.children:
                self._prox_operand(parent, child)
            return
        if isinstance(node, Fielded):
            self._prox_operand(parent, node.child)
            return
        operator = prox_operator(parent)
        raise self.error(
            f"the operands of {operator}{{where}} must be words, phrases, OR-groups or proximity expressions,"
            f" not {to_text(node)}",
            operator.split()[-1],
        )

    # --- nodes ------------------------------------------------------------------------------------------------
    def node(self, node: Node, fields: tuple[str, ...]) -> tuple[tantivy.Query | None, bool]:
        """(query, exact); a None query matches every document."""
        if isinstance(node, Term | Phrase):
            return self.text_leaf(node, fields)
        if isinstance(node, Fielded):
            return self.node(node.child, node.fields)
        if isinstance(node, And):
            return self.conjunction(node.children, fields)
        if isinstance(node, Or):
            parts = [self.node(c, fields) for c in node.children]
            exact = all(e for _, e in parts)
            if any(q is None for q, _ in parts):
                return None, exact
            return tantivy.Query.boolean_query([(Occur.Should, q) for q, _ in parts if q is not None]), exact
        if isinstance(node, Not):
            return self.conjunction((node,), fields)
        if isinstance(node, Xor):
            (lq, le), (rq, re_) = self.node(node.left, fields), self.node(node.right, fields)
            if lq is None or rq is None or not (le and re_):
                either = None if lq is None or rq is None else _any([lq, rq])
                return either, False
            one = tantivy.Query.boolean_query([(Occur.Must, lq), (Occur.MustNot, rq)])
            other = tantivy.Query.boolean_query([(Occur.Must, rq), (Occur.MustNot, lq)])
            return _any([one, other]), True
        if isinstance(node, Prox):
            return self.proximity(node, fields), False
        if isinstance(node, Semantic):
            return None, True
        if isinstance(node, SetRef):
            numbers = list(self.given_sets[node.label])
            self.sets[node.label] = numbers
            if not numbers:
                return tantivy.Query.empty_query(), True
            return tantivy.Query.term_set_query(self.schema, "number", numbers), True
        if isinstance(node, ClassQuery):
            prefix = class_regex(node)
            if prefix is None:
                return tantivy.Query.term_query(self.schema, node.scheme, node.symbol, index_option="basic"), True
            return tantivy.Query.regex_query(self.schema, node.scheme, re.escape(prefix) + ".*"), True
        if isinstance(node, DateQuery):
            return tantivy.Query.range_query(
                self.schema, node.field, tantivy.FieldType.Integer, node.lower, node.upper
            ), True
        assert isinstance(node, Value)
        if node.field == "number":
            forms = sorted(number_forms(node.value))
            terms = [tantivy.Query.term_query(self.schema, "numbers", f, index_option="basic") for f in forms]
            return _any(terms), True
        if node.field == "priority_number":
            key = application_key(node.value)
            return tantivy.Query.term_query(self.schema, "priority_numbers", key, index_option="basic"), True
        return tantivy.Query.term_query(self.schema, node.field, node.value, index_option="basic"), True

    def conjunction(self, children: Sequence[Node], fields: tuple[str, ...]) -> tuple[tantivy.Query | None, bool]:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        exact = True
        for child in children:
            if isinstance(child, Not):
                query, child_exact = self.node(child.child, fields)
                if not child_exact:  # NOT of a superset would drop true matches: leave it to the verifier
                    exact = False
                    continue
                clauses.append((Occur.MustNot, query if query is not None else tantivy.Query.all_query()))
                continue
            query, child_exact = self.node(child, fields)
            exact = exact and child_exact
            if query is not None:
                clauses.append((Occur.Must, query))
        if not clauses:
            return None, exact
        if all(occur == Occur.MustNot for occur, _ in clauses):
            clauses.insert(0, (Occur.Must, tantivy.Query.all_query()))
        if len(clauses) == 1 and clauses[0][0] == Occur.Must:
            return clauses[0][1], exact
        return tantivy.Query.boolean_query(clauses), exact

    def proximity(self, node: Prox, fields: tuple[str, ...]) -> tantivy.Query:
        """Candidates for a proximity clause: both operands in one field (a phrase with slop where it can say
        more); a negated one needs only its left operand."""
        left, _ = self.node(node.left, fields)
        right, _ = self.node(node.right, fields)  # compiles the right side's words for the verifier too
        if node.negated:
            return left if left is not None else tantivy.Query.all_query()
        per_field: list[tantivy.Query] = []
        for name in fields:
            for target, chinese in ((name, False), (f"{name}_zh", True)):
                sides = [self.field_operand(side, name, target, chinese) for side in (node.left, node.right)]
                if any(s is None for s in sides):
                    continue
                phrased = self.sloppy(node, name, target, chinese)
                if phrased is not None:
                    per_field.append(phrased)
                else:
                    per_field.append(tantivy.Query.boolean_query([(Occur.Must, s) for s in sides if s is not None]))
        if not per_field:
            return tantivy.Query.empty_query()
        candidates = _any(per_field)
        scored = [(Occur.Must, candidates)]
        scored += [(Occur.Should, q) for q in (left, right) if q is not None]
        return tantivy.Query.boolean_query(scored)

    def field_operand(self, node: Node, name: str, target: str, chinese: bool) -> tantivy.Query | None:
        """A proximity operand searched in one index field, or None when it cannot occur there."""
        if isinstance(node, Term | Phrase):
            leaf = self.leaf(node, (name,))
            pattern = leaf.zh if chinese else leaf.en
            return self.pattern_query(pattern, target) if pattern is not None else None
        if isinstance(node, Fielded):
            return self.field_operand(node.child, name, target, chinese) if name in node.fields else None
        if isinstance(node, Or):
            parts = [q for q in (self.field_operand(c, name, target, chinese) for c in node.children) if q]
            return _any(parts) if parts else None
        assert isinstance(node, Prox)
        if node.negated:
            return self.field_operand(node.left, name, target, chinese)
        sides = [self.field_operand(side, name, target, chinese) for side in (node.left, node.right)]
        if any(s is None for s in sides):
            return None
        return tantivy.Query.boolean_query([(Occur.Must, s) for s in sides if s is not None])

    def sloppy(self, node: Prox, name: str, target: str, chinese: bool) -> tantivy.Query | None:
        """Word proximity of two plain words/phrases in an English field as tantivy phrase queries with slop: a
        superset of ADJn/NEARn, much tighter than both words anywhere in the field."""
        if node.unit != "word" or chinese or not isinstance(node.left, Term | Phrase):
            return None
        if not isinstance(node.right, Term | Phrase):
            return None
        left, right = self.leaf(node.left, (name,)).en, self.leaf(node.right, (name,)).en
        if left is None or right is None or any(len(s.keys) != 1 for s in (*left.steps, *right.steps)):
            return None

        def phrase(a: Pattern, b: Pattern) -> tantivy.Query:
            shift = a.steps[-1].offset + 1 - b.steps[0].offset
            words: list[str | tuple[int, str]] = [(s.offset, next(iter(s.keys))) for s in a.steps]
            words += [(s.offset + shift, next(iter(s.keys))) for s in b.steps]
            return tantivy.Query.phrase_query(self.schema, target, words, slop=node.distance - 1)

        if node.ordered:
            return phrase(left, right)
        return _any([phrase(left, right), phrase(right, left)])

    # --- words ------------------------------------------------------------------------------------------------
    def text_leaf(self, node: Term | Phrase, fields: tuple[str, ...]) -> tuple[tantivy.Query | None, bool]:
        leaf = self.leaf(node, fields)
        parts: list[tantivy.Query] = []
        exact = not leaf.checked_on_surface
        for name in fields:
            boost = BOOSTS.get(name, 1.0)
            for pattern, target in ((leaf.en, name), (leaf.zh, f"{name}_zh")):
                if pattern is None:
                    continue
                query = self.pattern_query(pattern, target)
                if len(pattern.steps) > 1 and any(len(s.keys) > 1 for s in pattern.steps):
                    exact = False
                parts.append(tantivy.Query.boost_query(query, boost) if boost != 1.0 else query)
        if not parts:
            return tantivy.Query.empty_query(), True
        return _any(parts), exact

    def pattern_query(self, pattern: Pattern, target: str) -> tantivy.Query:
        steps = pattern.steps
        if len(steps) == 1:
            return self.keys_query(steps[0].keys, target)
        if all(len(s.keys) == 1 for s in steps):
            words: list[str | tuple[int, str]] = [(s.offset, next(iter(s.keys))) for s in steps]
            return tantivy.Query.phrase_query(self.schema, target, words)
        return tantivy.Query.boolean_query([(Occur.Must, self.keys_query(s.keys, target)) for s in steps])

    def keys_query(self, keys: frozenset[str], target: str) -> tantivy.Query:
        if not keys:
            return tantivy.Query.empty_query()
        if len(keys) == 1:
            return tantivy.Query.term_query(self.schema, target, next(iter(keys)))
        if len(keys) <= 64:
            return _any([tantivy.Query.term_query(self.schema, target, k) for k in sorted(keys)])
        return tantivy.Query.term_set_query(self.schema, target, sorted(keys))

    def leaf(self, node: Term | Phrase, fields: tuple[str, ...]) -> Leaf:
        """The patterns of a word or phrase (cached per node; wildcards expanded over every text field)."""
        cached = self.leaves.get(node)
        if cached is not None:
            return cached
        text = node.text
        if isinstance(node, Term) and node.wildcard:
            leaf = self.wildcard(node)
        else:
            en = None if has_cjk(text) else self.english(text)
            zh_words = chinese_words(text)
            zh = Pattern(tuple(Step(i, frozenset({w})) for i, w in enumerate(zh_words))) if zh_words else None
            if en is None and zh is None or (en is None and not has_cjk(text)):
                raise self.error(f"{text!r}{{where}} has only stop words, which are not indexed", text)
            leaf = Leaf(en, zh)
        self.leaves[node] = leaf
        return leaf

    def english(self, text: str) -> Pattern | None:
        steps = [Step(pos, frozenset({key})) for pos, word in english_words(text) if (key := english_key(word))]
        if not steps:
            return None
        base = steps[0].offset
        return Pattern(tuple(Step(s.offset - base, s.keys) for s in steps))

    def wildcard(self, node: Term) -> Leaf:
        text = node.text
        if not re.fullmatch(r"[^\W_]*(?:[*?#+]|\$\d*)(?:[^\W_]|[*?#+]|\$\d*)*", text):
            raise self.error(f"the wildcard {text!r}{{where}} must be a single word", text)
        lowered = "".join(fold(ch) if ch.isalnum() else ch for ch in text)
        prefix = re.match(r"[^*?#$+]*", lowered).group(0)  # type: ignore[union-attr]
        unlimited = bool(re.search(r"[*+]|\$(?!\d)", lowered))
        if len(prefix) < (MIN_TRUNCATION_PREFIX if unlimited else 1):
            raise self.error(
                f"the wildcard {text!r}{{where}} needs at least {MIN_TRUNCATION_PREFIX if unlimited else 1}"
                " letters before it: it would match too much of the dictionary",
                text,
                expensive=True,
            )
        full = re.compile(wildcard_regex(lowered))
        trailing = re.fullmatch(r"[^*?#$+]+[*+$]", lowered) is not None
        tail = re.search(r"[^*?#$+\d]*$", lowered).group(0)  # type: ignore[union-attr]
        relaxed = re.compile(wildcard_regex(lowered[: len(lowered) - len(tail)]) + _optional_tail(tail))
        prefixes = {prefix[: max(1, len(prefix) - 1)] if not trailing else prefix}
        if trailing and (stem := english_key(prefix)) and stem != prefix:
            prefixes.add(stem)
        en_keys = self.expand(prefixes, FULLTEXT + ("independent_claims", "applicant", "inventor"),
                              lambda t: bool(full.fullmatch(t) or relaxed.fullmatch(t) or (
                                  trailing and any(t.startswith(p) for p in prefixes))), text)  # fmt: skip
        zh_keys = self.expand({prefix}, tuple(f"{n}_zh" for n in FULLTEXT), lambda t: bool(full.fullmatch(t)), text)
        surface = None if trailing else full
        en = Pattern((Step(0, frozenset(en_keys), surface),))
        zh = Pattern((Step(0, frozenset(zh_keys)),))
        return Leaf(en, zh)

    def expand(self, prefixes: set[str], targets: tuple[str, ...], accept: object, text: str) -> set[str]:
        assert callable(accept)
        keys: set[str] = set()
        for target in targets:
            for prefix in prefixes:
                terms = self.searcher.terms_with_prefix(target, prefix, limit=_SCAN_LIMIT)
                if len(terms) >= _SCAN_LIMIT:
                    raise self.error(f"the wildcard {text!r}{{where}} reads too much of the dictionary; type more"
                                     " letters before it", text, expensive=True)  # fmt: skip
                keys.update(term for term, _ in terms if accept(term))
            if len(keys) > MAX_EXPANSIONS:
                raise self.error(
                    f"the wildcard {text!r}{{where}} matches more than {MAX_EXPANSIONS} words; type more letters",
                    text,
                    expensive=True,
                )
        return keys


def _optional_tail(tail: str) -> str:
    """``ing`` → ``(?:i(?:n(?:g)?)?)?``: the letters stemming may have cut off a pattern's end (y may be i)."""
    out = ""
    for ch in reversed(tail):
        letter = "[yi]" if ch in "yi" else re.escape(ch)
        out = f"(?:{letter}{out})?"
    return out
