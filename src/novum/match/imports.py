"""Needs and open-licence offers read from CSV, JSON, JSONL or XLSX, row by row.

An office collects needs in a spreadsheet; one bad row (no text, a missing firm) must not cost the other rows.
Each bad row is reported with the file, its row (the spreadsheet's row number, header = row 1; a JSON record's
1-based index) and the reason, and every good row is kept. A file that cannot be read at all (missing, not JSON,
not a workbook) raises ``NeedsFileError`` naming it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from novum.match import EmptyNeedError, NeedsFileError
from novum.match.text import check_need
from novum.normalize.numbers import NumberFormatError, parse_number
from novum.store.needs import LicenceOffer, Need

FORMATS = ("csv", "json", "jsonl", "xlsx")
NEED_COLUMNS = {
    "firm": ("firm", "company", "organisation", "organization", "enterprise", "企业", "公司", "单位", "企业名称"),
    "contact": ("contact", "email", "e-mail", "phone", "联系人", "联系方式", "联系"),
    "text": ("text", "need", "needs", "description", "problem", "requirement", "需求", "问题", "技术需求", "需求描述"),
    "industry": ("industry", "sector", "field", "行业", "领域", "产业"),
}
OFFER_COLUMNS = {
    "number": ("number", "patent", "publication", "publication number", "patent number", "专利号", "公开号"),
    "licensor": ("licensor", "owner", "patentee", "许可人", "专利权人"),
    "terms": ("terms", "conditions", "licence terms", "license terms", "许可条件"),
    "exclusive": ("exclusive", "exclusivity", "独占"),
    "territory": ("territory", "region", "地域"),
    "fee": ("fee", "price", "royalty", "许可费", "费用"),
    "contact": ("contact", "email", "联系方式"),
    "url": ("url", "link", "链接"),
    "valid_until": ("valid until", "valid_until", "expires", "until", "有效期"),
}
_YES = {"yes", "y", "true", "1", "exclusive", "是", "独占"}
_NO = {"no", "n", "false", "0", "non-exclusive", "nonexclusive", "否", "普通", "开放"}


@dataclass(slots=True)
class RowProblem:
    source: str
    position: str  # "row 4", "record 2"
    reason: str

    def __str__(self) -> str:
        return f"{self.source}, {self.position}: {self.reason}"

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "position": self.position, "reason": self.reason}


@dataclass(slots=True)
class Imported:
    """What a file gave: the good rows and a problem for each bad one."""

    needs: list[Need] = field(default_factory=list)
    offers: list[LicenceOffer] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def read_needs(path: Path, fmt: str | None = None) -> Imported:
    """Needs from a file: columns firm, contact, text, industry (English or Chinese headers)."""
    out = Imported()
    for position, row in _rows(path, fmt, out):
        values = _pick(row, NEED_COLUMNS)
        firm, text = values.get("firm"), values.get("text")
        if not firm:
            out.problems.append(RowProblem(str(path), position, "no firm (column firm/company/企业)"))
            continue
        if not text:
            out.problems.append(RowProblem(str(path), position, "no need text (column text/need/description/需求)"))
            continue
        try:
            cleaned = check_need(text, "the need text")
        except EmptyNeedError as exc:
            out.problems.append(RowProblem(str(path), position, str(exc)))
            continue
        need = Need(firm, cleaned, values.get("contact"), values.get("industry"), source=str(path), position=position)
        out.needs.append(need)
    return out


def read_offers(path: Path, fmt: str | None = None) -> Imported:
    """Open-licence offers from a file: number, licensor, terms, exclusive, territory, fee, contact, url, until."""
    out = Imported()
    for position, row in _rows(path, fmt, out):
        values = _pick(row, OFFER_COLUMNS)
        problem = None
        number = values.get("number")
        try:
            parsed = parse_number(number or "")
            if not parsed.country:
                problem = f"publication number {number!r} has no country code"
        except NumberFormatError as exc:
            problem = f"no usable publication number ({exc})" if number else "no publication number (column number)"
            parsed = None
        exclusive: bool | None = None
        flag = (values.get("exclusive") or "").strip().lower()
        if flag in _YES:
            exclusive = True
        elif flag in _NO:
            exclusive = False
        elif flag:
            problem = problem or f"exclusive must be yes or no, not {values['exclusive']!r}"
        until = values.get("valid_until")
        if until:
            try:
                until = dt.date.fromisoformat(until.replace("/", "-")[:10]).isoformat()
            except ValueError:
                problem = problem or f"valid until {until!r} is not a date (YYYY-MM-DD)"
        if problem or parsed is None:
            out.problems.append(RowProblem(str(path), position, problem or "no publication number"))
            continue
        out.offers.append(
            LicenceOffer(
                str(parsed),
                values.get("licensor") or "",
                values.get("terms"),
                exclusive,
                values.get("territory"),
                values.get("fee"),
                values.get("contact"),
                values.get("url"),
                until,
                str(path),
                position,
            )  # fmt: skip
        )
    return out


def _pick(row: dict[str, Any], columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """The row's values under our column names, whatever header spelling the file used; blanks dropped."""
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    out: dict[str, str] = {}
    for name, aliases in columns.items():
        for alias in aliases:
            value = lowered.get(alias)
            if value is not None and str(value).strip():
                out[name] = _text(value)
                break
    return out


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(path: Path, fmt: str | None, out: Imported) -> Iterator[tuple[str, dict[str, Any]]]:
    """(position, row) for every record; records that are not rows at all are reported into ``out``."""
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise NeedsFileError(f"{path}: unknown file type {kind!r}; use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise NeedsFileError(f"{path}: no such file")
    if kind == "xlsx":
        yield from _xlsx(path)
        return
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NeedsFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if kind == "csv":
        yield from _csv(path, text)
    elif kind == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                out.problems.append(RowProblem(str(path), f"line {number}", f"not JSON: {exc.msg}"))
                continue
            if not isinstance(record, dict):
                out.problems.append(RowProblem(str(path), f"line {number}", "not an object"))
                continue
            yield f"line {number}", record
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise NeedsFileError(f"{path}: not JSON (line {exc.lineno} column {exc.colno}: {exc.msg})") from exc
        if isinstance(data, dict):
            data = next((v for v in data.values() if isinstance(v, list)), [data])
        if not isinstance(data, list):
            raise NeedsFileError(f"{path}: expected a list of records")
        for number, record in enumerate(data, start=1):
            if not isinstance(record, dict):
                out.problems.append(RowProblem(str(path), f"record {number}", "not an object"))
                continue
            yield f"record {number}", record


def _csv(path: Path, text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count) if any(d in header for d in ",;\t") else ","  # the header decides
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        raise NeedsFileError(f"{path}: no header row")
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        yield f"row {reader.line_num}", row


def _xlsx(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for a non-workbook
        raise NeedsFileError(f"{path}: not an XLSX workbook ({type(exc).__name__}: {exc})") from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise NeedsFileError(f"{path}: the first sheet has no header row")
        names = [str(h).strip() if h is not None else "" for h in header]
        for number, values in enumerate(rows, start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            yield f"row {number}", dict(zip(names, values, strict=False))
    finally:
        book.close()
