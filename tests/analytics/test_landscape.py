"""Landscapes and monitoring over fixed real sets: the PatSnap records and the PatentsView NVIDIA portfolio."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from novum.analytics.charts import chart_specs, cjk_font, interactive_svg, render_png, render_svg
from novum.analytics.landscape import landscape
from novum.analytics.monitor import monitor, poisson_lower, poisson_upper, series_signal
from novum.analytics.report import EmptyLandscapeError, html_report, write_report
from novum.analytics.service import build_landscape, build_monitor, make_scope
from novum.store.analytics import AnalyticsReader
from novum.store.sqlite import Store


def test_patsnap_landscape_counts(patsnap_dir: Path) -> None:
    with Store(patsnap_dir) as store:
        land = build_landscape(store, make_scope())
    assert (land.documents, land.families, land.basis, land.as_of) == (2244, 2179, "priority", "2013-02-21")
    assert land.last_complete == {"priority": 2010, "publication": 2012}
    tail = [(r.year, r.families, r.first_filings, r.documents, r.incomplete) for r in land.priority_years[-3:]]
    assert tail == [(2010, 95, 66, 95, False), (2011, 39, 24, 39, True), (2012, 11, 11, 11, True)]
    top = land.applicants[0]
    assert (top.key, top.documents, top.families, top.merged, top.country) == ("SAMSUNG ELECTRONICS", 40, 37, 2, "KR")
    assert top.raw_names == ["SAMSUNG ELECTRONICS CO., LTD.", "SAMSUNG ELECTRONICS CO., LTD"]
    assert land.growth["from_count"] == 282 and land.growth["to_count"] == 95
    assert land.growth["cagr"] == pytest.approx((95 / 282) ** (1 / 5) - 1)
    assert land.concentration["owners"] == 1338 and land.concentration["top10_share"] == pytest.approx(0.0928, abs=1e-4)
    assert land.citations["links"] == 339 and land.most_cited[0].number == "US20060054205A1"
    assert [(r.key, r.documents) for r in land.offices[:3]] == [("US", 2051), ("EP", 97), ("WO", 95)]
    assert [(r.key, r.documents) for r in land.applicant_countries[:2]] == [("US", 445), ("JP", 300)]
    assert [(r.key, r.documents) for r in land.ipc_subclasses[:2]] == [("C02F", 871), ("B01D", 516)]
    assert land.ipc_groups[0].key == "C02F3/00" and land.ipc_groups[0].title.startswith("Biological treatment")
    assert (land.cooccurrence[0].a, land.cooccurrence[0].b, land.cooccurrence[0].documents) == ("B01D", "C02F", 108)
    assert dict((r.key, r.documents) for r in land.sei)["7.2"] == 848
    assert land.numbers("applicant", "SAMSUNG ELECTRONICS")[:1] and len(land.numbers("applicant", top.key)) == 40
    assert land.numbers("office", "EP")[:2] == ["EP0049154B2", "EP0115517A1"]
    assert land.matrix["groups"][:2] == ["C02F3/00", "C02F1/00"]


def test_a_landscape_over_an_sei_branch_is_the_same_set_as_its_count(patsnap_dir: Path) -> None:
    with Store(patsnap_dir) as store:
        land = build_landscape(store, make_scope(sei=["7.2"]))
    assert (land.documents, land.families) == (848, 828)
    assert land.applicants[0].key == "SIEMENS WATER TECHNOLOGIES" and land.applicants[0].merged == 2
    assert land.growth["from_count"] == 135 and land.growth["to_count"] == 23
    assert land.scope["sei"] == ["7.2"]


def test_nvidia_portfolio_from_patentsview(nvidia_dir: Path) -> None:
    with Store(nvidia_dir) as store:
        land = build_landscape(store, make_scope(query="pa=nvidia"))
    assert (land.documents, land.basis, land.as_of) == (5169, "publication", "2025-06-24")
    last_two = [(r.year, r.documents, r.incomplete) for r in land.publication_years[-2:]]
    assert last_two == [(2024, 420, False), (2025, 214, True)]
    assert land.undated["priority"] == 5169  # PatentsView's g_patent carries grant dates only
    assert land.growth["cagr"] == pytest.approx((420 / 166) ** (1 / 5) - 1)
    assert [(a.key, a.documents) for a in land.applicants[:2]] == [("NVIDIA", 5129), ("NVIDIA INTERNATIONAL", 16)]
    assert [(r.key, r.documents) for r in land.cpc_groups[:2]] == [("G06T15/00", 957), ("G06F9/00", 838)]
    assert land.cpc_groups[0].title == "3D [Three Dimensional] image rendering"
    assert dict((r.key, r.documents) for r in land.sei)["1.5"] == 402
    assert land.emerging_terms[0].term == "datacenter" and land.emerging_terms[0].query == 'ta="datacenter"'


def test_monitor_signals_are_explained(nvidia_dir: Path, patsnap_dir: Path) -> None:
    with Store(nvidia_dir) as store:
        report = build_monitor(store, make_scope())
    assert (report.year, report.basis, report.baseline_years) == (2024, "publication", [2019, 2020, 2021, 2022, 2023])
    first = report.signals[0]
    assert (first.kind, first.dimension, first.observed, first.expected) == ("surge", "set", 420, 223.2)
    assert first.p is not None and first.p < 1e-10 and "against a mean of 223.2 in 2019-2023" in first.explanation
    assert "Poisson tail probability" in report.to_dict()["statistic"]
    with Store(patsnap_dir) as store:
        drops = build_monitor(store, make_scope(sei=["7.2"]))
    assert [(s.kind, s.dimension, s.key, s.observed) for s in drops.signals] == [
        ("drop", "set", "all", 23), ("drop", "ipc", "C02F", 22), ("drop", "ipc", "B01D", 4)
    ]  # fmt: skip


def test_poisson_statistic_by_hand() -> None:
    assert poisson_lower(2, 10.0) == pytest.approx(math.exp(-10) * (1 + 10 + 50))
    assert poisson_upper(3, 4.0) + poisson_lower(2, 4.0) == pytest.approx(1.0)
    surge = series_signal({2015: 3, 2016: 4, 2017: 5, 2018: 4, 2019: 5, 2020: 12}, 2020)
    assert surge is not None and surge[0] == "surge" and surge[2] == pytest.approx(4.2)
    assert series_signal({2015: 3, 2016: 4, 2017: 5, 2018: 4, 2019: 5, 2020: 6}, 2020) is None
    assert series_signal({2020: 5}, 2020) == ("surge", 5, 0.0, None, None, 0.0)  # no history at all


def test_an_empty_set_says_so_and_writes_no_charts(tmp_path: Path) -> None:
    land = landscape([])
    assert land.empty and chart_specs(land) == []
    with pytest.raises(EmptyLandscapeError, match="empty"):
        write_report(land, tmp_path / "x.html", "html")
    assert not (tmp_path / "x.html").exists()
    assert monitor([]).signals == []


def test_reports_and_charts(patsnap_dir: Path, tmp_path: Path) -> None:
    with Store(patsnap_dir) as store:
        land = build_landscape(store, make_scope(sei=["4.3"]))
        records = list(AnalyticsReader(store).records(land.numbers("office", "US")[:5]))
    assert len(records) == 5 and not records[0].claims  # analytics read records without claims and description
    assert cjk_font() is not None  # Noto Sans CJK, installed by make setup
    specs = chart_specs(land)
    sei_chart = next(s for s in specs if s.id == "sei")
    svg = render_svg(sei_chart)  # a missing glyph would be a warning, and warnings are errors in the tests
    assert svg.startswith("<?xml") and "<path" in svg
    assert render_png(sei_chart).startswith(b"\x89PNG")
    interactive = interactive_svg(sei_chart)
    assert "4.3 生物农业及相关产业" in interactive and 'data-dimension="sei"' in interactive
    page = html_report(land)
    assert "http" not in page.split("<svg", 1)[0].replace("http://www.w3.org", "")  # nothing fetched at run time
    assert '"sei": {' in page and "战略性新兴产业" in page
    for fmt in ("html", "pdf", "xlsx", "json"):
        path = write_report(land, tmp_path / f"land.{fmt}", fmt)
        assert path.stat().st_size > 1000
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "land.xlsx")
    assert book.sheetnames[:3] == ["summary", "activity", "applicants"]
    assert book["summary"]["A1"].value == "scope" and book["sei"]["A2"].value == "label"
    assert len(book["activity"]._images) == 1  # the chart beside its data
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "land.pdf").pages)
    assert "Patent landscape" in text and "content digest" in text
