"""Industry definition files: the shipped future industries, user overrides, malformed files refused with line."""

from __future__ import annotations

from pathlib import Path

import pytest

from novum.analytics.industries import (
    IndustryDefinitionError,
    UnknownIndustryError,
    get_industry,
    load_industries,
    parse_definition,
)

GOOD = """name = "solid-state-batteries"
title_en = "Solid-state batteries"
title_zh = "固态电池"
version = "1"
source = "a test"
cpc = ["H01M10/0562"]
keywords_zh = ["固态电池"]
"""


def test_the_future_industries_of_the_work_report_ship() -> None:
    shipped = load_industries()
    assert sorted(shipped) == [
        "6g", "artificial-intelligence", "biomanufacturing", "commercial-aerospace", "intelligent-connected-nev",
        "intelligent-robots", "low-altitude-economy", "quantum-technology",
    ]  # fmt: skip
    quantum = shipped["quantum-technology"]
    assert quantum.title_zh == "量子科技" and quantum.version == "2026.1" and len(quantum.digest) == 12
    assert "cpc=G06N10/" in quantum.expression() and 'ta="量子计算"' in quantum.expression()
    assert all(i.source and (i.cpc or i.keywords_en) for i in shipped.values())


def test_lookup_by_name_or_title_and_unknown_lists_known() -> None:
    assert get_industry("低空经济").name == "low-altitude-economy"
    assert get_industry("Quantum technology").name == "quantum-technology"
    with pytest.raises(UnknownIndustryError, match=r"unknown industry 'fusion'; known industries: 6g \(6G\)"):
        get_industry("fusion")


def test_user_definitions_add_and_override(tmp_path: Path) -> None:
    folder = tmp_path / "industries"
    folder.mkdir()
    (folder / "ssb.toml").write_text(GOOD, encoding="utf-8")
    (folder / "6g.toml").write_text(GOOD.replace("solid-state-batteries", "6g"), encoding="utf-8")
    found = load_industries(tmp_path)
    assert found["solid-state-batteries"].user and found["6g"].title_zh == "固态电池"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (GOOD.replace('version = "1"', "version = 1"), 4, "'version' is required and must be a non-empty string"),
        (GOOD + "colour = 'red'\n", 8, "unknown key 'colour'"),
        (GOOD.replace('"H01M10/0562"', '"H01M-10"'), 6, "'H01M-10' in 'cpc' is not a class prefix"),
        (GOOD + "query = 'battery NEAR3'\n", 8, "the query does not parse"),
        (GOOD.replace('title_zh = "固态电池"', 'title_zh = "固态电池'), 3, "not valid TOML"),
        (GOOD.replace('name = "solid-state-batteries"', 'name = "Solid State"'), 1, "must be lower-case"),
    ],
)
def test_malformed_definitions_name_file_line_and_reason(text: str, line: int, reason: str) -> None:
    with pytest.raises(IndustryDefinitionError) as caught:
        parse_definition(text, "my/ssb.toml")
    assert caught.value.path == "my/ssb.toml" and caught.value.line == line
    assert reason in str(caught.value) and str(caught.value).startswith(f"my/ssb.toml, line {line}: ")


def test_a_malformed_user_file_is_refused_when_loading(tmp_path: Path) -> None:
    (tmp_path / "industries").mkdir()
    (tmp_path / "industries" / "bad.toml").write_text(GOOD + "cpc = []\n", encoding="utf-8")
    with pytest.raises(IndustryDefinitionError, match=r"bad.toml, line 8: not valid TOML"):
        load_industries(tmp_path)
