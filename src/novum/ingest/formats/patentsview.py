"""USPTO PatentsView bulk download tables (``g_patent``, ``g_patent_abstract``, ``g_cpc_current``, ...), joined into
one record per granted patent.

PatentsView publishes granted US patents as separate tables keyed on ``patent_id`` (tab-separated downloads; users
often keep filtered extracts as CSV). The ``g_patent`` table is the one that yields documents: when it is read, the
tables beside it in the same folder are recognised by their header columns and joined in:

=========================== ======================================================================================
table (header columns)      what it adds
=========================== ======================================================================================
g_patent_abstract           ``patent_abstract``: the abstract
g_cpc_current               ``cpc_group`` (ordered by ``cpc_sequence``, inventional first): CPC
g_ipc_at_issue              ``section, ipc_class, subclass, main_group, subgroup``: IPC
g_assignee_disambiguated    ``disambig_assignee_organization`` (or the person's names): assignees
g_inventor_disambiguated    ``disambig_inventor_name_first/last``: inventors
g_application               ``filing_date``, ``application_id``
g_foreign_priority          ``foreign_country_filed``, ``foreign_application_id``, ``filing_date``: priority claims
g_us_patent_citation        ``citation_patent_id``, ``citation_category``: US patents cited, and by whom
g_location_disambiguated    ``location_id``, ``disambig_country``: the country of assignees and inventors
=========================== ======================================================================================

The other tables, read on their own, yield no documents (they were read with their ``g_patent`` table); a side
table without a ``g_patent`` table beside it is reported, not silently ignored. Side rows are kept only for the
patents of the ``g_patent`` table, so a filtered extract stays small; the tables must be on disk (extracted from
their zip files), because a table is joined with the files beside it.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from novum.ingest.formats.base import ParsedDocument, StreamFormat, mapped
from novum.model import Citation, Party, Patent, PriorityClaim
from novum.normalize.classification import from_parts, normalize_symbol, unique
from novum.normalize.dates import iso_date
from novum.normalize.numbers import parse_number
from novum.normalize.text import clean

csv.field_size_limit(64 * 1024 * 1024)

# A table is recognised by the columns that only it has (besides ``patent_id``).
TABLES: dict[str, tuple[str, ...]] = {
    "patent": ("patent_date", "patent_title"),
    "abstract": ("patent_abstract",),
    "cpc": ("cpc_group", "cpc_sequence"),
    "ipc": ("main_group", "subgroup", "ipc_class"),
    "assignee": ("disambig_assignee_organization",),
    "inventor": ("disambig_inventor_name_last",),
    "application": ("filing_date", "application_id"),
    "priority": ("foreign_country_filed",),
    "citation": ("citation_patent_id",),
    "location": ("location_id", "disambig_country"),
}
_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")


def table_of(header: list[str]) -> str | None:
    """Which PatentsView table a header row belongs to, or ``None``."""
    columns = {c.strip().strip('"').lower() for c in header}
    for name, marks in TABLES.items():
        if all(m in columns for m in marks) and ("patent_id" in columns or name == "location"):
            return name
    return None


def _header(head: bytes) -> list[str]:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
    if "\t" in first:
        return first.split("\t")
    try:
        return next(csv.reader([first]), [])
    except csv.Error:  # a stray carriage return or NUL: not a PatentsView header (found by fuzzing the readers)
        return []


def _rows(stream: IO[bytes]) -> Iterator[dict[str, str]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        delimiter = "\t" if "\t" in first else ","
        header = [c.strip() for c in next(csv.reader([first], delimiter=delimiter))]
        # PatentsView's own downloads are tab-separated without quoting; CSV extracts quote fields
        reader = (
            csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE)
            if delimiter == "\t"
            else csv.reader(text, delimiter=",")
        )
        for row in reader:
            yield dict(zip(header, row, strict=False))
    finally:
        text.detach()


def _open(path: Path) -> IO[bytes]:
    if path.name.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")  # noqa: SIM115 (callers close it in a with)


def _source_path(stream: object) -> Path | None:
    """The file on disk a stream reads, found through the wrappers around it (limits guard, gzip, buffer)."""
    for _ in range(8):
        name = getattr(stream, "name", None)
        if isinstance(name, str) and name and Path(name).is_file():
            return Path(name)
        inner = next(
            (getattr(stream, a) for a in ("inner", "fileobj", "raw") if getattr(stream, a, None) is not None), None
        )
        if inner is None:
            return None
        stream = inner
    return None


def _siblings(folder: Path) -> dict[str, list[Path]]:
    """The PatentsView tables in a folder, by table name."""
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(folder.iterdir()):
        if not path.is_file() or not path.name.lower().endswith(_SUFFIXES):
            continue
        with _open(path) as handle:
            name = table_of(_header(handle.read(8192)))
        if name is not None:
            found[name].append(path)
    return found


class PatentsViewTables(StreamFormat):
    name = "patentsview"
    description = "USPTO PatentsView bulk tables (g_patent with abstract, CPC, IPC, assignee, inventor... beside it)"

    def sniff(self, head: bytes, filename: str) -> bool:
        return table_of(_header(head)) is not None

    def parse(self, stream: BinaryIO, filename: str) -> Iterator[ParsedDocument]:
        table = table_of(_header(stream.peek(8192) if hasattr(stream, "peek") else b""))
        path = _source_path(stream)
        folder = path.parent if path is not None else None
        if table != "patent":
            siblings = _siblings(folder) if folder is not None else {}
            if not siblings.get("patent"):
                where = f"in {folder}" if folder is not None else "(read from an archive: extract the tables first)"
                yield ParsedDocument(
                    "file",
                    b"",
                    error=f"patentsview: a {table} table is read with its g_patent table, none found {where}",
                )
            return
        rows = list(_rows(stream))
        ids = {row.get("patent_id", "").strip() for row in rows}
        side = _side_tables(_siblings(folder), ids) if folder is not None else _Side()
        for line, row in enumerate(rows, start=2):
            patent_id = row.get("patent_id", "").strip()
            joined = {"patent": row, **side.rows_of(patent_id)}
            raw = json.dumps(joined, ensure_ascii=False).encode()
            yield mapped(f"row {line}", raw, self.name, _builder(row, side, patent_id))


def _builder(row: dict[str, str], side: _Side, patent_id: str) -> Callable[[], Patent]:
    return lambda: _patent(row, side, patent_id)


class _Side:
    """The side tables' rows by ``patent_id`` (and locations by ``location_id``)."""

    def __init__(self) -> None:
        self.by_table: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
        self.locations: dict[str, str] = {}

    def get(self, table: str, patent_id: str) -> list[dict[str, str]]:
        return self.by_table.get(table, {}).get(patent_id, [])

    def rows_of(self, patent_id: str) -> dict[str, Any]:
        return {t: rows[patent_id] for t, rows in self.by_table.items() if patent_id in rows}


