"""JSONL and CSV of normalised records: what ``novum export`` writes, and what users bring from other tools.

A JSONL line is either novum's own record layout (``Patent.to_dict``) or a known third-party layout (the
API-Evangelist US patent corpus). CSV has one row per document with flat, human-readable columns; the ``record``
column carries the whole JSON record so an export round-trips without loss, and CSVs made by hand work without it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from novum.ingest.formats._record_shape import check_record, check_strings
from novum.ingest.formats.base import ParsedDocument, StreamFormat
from novum.model import Paragraph, Party, Patent
from novum.normalize.classification import normalize_symbol, unique
from novum.normalize.dates import iso_date
from novum.normalize.numbers import parse_number
from novum.normalize.text import clean

CSV_COLUMNS = [
    "number", "country", "doc_number", "kind", "application_number", "priority_date", "filing_date",
    "publication_date", "title", "abstract", "cpc", "ipc", "applicants", "assignees", "inventors", "family_id",
    "language", "record",
]  # fmt: skip
LIST_SEPARATOR = "; "
csv.field_size_limit(64 * 1024 * 1024)  # exported records carry full descriptions


class JsonlRecords(StreamFormat):
    name = "jsonl"
    description = "JSON Lines of normalised records (novum export) or the API-Evangelist US patent corpus"

    def sniff(self, head: bytes, filename: str) -> bool:
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].strip()
        return first.startswith(b"{")

    def parse(self, stream: BinaryIO, filename: str) -> Iterator[ParsedDocument]:
        for line_number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            position = f"line {line_number}"
            try:
                data = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield ParsedDocument(position, line, error=f"invalid JSON: {exc}")
                continue
            except RecursionError:
                yield ParsedDocument(position, line[:4096], error="invalid JSON: nested too deeply")
                continue
            yield _record(data, position, line)


class CsvRecords(StreamFormat):
    name = "csv"
    description = "CSV of normalised records with a header row (novum export --format csv, or hand-made)"

    def sniff(self, head: bytes, filename: str) -> bool:
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace").lower()
        columns = [c.strip().strip('"') for c in first.split(",")]
        return "number" in columns and filename.lower().endswith((".csv", ".csv.gz"))

    def parse(self, stream: BinaryIO, filename: str) -> Iterator[ParsedDocument]:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        reader = csv.DictReader(text)
        try:
            yield from self._rows(reader)
        except (csv.Error, UnicodeDecodeError) as exc:  # a NUL byte, an oversized field, bytes that are not UTF-8
            row = reader.line_num + 1
            yield ParsedDocument(f"row {row}", b"", error=f"malformed CSV: {exc}; the rest of the file was not read")
        finally:
            text.detach()  # the caller owns and closes the underlying stream

    def _rows(self, reader: csv.DictReader[str]) -> Iterator[ParsedDocument]:
        for row_number, row in enumerate(reader, start=2):
            position = f"row {row_number}"
            raw = json.dumps(row, ensure_ascii=False).encode()
            if row.get("record"):
                try:
                    data = json.loads(row["record"])
                except json.JSONDecodeError as exc:
                    yield ParsedDocument(position, raw, error=f"invalid JSON in the record column: {exc}")
                    continue
                yield _record(data, position, raw)
            else:
                yield _record(_from_flat_row(row), position, raw)


def _record(data: Any, position: str, raw: bytes) -> ParsedDocument:
    if not isinstance(data, dict):
        return ParsedDocument(position, raw, error="not a JSON object")
    try:
        if "source_path" in data and "description_head" in data:
            check_strings(data, _API_EVANGELIST_TEXT)
            return ParsedDocument(position, raw, patent=_api_evangelist(data), format="api-evangelist-jsonl")
        check_record(data)
        return ParsedDocument(position, raw, patent=_normalised(data))
    except (ValueError, KeyError) as exc:  # bad data; a TypeError here would be a bug in this reader
        return ParsedDocument(position, raw, error=f"unusable record: {exc}")


def _normalised(data: dict[str, Any]) -> Patent:
    """novum's own layout; ``country``/``doc_number`` may be omitted when ``number`` is given."""
    if not data.get("doc_number"):
        if not data.get("number"):
            raise ValueError("no publication number")
        parsed = parse_number(str(data["number"]))
        if not parsed.country:
            raise ValueError(f"publication number without a country: {data['number']!r}")
        data = {**data, "country": parsed.country, "doc_number": parsed.number, "kind": data.get("kind") or parsed.kind}
    if not data.get("country"):
        raise ValueError("no country")
    return Patent.from_dict(data)


