"""Reading XML files that hold one document or thousands (USPTO weekly files concatenate whole documents).

The file is streamed line by line and cut at each ``<?xml`` declaration, so memory stays flat at one document.
Each document is parsed on its own and routed by its root element to the format that reads it, so a bad document
is quarantined without losing its neighbours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from lxml import etree

from novum.ingest.formats.base import ParsedDocument, XmlFormat, mapped
from novum.ingest.xml import local, parse_xml, repair_xml

_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml\s")
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024  # a single document larger than this is refused, not read into memory


def split_documents(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Yield ``(first line number, bytes)`` for each XML document in the stream."""
    buffer: list[bytes] = []
    size = 0
    start = 1
    oversized = False
    for number, line in enumerate(stream, start=1):
        if b"<?xml" in line[:80] and _DECLARATION.match(line) and size and any(c.strip() for c in buffer):
            yield start, _finish(buffer, oversized)
            buffer, size, start, oversized = [], 0, number, False
        if not buffer:
            start = number
        size += len(line)
        if size > MAX_DOCUMENT_BYTES:
            oversized = True  # keep counting lines but stop holding bytes
            continue
        buffer.append(line)
    if any(chunk.strip() for chunk in buffer):
        yield start, _finish(buffer, oversized)


def _finish(buffer: list[bytes], oversized: bool) -> bytes:
    data = b"".join(buffer)
    return b"" if oversized else data


def read_xml(stream: BinaryIO, formats: Iterable[XmlFormat]) -> Iterator[ParsedDocument]:
    """Parse every document in an XML file; failures come back as ``ParsedDocument.error``, never as exceptions."""
    readers = list(formats)
    for index, (line, data) in enumerate(split_documents(stream), start=1):
        position = f"document {index} (line {line})"
        if not data:
            yield ParsedDocument(position, b"", error=f"document larger than {MAX_DOCUMENT_BYTES} bytes; refused")
            continue
        yield parse_one(data, position, readers)


def parse_one(data: bytes, position: str, readers: list[XmlFormat]) -> ParsedDocument:
    warning = None
    text = data.lstrip()  # weekly files may indent the declaration of later documents
    try:
        root = parse_xml(text)
    except etree.XMLSyntaxError as exc:
        repaired = repair_xml(text, exc)
        if repaired is None:
            return ParsedDocument(position, data, error=f"malformed XML: {exc}")
        root, warning = repaired
    except ValueError as exc:  # lxml raises ValueError for some encoding problems
        return ParsedDocument(position, data, error=f"unreadable XML: {exc}")
    reader = next((r for r in readers if r.accepts(root)), None)
    if reader is None:
        return ParsedDocument(position, data, error=f"unknown document type: root element <{local(root)}>")
    document = mapped(position, data, reader.name, lambda: reader.to_patent(root))
    document.warning = warning if document.patent is not None else None
    return document
