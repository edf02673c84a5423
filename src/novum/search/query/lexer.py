"""Tokens for every dialect at once: USPTO, EPOQUE/CNIPA, Espacenet CQL and Chinese field names.

The lexer decides what it can from spelling alone (``ADJ3``, ``.ti.``, ``ti=``, ``/TI``, ``[ti]``); whether a word
is an operator or a term where the two collide (``3D`` in ``3D printing``) is left to the parser, which knows
whether it expects an operand. Columns are 1-based and count characters of the query as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from novum.errors import QuerySyntaxError
from novum.search.query.fields import EPOQUE_SUFFIXES, PATFT_PREFIXES, FieldSpec, lookup

TokenKind = Literal[
    "WORD", "PHRASE", "LPAREN", "RPAREN", "AND", "OR", "NOT", "XOR", "PROX",
    "FIELD", "SUFFIX", "CMP", "VALUE", "SEM", "SETREF", "EOF",
]  # fmt: skip


class QueryParseError(QuerySyntaxError):
    """A query error with the 1-based column it was found at (``None`` when it is not about one place)."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True, slots=True)
class ProxSpec:
    unit: Literal["word", "sentence", "paragraph"]
    distance: int
    ordered: bool
    epoque: bool = False  # an EPOQUE short form (3W, 2D, S, P): a term when it stands where an operand is due


@dataclass(slots=True)
class Token:
    kind: TokenKind
    text: str
    column: int
    prox: ProxSpec | None = None
    specs: list[FieldSpec] = field(default_factory=list)  # FIELD / SUFFIX
    op: str = ""  # FIELD / CMP relation: = == >= <= > < : / within all any adj
    modifier: str = ""  # FIELD: a CQL relation modifier of a class field, ``cpc=/low A01B`` (low, high, same)


# Full-width forms Chinese keyboards produce, mapped one character to one so columns stay true.
_FULLWIDTH = str.maketrans("（）＝＞＜：“”＂＆｜［］　，", '()=><:"""&|[] ,')
_DELIMS = frozenset(' \t\r\n()"&|[]=<>')
_MAX_QUERY = 10_000

_USPTO_PROX = re.compile(r"(ADJ|NEAR)(\d*)|WITH|SAME", re.IGNORECASE)
_EPOQUE_PROX = re.compile(r"(\d*)([WD])|S|P")  # upper case only: lower-case w, d, s, p stay words
_CQL_PROX = re.compile(
    r"prox((?:/(?:distance(?:<=|>=|<|>|=)\d+|unit=(?:word|sentence|paragraph)|ordered(?:=(?:true|false))?"
    r"|unordered))*)(?=[\s()\"]|$)",
    re.IGNORECASE,
)
_SEM = re.compile(r"sem\(\s*(?:\"([^\"]*)\"|([^()\"]*))\s*\)", re.IGNORECASE)
_SETREF = re.compile(r"L\d+")
_DOT_SUFFIX = re.compile(r"^(.*?)\.([A-Za-z_]+(?:,[A-Za-z_]+)*)\.$")
_DATE_VALUE = re.compile(r"\d(?:[\d./:]|-(?!>))*(?:->\d(?:[\d./]|-(?!>))*)?")
_RELATIONS = ("within", "all", "any", "adj")
# CQL relations after a field name: `ti all "..."`, `pd within 2014-03-10,2014-03-16` unquoted, and `ti adj "..."`
# in lower case only (upper-case `ti ADJ "..."` is the USPTO operator next to the word "ti").
_RELATION = re.compile(r"\s+((?i:within|all|any)|adj)(?=\s*\")|\s+((?i:within))(?=\s+\d)")
# Espacenet's class relation modifiers: `cpc=/low A01B` (the class and all below), /high, /same.
_CLASS_MODIFIER = re.compile(r"\s*/(low|high|same)(?=\s)", re.IGNORECASE)
_MAX_DISTANCE = 1000


def tokenize(text: str) -> list[Token]:
    """Tokens of a query, ending with EOF; ``QueryParseError`` names the column of anything unreadable."""
    if len(text) > _MAX_QUERY:
        raise QueryParseError(f"the query is longer than {_MAX_QUERY:,} characters")
    return _Lexer(text.translate(_FULLWIDTH)).run()


def _prox_distance(digits: str, column: int) -> int:
    value = int(digits)
    if value > _MAX_DISTANCE:
        raise QueryParseError(
            f"proximity distance {value} at column {column} is over the limit of {_MAX_DISTANCE}", column
        )
    return value


