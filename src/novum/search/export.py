"""A whole result set written out: CSV and JSONL for programs, XLSX for people, RIS for reference managers
(Zotero, EndNote, Mendeley). Pages are read one after another, so memory stays flat however long the result."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from novum.index.lexical import LexicalIndex
from novum.search.prior_art import Hit
from novum.search.service import DenseProvider, SearchParams, run_search
from novum.store.sqlite import Store

EXPORT_FORMATS = ("csv", "jsonl", "xlsx", "ris")
PAGE = 500
COLUMNS = ("rank", "number", "title", "publication_date", "filing_date", "priority_date", "applicants", "cpc", "ipc",
           "score", "family_members", "snippet")  # fmt: skip
MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
         "ris": "application/x-research-info-systems",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip


def iter_hits(
    open_store: Callable[[], Store], open_index: Callable[[], LexicalIndex], params: SearchParams, dense: DenseProvider,
    page: int = PAGE,
) -> Iterator[Hit]:  # fmt: skip
    """Every hit of the search, page by page, in rank order."""
    offset = 0
    while True:
        asked = replace(params, offset=offset, limit=page, record=False)
        current = run_search(open_store(), open_index(), asked, dense)
        yield from current.hits
        if not current.more or not current.hits:
            return
        offset += page


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def csv_chunks(hits: Iterator[Hit]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for count, hit in enumerate(hits, start=1):
        row = hit.to_dict()
        writer.writerow([_flat(row.get(c)) for c in COLUMNS])
        if count % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_chunks(hits: Iterator[Hit]) -> Iterator[str]:
    for hit in hits:
        yield json.dumps(hit.to_dict(), ensure_ascii=False) + "\n"


def ris_chunks(hits: Iterator[Hit]) -> Iterator[str]:
    """RIS ``PAT`` records: number, title, applicants as authors, dates, abstract, classes as keywords."""
    for hit in hits:
        p = hit.patent
        lines = ["TY  - PAT", f"ID  - {hit.number}", f"M1  - {hit.number}"]
        if p.title():
            lines.append(f"TI  - {_one_line(p.title())}")
        for party in (*p.applicants, *p.assignees):
            lines.append(f"AU  - {_one_line(party.name)}")
        for inventor in p.inventors:
            lines.append(f"A2  - {_one_line(inventor.name)}")
        if p.publication_date:
            lines.append(f"PY  - {p.publication_date[:4]}")
            lines.append(f"DA  - {p.publication_date.replace('-', '/')}")
        if p.application_number:
            lines.append(f"SN  - {p.application_number}")
        if p.abstract():
            lines.append(f"AB  - {_one_line(p.abstract())}")
        lines.extend(f"KW  - {symbol}" for symbol in (*p.cpc, *p.ipc))
        lines.append(f"CY  - {p.country}")
        lines.append("ER  - ")
        yield "\n".join(lines) + "\n\n"


def xlsx_file(hits: Iterator[Hit], folder: Path | None = None) -> Path:
    """An XLSX workbook of the hits, written row by row (openpyxl's write-only mode keeps memory flat)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("results")
    sheet.append(list(COLUMNS))
    for hit in hits:
        row = hit.to_dict()
        sheet.append([_flat(row.get(c)) if c != "score" else row.get(c) for c in COLUMNS])
    descriptor, name = tempfile.mkstemp(prefix="novum-export-", suffix=".xlsx", dir=folder)
    os.close(descriptor)
    book.save(name)
    return Path(name)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())
