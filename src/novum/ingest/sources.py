"""Turning the paths a user gives into the files to read: folders walked, ``.zip`` and ``.tar`` archives opened.

Each source carries a fingerprint (size, modification time, member checksum and the parser version) so that a
re-run can skip what it already finished: that is what makes an interrupted ingest resumable without re-reading.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Bump when a parser changes what it extracts, so previously completed sources are read again.
PARSER_VERSION = "1"

# Files that travel with patent data but are not documents: reported as skipped, not quarantined. Besides
# schemas, images and papers, the offices ship SGML support files beside their DTDs (catalogues, declarations,
# attribute and table rules).
_NOT_DOCUMENTS = set(
    [
        ".dtd",
        ".xsd",
        ".ent",
        ".mod",
        ".xsl",
        ".xslt",
        ".css",
        ".js",
        ".pdf",
        ".md",
        ".py",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".tif",
        ".tiff",
        ".bmp",
        ".svg",
        ".doc",
        ".docx",
        ".html",
        ".htm",
        ".sh",
        ".cat",
        ".dcl",
        ".dec",
        ".att",
        ".ctm",
        ".rlx",
        ".rls",
        ".tbr",
        ".scc",
    ]
)
_NOT_DOCUMENT_NAMES = ("license", "readme", "provenance", "notice", "changelog", ".gitignore", "toc.xml")


@dataclass(slots=True)
class Source:
    """One readable file: a path on disk or a member of an archive (``archive.zip!member.xml``)."""

    name: str
    filename: str
    fingerprint: str
    opener: Callable[[], AbstractContextManager[IO[bytes]]]


@dataclass(slots=True)
class Skipped:
    """A file that is not patent data (a DTD, a PDF, a licence); counted and listed, not ingested."""

    name: str
    reason: str


def is_document_name(filename: str) -> bool:
    lower = filename.lower()
    base = lower.rsplit("/", 1)[-1]
    suffix = Path(base.removesuffix(".gz")).suffix
    return suffix not in _NOT_DOCUMENTS and not base.startswith(_NOT_DOCUMENT_NAMES)


def expand(paths: list[Path]) -> Iterator[Source | Skipped]:
    """Every source under the given paths, in a stable order. Missing paths raise ``FileNotFoundError``."""
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {path}")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from _file(child)
        else:
            yield from _file(path)


def _file(path: Path) -> Iterator[Source | Skipped]:
    name = str(path)
    if not is_document_name(path.name):
        yield Skipped(name, "not a patent document (by file type)")
        return
    stat = path.stat()
    fingerprint = f"{stat.st_size}:{stat.st_mtime_ns}:v{PARSER_VERSION}"
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            yield from _zip_members(archive, name, fingerprint)
    elif _is_tar(path):
        yield from _tar_members(path, name, fingerprint)
    else:
        yield Source(name, path.name, fingerprint, lambda: open(path, "rb"))  # noqa: SIM115 (the pipeline opens it in a with)


def _is_tar(path: Path) -> bool:
    lower = path.name.lower()
    if not lower.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
        return False
    return tarfile.is_tarfile(path)


def _zip_members(archive: zipfile.ZipFile, container: str, fingerprint: str) -> Iterator[Source | Skipped]:
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        if info.is_dir():
            continue
        name = f"{container}!{info.filename}"
        if not is_document_name(info.filename):
            yield Skipped(name, "not a patent document (by file type)")
            continue
        member_fp = f"{fingerprint}:{info.CRC}:{info.file_size}"
        if info.filename.lower().endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(archive.read(info))) as inner:
                yield from _zip_members(inner, name, member_fp)
            continue
        yield Source(name, info.filename.rsplit("/", 1)[-1], member_fp, _opener(archive, info))


def _opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], AbstractContextManager[IO[bytes]]]:
    return lambda: archive.open(info)


def _tar_members(path: Path, container: str, fingerprint: str) -> Iterator[Source | Skipped]:
    with tarfile.open(path, "r:*") as archive:
        for member in archive:
            if not member.isfile():
                continue
            name = f"{container}!{member.name}"
            if not is_document_name(member.name):
                yield Skipped(name, "not a patent document (by file type)")
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            member_fp = f"{fingerprint}:{member.size}:{member.mtime}"
            yield Source(name, member.name.rsplit("/", 1)[-1], member_fp, _fixed(handle))


def _fixed(handle: IO[bytes]) -> Callable[[], AbstractContextManager[IO[bytes]]]:
    """Tar members stream in order, so the opener hands out the one handle the archive already gave us."""
    return lambda: handle
