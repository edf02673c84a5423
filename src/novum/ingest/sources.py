"""Turning the paths a user gives into the files to read: folders walked, ``.zip`` and ``.tar`` archives opened.

Each source carries a fingerprint (size, modification time, member checksum and the parser version) so that a
re-run can skip what it already finished: that is what makes an interrupted ingest resumable without re-reading.
"""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from novum.ingest.limits import IngestLimits

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
    """One readable file: a path on disk or a member of an archive (``archive.zip!member.xml``).

    ``stored`` is its size as stored (compressed, for an archive member), against which the reader judges how far
    it may expand (``novum.ingest.limits``).
    """

    name: str
    filename: str
    fingerprint: str
    opener: Callable[[], AbstractContextManager[IO[bytes]]]
    stored: int | None = None


@dataclass(slots=True)
class Refused:
    """An archive member or archive that is not read because it is hostile or damaged: it goes to the quarantine.

    Path traversal (``../``), absolute paths, links, declared decompression bombs and unreadable archives."""

    name: str
    position: str
    reason: str


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


def expand(paths: list[Path], limits: IngestLimits | None = None) -> Iterator[Source | Skipped | Refused]:
    """Every source under the given paths, in a stable order. Missing paths raise ``FileNotFoundError``."""
    bounds = limits or IngestLimits.from_env()
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {path}")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from _file(child, bounds)
        else:
            yield from _file(path, bounds)


def _file(path: Path, limits: IngestLimits) -> Iterator[Source | Skipped | Refused]:
    name = str(path)
    if not is_document_name(path.name):
        yield Skipped(name, "not a patent document (by file type)")
        return
    found = path.stat()
    fingerprint = f"{found.st_size}:{found.st_mtime_ns}:v{PARSER_VERSION}"
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                yield from _zip_members(archive, name, fingerprint, limits)
            return
        if _is_tar(path):
            yield from _tar_members(path, name, fingerprint, found.st_size, limits)
            return
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        yield Refused(name, "archive", f"unreadable archive: {exc}")
        return
    yield Source(name, path.name, fingerprint, lambda: open(path, "rb"), found.st_size)  # noqa: SIM115 (the pipeline opens it in a with)


def _is_tar(path: Path) -> bool:
    lower = path.name.lower()
    if not lower.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
        return False
    return tarfile.is_tarfile(path)


def unsafe_member_name(member: str) -> str | None:
    """Why an archive member's name is hostile (we never extract to disk, but such a name is never legitimate)."""
    text = member.replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return f"absolute path in archive: {member!r}; refused"
    if ".." in text.split("/"):
        return f"path traversal in archive: {member!r}; refused"
    if "\x00" in text:
        return "NUL byte in an archive member name; refused"
    return None


def _zip_members(
    archive: zipfile.ZipFile, container: str, fingerprint: str, limits: IngestLimits
) -> Iterator[Source | Skipped | Refused]:
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        if info.is_dir():
            continue
        name = f"{container}!{info.filename}"
        if reason := unsafe_member_name(info.filename):
            yield Refused(container, f"member {info.filename!r}", reason)
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            yield Refused(container, f"member {info.filename!r}", "symbolic link in archive; refused")
            continue
        if not is_document_name(info.filename):
            yield Skipped(name, "not a patent document (by file type)")
            continue
        if reason := limits.bomb(info.file_size, info.compress_size):
            yield Refused(container, f"member {info.filename!r}", f"{reason}, as declared by the archive; refused")
            continue
        member_fp = f"{fingerprint}:{info.CRC}:{info.file_size}"
        if info.filename.lower().endswith(".zip"):
            if info.file_size > limits.max_nested_archive_bytes:
                reason = f"nested archive larger than {limits.max_nested_archive_bytes:,} bytes; refused"
                yield Refused(container, f"member {info.filename!r}", reason)
                continue
            with zipfile.ZipFile(io.BytesIO(archive.read(info))) as inner:
                yield from _zip_members(inner, name, member_fp, limits)
            continue
        yield Source(name, info.filename.rsplit("/", 1)[-1], member_fp, _opener(archive, info), info.compress_size)


def _opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], AbstractContextManager[IO[bytes]]]:
    return lambda: archive.open(info)


def _tar_members(
    path: Path, container: str, fingerprint: str, stored: int, limits: IngestLimits
) -> Iterator[Source | Skipped | Refused]:
    """Members in archive order. A member's expansion is judged against the whole archive's size on disk (a
    compressed tar does not say what each member takes); after a bomb the rest of the archive is not read."""
    with tarfile.open(path, "r:*") as archive:
        for member in archive:
            where = f"member {member.name!r}"
            if reason := unsafe_member_name(member.name):
                yield Refused(container, where, reason)
                continue
            if member.issym() or member.islnk():
                yield Refused(container, where, f"link in archive (to {member.linkname!r}); refused")
                continue
            if member.isdev() or member.isfifo():
                yield Refused(container, where, "device or pipe in archive; refused")
                continue
            if not member.isfile():
                continue
            name = f"{container}!{member.name}"
            if not is_document_name(member.name):
                yield Skipped(name, "not a patent document (by file type)")
                continue
            if reason := limits.bomb(member.size, stored):
                yield Refused(container, where, f"{reason}, as declared by the archive; the rest was not read")
                return
            handle = archive.extractfile(member)
            if handle is None:
                continue
            member_fp = f"{fingerprint}:{member.size}:{member.mtime}"
            yield Source(name, member.name.rsplit("/", 1)[-1], member_fp, _fixed(handle), stored)


def _fixed(handle: IO[bytes]) -> Callable[[], AbstractContextManager[IO[bytes]]]:
    """Tar members stream in order, so the opener hands out the one handle the archive already gave us."""
    return lambda: handle
