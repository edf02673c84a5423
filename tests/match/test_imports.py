"""Needs and offers files: CSV, JSON, JSONL and XLSX; bad rows named with their row and reason, good rows kept."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from novum.match import NeedsFileError
from novum.match.imports import read_needs, read_offers
from novum.store.needs import LicenceOffer, Need, NeedsRegister
from novum.store.sqlite import Store

GOOD = "Our coated steel sheet cracks when bent at low temperature; we need a coating that stays flexible."


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_csv_with_bad_rows_keeps_the_good_ones(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "needs.csv", [
        ["firm", "contact", "text", "industry"],
        ["Acme Steel", "ana@acme.example", GOOD, "materials"],
        ["", "x@example.org", "A need without a firm", ""],
        ["Beta Foods", "", "", "food"],
        ["Gamma", "", "the and of to", ""],
        ["Delta Drones", "+49 30 1234", "Spraying crops from drones wastes pesticide in wind.", "agriculture"],
    ])  # fmt: skip
    result = read_needs(path)
    assert [n.firm for n in result.needs] == ["Acme Steel", "Delta Drones"]
    assert [(p.position, p.reason.split(" (")[0]) for p in result.problems] == [
        ("row 3", "no firm"), ("row 4", "no need text"),
        ("row 5", "the need text 'the and of to' has no words to match on"),
    ]  # fmt: skip
    assert str(result.problems[0]).startswith(f"{path}, row 3: ")
    assert result.needs[0].contact == "ana@acme.example" and result.needs[1].position == "row 6"


def test_chinese_headers_and_semicolon_csv(tmp_path: Path) -> None:
    path = tmp_path / "需求.csv"
    path.write_text(
        "企业;联系人;需求;行业\n某某科技;王先生;显示面板的栅线电阻过大，需要降低功耗;1.1\n", encoding="utf-8-sig"
    )
    (need,) = read_needs(path).needs
    assert (need.firm, need.contact, need.industry) == ("某某科技", "王先生", "1.1")
    assert need.text == "显示面板的栅线电阻过大，需要降低功耗"


def test_json_jsonl_and_xlsx(tmp_path: Path) -> None:
    (tmp_path / "n.json").write_text(json.dumps({"needs": [{"firm": "A", "need": GOOD}, "not a record"]}))
    result = read_needs(tmp_path / "n.json")
    assert [n.firm for n in result.needs] == ["A"] and result.problems[0].position == "record 2"
    (tmp_path / "n.jsonl").write_text(f'{{"company": "B", "description": "{GOOD}"}}\n{{broken\n')
    result = read_needs(tmp_path / "n.jsonl")
    assert [n.firm for n in result.needs] == ["B"] and result.problems[0].position == "line 2"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Firm", "Text", "Industry"])
    sheet.append(["C", GOOD, "steel"])
    sheet.append([None, None, None])
    sheet.append(["D", None, None])
    book.save(tmp_path / "n.xlsx")
    result = read_needs(tmp_path / "n.xlsx")
    assert [(n.firm, n.industry, n.position) for n in result.needs] == [("C", "steel", "row 2")]
    assert [p.position for p in result.problems] == ["row 4"]


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(NeedsFileError, match="no such file"):
        read_needs(tmp_path / "missing.csv")
    (tmp_path / "bad.json").write_text("[{")
    with pytest.raises(NeedsFileError, match=r"bad.json: not JSON \(line 1"):
        read_needs(tmp_path / "bad.json")
    (tmp_path / "fake.xlsx").write_text("not a workbook")
    with pytest.raises(NeedsFileError, match="fake.xlsx: not an XLSX workbook"):
        read_needs(tmp_path / "fake.xlsx")
    with pytest.raises(NeedsFileError, match="unknown file type 'txt'"):
        read_needs(tmp_path / "n.txt")


def test_offers_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "offers.csv", [
        ["number", "licensor", "terms", "exclusive", "valid until", "fee"],
        ["US 8,930,553 B2", "Example University", "non-exclusive, field of use: automotive", "no", "2027-12-31", "2%"],
        ["garbage", "X", "", "", "", ""],
        ["EP3404678B1", "Y", "", "maybe", "", ""],
        ["CN104223352A", "Z", "", "是", "31/12/2027", ""],
    ])  # fmt: skip
    result = read_offers(path)
    assert [(o.number, o.exclusive, o.valid_until) for o in result.offers] == [("US8930553B2", False, "2027-12-31")]
    assert [p.position for p in result.problems] == ["row 3", "row 4", "row 5"]
    assert "exclusive must be yes or no" in result.problems[1].reason
    assert "is not a date" in result.problems[2].reason


def test_register_is_idempotent(tmp_path: Path) -> None:
    with Store(tmp_path / "d") as store:
        assert store.schema_version >= 7
        register = NeedsRegister(store)
        first = register.add([Need("Acme", GOOD, "ana"), Need("Beta", GOOD)])
        again = register.add([Need("Acme", GOOD, "ana")])
        assert (first.new, first.unchanged, again.new, again.unchanged) == (2, 0, 0, 1)
        assert [n.firm for n in register.needs()] == ["Acme", "Beta"] and register.count() == 2
        assert [n.firm for n in register.needs(firm="acm")] == ["Acme"]
        offer = LicenceOffer("US8930553B2", "Uni", "royalty-free for SMEs", True)
        assert register.add_offers([offer]).new == 1
        assert register.add_offers([offer]).unchanged == 1
        (stored,) = register.offers(["US8930553B2"])
        assert (stored.terms, stored.exclusive) == ("royalty-free for SMEs", True)


_cell = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_cell, _cell), min_size=1, max_size=8))
def test_csv_round_trip(tmp_path: Path, rows: list[tuple[str, str]]) -> None:
    """Whatever the cells hold (quotes, delimiters, CJK), every written row comes back with its firm and text."""
    path = write_csv(tmp_path / "p.csv", [["firm", "text"], *[[f, f"steel coating {t}"] for f, t in rows]])
    result = read_needs(path, "csv")
    assert result.problems == []
    assert [(n.firm, n.text) for n in result.needs] == [(f, " ".join(f"steel coating {t}".split())) for f, t in rows]
