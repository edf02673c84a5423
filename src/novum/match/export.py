"""A portfolio run as a workbook: one row per patent with its best needs and firms, then one row per pairing.

The summary sheet is what an office circulates; the ``needs`` and ``firms`` sheets carry every pairing with its
score and evidence so it can be filtered in a spreadsheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from novum.match.engine import PatentToMarket, Portfolio

SUMMARY_COLUMNS = ("number", "title", "status", "expiry (estimate)", "remaining years", "available", "family",
                   "forward citations", "best needs", "best firms")  # fmt: skip


def summary_rows(portfolio: Portfolio) -> list[dict[str, Any]]:
    """One flat row per patent (the CLI table and the summary sheet)."""
    return [_summary(row) for row in portfolio.rows]


def _summary(row: PatentToMarket) -> dict[str, Any]:
    r = row.readiness
    return {
        "number": row.number,
        "title": row.patent.title() or "",
        "status": r.status,
        "expiry (estimate)": r.expiry or "",
        "remaining years": r.remaining_years,
        "available": "yes" if r.available else "no",
        "family": r.family_size,
        "forward citations": r.forward_citations,
        "best needs": "; ".join(f"#{m.need.id} {m.need.firm} ({m.score:.2f})" for m in row.needs),
        "best firms": "; ".join(f"{f.firm} ({f.relation})" for f in row.firms),
    }


def write_portfolio_xlsx(portfolio: Portfolio, path: Path) -> Path:
    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook always has its first sheet
    summary.title = "portfolio"
    _header(summary, SUMMARY_COLUMNS)
    for flat in summary_rows(portfolio):
        summary.append([flat[c] for c in SUMMARY_COLUMNS])
    needs = book.create_sheet("needs")
    _header(needs, ("number", "need id", "firm", "contact", "industry", "need", "score", "parts answered", "evidence"))
    firms = book.create_sheet("firms")
    _header(firms, ("number", "rank", "firm", "relation", "applicant type", "score", "shared classes", "closest",
                    "found by"))
    for row in portfolio.rows:
        for match in row.needs:
            evidence = " | ".join(f"{e.part} -> {e.passage}" for e in match.explanation.evidence if e.answered)
            needs.append([row.number, match.need.id, match.need.firm, match.need.contact, match.need.industry,
                          match.need.text, round(match.score, 3),
                          f"{match.explanation.answered}/{len(match.explanation.evidence)}", evidence])  # fmt: skip
        for firm in row.firms:
            firms.append([row.number, firm.rank, firm.firm, firm.relation, firm.applicant_type, round(firm.score, 4),
                          ", ".join(firm.shared_classes), ", ".join(firm.evidence),
                          ", ".join(firm.found_by)])  # fmt: skip
    if portfolio.missing:
        missing = book.create_sheet("not found")
        _header(missing, ("number as given",))
        for number in portfolio.missing:
            missing.append([number])
    for sheet in book.worksheets:
        for column in sheet.columns:
            letter = column[0].column_letter
            sheet.column_dimensions[letter].width = min(60, max(10, *(len(str(c.value or "")) for c in column)))
            for cell in column[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _header(sheet: Worksheet, columns: tuple[str, ...]) -> None:
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
    sheet.freeze_panes = "A2"
