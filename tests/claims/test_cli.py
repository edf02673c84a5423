"""`novum claims` and `novum chart` end to end on a store holding real fixtures and the demo corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from novum.claims import ClaimTextError, NoReferencesError
from novum.cli.app import app
from novum.errors import NotFoundError
from tests.claims.conftest import CN_NEW, CN_OLD, EP, US
from tests.conftest import fixture
from tests.helpers import novum, runner, write_lines


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("claims-cli")
    files = [str(fixture(name)) for name in (US, EP, CN_NEW, CN_OLD)]
    novum("ingest", *files, "--data-dir", str(root / "d"))
    return root / "d"


def test_claims_tree_json(data_dir: Path) -> None:
    data = json.loads(novum("claims", "EP 3404678 B1", "--data-dir", str(data_dir), "-f", "json"))
    assert data["title"] == "EP3404678B1 claims (en)"
    roots = data["claims"]
    assert [r["number"] for r in roots] == [1, 7]
    assert [d["number"] for d in roots[0]["dependants"]] == [2, 3, 4, 5]
    first = roots[0]["segmented"]
    assert first["transition"]["text"] == "comprising"
    assert [e["id"] for e in first["elements"]] == ["1a", "1b", "1c", "1d", "1e", "1f"]


def test_claims_table_and_german(data_dir: Path) -> None:
    out = novum("claims", "EP3404678B1", "--lang", "de", "--data-dir", str(data_dir))
    assert "EP3404678B1 claims (de)" in out and "umfassend" in out and "(characterizing)" in out


def test_claims_from_text_and_file(data_dir: Path, tmp_path: Path) -> None:
    out = novum("claims", "--text", "1. A cup comprising: a handle; and a base.\n2. The cup of claim 1, wherein the "
                "base is round.", "-f", "json")  # fmt: skip
    data = json.loads(out)
    assert data["claims"][0]["dependants"][0]["segmented"]["elements"][0]["text"] == "the base is round"
    path = write_lines(tmp_path / "claims.txt", ["1、一种杯子，包括：把手；以及底座。"])
    data = json.loads(novum("claims", "--file", str(path), "-f", "json"))
    assert [e["text"] for e in data["claims"][0]["segmented"]["elements"]] == ["把手", "底座"]


def test_bad_input_gives_clear_errors(data_dir: Path) -> None:
    result = runner.invoke(app, ["claims", "--text", "  "])
    assert isinstance(result.exception, ClaimTextError) and "empty" in str(result.exception)
    result = runner.invoke(app, ["claims", "US999", "--data-dir", str(data_dir)])
    assert isinstance(result.exception, NotFoundError)
    result = runner.invoke(app, ["chart", "EP3404678B1", "--data-dir", str(data_dir)])
    assert result.exit_code == 2 and "--against" in result.output
    result = runner.invoke(app, ["chart", "EP3404678B1", "--against", "US11147202B2", "-f", "pdf",
                                 "--data-dir", str(data_dir)])  # fmt: skip
    assert result.exit_code == 2 and "--output" in result.output
    result = runner.invoke(app, ["chart", "EP3404678B1", "--claim", "40", "--against", "US11147202B2",
                                 "--data-dir", str(data_dir)])  # fmt: skip
    assert "no claim 40" in str(result.exception)


def test_chart_against_references_json(data_dir: Path) -> None:
    out = novum("chart", "EP3404678B1", "--against", "US11147202B2", "EP3404678B1", "--data-dir", str(data_dir),
                "-f", "json")  # fmt: skip
    data = json.loads(out)
    assert [r["number"] for r in data["references"]] == ["EP3404678B1", "US11147202B2"]
    assert data["references"][0]["verdict"] == "all 9 elements found"
    assert data["strategy"]["corpus"]["documents"] == 4 and len(data["strategy"]["corpus"]["hash"]) == 16
    assert data["chart"]["combinations"][0]["complete"] is True


def test_chart_table_and_xlsx(data_dir: Path, tmp_path: Path) -> None:
    out = novum("chart", "US11147202B2", "--claim", "3", "--against", "EP3404678B1", "--data-dir", str(data_dir))
    assert "US11147202B2 claim 3" in out and "EP3404678B1" in out and "3a" in out
    target = tmp_path / "chart.xlsx"
    novum("chart", "--text", "A truck comprising a foot plate and a retainer flange.", "--against", "US11147202B2",
          "--against", "EP3404678B1", "-f", "xlsx", "-o", str(target), "--data-dir", str(data_dir))  # fmt: skip
    assert load_workbook(target).sheetnames[:3] == ["Summary", "US11147202B2", "EP3404678B1"]


def test_chart_top_uses_search_with_priority_cutoff(data_dir: Path) -> None:
    data = json.loads(novum("chart", "CN113781974A", "--top", "2", "--data-dir", str(data_dir), "-f", "json"))
    strategy = data["strategy"]
    assert strategy["cutoff"] == "2016-05-23"  # the claim's Korean priority date
    assert "CN113781974A" in strategy["filters"]["exclude"] and strategy["queries"][0].startswith("显示设备")
    assert [r["number"] for r in data["references"]] == ["CN104223352A"]  # the only document filed before
    assert data["references"][0]["search_score"] > 0
    result = runner.invoke(app, ["chart", "CN113781974A", "--top", "2", "--before", "2010-01-01",
                                 "--data-dir", str(data_dir)])  # fmt: skip
    assert isinstance(result.exception, NoReferencesError) and "2010-01-01" in str(result.exception)
