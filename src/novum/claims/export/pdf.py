"""The report as PDF (reportlab): strategy, references, combinations, and one chart table per reference.

Chinese text is set in reportlab's built-in STSong-Light CID font, so no font file has to be installed.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from novum.claims.chart import Evidence
from novum.claims.report import NoveltyReport
from novum.normalize.text import has_cjk

_CJK_FONT = "STSong-Light"


def _styles() -> dict[str, ParagraphStyle]:
    if _CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_CJK_FONT))
    base = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=base["BodyText"], fontSize=8, leading=10)
    return {
        "title": base["Title"],
        "h2": base["Heading2"],
        "h3": base["Heading3"],
        "body": base["BodyText"],
        "cell": cell,
        "cell_zh": ParagraphStyle("cell_zh", parent=cell, fontName=_CJK_FONT, wordWrap="CJK"),
        "body_zh": ParagraphStyle("body_zh", parent=base["BodyText"], fontName=_CJK_FONT, wordWrap="CJK"),
    }


def _para(text: str, styles: dict[str, ParagraphStyle], style: str = "cell", markup: bool = False) -> Paragraph:
    chosen = f"{style}_zh" if has_cjk(text) and f"{style}_zh" in styles else style
    return Paragraph(text if markup else escape(text), styles[chosen])


def _marked(evidence: Evidence) -> str:
    return "".join(
        f"<b><font backColor='#ffe27a'>{escape(text)}</font></b>" if mark else escape(text)
        for text, mark in evidence.segments()
    )


def _table(rows: list[list[Flowable | str]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def write_pdf(report: NoveltyReport, path: Path) -> None:
    styles = _styles()
    s = report.strategy
    chart = report.chart
    story: list[Flowable] = [
        Paragraph("Novelty report", styles["title"]),
        _para(f"Claim: {report.query}", styles, "body"),
        _para(report.claim_text, styles, "body"),
        Paragraph("Search strategy", styles["h2"]),
    ]
    strategy = [
        ["queries", "; ".join(s.queries) or "references given by the user"],
        ["filters", ", ".join(f"{k}={v}" for k, v in s.filters.items()) or "none"],
        ["priority-date cut-off", s.cutoff or "none"],
        ["corpus snapshot", ", ".join(f"{k} {v}" for k, v in s.corpus.items()) or "not recorded"],
        ["models", ", ".join(f"{k} {v}" for k, v in s.models.items())],
        ["created", s.created],
    ]
    story.append(_table([[_para(k, styles), _para(v, styles)] for k, v in strategy], [45 * mm, 220 * mm]))
    story.append(Paragraph("References", styles["h2"]))
    header: list[Flowable | str] = ["#", "reference", "dates", "verdict", "why it matters"]
    rows: list[list[Flowable | str]] = [header]
    for ref in report.references:
        dates = f"priority {ref.priority_date or '-'}; filed {ref.filing_date or '-'}; published " + (
            ref.publication_date or "-"
        )
        rows.append([str(ref.rank), _para(f"{ref.number} {ref.title or ''}", styles), _para(dates, styles),
                     _para(ref.verdict, styles), _para(ref.why, styles)])  # fmt: skip
    story.append(_table(rows, [10 * mm, 60 * mm, 40 * mm, 50 * mm, 105 * mm]))
    if chart.combinations:
        story.append(Paragraph("Two-reference combinations", styles["h2"]))
        combo_rows: list[list[Flowable | str]] = [["references", "covered", "missing"]]
        for combo in chart.combinations:
            combo_rows.append([_para(f"{combo.first} + {combo.second}", styles), str(len(combo.covered)),
                               _para(", ".join(combo.missing) or "none", styles)])  # fmt: skip
        story.append(_table(combo_rows, [90 * mm, 25 * mm, 150 * mm]))
    story.append(Paragraph("Claim chart", styles["h2"]))
    story.append(_para(f"Scorer {chart.scorer}; an element is found when its best passage scores at least "
                       f"{chart.threshold}.", styles, "body"))  # fmt: skip
    for rc in chart.ranked():
        story.append(Spacer(1, 4 * mm))
        story.append(_para(f"{rc.number}: {rc.verdict}", styles, "h3"))
        chart_rows: list[list[Flowable | str]] = [["element", "claim text", "evidence"]]
        for mapping in rc.mappings:
            status = "preamble" if not mapping.row.counts else ("found" if mapping.found else "missing")
            evidence = "<br/><br/>".join(
                f"<b>{escape(e.ref)}</b> ({e.score:.2f}) {_marked(e)}" for e in mapping.evidence
            )
            chart_rows.append([_para(f"{mapping.row.id} ({status})", styles), _para(mapping.row.text, styles),
                               _para(evidence or "no matching passage", styles, markup=bool(evidence))])  # fmt: skip
        story.append(_table(chart_rows, [25 * mm, 90 * mm, 150 * mm]))
    margins = {"leftMargin": 15 * mm, "rightMargin": 15 * mm, "topMargin": 15 * mm, "bottomMargin": 15 * mm}
    document = SimpleDocTemplate(str(path), pagesize=landscape(A4), title=f"Novelty report: {report.query}", **margins)
    document.build(story)
