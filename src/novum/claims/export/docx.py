"""The report as a Word document (python-docx): what an attorney edits into an opinion or a response."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.table import _Cell

from novum.claims.chart import Evidence
from novum.claims.report import NoveltyReport


def _evidence(cell: _Cell, evidence: list[Evidence]) -> None:
    """Passages into a cell, one paragraph each, matching words bold and highlighted."""
    if not evidence:
        cell.text = "no matching passage"
        return
    first = True
    for item in evidence:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.add_run(f"{item.ref} ({item.score:.2f}) ").bold = True
        for text, mark in item.segments():
            run = paragraph.add_run(text)
            if mark:
                run.bold = True
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def write_docx(report: NoveltyReport, path: Path) -> None:
    document = Document()
    document.add_heading("Novelty report", level=0)
    document.add_paragraph(f"Claim: {report.query}")
    document.add_paragraph(report.claim_text)
    s = report.strategy
    document.add_heading("Search strategy", level=1)
    strategy = document.add_table(rows=0, cols=2)
    strategy.style = "Table Grid"
    for key, value in (
        ("queries", "; ".join(s.queries) or "references given by the user"),
        ("filters", ", ".join(f"{k}={v}" for k, v in s.filters.items()) or "none"),
        ("priority-date cut-off", s.cutoff or "none"),
        ("corpus snapshot", ", ".join(f"{k} {v}" for k, v in s.corpus.items()) or "not recorded"),
        ("models", ", ".join(f"{k} {v}" for k, v in s.models.items())),
        ("created", s.created),
    ):
        cells = strategy.add_row().cells
        cells[0].text, cells[1].text = key, value
    document.add_heading("References", level=1)
    refs = document.add_table(rows=1, cols=5)
    refs.style = "Table Grid"
    for cell, title in zip(refs.rows[0].cells, ("#", "reference", "dates", "verdict", "why it matters"), strict=True):
        cell.text = title
    for ref in report.references:
        cells = refs.add_row().cells
        cells[0].text = str(ref.rank)
        cells[1].text = f"{ref.number}\n{ref.title or ''}"
        cells[2].text = f"priority {ref.priority_date or '-'}\nfiled {ref.filing_date or '-'}\npublished " + (
            ref.publication_date or "-"
        )
        cells[3].text = ref.verdict
        cells[4].text = ref.why
    chart = report.chart
    if chart.combinations:
        document.add_heading("Two-reference combinations", level=1)
        for combo in chart.combinations:
            missing = ", ".join(combo.missing) or "none"
            document.add_paragraph(f"{combo.first} + {combo.second}: {len(combo.covered)} covered; missing {missing}",
                                   style="List Bullet")  # fmt: skip
    document.add_heading("Claim chart", level=1)
    document.add_paragraph(f"Scorer {chart.scorer}; an element is found when its best passage scores at least "
                           f"{chart.threshold}.")  # fmt: skip
    for rc in chart.ranked():
        document.add_heading(f"{rc.number}: {rc.verdict}", level=2)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, ("element", "claim text", "evidence"), strict=True):
            cell.text = title
        for mapping in rc.mappings:
            cells = table.add_row().cells
            status = "preamble" if not mapping.row.counts else ("found" if mapping.found else "missing")
            cells[0].text = f"{mapping.row.id} ({status})"
            cells[1].text = mapping.row.text
            _evidence(cells[2], mapping.evidence)
    document.save(str(path))
