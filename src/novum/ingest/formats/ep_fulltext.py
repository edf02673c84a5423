"""The EPO's "EP full-text data for text analytics": tab-separated rows, several of which make one publication.

Each row is ``country, number, kind, date, lang, field, text`` with ``field`` one of TITLE, ABSTR, DESCR, CLAIM
(AMEND/ACSTM for amended claims and PDFEP for the PDF link also occur). The text cells carry the publication
server's own markup (``<p num=..>``, ``<claim>``), so they are read with the same helpers as the EPO XML. Rows of one
publication are adjacent, which lets a file of millions of rows be read one publication at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from novum.ingest.formats.base import ParsedDocument, StreamFormat
from novum.ingest.formats.epo import abstracts, claims, description, description_citations
from novum.ingest.xml import parse_xml
from novum.model import Patent
from novum.normalize.dates import iso_date
from novum.normalize.numbers import split_document_id
from novum.normalize.text import clean

_FIELDS = frozenset({"TITLE", "ABSTR", "DESCR", "CLAIM", "AMEND", "ACSTM", "PDFEP", "SRPRT"})
_ROW_HEAD = re.compile(r"^[A-Z]{2}\t\d+\t[A-Z]\d?\t\d{4}-?\d{2}-?\d{2}\t[a-z]{2}\t[A-Z]+\t")
_BARE_AMPERSAND = re.compile(r"&(?!#?\w+;)")
_TAG = re.compile(r"<[^>]+>")
_COLUMNS = 7


class EpFullTextTsv(StreamFormat):
    """One publication per group of adjacent rows sharing country, number, kind and date."""

    name = "ep-fulltext-tsv"
    description = "EPO full-text data for text analytics (TSV: country, number, kind, date, lang, field, text)"

    def sniff(self, head: bytes, filename: str) -> bool:
        line = head.split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
        if not _ROW_HEAD.match(line):
            return False
        return line.split("\t", 6)[5] in _FIELDS

    def parse(self, stream: BinaryIO, filename: str) -> Iterator[ParsedDocument]:
        group: list[tuple[int, bytes, list[str]]] = []
        key: tuple[str, ...] | None = None
        # A broken row does not end the publication around it; its error follows that publication.
        errors: list[ParsedDocument] = []
        for number, raw in enumerate(stream, start=1):
            if number == 1:
                raw = raw.lstrip(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            try:
                cells = raw.decode("utf-8").rstrip("\r\n").split("\t", _COLUMNS - 1)
            except UnicodeDecodeError as exc:
                errors.append(ParsedDocument(f"line {number}", raw, error=f"not UTF-8: {exc}"))
                continue
            if len(cells) < _COLUMNS:
                problem = f"expected {_COLUMNS} tab-separated columns, got {len(cells)}"
                errors.append(ParsedDocument(f"line {number}", raw, error=problem))
                continue
            row_key = tuple(c.strip() for c in cells[:4])
            if row_key != key:
                if group:
                    yield _document(group)
                yield from errors
                group, errors = [], []
            key = row_key
            group.append((number, raw, cells))
        if group:
            yield _document(group)
        yield from errors


def _document(rows: list[tuple[int, bytes, list[str]]]) -> ParsedDocument:
    first_line = rows[0][0]
    position = f"line {first_line}" if len(rows) == 1 else f"lines {first_line}-{rows[-1][0]}"
    raw = b"".join(r[1] for r in rows)
    try:
        patent = to_patent([r[2] for r in rows])
    except (ValueError, KeyError, IndexError, etree.XMLSyntaxError) as exc:
        return ParsedDocument(position, raw, error=f"{EpFullTextTsv.name}: {exc}", format=EpFullTextTsv.name)
    return ParsedDocument(position, raw, patent=patent, format=EpFullTextTsv.name)


def to_patent(rows: list[list[str]]) -> Patent:
    """Map the rows of one publication onto the model."""
    country, number, kind, date = (c.strip() for c in rows[0][:4])
    if not number:
        raise ValueError("no publication number")
    parsed = split_document_id(country or "EP", number, kind)
    patent = Patent(
        country=parsed.country or "EP",
        doc_number=parsed.number,
        kind=parsed.kind,
        publication_date=iso_date(date),
        doc_type="utility",  # the EPC grants patents for inventions only
    )
    languages: dict[str, str] = {}
    for cells in rows:
        lang, field, text = cells[4].strip().lower(), cells[5].strip().upper(), cells[6]
        if field == "TITLE":
            title = _plain(text)
            if title and lang and lang not in patent.titles:
                patent.titles[lang] = title
        elif field == "ABSTR":
            for key, value in abstracts([_fragment("abstract", lang, text)], lang).items():
                patent.abstracts.setdefault(key, value)
            languages.setdefault("ABSTR", lang)
        elif field == "DESCR":
            block = _fragment("description", lang, text)
            holder = etree.Element("doc")  # description_citations looks for the description below a root
            holder.append(block)
            patent.description.extend(description([block], lang))
            patent.citations.extend(c for c in description_citations(holder) if c not in patent.citations)
            languages.setdefault("DESCR", lang)
        elif field == "CLAIM":
            patent.claims.extend(claims([_fragment("claims", lang, text)], lang))
            languages.setdefault("CLAIM", lang)
    # The description is published in the language of the proceedings; B documents add claims in all three.
    patent.language = languages.get("DESCR") or languages.get("CLAIM") or languages.get("ABSTR")
    return patent


def _fragment(tag: str, lang: str, text: str) -> etree._Element:
    """Wrap a cell's markup in its container element; a stray ``&`` (seen in EPO text) is escaped, not fatal."""
    opening = f'<{tag} lang="{lang}">' if re.fullmatch(r"[a-z]{2}", lang) else f"<{tag}>"
    try:
        return parse_xml(f"{opening}{text}</{tag}>".encode())
    except etree.XMLSyntaxError:
        return parse_xml(f"{opening}{_BARE_AMPERSAND.sub('&amp;', text)}</{tag}>".encode())


def _plain(text: str) -> str | None:
    if "<" not in text and "&" not in text:
        return clean(text)
    try:
        return clean("".join(_fragment("title", "", text).itertext()))
    except etree.XMLSyntaxError:
        return clean(_TAG.sub(" ", text))