_API_EVANGELIST_TEXT = ("date", "title", "abstract", "owner", "owner_country", "owner_city", "description_head")


def _api_evangelist(data: dict[str, Any]) -> Patent:
    """The API-Evangelist corpus: US grants with title, abstract, first assignee, filing date, description start.

    Its ``date`` is the filing date (see the corpus PROVENANCE), and it gives no kind code, so neither a
    publication date nor a kind is set.
    """
    parsed = parse_number(f"US{data['number']}")  # every record is a US grant; "RE041940" is a US reissue
    patent = Patent(country="US", doc_number=parsed.number, kind=parsed.kind, language="en")
    patent.filing_date = iso_date(data.get("date"))
    if title := clean(data.get("title")):
        patent.titles["en"] = title
    if abstract := clean(data.get("abstract")):
        patent.abstracts["en"] = abstract
    if owner := clean(data.get("owner")):
        patent.assignees.append(Party(owner, clean(data.get("owner_country")), clean(data.get("owner_city"))))
    head = data.get("description_head") or ""
    paragraphs = [clean(p) for p in head.replace("\r\n", "\n").split("\n\n")]
    patent.description = [Paragraph(p) for p in paragraphs if p]
    return patent


def _from_flat_row(row: dict[str, str]) -> dict[str, Any]:
    """A hand-made CSV row (no ``record`` column) in the model's layout."""

    def listed(name: str) -> list[str]:
        return [v.strip() for v in (row.get(name) or "").split(";") if v.strip()]

    out: dict[str, Any] = {
        key: row[key].strip()
        for key in ("number", "country", "doc_number", "kind", "application_number", "family_id", "language")
        if row.get(key) and row[key].strip()
    }
    for key in ("priority_date", "filing_date", "publication_date"):
        if value := iso_date(row.get(key)):
            out[key] = value
    lang = out.get("language", "en")
    if title := clean(row.get("title")):
        out["titles"] = {lang: title}
    if abstract := clean(row.get("abstract")):
        out["abstracts"] = {lang: abstract}
    out["cpc"] = unique([normalize_symbol(s) for s in listed("cpc")])
    out["ipc"] = unique([normalize_symbol(s) for s in listed("ipc")])
    for role in ("applicants", "assignees", "inventors"):
        out[role] = [{"name": name} for name in listed(role)]
    return out


def flat_row(patent: Patent) -> dict[str, str]:
    """One CSV row for ``novum export --format csv``: readable columns plus the lossless ``record``."""
    return {
        "number": patent.number,
        "country": patent.country,
        "doc_number": patent.doc_number,
        "kind": patent.kind or "",
        "application_number": patent.application_number or "",
        "priority_date": patent.earliest_priority() or "",
        "filing_date": patent.filing_date or "",
        "publication_date": patent.publication_date or "",
        "title": patent.title() or "",
        "abstract": patent.abstract() or "",
        "cpc": LIST_SEPARATOR.join(patent.cpc),
        "ipc": LIST_SEPARATOR.join(patent.ipc),
        "applicants": LIST_SEPARATOR.join(p.name for p in patent.applicants),
        "assignees": LIST_SEPARATOR.join(p.name for p in patent.assignees),
        "inventors": LIST_SEPARATOR.join(p.name for p in patent.inventors),
        "family_id": patent.family_id or "",
        "language": patent.language or "",
        "record": json.dumps(patent.to_dict(), ensure_ascii=False),
    }
