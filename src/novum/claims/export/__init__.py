"""Writers for the novelty report: HTML, PDF, XLSX, DOCX for people; CSV and JSON for programs."""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Callable
from pathlib import Path

from novum.claims.report import NoveltyReport

FORMATS = ("html", "pdf", "xlsx", "docx", "csv", "json")
BINARY = ("pdf", "xlsx", "docx")
_WRITERS = {"html": ("html", "write_html"), "pdf": ("pdf", "write_pdf"), "xlsx": ("xlsx", "write_xlsx"),
            "docx": ("docx", "write_docx"), "csv": ("data", "write_csv"), "json": ("data", "write_json")}  # fmt: skip


def write_report(report: NoveltyReport, fmt: str, path: Path) -> Path:
    """Write the report in ``fmt`` to ``path``; a format's library (reportlab, openpyxl…) loads only when used."""
    if fmt not in _WRITERS:
        raise ValueError(f"unknown report format {fmt!r} (use one of {', '.join(FORMATS)})")
    module, name = _WRITERS[fmt]
    writer: Callable[[NoveltyReport, Path], None] = getattr(
        importlib.import_module(f"novum.claims.export.{module}"), name
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    writer(report, path)
    return path


MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "csv": "text/csv; charset=utf-8", "json": "application/json"}  # fmt: skip


def report_bytes(report: NoveltyReport, fmt: str) -> bytes:
    """The report in ``fmt`` as bytes (for a download), written through the same writer as a file."""
    with tempfile.TemporaryDirectory(prefix="novum-report-") as folder:
        return write_report(report, fmt, Path(folder) / f"report.{fmt}").read_bytes()
