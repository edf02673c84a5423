"""SEI classification: the concordance's pattern rules, real documents with known IPC, the index field and filter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from novum.analytics import sei
from novum.index.lexical import Filters, open_index_for_reading
from novum.ingest.reader import read_file
from novum.search.query import parse, run_query
from novum.store.sqlite import Store
from tests.conftest import shared
from tests.helpers import novum


def test_the_concordance_has_40_branches_and_303_rules() -> None:
    branches = sei.branches()
    assert len(branches) == 40
    assert sum(len(b.rules) for b in branches) == 303
    assert (branches[0].code, branches[0].name, branches[0].page) == ("1.1", "下一代信息网络产业", 148)
    assert sei.branch_names()["1.5"] == "人工智能"
    assert sei.branch_names()["7"] == "节能环保产业"


def test_pattern_reading() -> None:
    group = sei.Pattern.parse("G06F1*")  # main group 1 with its subgroups, not G06F11
    assert group.matches(sei.Symbol.parse("G06F1/26"))  # type: ignore[arg-type]
    assert not group.matches(sei.Symbol.parse("G06F11/30"))  # type: ignore[arg-type]
    exact = sei.Pattern.parse("G06F9/44")  # that group alone: the table lists G06F9/445 separately
    assert exact.matches(sei.Symbol.parse("G06F9/44"))  # type: ignore[arg-type]
    assert not exact.matches(sei.Symbol.parse("G06F9/445"))  # type: ignore[arg-type]
    assert sei.Pattern.parse("G16*").matches(sei.Symbol.parse("G16H50/20"))  # type: ignore[arg-type]
    assert sei.Pattern.parse("H03M13").matches(sei.Symbol.parse("H03M13/11"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not an IPC pattern"):
        sei.Pattern.parse("G06F-1")


def test_exclusions_apply_to_their_rule() -> None:
    # 1.1 rule 1 includes G06F21* but excludes G06F21/62; G06F21/62 still reaches other branches by their rules
    rule = sei.branches()[0].rules[0]
    assert rule.matches(sei.Symbol.parse("G06F21/60") or sei.Symbol("", None, None)) is False
    assert rule.matches(sei.Symbol.parse("G06F21/55") or sei.Symbol("", None, None)) is True
    assert sei.codes(["G06F21/62"]) == ["1.4"]  # excluded from 1.1, included by a rule of 1.4


@pytest.mark.parametrize(
    ("name", "ipc", "codes"),
    [
        ("EP0049154B2", ["B08B5/00", "C02F3/20"], ["7.2"]),
        ("EP0675495A2", ["H04N5/262", "G11B27/28", "G06F17/30"], ["1.2", "1.4", "8.1"]),
        ("EP1114752A2", ["B60R16/02", "H02H5/10"], ["5.2", "6.5"]),
        ("EP1188540A2", ["B03B5/00", "B29C47/68", "B29B17/00", "B08B3/04"], ["7.1", "7.3"]),
        ("EP1006871A4", ["A61B5/00", "A61B5/404", "A61B5/04", "A61B5/402", "G08B25/10", "H04M1/00", "H04M1/725",
                         "H04M11/00"], ["1.1", "1.5"]),
    ],
)  # fmt: skip
def test_patsnap_records_with_known_ipc(name: str, ipc: list[str], codes: list[str]) -> None:
    path = shared(f"bench/patsnap/patsnap-corpus/{name}.xml")
    (document,) = list(read_file(path))
    assert document.patent is not None
    assert document.patent.ipc == ipc
    assert sei.codes(document.patent.ipc, document.patent.cpc) == codes


def test_a_match_says_which_rule_and_whether_it_is_ipc_only() -> None:
    (match,) = sei.classify_symbols(["B08B5/00", "C02F3/20"])
    assert (match.code, match.symbol, match.scheme) == ("7.2", "C02F3/20", "ipc")
    assert match.ipc_only is False and match.scope_note  # scope notes are reported, never searched
    cpc_only = sei.classify_symbols([], ["G06N3/08"])
    assert [(m.code, m.scheme) for m in cpc_only] == [("1.5", "cpc")]
    assert sei.classify_symbols(["H04L9/32"], ["G06N3/08"])[0].scheme == "ipc"  # IPC decides when present


def test_uspto_grant_fixture_with_ipc() -> None:
    folder = shared("fixtures/us-patentsview-db/ipgxml")
    found = {}
    for path in sorted(folder.rglob("*.xml"))[:3]:
        for document in read_file(path):
            if document.patent is not None and document.patent.ipc:
                found[document.patent.number] = sei.codes(document.patent.ipc, document.patent.cpc)
    assert found, "the weekly grant files carry IPC"
    assert all(isinstance(codes, list) for codes in found.values())


def test_unknown_codes_list_the_known_ones() -> None:
    with pytest.raises(sei.UnknownSEIError, match=r"'1\.9'.*1\.5 人工智能"):
        sei.check_code("1.9")
    assert sei.check_code(" 1.5 ") == "1.5"
    assert sei.index_terms(["1.1", "1.5", "7.2"]) == ["1", "1.1", "1.5", "7", "7.2"]


@given(st.lists(st.text(max_size=16), max_size=6), st.lists(st.text(max_size=16), max_size=6))
def test_classification_never_raises(ipc: list[str], cpc: list[str]) -> None:
    matches = sei.classify_symbols(ipc, cpc)
    assert all(match.code in sei.branch_names() for match in matches)
    assert sei.codes(ipc, cpc) == [match.code for match in matches]


@given(st.lists(st.sampled_from(["G06F21/62", "G06N3/08", "H04L9/32", "C02F3/20", "B08B5/00", "G06F9/445", "B25J9/16",
                                 "H01M10/0562", "G06F1/26", "B64U10/13"]), max_size=5),
       st.lists(st.sampled_from(["G06T15/00", "G06F9/3842", "H05K7/20"]), max_size=3))  # fmt: skip
def test_codes_agree_with_the_detailed_matches_on_real_symbols(ipc: list[str], cpc: list[str]) -> None:
    assert sei.codes(ipc, cpc) == [match.code for match in sei.classify_symbols(ipc, cpc)]


def test_sei_filter_query_field_and_show(patsnap_dir: Path) -> None:
    with Store(patsnap_dir) as store:
        index = open_index_for_reading(store)
        branch = index.count_matches("water", Filters(sei=["7.2"]))
        assert 0 < branch < index.count_matches("water", Filters(sei=["7"])) < index.count_matches("water")
        result = run_query(parse("sei=1.5", "AND"), store, index, limit=1000, explain=True, count_all=True)
        assert result.total == 136
        assert result.hits[0].clauses[0].clause.startswith("sei=1.5")
        section = run_query(parse("sei=1", "AND"), store, index, limit=1, count_all=True)
        assert section.total > result.total
    shown = json.loads(novum("show", "EP0049154B2", "--format", "json", "--data-dir", str(patsnap_dir)))
    assert [m["code"] for m in shown["sei"]] == ["7.2"]
    hits = json.loads(novum("search", "diffusion elements gas cleaning", "--sei", "7.2", "-f", "json", "--no-history",
                            "--data-dir", str(patsnap_dir)))  # fmt: skip
    assert hits and all("7.2" in h["sei"] for h in hits)
