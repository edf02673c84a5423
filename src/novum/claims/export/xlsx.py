"""The report as a workbook: a summary sheet, then one sheet per reference with the claim's elements as rows.

This is the spreadsheet attorneys build by hand today; matching words are listed in their own column because a
cell cannot highlight part of its text portably.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from novum.claims.report import NoveltyReport

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
ELEMENT_COLUMNS = ("element", "kind", "claim text", "found", "best score", "passage", "score", "quote",
                   "matching words", "other passages")  # fmt: skip


def sheet_name(number: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, no []:*?/\\, unique in the workbook."""
    base = _BAD_SHEET_CHARS.sub("-", number)[:31] or "reference"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _header(sheet: Worksheet, columns: tuple[str, ...] | list[str]) -> None:
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")


def write_xlsx(report: NoveltyReport, path: Path) -> None:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Summary"
    s = report.strategy
    for key, value in (
        ("claim", report.query),
        ("claim text", report.claim_text),
        ("queries", "\n".join(s.queries) or "references given by the user"),
        ("filters", ", ".join(f"{k}={v}" for k, v in s.filters.items()) or "none"),
        ("priority-date cut-off", s.cutoff or "none"),
        ("corpus snapshot", ", ".join(f"{k} {v}" for k, v in s.corpus.items()) or "not recorded"),
        ("models", ", ".join(f"{k} {v}" for k, v in s.models.items())),
        ("created", s.created),
    ):
        summary.append([key, value])
    summary.append([])
    summary.append(["rank", "reference", "title", "priority date", "filing date", "publication date", "verdict",
                    "why it matters"])  # fmt: skip
    for ref in report.references:
        summary.append([ref.rank, ref.number, ref.title, ref.priority_date, ref.filing_date, ref.publication_date,
                        ref.verdict, ref.why])  # fmt: skip
    summary.column_dimensions["A"].width = 22
    summary.column_dimensions["B"].width = 60
    taken = {"summary"}
    for rc in report.chart.ranked():
        sheet = workbook.create_sheet(sheet_name(rc.number, taken))
        _header(sheet, ELEMENT_COLUMNS)
        for mapping in rc.mappings:
            best = mapping.evidence[0] if mapping.evidence else None
            words = sorted({best.quote[a:b].lower() for a, b in best.marks}) if best else []
            sheet.append([
                mapping.row.id,
                mapping.row.kind,
                mapping.row.text,
                "preamble" if not mapping.row.counts else ("yes" if mapping.found else "no"),
                round(mapping.best, 4),
                best.ref if best else "",
                round(best.score, 4) if best else None,
                best.highlighted if best else "",
                ", ".join(words),
                "; ".join(f"{e.ref} ({e.score:.2f})" for e in mapping.evidence[1:]),
            ])  # fmt: skip
        for column, width in zip("ABCDEFGHIJ", (9, 12, 60, 9, 10, 12, 8, 80, 30, 30), strict=True):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if report.chart.combinations:
        sheet = workbook.create_sheet(sheet_name("Combinations", taken))
        _header(sheet, ["first", "second", "covered", "missing", "complete"])
        for combo in report.chart.combinations:
            sheet.append([combo.first, combo.second, len(combo.covered), ", ".join(combo.missing),
                          "yes" if combo.complete else "no"])  # fmt: skip
    workbook.save(path)
