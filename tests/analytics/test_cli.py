"""novum landscape / monitor / industries from the command line, bad input included."""

from __future__ import annotations

import json
from pathlib import Path

from novum.analytics.industries import UnknownIndustryError
from novum.analytics.sei import UnknownSEIError
from novum.cli.app import app
from tests.helpers import novum, runner


def test_industries_lists_the_definitions(tmp_path: Path) -> None:
    rows = json.loads(novum("industries", "-f", "json", "--data-dir", str(tmp_path)))
    assert {r["name"] for r in rows} >= {"quantum-technology", "low-altitude-economy"}
    assert "量子科技" in novum("industries", "--data-dir", str(tmp_path))


def test_landscape_table_json_and_report(patsnap_dir: Path, tmp_path: Path) -> None:
    out = novum("landscape", "--sei", "7.2", "--data-dir", str(patsnap_dir))
    assert "SIEMENS WATER TECHNOLOGIES CORP." in out and "848" in out
    data = json.loads(novum("landscape", "membrane", "--ipc", "C02F", "-f", "json", "--data-dir", str(patsnap_dir)))
    assert data["scope"]["query"] == "membrane" and data["scope"]["filters"] == {"ipc": ["C02F"]}
    assert data["documents"] == sum(r["documents"] for r in data["priority_years"]) + data["undated"]["priority"]
    report = tmp_path / "water.html"
    novum("landscape", "--sei", "7.2", "-f", "html", "-o", str(report), "--data-dir", str(patsnap_dir))
    assert "7.2" in report.read_text(encoding="utf-8")


def test_monitor_json(patsnap_dir: Path) -> None:
    reports = json.loads(novum("monitor", "--sei", "7.2", "-f", "json", "--data-dir", str(patsnap_dir)))
    assert reports[0]["signals"][0]["explanation"].startswith("the whole set: 23 documents in 2010")
    everything = json.loads(novum("monitor", "-f", "json", "--data-dir", str(patsnap_dir)))
    assert len(everything) == 9  # each of the 8 industries, then the whole store


def test_bad_input(patsnap_dir: Path, tmp_path: Path) -> None:
    unknown = runner.invoke(app, ["landscape", "--industry", "fusion", "--data-dir", str(patsnap_dir)])
    assert isinstance(unknown.exception, UnknownIndustryError)
    assert "known industries: 6g (6G), artificial-intelligence (人工智能)" in str(unknown.exception)
    code = runner.invoke(app, ["landscape", "--sei", "1.9", "--data-dir", str(patsnap_dir)])
    assert isinstance(code.exception, UnknownSEIError) and "known codes: 1 新一代信息技术产业" in str(code.exception)
    empty = runner.invoke(app, ["landscape", "zzqqxxyy", "-f", "pdf", "-o", str(tmp_path / "e.pdf"),
                                "--data-dir", str(patsnap_dir)])  # fmt: skip
    assert empty.exit_code == 1 and "no documents in scope" in empty.output
    assert not (tmp_path / "e.pdf").exists()
