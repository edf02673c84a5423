"""Landscape reports: HTML (interactive charts with drill-down), PDF and XLSX (charts as images plus the data behind
each one). Every report records the scope (query, industry definition and its version and digest, SEI codes,
filters), the corpus snapshot and the ``as_of`` date, so each figure can be rebuilt.
"""

from __future__ import annotations

import io
import json
from html import escape
from pathlib import Path
from typing import Any

from novum.analytics.charts import ChartSpec, chart_specs, interactive_svg, render_png
from novum.analytics.landscape import Landscape

DRILL_LIMIT = 500  # numbers per bar embedded in the HTML report


class EmptyLandscapeError(ValueError):
    """A report of an empty set is refused: it would be a file of empty charts."""


def summary_rows(land: Landscape) -> list[tuple[str, str]]:
    """The key figures, as label/value pairs (table output, report headers)."""
    growth, conc = land.growth, land.concentration
    cagr = f"{growth['cagr'] * 100:.1f}%" if growth.get("cagr") is not None else "n/a"
    rows = [
        ("scope", _scope_text(land.scope)),
        ("documents", f"{land.documents:,}"),
        ("families", f"{land.families:,}"),
        ("trend basis", f"{land.basis} year (last complete {land.last_complete[land.basis]})"),
        ("growth (CAGR)", f"{cagr} from {growth['from_year']} ({growth['from_count']}) to {growth['to_year']}"
                          f" ({growth['to_count']})"),
        ("top-10 applicant share", _pct(conc.get("top10_share"))),
        ("HHI", f"{conc['hhi']:.0f}" if conc.get("hhi") is not None else "n/a"),
        ("applicants (cleaned)", f"{conc.get('owners', 0):,}"),
        ("citations inside the set", f"{land.citations.get('links', 0):,}"),
        ("as of", land.as_of),
        ("corpus snapshot", _snapshot_text(land.snapshot)),
    ]  # fmt: skip
    industry = land.scope.get("industry")
    if industry:
        rows.insert(1, ("industry definition", f"{industry['name']} v{industry['version']} ({industry['digest']})"))
    return rows


def _pct(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "n/a"


def _scope_text(scope: dict[str, Any]) -> str:
    bits = []
    if scope.get("industry"):
        bits.append(f"industry {scope['industry']['name']} ({scope['industry']['title_zh']})")
    if scope.get("sei"):
        bits.append("SEI " + ", ".join(scope["sei"]))
    if scope.get("query"):
        bits.append(f"query {scope['query']}")
    if scope.get("filters"):
        bits.append("filters " + ", ".join(f"{k}={v}" for k, v in scope["filters"].items()))
    return "; ".join(bits) or "all documents"


def _snapshot_text(snapshot: dict[str, Any]) -> str:
    if not snapshot:
        return "n/a"
    return (
        f"{snapshot.get('documents', 0):,} documents, latest publication {snapshot.get('latest_publication')},"
        f" content digest {snapshot.get('content_digest')}"
    )


def write_report(land: Landscape, path: Path, fmt: str) -> Path:
    """Write ``land`` as ``html``, ``pdf``, ``xlsx`` or ``json`` to ``path``; an empty set is refused."""
    if land.empty:
        raise EmptyLandscapeError("the landscape's set is empty: no report written")
    writers = {"html": _write_html, "pdf": _write_pdf, "xlsx": _write_xlsx, "json": _write_json}
    if fmt not in writers:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(writers)}")
    writers[fmt](land, path)
    return path


