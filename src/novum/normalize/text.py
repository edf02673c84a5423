"""Whitespace and text clean-up shared by the parsers."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def clean(text: str | None) -> str | None:
    """Collapse runs of whitespace and trim; empty strings become ``None`` so they are left out of records."""
    if text is None:
        return None
    out = _SPACE.sub(" ", text).strip()
    return out or None


def has_cjk(text: str) -> bool:
    """True when the text contains Chinese/Japanese ideographs, which need segmentation before indexing."""
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)