def classify_operator(word: str, column: int) -> Token | None:
    """The operator a word spells, if any (Boolean keywords and USPTO proximity in any case)."""
    upper = word.upper()
    if upper in ("AND", "OR", "NOT", "XOR"):
        return Token(upper, word, column)  # type: ignore[arg-type]
    match = _USPTO_PROX.fullmatch(word)
    if match:
        if upper == "WITH":
            return Token("PROX", word, column, ProxSpec("sentence", 0, False))
        if upper == "SAME":
            return Token("PROX", word, column, ProxSpec("paragraph", 0, False))
        distance = _prox_distance(match[2], column) if match[2] else 1
        if distance < 1:
            raise QueryParseError(f"{word} at column {column}: the distance must be at least 1", column)
        return Token("PROX", word, column, ProxSpec("word", distance, match[1].upper() == "ADJ"))
    match = _EPOQUE_PROX.fullmatch(word)
    if match:
        if word == "S":
            return Token("PROX", word, column, ProxSpec("sentence", 0, False, epoque=True))
        if word == "P":
            return Token("PROX", word, column, ProxSpec("paragraph", 0, False, epoque=True))
        between = _prox_distance(match[1], column) if match[1] else 0  # nW: at most n words in between
        return Token("PROX", word, column, ProxSpec("word", between + 1, match[2] == "W", epoque=True))
    return None


