"""Canonical printing of a syntax tree: one spelling per meaning, which the parser reads back to the same tree.

The canonical form is what the history stores and what ``--explain`` shows as each clause, so a strategy typed
in any dialect reads the same way afterwards: USPTO operators (ADJn NEARn WITH SAME), ``field=value`` prefixes
with novum's field names, dates as YYYYMMDD, compound operands in parentheses.
"""

from __future__ import annotations

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
from novum.search.query.fields import field_name

_ATOMS = (Term, Phrase, Semantic, SetRef, ClassQuery, DateQuery, Value)


def to_text(node: Node) -> str:
    """The canonical query text of a tree."""
    if isinstance(node, Term):
        return node.text
    if isinstance(node, Phrase):
        return f'"{node.text}"'
    if isinstance(node, Semantic):
        return f'sem("{node.text}")'
    if isinstance(node, SetRef):
        return node.label
    if isinstance(node, And | Or):
        joiner = " AND " if isinstance(node, And) else " OR "
        return joiner.join(_operand(c, allow_not=True) for c in node.children)
    if isinstance(node, Xor):
        return f"{_operand(node.left, allow_not=True)} XOR {_operand(node.right, allow_not=True)}"
    if isinstance(node, Not):
        return f"NOT {_operand(node.child)}"
    if isinstance(node, Prox):
        return f"{_operand(node.left)} {prox_operator(node)} {_operand(node.right)}"
    if isinstance(node, Fielded):
        return f"{field_name(node.fields)}={_operand(node.child)}"
    if isinstance(node, ClassQuery):
        return f"{node.scheme}={node.symbol}{'/exact' if node.exact else ''}"
    if isinstance(node, DateQuery):
        return _date(node)
    return f"{node.field}={node.value}"


def prox_operator(node: Prox) -> str:
    """``ADJ3``, ``NEAR``, ``WITH``, ``SAME``, with ``NOT`` in front when negated."""
    if node.unit == "sentence":
        word = "WITH"
    elif node.unit == "paragraph":
        word = "SAME"
    else:
        word = ("ADJ" if node.ordered else "NEAR") + (str(node.distance) if node.distance != 1 else "")
    return f"NOT {word}" if node.negated else word


def _operand(node: Node, allow_not: bool = False) -> str:
    if isinstance(node, (*_ATOMS, Fielded)) or (allow_not and isinstance(node, Not)):
        return to_text(node)
    return f"({to_text(node)})"


def _date(node: DateQuery) -> str:
    if node.lower is not None and node.upper is not None:
        if node.lower == node.upper:
            return f"{node.field}={node.lower}"
        return f"{node.field}={node.lower}:{node.upper}"
    if node.lower is not None:
        return f"{node.field}>={node.lower}"
    return f"{node.field}<={node.upper}"
