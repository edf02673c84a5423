"""Read one file (or one archive member) into ``ParsedDocument`` records, whatever its format.

XML is recognised by its first non-blank byte and handed to the per-document XML router; anything else is offered
to the stream formats' sniffers. A file nobody recognises becomes one quarantined record, never an exception.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO, cast

from novum.ingest.formats.base import ParsedDocument
from novum.ingest.limits import GuardedStream, IngestLimits, InputLimitError
from novum.ingest.registry import detect_stream_format, xml_formats
from novum.ingest.xmlstream import read_xml

HEAD_BYTES = 64 * 1024
# What a damaged file can raise mid-read: truncated or corrupt compression, damaged archives, I/O failures.
_READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile, tarfile.TarError)
_GZIP_MAGIC = b"\x1f\x8b"


def read_file(path: Path, limits: IngestLimits | None = None) -> Iterator[ParsedDocument]:
    """Parse a file on disk (gzip-compressed files are recognised by their magic bytes)."""
    with open(path, "rb") as handle:
        yield from read_stream(handle, path.name, limits, stored=path.stat().st_size)


def read_stream(
    stream: IO[bytes], filename: str, limits: IngestLimits | None = None, stored: int | None = None
) -> Iterator[ParsedDocument]:
    """Parse a binary stream whose name (for sniffing and messages) is ``filename``.

    ``stored`` is the stream's size as stored (compressed, for an archive member); with ``limits`` (default: from
    the environment) it bounds what the stream may expand to. A source that passes a limit is refused where it
    happens: the documents read before stay, the refusal is a quarantined record with its position and reason.
    """
    guard = limits or IngestLimits.from_env()
    try:
        yield from _read(stream, filename, guard, stored)
    except InputLimitError as exc:
        yield ParsedDocument(exc.position or "file", b"", error=exc.reason)


def _read(stream: IO[bytes], filename: str, limits: IngestLimits, stored: int | None) -> Iterator[ParsedDocument]:
    raw = cast(io.RawIOBase, stream)  # any binary file object will do; BufferedReader only needs read()/readinto()
    buffered = stream if isinstance(stream, (io.BufferedReader, GuardedStream)) else io.BufferedReader(raw)
    guarded = buffered if isinstance(buffered, GuardedStream) else GuardedStream(buffered, limits, stored)
    try:
        head = guarded.peek(HEAD_BYTES)[:HEAD_BYTES]
    except _READ_ERRORS as exc:
        yield ParsedDocument("file", b"", error=f"cannot read file: {exc}")
        return
    if not head.strip():
        yield ParsedDocument("file", b"", error="empty file")
        return
    if head.startswith(_GZIP_MAGIC):
        with gzip.GzipFile(fileobj=guarded) as unzipped:
            inner = GuardedStream(cast(IO[bytes], unzipped), limits, stored, source=guarded)
            name = filename.removesuffix(".gz").removesuffix(".GZ")
            try:
                yield from _read(cast(IO[bytes], inner), name, limits, stored)
            except _READ_ERRORS as exc:
                yield ParsedDocument(f"line {inner.line}", b"", error=f"file ends unexpectedly: {exc}")
        return
    if looks_like_xml(head):
        try:
            yield from read_xml(cast(BinaryIO, guarded), xml_formats())
        except _READ_ERRORS as exc:  # truncated .gz and similar
            yield ParsedDocument(f"line {guarded.line}", b"", error=f"file ends unexpectedly: {exc}")
        return
    reader = detect_stream_format(head, filename)
    if reader is None:
        yield ParsedDocument("file", head[:4096], error="unknown format: not XML and no reader recognises its content")
        return
    try:
        for document in reader.parse(cast(BinaryIO, guarded), filename):
            document.format = document.format or reader.name
            yield document
    except _READ_ERRORS as exc:
        yield ParsedDocument(f"line {guarded.line}", b"", error=f"file ends unexpectedly: {exc}")


def looks_like_xml(head: bytes) -> bool:
    """XML starts with ``<`` once any byte-order mark and blanks are skipped (UTF-16 included)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head[:512].decode("utf-16", errors="ignore").encode()
    elif head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.lstrip().startswith(b"<")
