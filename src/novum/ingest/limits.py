"""Limits that keep hostile input from exhausting memory or time: expanded size, compression ratio, line length.

Every file is read through a ``GuardedStream``, whatever reader parses it. It counts the bytes that come out of
decompression and refuses a source whose expanded size passes ``max_expanded_bytes`` or whose expansion passes
``max_ratio`` times its stored size (a 4 MB gzip of 4 GiB of zeros is refused after ~16 MiB); it hands out lines
of at most ``max_line_bytes``, so a 2 GB line is never held in memory. A refusal is an ``InputLimitError`` with
the position where it happened; the reader turns it into a quarantine entry and the documents before it are kept.

The limits are configurable with environment variables (``NOVUM_MAX_EXPANDED_BYTES``, ``NOVUM_MAX_RATIO``,
``NOVUM_MAX_LINE_BYTES``) or by passing ``IngestLimits`` to the library.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import IO, Any

from novum.errors import IngestError

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True, slots=True)
class IngestLimits:
    """What one source (a file, or a member of an archive) may expand to."""

    max_expanded_bytes: int = 16 * GiB  # a USPTO weekly file unzips to ~1 GB
    max_ratio: float = 200.0  # patent XML compresses 5-15:1; zeros 1000:1
    ratio_floor: int = 16 * MiB  # the ratio is only judged once this much has come out
    max_line_bytes: int = 128 * MiB  # longer than any real document line
    max_nested_archive_bytes: int = 512 * MiB  # a zip inside a zip is read into memory

    @classmethod
    def from_env(cls) -> IngestLimits:
        """The defaults, overridden by ``NOVUM_MAX_EXPANDED_BYTES``, ``NOVUM_MAX_RATIO``, ``NOVUM_MAX_LINE_BYTES``."""
        values: dict[str, Any] = {}
        for name, key, kind in (
            ("max_expanded_bytes", "NOVUM_MAX_EXPANDED_BYTES", int),
            ("max_ratio", "NOVUM_MAX_RATIO", float),
            ("max_line_bytes", "NOVUM_MAX_LINE_BYTES", int),
        ):
            raw = os.environ.get(key)
            if raw:
                try:
                    values[name] = kind(raw)
                except ValueError:
                    raise IngestError(f"{key}={raw!r} is not a number") from None
        return cls(**values)

    def bomb(self, expanded: int, stored: int | None) -> str | None:
        """Why a source that expanded to ``expanded`` bytes from ``stored`` bytes is refused, or ``None``."""
        if expanded > self.max_expanded_bytes:
            return f"expands to more than {self.max_expanded_bytes:,} bytes (limit NOVUM_MAX_EXPANDED_BYTES)"
        if stored and expanded > self.ratio_floor and expanded > self.max_ratio * stored:
            return (
                f"decompression bomb: {expanded:,} bytes out of {stored:,} stored, a ratio over {self.max_ratio:g}:1"
                " (limit NOVUM_MAX_RATIO)"
            )
        return None


class InputLimitError(IngestError):
    """A source passed one of the ``IngestLimits``; it stops being read where this happened."""


class GuardedStream(io.BufferedIOBase):
    """A binary stream that counts what it hands out and refuses to pass the limits.

    ``stored`` is the size the source occupies compressed (the file, the archive member), against which the
    expansion ratio is judged; ``None`` when unknown. When ``source`` is the guard of the compressed bytes (a gzip
    stream), the ratio is judged against what has been read of those so far, so a bomb is refused after its
    first megabytes whatever the size of the whole file.
    """

    def __init__(
        self, inner: IO[bytes], limits: IngestLimits, stored: int | None = None, source: GuardedStream | None = None
    ) -> None:
        super().__init__()
        self.inner = inner
        self.limits = limits
        self.stored = stored
        self.source = source  # the compressed stream this one decompresses: the ratio is judged on what it read
        self.expanded = 0
        self.line = 1  # the line the next byte belongs to, for messages

    # --- io protocol --------------------------------------------------------------------------------------------
    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(MiB):
                chunks.append(chunk)
            return b"".join(chunks)
        return self._count(self.inner.read(size))

    def read1(self, size: int = -1) -> bytes:
        reader = getattr(self.inner, "read1", None)
        data = reader(size if size >= 0 else MiB) if reader is not None else self.inner.read(size if size >= 0 else MiB)
        return self._count(data)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        """One line, read a MiB at a time so that limits are checked while a long line comes in."""
        cap = self.limits.max_line_bytes
        limit = cap + 1 if size is None or size < 0 else min(size, cap + 1)
        start = self.line
        parts: list[bytes] = []
        got = 0
        while got < limit:
            piece = self._count(self.inner.readline(min(MiB, limit - got)))
            if not piece:
                break
            parts.append(piece)
            got += len(piece)
            if piece.endswith(b"\n"):
                break
        if got > cap and not parts[-1].endswith(b"\n"):  # refused before joining: never twice the cap in memory
            raise InputLimitError(
                f"line longer than {cap:,} bytes (limit NOVUM_MAX_LINE_BYTES); refused, and the rest of the file"
                " was not read",
                position=f"line {start}",
            )
        return b"".join(parts)

    def peek(self, size: int = 0) -> bytes:
        peek = getattr(self.inner, "peek", None)
        return bytes(peek(size)) if peek is not None else b""

    def close(self) -> None:  # the caller owns the inner stream
        super().close()

    # --- accounting ---------------------------------------------------------------------------------------------
    def _count(self, data: bytes) -> bytes:
        self.expanded += len(data)
        self.line += data.count(b"\n")
        reason = self.limits.bomb(self.expanded, self.source.expanded if self.source is not None else self.stored)
        if reason is not None:
            raise InputLimitError(
                f"{reason}; refused, and the rest of the file was not read", position=f"line {self.line}"
            )
        return data