def _side_tables(siblings: dict[str, list[Path]], ids: set[str]) -> _Side:
    side = _Side()
    for table, paths in siblings.items():
        if table == "patent":
            continue
        for path in paths:
            with _open(path) as handle:
                for row in _rows(handle):
                    if table == "location":
                        if row.get("disambig_country"):
                            side.locations[row["location_id"].strip()] = row["disambig_country"].strip().upper()
                        continue
                    patent_id = row.get("patent_id", "").strip()
                    if patent_id in ids:
                        side.by_table[table][patent_id].append(row)
    return side


def _seq(row: dict[str, str], key: str) -> int:
    value = row.get(key, "").strip()
    return int(value) if value.isdigit() else 0


def _patent(row: dict[str, str], side: _Side, patent_id: str) -> Patent:
    if not patent_id:
        raise ValueError("no patent_id")
    parsed = parse_number(f"US{patent_id}")
    kind = clean(row.get("wipo_kind")) or None
    patent = Patent(country="US", doc_number=parsed.number, kind=kind, language="en")
    patent.doc_type = clean(row.get("patent_type")) or None
    patent.publication_date = iso_date(row.get("patent_date"))
    if title := clean(row.get("patent_title")):
        patent.titles["en"] = title
    for item in side.get("abstract", patent_id):
        if text := clean(item.get("patent_abstract")):
            patent.abstracts["en"] = text
    cpc_rows = sorted(
        side.get("cpc", patent_id), key=lambda r: (r.get("cpc_type") != "inventional", _seq(r, "cpc_sequence"))
    )
    patent.cpc = unique([normalize_symbol(r.get("cpc_group")) for r in cpc_rows])
    ipc_rows = sorted(side.get("ipc", patent_id), key=lambda r: _seq(r, "ipc_sequence"))
    patent.ipc = unique(
        [from_parts(r.get("section"), r.get("ipc_class"), r.get("subclass"), r.get("main_group"), r.get("subgroup"))
         for r in ipc_rows]
    )  # fmt: skip
    for item in sorted(side.get("assignee", patent_id), key=lambda r: _seq(r, "assignee_sequence")):
        name = clean(item.get("disambig_assignee_organization")) or _person(item, "assignee")
        if name:
            patent.assignees.append(Party(name, side.locations.get(item.get("location_id", "").strip())))
    for item in sorted(side.get("inventor", patent_id), key=lambda r: _seq(r, "inventor_sequence")):
        if name := _person(item, "inventor"):
            patent.inventors.append(Party(name, side.locations.get(item.get("location_id", "").strip())))
    for item in side.get("application", patent_id):
        patent.filing_date = iso_date(item.get("filing_date")) or patent.filing_date
        patent.application_number = clean(item.get("application_id")) or patent.application_number
    for item in side.get("priority", patent_id):
        patent.priority_claims.append(
            PriorityClaim(clean(item.get("foreign_country_filed")) or None,
                          clean(item.get("foreign_application_id")) or None, iso_date(item.get("filing_date")))
        )  # fmt: skip
    for item in sorted(side.get("citation", patent_id), key=lambda r: _seq(r, "citation_sequence")):
        cited = clean(item.get("citation_patent_id"))
        if cited:
            category = (clean(item.get("citation_category")) or "").lower()
            by = "examiner" if "examiner" in category else "applicant" if "applicant" in category else None
            patent.citations.append(Citation(number=f"US{cited}", country="US", doc_number=cited, cited_by=by,
                                             date=iso_date(item.get("citation_date"))))  # fmt: skip
    return patent


def _person(row: dict[str, str], role: str) -> str | None:
    first = clean(row.get(f"disambig_{role}_name_first") or row.get(f"disambig_{role}_individual_name_first"))
    last = clean(row.get(f"disambig_{role}_name_last") or row.get(f"disambig_{role}_individual_name_last"))
    name = " ".join(p for p in (first, last) if p)
    return name or None
