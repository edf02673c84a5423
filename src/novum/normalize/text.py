"""Whitespace and text clean-up shared by the parsers, and Chinese word segmentation shared by the indexes."""

from __future__ import annotations

import re


def clean(text: str | None) -> str | None:
    """Collapse runs of whitespace and trim; empty strings become ``None`` so they are left out of records."""
    if text is None:
        return None
    return " ".join(text.split()) or None  # str.split() is several times faster than a regex here


_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")


def has_cjk(text: str) -> bool:
    """True when the text contains Chinese/Japanese ideographs, which need segmentation before indexing."""
    return _CJK.search(text) is not None


def segment(text: str) -> str:
    """Chinese text cut into words (rjieba) with spaces between them, so that a whitespace tokenizer sees words;
    other text is returned unchanged."""
    if not has_cjk(text):
        return text
    import rjieba

    return " ".join(token for token in rjieba.cut(text) if token.strip())
