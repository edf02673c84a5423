"""The parser and printer: the dialect table, precedence, fields, dates, classes and the error messages."""

from __future__ import annotations

import pytest

from novum.errors import QuerySyntaxError
from novum.search.query import parse, to_text
from novum.search.query.ast import (
    And,
    ClassQuery,
    DateQuery,
    Fielded,
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
from tests.query.dialects import TABLE


def test_the_table_covers_every_dialect() -> None:
    assert len(TABLE) >= 40
    assert {d for d, _, _ in TABLE} >= {"uspto", "epoque", "cql", "chinese", "boolean"}


@pytest.mark.parametrize(("dialect", "query", "canonical"), TABLE, ids=[q for _, q, _ in TABLE])
def test_dialect_table(dialect: str, query: str, canonical: str) -> None:
    tree = parse(query)
    assert to_text(tree) == canonical
    assert parse(canonical) == tree  # the canonical text reads back to the same tree


W = Term
ADJ = "word"


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("wireless ADJ charging", Prox(W("wireless"), W("charging"), "word", 1, True)),
        ("a near b", Prox(W("a"), W("b"), "word", 1, False)),
        ("a NEAR5 b", Prox(W("a"), W("b"), "word", 5, False)),
        ("a 2W b", Prox(W("a"), W("b"), "word", 3, True)),  # at most two words between
        ("a W b", Prox(W("a"), W("b"), "word", 1, True)),
        ("a 0D b", Prox(W("a"), W("b"), "word", 1, False)),
        ("a with b", Prox(W("a"), W("b"), "sentence", 0, False)),
        ("a NOT SAME b", Prox(W("a"), W("b"), "paragraph", 0, False, negated=True)),
        ("a prox/distance<3 b", Prox(W("a"), W("b"), "word", 2, False)),
        ("a OR b AND c", Or((W("a"), And((W("b"), W("c")))))),
        ("a OR b NOT c", And((Or((W("a"), W("b"))), Not(W("c"))))),
        ("a XOR b OR c", Xor(W("a"), Or((W("b"), W("c"))))),
        ("a ADJ b WITH c", Prox(Prox(W("a"), W("b"), "word", 1, True), W("c"), "sentence", 0, False)),
        ("a WITH b ADJ c", Prox(W("a"), Prox(W("b"), W("c"), "word", 1, True), "sentence", 0, False)),
        ("a b", And((W("a"), W("b")))),
        ('"lithium ion" battery', And((Phrase("lithium ion"), W("battery")))),
        ("ti=(a OR b)", Fielded(("title",), Or((W("a"), W("b"))))),
        ("a.ti,ab.", Fielded(("title", "abstract"), W("a"))),
        ("a/TI/CLMS", Fielded(("title", "claims"), W("a"))),
        ("名称=电池", Fielded(("title",), W("电池"))),
        ('sem("wireless charging")', Semantic("wireless charging")),
        ("L1 AND NOT L2", And((SetRef("L1"), Not(SetRef("L2"))))),
        ("cpc=H04L 9/32", ClassQuery("cpc", "H04L9/32")),  # the space ends the value: H04L is a partial class
        ('cpc="H04L 9/32"', ClassQuery("cpc", "H04L9/32")),
        ("cpc=H04L9/32/low", ClassQuery("cpc", "H04L9/32")),
        ("cpc==H04L9/32", ClassQuery("cpc", "H04L9/32", exact=True)),
        ("cpc=H04L9", ClassQuery("cpc", "H04L9/00")),
        ("ipc=H04L0009320000", ClassQuery("ipc", "H04L9/32")),
        ("pd=2010:2015", DateQuery("published", 20100101, 20151231)),
        ("pd>2010-06-30", DateQuery("published", 20100701, None)),
        ("pd<20100101", DateQuery("published", None, 20091231)),
        ("公开日=2021-03", DateQuery("published", 20210301, 20210331)),
        ("country=cn", Value("country", "CN")),
    ],
)
def test_trees(query: str, tree: object) -> None:
    if query == "cpc=H04L 9/32":
        assert parse(query) == And((ClassQuery("cpc", "H04L"), W("9/32")))
        return
    assert parse(query) == tree


def test_default_operator_is_configurable() -> None:
    assert parse("a b", default_operator="OR") == Or((W("a"), W("b")))
    assert to_text(parse("a b c", default_operator="OR")) == "a OR b OR c"


def test_epoque_short_operators_are_terms_where_an_operand_is_due() -> None:
    assert parse("3D AND printing") == And((W("3D"), W("printing")))
    assert parse("vitamin d") == And((W("vitamin"), W("d")))  # lower case: a word, not an operator


@pytest.mark.parametrize(
    ("query", "message", "column"),
    [
        ("wireless AND power NEAR3", "expected a term after NEAR3 at column 25", 25),
        ("wireless NEAR3 AND power", "expected a term after NEAR3 at column 16", 16),
        ("(wireless OR power", "expected ) to close the ( at column 1, at column 19", 19),
        ("wireless)", "unexpected ) at column 9", 9),
        ('"wireless power', 'expected a closing " for the phrase opened at column 1', 1),
        ("foo=bar", "unknown field 'foo' at column 1", 1),
        ("pd>=soon", "expected a date (YYYYMMDD, YYYY-MM-DD or YYYY) after pd>= at column 5", 5),
        ("cpc=wireless", "expected a CPC symbol such as H04L9/32 at column 1", 1),
        ("ti>=wifi", "ti takes = at column 1, not >=", 1),
        ("", "the query is empty", 1),
        ("a ADJ5000 b", "proximity distance 5000 at column 3 is over the limit", 3),
        ("NOT", "expected a term after NOT at column 4", 4),
        ("()", "expected a term after ( at column 2", 2),
        ("a [xx]", "unknown field [xx] at column 3", 3),
    ],
)
def test_errors_name_the_column_and_what_was_expected(query: str, message: str, column: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert message in str(caught.value)
    assert getattr(caught.value, "column", None) == column


def test_limits() -> None:
    with pytest.raises(QuerySyntaxError, match="deeper than"):
        parse("(" * 200 + "a" + ")" * 200)
    with pytest.raises(QuerySyntaxError, match="more than 500 terms"):
        parse(" OR ".join(f"w{i}" for i in range(600)))
