"""The engine on real data (demo corpus + CNIPA fixtures) and on small records built to pin exact semantics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from novum.errors import QuerySyntaxError
from novum.index.lexical import Filters, LexicalIndex
from novum.search.query import History, QueryTooExpensiveError, render_explanation, run_query
from novum.store.sqlite import Store
from tests.conftest import fixture
from tests.helpers import DEMO, DEMO_JSONL, ingest_paths, record, write_lines


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, LexicalIndex]]:
    data = tmp_path_factory.mktemp("demo")
    ingest_paths(data, DEMO_JSONL, DEMO / "xml", fixture("cn-jp-wipo/data/examples"))  # not the PatentsView tables
    with Store(data) as store:
        yield store, LexicalIndex(data)


def numbers(query: str, env: tuple[Store, LexicalIndex], **kw: object) -> list[str]:
    store, index = env
    return [h.number for h in run_query(query, store, index, limit=50, **kw).hits]  # type: ignore[arg-type]


# --- hand-verified hits on real documents ----------------------------------------------------------------------
def test_paragraph_proximity_on_an_ep_grant(demo: tuple[Store, LexicalIndex]) -> None:
    # EP3404678B1 claim 1: "... a Buchholz relay (12) arranged above a level ..." — the only Buchholz document.
    assert numbers("buchholz SAME relay", demo) == ["EP3404678B1"]
    assert numbers("buchholz ADJ relay", demo) == ["EP3404678B1"]
    assert numbers("relay ADJ buchholz", demo) == []  # ADJ is ordered
    assert numbers("relay NEAR buchholz", demo) == ["EP3404678B1"]


def test_sentence_proximity_with_truncation(demo: tuple[Store, LexicalIndex]) -> None:
    result = run_query("encrypt* WITH (file OR files)", *demo, limit=10, count_all=True)
    assert result.verified and result.total == 7 and result.candidates == 22  # sentences removed candidates
    first = run_query("encrypt* WITH (file OR files)", *demo, limit=2)
    assert first.total_is_lower_bound and [h.number for h in first.hits] == [h.number for h in result.hits[:2]]
    assert result.hits[0].number == "US8799651"  # "Method and system for encrypted file access"
    lines = render_explanation(result.hits[0])
    assert lines[0] == "  + encrypt* WITH (file OR files)"
    assert "title, sentence 1: Method and system for **encrypted** **file** access" in lines[1]


def test_fielded_boolean_and_classes(demo: tuple[Store, LexicalIndex]) -> None:
    assert numbers("ti=(wireless AND power)", demo) == ["US9277500", "US9042286", "US8390433"]
    assert numbers("ipc=H04L9/32", demo) == ["CN113783949A"]  # IPC H04L9/32 listed on the CNIPA record
    assert numbers("ipc=H04L9", demo) == ["CN113783949A"]  # main group takes its sub-groups
    assert numbers("ipc==H04L9/3", demo) == []  # exact: no such symbol
    assert numbers("pn=US8799651", demo) == ["US8799651"]


def test_chinese_terms_fields_and_proximity(demo: tuple[Store, LexicalIndex]) -> None:
    # CN113783949A, title 一种基于合约管理的跨链去中心化方法: 合约 and 管理 are adjacent segmented words.
    assert numbers("(合约 NEAR3 管理) AND 名称=去中心化", demo) == ["CN113783949A"]
    assert numbers("名称=(合约 ADJ 管理)", demo) == ["CN113783949A"]
    assert numbers("名称=(管理 ADJ 合约)", demo) == []
    assert numbers("名称=显示设备", demo) == ["CN113781974A"]
    assert numbers("区块链 AND 申请日>=2021 AND 分类号=H04L9/32", demo) == ["CN113783949A"]
    hit = run_query("名称=(合约 ADJ 管理)", *demo).hits[0]
    assert "一种基于**合约管理**的跨链去中心化方法" in "\n".join(render_explanation(hit))


def test_filters_are_pushed_into_the_query(demo: tuple[Store, LexicalIndex]) -> None:
    assert numbers("跨链 OR buchholz", demo, filters=Filters(country=["CN"])) == ["CN113783949A"]
    assert numbers("跨链 OR buchholz", demo, filters=Filters(country=["EP"])) == ["EP3404678B1"]


def test_semantic_clause_restricts_nothing_and_is_exposed(demo: tuple[Store, LexicalIndex]) -> None:
    store, index = demo
    alone = run_query('sem("encrypted file access")', store, index, limit=3)
    assert alone.total == index.count()  # no Boolean restriction: everything, ranked lexically
    assert alone.hits[0].number == "US8799651"
    assert alone.semantic_texts == ["encrypted file access"]
    inside = run_query('sem("encrypted file access") AND ipc=H04L9/32', store, index)
    assert [h.number for h in inside.hits] == ["CN113783949A"]


def test_expensive_queries_are_refused(demo: tuple[Store, LexicalIndex]) -> None:
    with pytest.raises(QueryTooExpensiveError, match="needs at least 2 letters before it"):
        run_query("a*", *demo)
    with pytest.raises(QueryTooExpensiveError, match="candidate documents, more than the limit of 5"):
        run_query("system WITH method", *demo, max_verify=5)
    with pytest.raises(QuerySyntaxError, match="only stop words"):
        run_query("the", *demo)
    with pytest.raises(QuerySyntaxError, match="operands of ADJ"):
        run_query("(a AND b) ADJ c", *demo)


# --- exact semantics on built records ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, LexicalIndex]]:
    data = tmp_path_factory.mktemp("built")
    claims = [
        {"number": 1, "text": "A charging pad comprising a coil. The battery of the phone is charged wirelessly."},
        {"number": 2, "text": "The pad of claim 1, wherein the coil is copper.", "depends_on": [1]},
    ]
    lines = [
        record("XX1A", "Wireless charging pad", "A pad that charges a phone without wires.", claims=claims,
               description=[{"text": "The women use the pad; the colour is red."}, {"text": "Battery heat."}],
               cpc=["H02J50/10", "H02J7/00"], publication_date="2015-06-01", country="XX"),
        record("XX2A", "Charging station for wireless devices", "Battery exchange station.",
               description=[{"text": "A woman charges. The station has no coil."}],
               cpc=["H02J7/0042"], publication_date="2010-01-01", country="XX"),
        record("XX3A", "Coil winding machine", "Winds copper coil for motors; the battery is not involved.",
               cpc=["H01F41/04"], publication_date="2005-03-03", country="XX"),
    ]  # fmt: skip
    ingest_paths(data, write_lines(data / "records.jsonl", lines))
    with Store(data) as store:
        yield store, LexicalIndex(data)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wireless ADJ charging", ["XX1A"]),  # title "Wireless charging pad"; XX2A has them apart
        ("charging ADJ5 wireless", ["XX1A", "XX2A"]),  # "Charging station for wireless"; "charged wirelessly"
        ("charging ADJ2 wireless", ["XX1A"]),  # stems: charged → charg, wirelessly → wireless
        ("station ADJ2 wireless", ["XX2A"]),  # "station for wireless": the stop word "for" keeps its position
        ("station ADJ wireless", []),
        ("charging ADJ3 wireless", ["XX1A", "XX2A"]),
        ("wireless NEAR3 charging", ["XX1A", "XX2A"]),
        ("charg* 1W wireless", ["XX1A"]),
        ("pad WITH coil", ["XX1A"]),  # claim 1, sentence 1
        ("battery WITH coil", []),  # XX1A: different sentences of claim 1; XX3A: a ";" ends the sentence
        ("battery SAME coil", ["XX1A", "XX3A"]),
        ("battery NOT WITH coil", ["XX1A", "XX2A", "XX3A"]),
        ("coil NOT SAME station", ["XX1A", "XX3A"]),
        ("wom?n", ["XX1A", "XX2A"]),  # women / woman
        ("colo#r", ["XX1A"]),  # colour
        ("cpc=H02J7/00", ["XX1A", "XX2A"]),  # H02J7/0042 is a sub-group of H02J7/00
        ("cpc=H02J7/00/exact", ["XX1A"]),
        ("pd=2010:2015 AND coil", ["XX1A", "XX2A"]),
        ("@pd>=20100102<=20151231 AND coil", ["XX1A"]),
        ("coil XOR battery", []),
        ("independent=coil", ["XX1A"]),
        ("claims=copper", ["XX1A"]),
        ("copper NOT claims=copper", ["XX3A"]),
        ("station OR (pad AND NOT phone)", ["XX2A"]),
    ],
)
def test_semantics(built: tuple[Store, LexicalIndex], query: str, expected: list[str]) -> None:
    assert sorted(numbers(query, built)) == expected


def test_stop_words_keep_their_place(built: tuple[Store, LexicalIndex]) -> None:
    # "The battery of the phone": battery and phone are 3 positions apart, as tantivy counts them.
    assert numbers("battery ADJ3 phone", built) == ["XX1A"]
    assert numbers("battery ADJ2 phone", built) == []
    assert numbers('"battery of the phone"', built) == ["XX1A"]


def test_history_labels_and_set_algebra(built: tuple[Store, LexicalIndex]) -> None:
    store, index = built
    history = History(store, workspace="test")
    history.clear()
    first = run_query("coil", store, index, history=history)
    second = run_query("battery SAME coil", store, index, history=history)
    assert (first.label, second.label) == ("L1", "L2")
    third = run_query("L3 = L1 AND NOT L2", store, index, history=history)
    assert third.label == "L3" and sorted(h.number for h in third.hits) == ["XX2A"]
    fourth = run_query("L1 AND wireless", store, index, history=history)
    assert fourth.label == "L4" and sorted(h.number for h in fourth.hits) == ["XX1A", "XX2A"]
    listed = [(e.label, e.query, e.hits) for e in history.entries()]
    assert listed == [
        ("L1", "coil", 3),
        ("L2", "battery SAME coil", 2),
        ("L3", "L1 AND NOT L2", 1),
        ("L4", "L1 AND wireless", 2),
    ]
    with pytest.raises(QuerySyntaxError, match="unknown set L9 at column 1"):
        run_query("L9 AND coil", store, index, history=history)
    with pytest.raises(QuerySyntaxError, match="L1 is already in the search history"):
        run_query("L1 = coil", store, index, history=history)
    assert History(store, workspace="other").entries() == []


def test_explanation_names_clause_field_paragraph_and_sentence(built: tuple[Store, LexicalIndex]) -> None:
    hit = run_query("battery NOT WITH coil AND NOT station", *built).hits[0]
    lines = render_explanation(hit)
    assert lines[0] == "  + battery NOT WITH coil"
    expected = "claims, claim 1, sentence 2: A charging pad comprising a coil. The **battery** of the phone is charged"
    assert f"      {expected} wirelessly." in lines
    assert lines[-1] == "  + NOT station: absent"
