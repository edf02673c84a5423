"""A reference cut into the passages a chart can cite: abstract, each claim, each description paragraph.

Citations in office actions point at passages ("claim 3", "[0012]", "abstract"), so evidence is scored passage by
passage and reported with the label an examiner would write.
"""

from __future__ import annotations

from dataclasses import dataclass

from novum.claims.tree import claim_language, claim_set
from novum.model import Patent
from novum.normalize.text import has_cjk


@dataclass(frozen=True, slots=True)
class Passage:
    """One citable piece of a reference. ``ref`` is the printed label: ``abstract``, ``claim 3``, ``[0012]``."""

    ref: str
    kind: str  # "title", "abstract", "claim", "description"
    text: str
    lang: str | None = None
    heading: str | None = None


def passages(patent: Patent, lang: str | None = None) -> list[Passage]:
    """Title, abstract, claims (one language's set) and description paragraphs, in that order."""
    chosen = lang or claim_language(patent)
    out: list[Passage] = []
    title = _pick(patent.titles, chosen)
    if title:
        out.append(Passage("title", "title", title[1], title[0]))
    abstract = _pick(patent.abstracts, chosen)
    if abstract:
        out.append(Passage("abstract", "abstract", abstract[1], abstract[0]))
    for claim in claim_set(patent, chosen):
        if claim.text.strip():
            out.append(Passage(f"claim {claim.number}", "claim", claim.text, claim.lang or _lang_of(claim.text)))
    for index, paragraph in enumerate(patent.description, start=1):
        if not paragraph.text.strip():
            continue
        ref = f"[{paragraph.number}]" if paragraph.number else f"¶{index}"
        lang_of = paragraph.lang or _lang_of(paragraph.text)
        out.append(Passage(ref, "description", paragraph.text, lang_of, paragraph.heading))
    return out


def _pick(values: dict[str, str], lang: str | None) -> tuple[str, str] | None:
    if not values:
        return None
    if lang and lang in values:
        return lang, values[lang]
    key = next(iter(values))
    return key, values[key]


def _lang_of(text: str) -> str:
    return "zh" if has_cjk(text) else "en"
