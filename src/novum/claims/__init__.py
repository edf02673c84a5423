"""Claims and evidence: claim trees, claim segmentation, element-by-element charts against prior art, reports."""

from __future__ import annotations

from novum.errors import NovumError


class ClaimTextError(NovumError):
    """Claim text is empty or cannot be read as a claim; the message says what was wrong."""


class ClaimNotFoundError(NovumError):
    """A publication has no claim with the number asked for (or no claims at all)."""


class NoReferencesError(NovumError):
    """A chart was asked for but no reference qualified (none given, or the search found none before the cut-off)."""
