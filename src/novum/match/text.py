"""A need as text: checked for content, and cut into the parts an explanation answers one by one.

A firm writes "We coat steel sheet for car bodies; the coating cracks when the sheet is bent at low temperature."
A useful explanation says which passage of the patent answers the coating, which the cracking: so the need is cut
into sentences, and long sentences at their clause boundaries, each part kept only if it has content words.
"""

from __future__ import annotations

import re

from novum.claims.scoring import terms
from novum.match import EmptyNeedError

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|[。！？；;\n]+")
_CLAUSE = re.compile(r"[,，、:：]\s*|\s+(?:and|while|but|so that|whereby|which)\s+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
MAX_PARTS = 8
LONG_PART_TERMS = 14  # a sentence with more content words than this is cut at its clauses
MIN_PART_TERMS = 2
# How firms phrase a need, not what they need: dropped from the words searched and scored ("we need a way to").
_NEED_WORDS = re.compile(
    r"\b(?:we|our|us|i|my|need(?:s|ed)?|want(?:s|ed)?|would|like|looking|look|seek(?:ing)?|require[sd]?|"
    r"requirement|way|ways|solution|solutions|problem|problems|help|must|should|able|currently|today|"
    r"is there|any|how|can|could|find|something|somebody|someone)\b|我们|我司|需要|希望|寻求|寻找|如何|有没有|"
    r"解决方案|问题|目前|现在",
    re.IGNORECASE,
)


def clean_need(text: str) -> str:
    """Whitespace collapsed; the words themselves are left alone (they are the firm's)."""
    return _SPACE.sub(" ", text or "").strip()


def check_need(text: str, label: str = "the need") -> str:
    """The cleaned text, or ``EmptyNeedError`` when nothing in it can be matched."""
    cleaned = clean_need(text)
    if not cleaned:
        raise EmptyNeedError(f"{label} is empty: describe the problem or product in a sentence or more")
    if not terms(cleaned):
        raise EmptyNeedError(
            f"{label} {cleaned[:60]!r} has no words to match on (only stop words, numbers or punctuation)"
        )
    return cleaned


def focus(text: str) -> str:
    """The need's words without its phrasing ("we need a way to", "我们希望"), for searching and scoring; the
    text itself when nothing would be left."""
    stripped = clean_need(_NEED_WORDS.sub(" ", text))
    return stripped if terms(stripped) else clean_need(text)


def need_parts(text: str) -> list[str]:
    """The need's sentences, long ones cut at clause boundaries; at most ``MAX_PARTS``, each with content."""
    parts: list[str] = []
    for sentence in _SENTENCE.split(clean_need(text)):
        sentence = sentence.strip(" .")
        if not sentence:
            continue
        if len(terms(sentence)) > LONG_PART_TERMS:
            parts.extend(_clauses(sentence))
        else:
            parts.append(sentence)
    kept = [p for p in parts if len(set(terms(p))) >= min(MIN_PART_TERMS, len(set(terms(text))))]
    if len(kept) > MAX_PARTS:  # keep the longest parts, in the need's order
        longest = set(sorted(range(len(kept)), key=lambda i: -len(terms(kept[i])))[:MAX_PARTS])
        kept = [p for i, p in enumerate(kept) if i in longest]
    return kept or [clean_need(text)]


def _clauses(sentence: str) -> list[str]:
    """Clauses of a long sentence, re-joined while a piece is too short to stand alone."""
    out: list[str] = []
    for piece in (p.strip() for p in _CLAUSE.split(sentence)):
        if not piece:
            continue
        if out and len(terms(piece)) < 3:
            out[-1] = f"{out[-1]}, {piece}"
        else:
            out.append(piece)
    return out
