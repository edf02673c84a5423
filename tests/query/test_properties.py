"""Property tests: the parser never fails with anything but QuerySyntaxError, and printing is a fixpoint."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from novum.errors import QuerySyntaxError
from novum.search.query import parse, to_text
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
from novum.search.query.fields import TEXT_FIELDS

SOUP = [
    "AND", "or", "NOT", "xor", "&", "|", "(", ")", '"', "ADJ", "adj3", "NEAR2", "WITH", "SAME", "3W", "2D", "S", "P",
    "prox/distance<3", "prox/unit=sentence", "ti=", "ab:", "pd>=", "@pd<=", ".ti.", "[ab]", "/TI", "cpc=", "TTL/",
    "H04L9/32", "2010", "20100101", "wireless", "charg*", "wom?n", "colo#r", "e$2", "名称=", "无线", "充电", "sem(",
    '"x y"', "L1", "=", ">", ":", "within", "all", "pd", ",", ".", "*", "?", "$", "#", "]", "[", "@", "＝", "（",
]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SOUP), max_size=12), st.lists(st.sampled_from(["", " ", "  "]), max_size=12))
def test_token_soup_raises_only_syntax_errors(tokens: list[str], gaps: list[str]) -> None:
    text = "".join(t + (gaps[i] if i < len(gaps) else " ") for i, t in enumerate(tokens))
    try:
        tree = parse(text)
    except QuerySyntaxError:
        return
    printed = to_text(tree)
    assert parse(printed) == tree
    assert to_text(parse(printed)) == printed


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_raises_only_syntax_errors(text: str) -> None:
    try:
        tree = parse(text)
    except QuerySyntaxError:
        return
    assert parse(to_text(tree)) == tree


_RESERVED = re.compile(r"^(and|or|not|xor|with|same|adj\d*|near\d*|prox|sem)$", re.IGNORECASE)
words = st.one_of(
    st.from_regex(r"[a-z][a-z0-9]{0,7}", fullmatch=True).filter(lambda w: not _RESERVED.match(w)),
    st.sampled_from(["无线", "充电", "区块链", "comput*", "wom?n", "colo#r", "electr$3", "3D", "H04L"]),
)
terms = words.map(Term)
phrases = st.lists(words, min_size=1, max_size=3).map(lambda ws: Phrase(" ".join(ws)))
days = st.dates().filter(lambda d: d.year >= 1000).map(lambda d: d.year * 10000 + d.month * 100 + d.day)
dates = st.one_of(
    st.tuples(days, days).map(lambda p: DateQuery("published", min(p), max(p))),
    days.map(lambda d: DateQuery("filed", d, None)),
    days.map(lambda d: DateQuery("priority", None, d)),
)
classes = st.builds(
    ClassQuery,
    st.sampled_from(["cpc", "ipc"]),
    st.sampled_from(["H04L9/32", "H04L9/3226", "G06F21/00", "A61K31/4245"]),
    st.booleans(),
)
values = st.one_of(
    st.sampled_from(["US", "CN", "EP"]).map(lambda v: Value("country", v)),
    st.sampled_from(["A1", "B2"]).map(lambda v: Value("kind", v)),
    st.sampled_from(["US8799651B2", "EP1667425A1"]).map(lambda v: Value("number", v)),
)
leaves = st.one_of(
    terms,
    phrases,
    dates,
    classes,
    values,
    st.sampled_from(["L1", "L22"]).map(SetRef),
    st.lists(words, min_size=1, max_size=3).map(lambda ws: Semantic(" ".join(ws))),
)
field_sets = st.sets(st.sampled_from(TEXT_FIELDS), min_size=1).map(lambda s: tuple(f for f in TEXT_FIELDS if f in s))


def _flat(kind: type[And] | type[Or], children: list[Node]) -> Node:
    out: list[Node] = []
    for child in children:
        out.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(out))


def _extend(inner: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    prox = st.one_of(
        st.builds(Prox, inner, inner, st.just("word"), st.integers(1, 1000), st.booleans(), st.booleans()),
        st.builds(Prox, inner, inner, st.sampled_from(["sentence", "paragraph"]), st.just(0), st.just(False),
                  st.booleans()),
    )  # fmt: skip
    return st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda c: _flat(And, c)),
        st.lists(inner, min_size=2, max_size=3).map(lambda c: _flat(Or, c)),
        st.builds(Xor, inner, inner),
        inner.map(Not),
        prox,
        st.builds(Fielded, field_sets, inner),
    )


trees = st.recursive(leaves, _extend, max_leaves=12)


@settings(max_examples=500, deadline=None)
@given(trees)
def test_generated_trees_print_and_parse_back(tree: Node) -> None:
    printed = to_text(tree)
    assert parse(printed) == tree, printed
    assert to_text(parse(printed)) == printed
