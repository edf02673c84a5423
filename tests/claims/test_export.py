"""Every export opened and read back: PDF text, XLSX sheets and rows, DOCX tables, HTML, CSV, JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from novum.claims.chart import chart_claim, source_from_patent
from novum.claims.export import write_report
from novum.claims.report import NoveltyReport, Strategy, build_report
from novum.model import Patent


@pytest.fixture(scope="module")
def report(ep_patent: Patent, us_patent: Patent) -> NoveltyReport:
    source = source_from_patent(ep_patent, 1)
    chart = chart_claim(source, [us_patent, ep_patent])
    strategy = Strategy(queries=["Buchholz relay conservator"], filters={"before": "2017-05-17"}, cutoff="2017-05-17")
    return build_report(source, chart, strategy, models={"embedder": "none"})


def test_report_carries_strategy_and_reasons(report: NoveltyReport) -> None:
    assert report.query == "EP3404678B1 claim 1"
    assert [r.number for r in report.references] == ["EP3404678B1", "US11147202B2"]
    own = report.references[0]
    assert own.verdict == "all 9 elements found" and "discloses all 9 elements" in own.why
    assert report.strategy.models["scorer"].startswith("lexical") and report.strategy.models["novum"]
    assert "1b at" in own.why or "at claim 1" in own.why


def test_pdf_contains_elements_and_references(report: NoveltyReport, tmp_path: Path) -> None:
    path = write_report(report, "pdf", tmp_path / "report.pdf")
    text = " ".join((page.extract_text() or "") for page in PdfReader(path).pages)
    flat = " ".join(text.split())
    assert "Novelty report" in flat and "EP3404678B1" in flat and "US11147202B2" in flat
    assert "a free breathing conservator (10) that breathes air from ambient air" in flat
    assert "characterized in that the pipe arrangement (16) further comprises" in flat
    assert "2017-05-17" in flat and "all 9 elements found" in flat


def test_xlsx_one_sheet_per_reference_elements_as_rows(report: NoveltyReport, tmp_path: Path) -> None:
    workbook = load_workbook(write_report(report, "xlsx", tmp_path / "report.xlsx"))
    assert workbook.sheetnames == ["Summary", "EP3404678B1", "US11147202B2", "Combinations"]
    sheet = workbook["EP3404678B1"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("element", "kind", "claim text", "found")
    assert [r[0] for r in rows[1:]] == ["1pre", "1a", "1b", "1c", "1d", "1d.1", "1d.2", "1e", "1f", "1f.1"]
    conservator = rows[3]
    assert conservator[2] == "a free breathing conservator (10) that breathes air from ambient air"
    assert conservator[3] == "yes" and "**conservator**" in str(conservator[7]) and "conservator" in str(conservator[8])
    other = {r[0]: r[3] for r in list(workbook["US11147202B2"].iter_rows(values_only=True))[1:]}
    assert other["1b"] == "no"
    summary = [r for r in workbook["Summary"].iter_rows(values_only=True) if r and r[0]]
    assert ("priority-date cut-off", "2017-05-17") in [(r[0], r[1]) for r in summary]


def test_docx_tables_and_highlights(report: NoveltyReport, tmp_path: Path) -> None:
    document = Document(str(write_report(report, "docx", tmp_path / "report.docx")))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "Claim chart" in headings and "EP3404678B1: all 9 elements found" in headings
    chart_table = document.tables[2]
    cells = [[c.text for c in row.cells] for row in chart_table.rows]
    assert cells[0] == ["element", "claim text", "evidence"]
    assert cells[3][0] == "1b (found)" and cells[3][1].startswith("a free breathing conservator")
    runs = [r for p in chart_table.rows[3].cells[2].paragraphs for r in p.runs if r.font.highlight_color]
    assert any(r.text == "conservator" for r in runs)


def test_html_csv_json(report: NoveltyReport, tmp_path: Path) -> None:
    html = write_report(report, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<mark>conservator</mark>" in html and "Search strategy" in html
    with open(write_report(report, "csv", tmp_path / "r.csv"), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["reference"] for r in rows} == {"EP3404678B1", "US11147202B2"}
    assert any(r["element"] == "1b" and r["found"] == "True" and r["passage"] for r in rows)
    data = json.loads(write_report(report, "json", tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["strategy"]["cutoff"] == "2017-05-17"
    own = next(r for r in data["chart"]["references"] if r["number"] == "EP3404678B1")
    assert own["elements"][2]["id"] == "1b" and own["elements"][2]["evidence"][0]["quote"].count("**") >= 2


def test_chinese_pdf_builds(cn_new: Patent, tmp_path: Path) -> None:
    source = source_from_patent(cn_new, 1)
    report = build_report(source, chart_claim(source, [cn_new]))
    path = write_report(report, "pdf", tmp_path / "zh.pdf")
    assert len(PdfReader(path).pages) >= 1
