"""One recursive-descent parser (precedence climbing) for every dialect, building the tree in ``ast.py``.

Precedence, tightest first, follows the USPTO search tools (EAST/WEST/PPUBS) so pasted strategies mean what
they meant there: word proximity (ADJn NEARn nW nD prox/distance), sentence (WITH S prox/unit=sentence),
paragraph (SAME P prox/unit=paragraph), AND, OR, NOT, XOR. Unary ``NOT x`` (at the start of an operand) binds
tighter than AND, so ``a AND NOT b OR c`` is ``(a AND NOT b) OR c``; binary ``a NOT b`` is ``a AND NOT b`` at the
NOT level, so ``a OR b NOT c`` is ``(a OR b) AND NOT c``. Juxtaposed operands take the default operator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from novum.analytics.sei import UnknownSEIError, check_code
from novum.normalize.classification import normalize_symbol
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
from novum.search.query.fields import FieldSpec, date_bounds, shift_day, union_text
from novum.search.query.lexer import ProxSpec, QueryParseError, Token, tokenize

DefaultOperator = Literal["AND", "OR"]
_BP = {"XOR": 1, "NOT": 2, "OR": 3, "AND": 4}
_PROX_BP = {"paragraph": 5, "sentence": 6, "word": 7}
_OPERAND_START = frozenset({"WORD", "PHRASE", "LPAREN", "FIELD", "SEM", "SETREF", "VALUE"})
_MAX_DEPTH = 100
_MAX_TERMS = 500
_CLASS_PARTIAL = re.compile(r"^[A-HY](\d{2}[A-Z]?)?$")
_GROUP_ONLY = re.compile(r"^([A-HY]\d{2}[A-Z])(\d{1,4})$")


def parse(text: str, default_operator: DefaultOperator = "AND") -> Node:
    """The syntax tree of a query in any supported dialect; ``QueryParseError`` (a ``QuerySyntaxError``) names
    the column and what was expected."""
    if default_operator not in ("AND", "OR"):
        raise ValueError(f"default operator must be AND or OR, not {default_operator!r}")
    return _Parser(tokenize(text), default_operator).parse()


def _describe(token: Token) -> str:
    return "the end of the query" if token.kind == "EOF" else token.text


class _Parser:
    def __init__(self, tokens: list[Token], default_operator: DefaultOperator) -> None:
        self.tokens = tokens
        self.pos = 0
        self.default = default_operator
        self.depth = 0
        self.leaves = 0

    # --- helpers ------------------------------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def previous(self) -> Token | None:
        return self.tokens[self.pos - 1] if self.pos > 0 else None

    def expected_term(self) -> QueryParseError:
        token = self.peek()
        prev = self.previous()
        found = "" if token.kind == "EOF" else f" (found {token.text})"
        where = f" after {prev.text}" if prev is not None else ""
        return QueryParseError(f"expected a term{where} at column {token.column}{found}", token.column)

    # --- grammar ------------------------------------------------------------------------------------------------
    def parse(self) -> Node:
        if self.peek().kind == "EOF":
            raise QueryParseError("the query is empty", 1)
        node = self.expr(1)
        token = self.peek()
        if token.kind != "EOF":
            if token.kind == "RPAREN":
                raise QueryParseError(f"unexpected ) at column {token.column}: no ( to close", token.column)
            raise QueryParseError(
                f"expected an operator or the end of the query at column {token.column} (found {token.text})",
                token.column,
            )
        return node

    def operator(self) -> tuple[int, int, Callable[[Node, Node], Node]] | None:
        """Binding power, tokens to consume and builder of the operator at the cursor, or None."""
        token = self.peek()
        kind = token.kind
        if kind in ("AND", "OR", "XOR"):
            return _BP[kind], 1, _builder(kind)
        if kind == "NOT":
            after = self.peek(1)
            if after.kind == "PROX" and after.prox is not None:
                return _PROX_BP[after.prox.unit], 2, _prox_builder(after.prox, negated=True)
            return _BP["NOT"], 1, lambda a, b: _and(a, Not(b))
        if kind == "PROX" and token.prox is not None:
            return _PROX_BP[token.prox.unit], 1, _prox_builder(token.prox, negated=False)
        if kind in _OPERAND_START:
            return _BP[self.default], 0, _builder(self.default)
        return None

    def expr(self, min_bp: int) -> Node:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise QueryParseError(f"the query nests deeper than {_MAX_DEPTH} levels", self.peek().column)
        left = self._continue(self.unary(), min_bp)
        self.depth -= 1
        return left

    def _continue(self, left: Node, min_bp: int) -> Node:
        """Fold the operators binding at least ``min_bp`` onto ``left``."""
        while (op := self.operator()) is not None and op[0] >= min_bp:
            bp, consume, build = op
            for _ in range(consume):
                self.advance()
            right = self.unary()
            # operators that bind tighter than this one take the right operand first
            while (nxt := self.operator()) is not None and nxt[0] > bp:
                right = self._continue(right, nxt[0])
            left = build(left, right)
        return left

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "NOT":
            self.advance()
            if self.peek().kind in ("EOF", "RPAREN", "AND", "OR", "XOR", "NOT", "CMP", "SUFFIX"):
                raise self.expected_term()
            child = self.unary()
            while (op := self.operator()) is not None and op[0] >= _PROX_BP["paragraph"]:
                child = self._continue(child, op[0])
            return Not(child)
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while self.peek().kind == "SUFFIX":
            token = self.advance()
            node = _apply_field(node, token.specs, "=", token)
        return node

    def primary(self) -> Node:
        token = self.peek()
        kind = token.kind
        if kind == "WORD" or (kind == "PROX" and token.prox is not None and token.prox.epoque):
            self.advance()
            return self.leaf(Term(token.text))
        if kind == "PHRASE":
            self.advance()
            if not token.text.strip():
                raise QueryParseError(f"empty phrase at column {token.column}", token.column)
            return self.leaf(Phrase(" ".join(token.text.split())))
        if kind == "SEM":
            self.advance()
            if not token.text:
                raise QueryParseError(f"sem() at column {token.column} needs some text", token.column)
            return Semantic(" ".join(token.text.split()))
        if kind == "SETREF":
            self.advance()
            return SetRef(token.text.upper())
        if kind == "LPAREN":
            self.advance()
            if self.peek().kind == "RPAREN":
                raise QueryParseError(f"expected a term after ( at column {self.peek().column}", self.peek().column)
            node = self.expr(1)
            closing = self.peek()
            if closing.kind != "RPAREN":
                raise QueryParseError(
                    f"expected ) to close the ( at column {token.column}, at column {closing.column}"
                    f" (found {_describe(closing)})",
                    closing.column,
                )
            self.advance()
            return node
        if kind == "FIELD":
            self.advance()
            return self.fielded(token)
        raise self.expected_term()

    def leaf(self, node: Node) -> Node:
        self.leaves += 1
        if self.leaves > _MAX_TERMS:
            raise QueryParseError(f"the query has more than {_MAX_TERMS} terms", self.previous_column())
        return node

    def previous_column(self) -> int:
        prev = self.previous()
        return prev.column if prev is not None else 1

    def fielded(self, token: Token) -> Node:
        spec = token.specs[0]
        op = token.op
        if spec.kind == "date":
            return self.date(token)
        if op in ("all", "any", "adj"):
            phrase = self.peek()
            if phrase.kind != "PHRASE":
                raise QueryParseError(f'expected a quoted list of words after {token.text} {op} at column'
                                      f" {phrase.column}", phrase.column)  # fmt: skip
            self.advance()
            # CQL lists may separate words with commas: ia any "John, Smith"
            words: list[Node] = [Term(w) for w in re.split(r"[\s,;]+", phrase.text) if w]
            if not words:
                raise QueryParseError(f"empty phrase at column {phrase.column}", phrase.column)
            if op == "adj":  # the words next to each other, in this order
                inner: Node = self.leaf(Phrase(" ".join(phrase.text.split())))
            else:
                inner = words[0] if len(words) == 1 else (And if op == "all" else Or)(tuple(words))
            return _apply_field(inner, token.specs, "=", token)
        if op in (">", "<", ">=", "<=", "within") or (op == "==" and spec.kind == "text"):
            raise QueryParseError(f"{token.text} takes = at column {token.column}, not {op}", token.column)
        if self.peek().kind in ("EOF", "RPAREN", "AND", "OR", "XOR", "CMP"):
            raise self.expected_term()
        if token.modifier:
            return _class_modifier(self.postfix(self.primary()), token, op)
        return _apply_field(self.postfix(self.primary()), token.specs, op, token)

    def date(self, token: Token) -> Node:
        spec = token.specs[0]
        lower, upper = self.bound(token, token.op)
        while self.peek().kind == "CMP" and self.peek().op in (">", "<", ">=", "<="):
            cmp = self.advance()
            more_lower, more_upper = self.bound(cmp, cmp.op)
            if more_lower is not None:
                lower = more_lower if lower is None else max(lower, more_lower)
            if more_upper is not None:
                upper = more_upper if upper is None else min(upper, more_upper)
        return DateQuery(spec.name, lower, upper)  # type: ignore[arg-type]

    def bound(self, token: Token, op: str) -> tuple[int | None, int | None]:
        value = self.peek()
        what = f"{token.text}{op}" if op not in ("within", "/") else f"{token.text} {op}".replace(" /", "/")
        if value.kind not in ("VALUE", "WORD", "PHRASE"):
            raise QueryParseError(
                f"expected a date (YYYYMMDD, YYYY-MM-DD or YYYY) after {what} at column {value.column}", value.column
            )
        self.advance()
        raw = value.text.strip()
        if op == "within" and value.kind != "PHRASE" and date_bounds(raw) is not None:
            following = self.peek()  # `pd within 2014-03-10 2014-03-16`, unquoted
            if following.kind in ("VALUE", "WORD") and date_bounds(following.text) is not None:
                self.advance()
                raw = f"{raw} {following.text.strip()}"
        separators = r"->|:|,\s*|\s+" if op == "within" else r"->|:|\s+"  # within "2005, 2006"
        pieces = re.split(separators, raw) if op in ("=", "==", ":", "/", "within") else [raw]
        if len(pieces) > 2 or (op == "within" and len(pieces) != 2):
            raise QueryParseError(f"expected a date or a range of two dates at column {value.column}", value.column)
        bounds = [date_bounds(p) for p in pieces]
        if any(b is None for b in bounds):
            raise QueryParseError(
                f"expected a date (YYYYMMDD, YYYY-MM-DD or YYYY) after {what} at column {value.column} (found {raw})",
                value.column,
            )
        first, last = bounds[0], bounds[-1]
        assert first is not None and last is not None
        if op in ("=", "==", ":", "/", "within"):
            if first[0] > last[1]:
                raise QueryParseError(f"the range {raw} at column {value.column} ends before it starts", value.column)
            return first[0], last[1]
        if op == ">=":
            return first[0], None
        if op == ">":
            return shift_day(first[1], 1), None
        if op == "<=":
            return None, first[1]
        return None, shift_day(first[0], -1)


def _builder(kind: str) -> Callable[[Node, Node], Node]:
    if kind == "AND":
        return _and
    if kind == "OR":
        return _or
    return Xor


def _or(a: Node, b: Node) -> Node:
    return Or((*(a.children if isinstance(a, Or) else (a,)), *(b.children if isinstance(b, Or) else (b,))))


def _and(a: Node, b: Node) -> Node:
    return And((*(a.children if isinstance(a, And) else (a,)), *(b.children if isinstance(b, And) else (b,))))


def _prox_builder(spec: ProxSpec, negated: bool) -> Callable[[Node, Node], Node]:
    distance = spec.distance if spec.unit == "word" else 0
    ordered = spec.ordered if spec.unit == "word" else False
    return lambda a, b: Prox(a, b, spec.unit, distance, ordered, negated)


def _apply_field(node: Node, specs: list[FieldSpec], op: str, token: Token) -> Node:
    """Restrict ``node`` to the fields named by a prefix or suffix; value fields turn its words into values."""
    kinds = {s.kind for s in specs}
    if kinds == {"text"}:
        return Fielded(union_text(specs), node)
    if len(specs) != 1:
        raise QueryParseError(f"only text fields can be listed together ({token.text} at column {token.column})",
                              token.column)  # fmt: skip
    spec = specs[0]
    if isinstance(node, And | Or):
        return type(node)(tuple(_apply_field(c, specs, op, token) for c in node.children))
    if isinstance(node, Not):
        return Not(_apply_field(node.child, specs, op, token))
    if isinstance(node, Xor):
        return Xor(_apply_field(node.left, specs, op, token), _apply_field(node.right, specs, op, token))
    if isinstance(node, DateQuery | ClassQuery | Value) and _same_field(node, spec):
        return node
    if not isinstance(node, Term | Phrase):
        raise QueryParseError(f"{token.text} at column {token.column} takes values, not a {type(node).__name__}",
                              token.column)  # fmt: skip
    if spec.kind == "date":
        bounds = date_bounds(node.text)
        if bounds is None:
            raise QueryParseError(f"expected a date after {token.text} at column {token.column} (found {node.text})",
                                  token.column)  # fmt: skip
        return DateQuery(spec.name, *bounds)  # type: ignore[arg-type]
    if spec.kind == "class":
        return class_query(spec.name, node.text, exact=op == "==", column=token.column)
    return value_query(spec.name, node.text, token.column)


def _class_modifier(node: Node, token: Token, op: str) -> Node:
    """``cpc=/low A01B``: the class and everything below it (novum's default); ``/same``: that symbol only, like
    ``cpc==``; ``/high``: the symbol and the groups above it that novum can tell from the symbol (its main group)."""
    exact_op = "==" if token.modifier in ("same", "high") else op
    found = _apply_field(node, token.specs, exact_op, token)
    if token.modifier != "high":
        return found
    return _with_higher(found)


def _with_higher(node: Node) -> Node:
    if isinstance(node, And | Or):
        return type(node)(tuple(_with_higher(c) for c in node.children))
    if isinstance(node, Not):
        return Not(_with_higher(node.child))
    if not isinstance(node, ClassQuery) or not node.exact:
        return node  # a subclass or class has nothing above it that documents are classified in
    main = re.sub(r"/\d+$", "/00", node.symbol)
    if main == node.symbol:
        return node
    return Or((node, ClassQuery(node.scheme, main, True)))


def _same_field(node: DateQuery | ClassQuery | Value, spec: FieldSpec) -> bool:
    name = node.scheme if isinstance(node, ClassQuery) else node.field
    return name == spec.name


def class_query(scheme: str, text: str, exact: bool = False, column: int | None = None) -> ClassQuery:
    """A class symbol as typed (``H04L 9/32``, ``H04L9/32/low``, ``H04L9/32/exact``, ``H04L9/3*``)."""
    raw = text.strip().upper().replace(" ", "")
    if raw.endswith("/EXACT"):
        raw, exact = raw[: -len("/EXACT")], True
    elif raw.endswith("/LOW"):
        raw = raw[: -len("/LOW")]
    if raw.endswith(("*", "$", "+")):
        raw = raw.rstrip("*$+")
    group = _GROUP_ONLY.match(raw)
    if group:
        raw = f"{group[1]}{int(group[2])}/00"
    symbol = normalize_symbol(raw) if "/" in raw or len(raw) == 14 else None
    if symbol is None and _CLASS_PARTIAL.match(raw):
        symbol = raw
    if symbol is None and re.fullmatch(r"[A-HY]\d{2}[A-Z]\d{1,4}/\d*", raw):
        symbol = raw if not raw.endswith("/") else f"{raw}00"
    if symbol is None:
        where = f" at column {column}" if column is not None else ""
        raise QueryParseError(f"expected a {scheme.upper()} symbol such as H04L9/32{where} (found {text})", column)
    if exact and not re.search(r"/\d+$", symbol):
        exact = False  # a subclass or class is a prefix whatever was asked
    return ClassQuery(scheme, symbol, exact)  # type: ignore[arg-type]


def value_query(name: str, text: str, column: int | None = None) -> Value:
    value = re.sub(r"[\s,]", "", text).upper()
    if not value or not re.fullmatch(r"[A-Z0-9/.\-]+", value):
        raise QueryParseError(f"expected a {name} value at column {column} (found {text})", column)
    if name == "country" and not re.fullmatch(r"[A-Z]{2}", value):
        raise QueryParseError(f"expected a two-letter country code at column {column} (found {text})", column)
    if name == "sei":
        try:
            value = check_code(value)
        except UnknownSEIError as exc:
            raise QueryParseError(f"at column {column}: {exc}", column) from None
    return Value(name, value)  # type: ignore[arg-type]
