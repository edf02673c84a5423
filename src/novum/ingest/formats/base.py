"""The contract every source format implements, and the XML base most of them share.

Two kinds of reader exist: ``XmlFormat`` handles one XML document at a time (the pipeline splits files that hold
many, like USPTO weekly files, and picks the format per document from its root element), and ``StreamFormat``
reads a whole non-XML file (JSONL, CSV, APS text...) record by record.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, ClassVar

from lxml import etree

from novum.ingest.xml import local
from novum.model import Patent


@dataclass(slots=True)
class ParsedDocument:
    """One document read from a source: a ``patent``, or the ``error`` that sends it to the quarantine.

    ``raw`` holds the exact bytes of the document so the store keeps what it was given, and ``position`` tells a
    person where to find it in the file (``"document 3 (line 1234)"``, ``"line 17"``). ``warning`` says how a
    defective document was repaired to be read, so the repair is never silent.
    """

    position: str
    raw: bytes
    patent: Patent | None = None
    error: str | None = None
    format: str | None = None
    warning: str | None = None  # set when a defective document was repaired to be read; kept with the record


class XmlFormat(ABC):
    """A format whose documents are single XML trees, recognised by their root element."""

    name: ClassVar[str]
    description: ClassVar[str]
    roots: ClassVar[tuple[str, ...]]  # local names of the root elements this format reads

    def accepts(self, root: etree._Element) -> bool:
        """Whether this format reads the tree; override when a root name alone is ambiguous."""
        return local(root) in self.roots

    @abstractmethod
    def to_patent(self, root: etree._Element) -> Patent:
        """Map the tree onto the model; raise ``ValueError`` with a reason when the document is unusable."""


class StreamFormat(ABC):
    """A format read as a whole file, yielding one ``ParsedDocument`` per record."""

    name: ClassVar[str]
    description: ClassVar[str]

    @abstractmethod
    def sniff(self, head: bytes, filename: str) -> bool:
        """Whether the first bytes of a file (up to 64 KiB) look like this format."""

    @abstractmethod
    def parse(self, stream: BinaryIO, filename: str) -> Iterator[ParsedDocument]:
        """Yield every record; a bad record becomes a ``ParsedDocument`` with ``error`` set, never an exception."""


# What mapping a malformed but parseable document onto the model raises: the data is bad, so the document goes
# to the quarantine. ``TypeError``/``AttributeError`` are not here: they are bugs in a reader, and a bug must fail
# loudly rather than quarantine good documents as if their data were bad.
MAPPING_ERRORS = (ValueError, KeyError, IndexError)


def mapped(position: str, raw: bytes, format_name: str, build: Callable[[], Patent]) -> ParsedDocument:
    """Run a format's mapping for one record; a failure becomes the quarantine reason, prefixed by the format."""
    try:
        patent = build()
    except MAPPING_ERRORS as exc:
        return ParsedDocument(position, raw, error=f"{format_name}: {exc}", format=format_name)
    return ParsedDocument(position, raw, patent=patent, format=format_name)
