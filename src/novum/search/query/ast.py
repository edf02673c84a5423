"""The one syntax tree every dialect parses into.

Frozen dataclasses so trees compare by value: the dialect tables in the tests check parses by equality, and
parse → print → parse stability is a plain ``==``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["word", "sentence", "paragraph"]
DateField = Literal["published", "filed", "priority", "effective"]
ValueField = Literal["country", "kind", "number", "priority_number", "sei"]
ClassScheme = Literal["cpc", "ipc"]

WILDCARD_CHARS = frozenset("*?#$+")


@dataclass(frozen=True, slots=True)
class Term:
    """One word as typed; may carry truncation/wildcard marks (``comput*``, ``wom?n``, ``colo#r``, ``electr$3``)."""

    text: str

    @property
    def wildcard(self) -> bool:
        return any(ch in WILDCARD_CHARS for ch in self.text)


@dataclass(frozen=True, slots=True)
class Phrase:
    """Quoted words that must appear in this order, adjacent (stop words keep their place)."""

    text: str


@dataclass(frozen=True, slots=True)
class Semantic:
    """``sem("...")``: free text for the semantic ranker; as a Boolean clause it restricts nothing."""

    text: str


@dataclass(frozen=True, slots=True)
class SetRef:
    """``L3``: the documents an earlier query of the search history returned."""

    label: str


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Xor:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class Prox:
    """Two operands near each other in the same field.

    ``unit="word"``: within ``distance`` word positions (1 = adjacent), in order when ``ordered``.
    ``unit="sentence"``/``"paragraph"``: in the same sentence/paragraph (``distance`` unused, 0).
    ``negated``: the left operand occurs but never in that relation to the right one (USPTO ``NOT WITH``).
    """

    left: Node
    right: Node
    unit: Unit = "word"
    distance: int = 1
    ordered: bool = False
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Fielded:
    """A sub-query restricted to text fields (canonical names from ``fields.TEXT_FIELDS``, in that order)."""

    fields: tuple[str, ...]
    child: Node


@dataclass(frozen=True, slots=True)
class ClassQuery:
    """A CPC/IPC symbol in the stored spelling; ``exact=False`` takes in its sub-groups (the default)."""

    scheme: ClassScheme
    symbol: str
    exact: bool = False


@dataclass(frozen=True, slots=True)
class DateQuery:
    """Inclusive bounds as YYYYMMDD integers; ``None`` is open."""

    field: DateField
    lower: int | None
    upper: int | None


@dataclass(frozen=True, slots=True)
class Value:
    """An exact keyword: country code, kind code, publication number or priority (application) number."""

    field: ValueField
    value: str


Node = Term | Phrase | Semantic | SetRef | And | Or | Xor | Not | Prox | Fielded | ClassQuery | DateQuery | Value


def walk(node: Node) -> list[Node]:
    """Every node of a tree, parents before children."""
    out: list[Node] = [node]
    if isinstance(node, And | Or):
        for child in node.children:
            out.extend(walk(child))
    elif isinstance(node, Xor | Prox):
        out.extend(walk(node.left))
        out.extend(walk(node.right))
    elif isinstance(node, Not | Fielded):
        out.extend(walk(node.child))
    return out