def _write_json(land: Landscape, path: Path) -> None:
    path.write_text(json.dumps(land.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")


# --- HTML --------------------------------------------------------------------------------------------------------
DRILL_SCRIPT = """
const drill = JSON.parse(document.getElementById('drill').textContent);
const links = JSON.parse(document.getElementById('links').textContent);
const item = n => '<li>' + (links ? '<a href="' + links + encodeURIComponent(n) + '">' + n + '</a>' : n) + '</li>';
document.querySelectorAll('svg.chart .bar').forEach(bar => bar.addEventListener('click', () => {
  const dim = bar.dataset.dimension, key = bar.dataset.key;
  const found = (drill[dim] || {})[key] || [];
  const panel = document.getElementById('panel');
  panel.querySelector('h3').textContent = dim + ' ' + key + ': ' + found.length + ' documents';
  panel.querySelector('ol').innerHTML = found.map(item).join('');
  panel.hidden = false;
}));
"""
_STYLE = """
body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:24px;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:8px 0 18px}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
svg.chart{width:100%;height:auto;margin:10px 0 24px}svg.chart .bar{cursor:pointer}svg.chart .bar:hover{opacity:.7}
#panel{position:fixed;right:16px;top:16px;width:280px;max-height:80vh;overflow:auto;background:#fff;
border:1px solid #888;padding:8px;font-size:12px}
"""


def html_report(land: Landscape, document_url: str | None = None, script_src: str | None = None) -> str:
    """The whole report as one self-contained HTML page (no external script, style or font).

    ``document_url`` (``/patents/``) turns drill-down numbers into links; ``script_src`` loads the drill-down script
    from that URL instead of inline (for a server whose content-security policy forbids inline scripts)."""
    specs = chart_specs(land)
    drill: dict[str, dict[str, list[str]]] = {}
    for spec in specs:
        keys = spec.keys if spec.kind != "heatmap" else [
            f"{g}|{c}" for g in spec.keys for c in spec.columns
        ]  # fmt: skip
        drill[spec.dimension] = {k: land.numbers(spec.dimension, k)[:DRILL_LIMIT] for k in keys}
    parts = [
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'>",
        f"<title>novum landscape: {escape(_scope_text(land.scope))}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Patent landscape · 专利态势</h1><h2>{escape(_scope_text(land.scope))}</h2>",
        _html_table(["", ""], [list(r) for r in summary_rows(land)]),
        "<p>Click a bar or a cell to list the documents behind it (first "
        f"{DRILL_LIMIT}). Pale bars are years not yet complete.</p>",
    ]
    parts += [interactive_svg(spec) for spec in specs]
    parts.append("<h2>Top applicants · 主要申请人</h2>")
    parts.append(_html_table(
        ["applicant", "documents", "families", "share", "raw names merged", "country", "first year"],
        [[a.name, a.documents, a.families, _pct(a.share), "; ".join(a.raw_names), a.country or "", a.first_year or ""]
         for a in land.applicants],
    ))  # fmt: skip
    parts.append("<h2>Most cited inside the set</h2>")
    parts.append(_html_table(
        ["number", "title", "cited by", "cites"],
        [[c.number, c.title or "", c.cited_by, c.cites] for c in land.most_cited],
    ))  # fmt: skip
    parts.append("<h2>Class co-occurrence</h2>")
    parts.append(_html_table(["class", "class", "documents"], [[p.a, p.b, p.documents] for p in land.cooccurrence]))
    parts.append(f"<h2>Scope and snapshot</h2><pre>{escape(json.dumps(land.scope, ensure_ascii=False, indent=1))}\n"
                 f"{escape(json.dumps(land.snapshot, ensure_ascii=False, indent=1))}</pre>")  # fmt: skip
    parts.append("<div id='panel' hidden><h3></h3><ol></ol></div>")
    parts.append(f"<script type='application/json' id='drill'>{_json_for_script(drill)}</script>")
    parts.append(f"<script type='application/json' id='links'>{_json_for_script(document_url or '')}</script>")
    script = f"<script src='{escape(script_src)}'></script>" if script_src else f"<script>{DRILL_SCRIPT}</script>"
    parts.append(f"{script}</body></html>")
    return "".join(parts)


def _json_for_script(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def _html_table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _write_html(land: Landscape, path: Path) -> None:
    path.write_text(html_report(land), encoding="utf-8")


# --- PDF ---------------------------------------------------------------------------------------------------------
def _write_pdf(land: Landscape, path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # reportlab's built-in CJK font: nothing to install
    base = getSampleStyleSheet()
    body = ParagraphStyle("zh", parent=base["BodyText"], fontName="STSong-Light", fontSize=9, wordWrap="CJK")
    title = ParagraphStyle("zh-title", parent=base["Title"], fontName="STSong-Light")
    story: list[Any] = [Paragraph("Patent landscape · 专利态势", title)]
    table = [[Paragraph(escape(k), body), Paragraph(escape(v), body)] for k, v in summary_rows(land)]
    story += [Table(table, colWidths=[45 * mm, 125 * mm]), Spacer(1, 6 * mm)]
    width = 170 * mm
    for spec in chart_specs(land):
        png = render_png(spec)  # charts are drawn by matplotlib with Noto Sans CJK: Chinese labels are in the image
        image = Image(io.BytesIO(png), width=width, height=width * _aspect(png))
        story += [image, Spacer(1, 4 * mm)]
    story.append(PageBreak())
    story.append(Paragraph("Top applicants · 主要申请人", base["Heading2"]))
    rows = [["applicant", "docs", "families", "merged"]] + [
        [Paragraph(escape(a.name), body), a.documents, a.families, a.merged] for a in land.applicants
    ]
    story.append(Table(rows, colWidths=[100 * mm, 20 * mm, 20 * mm, 20 * mm]))
    SimpleDocTemplate(str(path), pagesize=A4, title="novum landscape").build(story)


def _aspect(png: bytes) -> float:
    """Height / width of a PNG, read from its header."""
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    return height / width if width else 0.5


# --- XLSX --------------------------------------------------------------------------------------------------------
def _write_xlsx(land: Landscape, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XlImage

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "summary"
    for label, value in summary_rows(land):
        sheet.append([label, value])
    sheet.append([])
    sheet.append(["scope (JSON)", json.dumps(land.scope, ensure_ascii=False)])
    sheet.append(["snapshot (JSON)", json.dumps(land.snapshot, ensure_ascii=False)])
    for spec in chart_specs(land):
        _chart_sheet(book, spec, XlImage)
    applicants = book.create_sheet("applicants")
    applicants.append(["name", "cleaned", "documents", "families", "share", "merged", "raw names", "country"])
    for a in land.applicants:
        applicants.append([a.name, a.key, a.documents, a.families, a.share, a.merged, "; ".join(a.raw_names),
                           a.country])  # fmt: skip
    book.save(path)


def _chart_sheet(book: Any, spec: ChartSpec, image_class: Any) -> None:
    sheet = book.create_sheet(spec.id[:31])
    sheet.append([spec.title])
    for row in spec.table():
        sheet.append(row)
    image = image_class(io.BytesIO(render_png(spec, dpi=80)))
    column = len(spec.table()[0]) + 2
    sheet.add_image(image, f"{_column_letter(column)}2")


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))