def _cql_prox(modifiers: str, text: str, column: int) -> Token:
    unit: Literal["word", "sentence", "paragraph"] = "word"
    distance, ordered = 1, False
    for modifier in filter(None, modifiers.lower().split("/")):
        if modifier.startswith("unit="):
            unit = modifier[5:]  # type: ignore[assignment]
        elif modifier in ("ordered", "unordered", "ordered=true", "ordered=false"):
            ordered = modifier in ("ordered", "ordered=true")
        else:
            op, number = re.fullmatch(r"distance(<=|>=|<|>|=)(\d+)", modifier).groups()  # type: ignore[union-attr]
            if op in (">", ">="):
                raise QueryParseError(f"prox/distance{op} at column {column} is not supported: use < or <=", column)
            value = _prox_distance(number, column)
            distance = value - 1 if op == "<" else value
            if distance < 1:
                raise QueryParseError(f"{text} at column {column}: the distance must allow at least one word", column)
    if unit != "word":
        distance = 0
    return Token("PROX", text, column, ProxSpec(unit, distance, ordered))


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.tokens: list[Token] = []

    def run(self) -> list[Token]:
        text = self.text
        while self.i < len(text):
            ch = text[self.i]
            col = self.i + 1
            if ch.isspace():
                self.i += 1
            elif ch == "(":
                self.tokens.append(Token("LPAREN", ch, col))
                self.i += 1
            elif ch == ")":
                self.tokens.append(Token("RPAREN", ch, col))
                self.i += 1
            elif ch == '"':
                end = text.find('"', self.i + 1)
                if end < 0:
                    raise QueryParseError(f'expected a closing " for the phrase opened at column {col}', col)
                self.tokens.append(Token("PHRASE", text[self.i + 1 : end], col))
                self.i = end + 1
            elif ch in "&|":
                self.i += 2 if text[self.i : self.i + 2] in ("&&", "||") else 1
                self.tokens.append(Token("AND" if ch == "&" else "OR", ch, col))
            elif ch == "[":
                self._bracket_suffix(col)
            elif ch == "]":
                raise QueryParseError(f"unexpected ] at column {col}", col)
            elif ch in "=<>":
                op = self._op()
                self.tokens.append(Token("CMP", op, col, op=op))
                self._maybe_date_value()
            else:
                self._word(col)
        self.tokens.append(Token("EOF", "", len(text) + 1))
        return self.tokens

    def _op(self) -> str:
        for op in ("==", ">=", "<=", "=", ">", "<", ":"):
            if self.text.startswith(op, self.i):
                self.i += len(op)
                return op
        raise AssertionError("unreachable")  # pragma: no cover

    def _maybe_date_value(self) -> None:
        while self.i < len(self.text) and self.text[self.i] == " ":
            self.i += 1
        match = _DATE_VALUE.match(self.text, self.i)
        if match and (match.end() == len(self.text) or self.text[match.end()] in _DELIMS):
            self.tokens.append(Token("VALUE", match[0], self.i + 1))
            self.i = match.end()

    def _bracket_suffix(self, col: int) -> None:
        end = self.text.find("]", self.i)
        if end < 0:
            raise QueryParseError(f"expected ] to close the field opened at column {col}", col)
        names = self.text[self.i + 1 : end]
        specs = [lookup(n.strip()) for n in names.split(",")]
        if not names.strip() or any(s is None for s in specs):
            raise QueryParseError(f"unknown field [{names}] at column {col}", col)
        self.tokens.append(Token("SUFFIX", f"[{names}]", col, specs=[s for s in specs if s]))
        self.i = end + 1

    def _word(self, col: int) -> None:
        text = self.text
        sem = _SEM.match(text, self.i)
        if sem:
            self.tokens.append(Token("SEM", (sem[1] if sem[1] is not None else sem[2]).strip(), col))
            self.i = sem.end()
            return
        if text[self.i : self.i + 4].lower() == "sem(":
            raise QueryParseError(f"expected a quoted text and ) after sem( at column {col + 4}", col + 4)
        cql = _CQL_PROX.match(text, self.i)
        if cql:
            self.tokens.append(_cql_prox(cql[1], cql[0], col))
            self.i = cql.end()
            return
        start = self.i
        while self.i < len(text) and text[self.i] not in _DELIMS:
            if text[self.i] == ":" and lookup(text[start : self.i]) is not None:
                break
            self.i += 1
        word = text[start : self.i]
        if self._field_prefix(word, col):
            return
        self._emit(word, col)

    def _emit(self, word: str, col: int) -> None:
        """A word that is not a field prefix: an operator, a history label, or a term (with field suffixes)."""
        if word.upper() in ("AND", "OR", "NOT", "XOR") or _USPTO_PROX.fullmatch(word) or _EPOQUE_PROX.fullmatch(word):
            token = classify_operator(word, col)
            assert token is not None
            self.tokens.append(token)
            return
        if _SETREF.fullmatch(word):
            self.tokens.append(Token("SETREF", word, col))
            return
        self._plain_word(word, col)

    def _field_prefix(self, word: str, col: int) -> bool:
        """``ti=``, ``pd>=``, ``@pd>=``, ``ti,ab=``, ``ti all "..."``, ``TTL/...``; True when one was read."""
        text = self.text
        head, slash, _ = word.partition("/")
        if slash and head in PATFT_PREFIXES:
            spec = lookup(head)
            assert spec is not None
            self.i = col - 1 + len(head) + 1
            self._emit_field(head, col, [spec], "/")
            return True
        specs = [lookup(part) for part in word.split(",")] if word else []
        known = bool(specs) and all(s is not None for s in specs)
        if known:  # `ti = foo`, `pd < 20100101`: CQL allows spaces around a relation
            after = len(text) - len(text[self.i :].lstrip(" \t"))
            if after > self.i and after < len(text) and text[after] in "=<>":
                self.i = after
        if self.i < len(text) and text[self.i] in "=<>:":
            if not known:
                if text[self.i] == ":":
                    return False
                raise QueryParseError(f"unknown field {word!r} at column {col}", col)
            op = self._op()
            self._emit_field(word, col, [s for s in specs if s], op)
            return True
        if known and len(specs) == 1 or known and {s.kind for s in specs if s} == {"text"}:
            rest = _RELATION.match(text, self.i)
            if rest and (rest[1] or specs[0] is not None and specs[0].kind == "date"):
                self.i = rest.end()
                self._emit_field(word, col, [s for s in specs if s], (rest[1] or rest[2]).lower())
                return True
        if word.startswith("@"):
            raise QueryParseError(f"expected a comparison after {word} at column {self.i + 1}", self.i + 1)
        return False

    def _emit_field(self, word: str, col: int, specs: list[FieldSpec], op: str) -> None:
        kinds = {s.kind for s in specs}
        if len(specs) > 1 and kinds != {"text"}:
            raise QueryParseError(f"only text fields can be listed together ({word} at column {col})", col)
        token = Token("FIELD", word, col, specs=specs, op=op)
        self.tokens.append(token)
        if kinds == {"class"} and op in ("=", "==", ":") and (mod := _CLASS_MODIFIER.match(self.text, self.i)):
            token.modifier = mod[1].lower()
            self.i = mod.end()
        if kinds == {"date"} and op != "within":
            self._maybe_date_value()

    def _plain_word(self, word: str, col: int) -> None:
        dotted = _DOT_SUFFIX.match(word)
        if dotted and all(lookup(n) for n in dotted[2].split(",")):
            specs = [s for s in (lookup(n) for n in dotted[2].split(",")) if s]
            if dotted[1]:
                self._emit(dotted[1], col)
            self.tokens.append(Token("SUFFIX", word[len(dotted[1]) :], col + len(dotted[1]), specs=specs))
            return
        parts = word.split("/")
        cut = len(parts)
        while cut > 1 and parts[cut - 1].lower() in EPOQUE_SUFFIXES:
            cut -= 1
        if cut < len(parts):
            base = "/".join(parts[:cut])
            specs = [s for s in (lookup(p) for p in parts[cut:]) if s]
            if base:
                self._emit(base, col)
            self.tokens.append(Token("SUFFIX", word[len(base) :], col + len(base), specs=specs))
            return
        stripped = word.rstrip(".,;:!")
        if stripped and stripped != word:
            self._emit(stripped, col)  # "AND," is the operator, "device." the word
        elif stripped:
            self.tokens.append(Token("WORD", stripped, col))
