"""One exception tree, so callers can catch novum's failures without catching everyone else's."""

from __future__ import annotations


class NovumError(Exception):
    """Base of every error novum raises on purpose."""


class IngestError(NovumError):
    """A document could not be read; carries where it came from so the user can find it."""

    def __init__(self, reason: str, *, source: str | None = None, position: str | None = None) -> None:
        self.reason = reason
        self.source = source
        self.position = position
        where = ", ".join(p for p in (source, position) if p)
        super().__init__(f"{where}: {reason}" if where else reason)


class UnknownFormatError(IngestError):
    """No registered parser recognises the input."""


class StoreError(NovumError):
    """The system of record cannot be opened or migrated."""


class NotFoundError(NovumError):
    """A publication number is not in the store."""


class QuerySyntaxError(NovumError):
    """A search query cannot be parsed; the message names the position and what was expected."""
