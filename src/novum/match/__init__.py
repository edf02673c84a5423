"""Technology transfer: matching needs to patents, patents to firms and needs, with explanations and readiness.

A university office holds patents no one uses; a small firm has a problem one of them solves and cannot find it.
This package ranks by meaning (the search library's lexical + semantic fusion), says which claim or passage
answers which part of a need, and shows whether a patent is worth licensing (status, estimated expiry, breadth,
family, citations). Every result is a typed dataclass with ``to_dict()`` for the CLI, the API and the web page.
"""

from __future__ import annotations

from novum.errors import NovumError


class MatchError(NovumError):
    """A match cannot be run as asked (an empty need, an unknown firm, a filter that cannot be applied)."""


class EmptyNeedError(MatchError):
    """The need has no words to match on (empty, punctuation or stop words only)."""


class UnknownFirmError(MatchError):
    """No stored patent names this applicant."""


class NeedsFileError(MatchError):
    """A needs or offers file cannot be read at all (rows with problems are reported one by one instead)."""
