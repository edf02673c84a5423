"""The passages a document is embedded as, each with a location a person can find in the document.

Retrieval works on passages rather than whole documents because a long patent is about many things and the
embedders read only their first 256-512 tokens. A hit reports its best passage: "abstract", "claim 1", "[0012]".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from novum.model import Patent

MAX_PASSAGE_CHARS = 1500  # ~300 words; the models truncate at 256 tokens anyway


@dataclass(frozen=True, slots=True)
class Passage:
    number: str
    location: str  # "abstract", "claim 3", "[0012]", "paragraph 4"
    text: str


@dataclass(frozen=True, slots=True)
class PassagePolicy:
    """Which parts of a document are embedded. Description paragraphs dominate the cost, so they are capped."""

    independent_claims: bool = True
    max_paragraphs: int = 16
    min_paragraph_chars: int = 80  # headings and one-line captions carry no meaning of their own


DEFAULT_POLICY = PassagePolicy()


def passages(patent: Patent, policy: PassagePolicy = DEFAULT_POLICY) -> Iterator[Passage]:
    """Title + abstract first (the document's own summary), then independent claims, then description paragraphs."""
    for lang in _languages(patent):
        head = " ".join(t for t in (patent.titles.get(lang), patent.abstracts.get(lang)) if t)
        if head:
            yield Passage(patent.number, "abstract" if lang == _main(patent) else f"abstract [{lang}]", _cut(head))
    if policy.independent_claims:
        seen: set[int] = set()
        for claim in patent.claims:
            if claim.independent and claim.number not in seen and claim.lang in (None, _main(patent)):
                seen.add(claim.number)
                yield Passage(patent.number, f"claim {claim.number}", _cut(claim.text))
    kept = 0
    for index, paragraph in enumerate(patent.description, start=1):
        if kept >= policy.max_paragraphs:
            break
        if len(paragraph.text) < policy.min_paragraph_chars:
            continue
        kept += 1
        location = f"[{paragraph.number}]" if paragraph.number else f"paragraph {index}"
        yield Passage(patent.number, location, _cut(paragraph.text))


def _languages(patent: Patent) -> list[str]:
    """Languages with an abstract (an EP title in German alone is not worth a vector), else the main title's."""
    main = _main(patent)
    langs = list(patent.abstracts) or ([main] if main else [])
    return sorted(langs, key=lambda lang: lang != main)


def _main(patent: Patent) -> str | None:
    if patent.language and (patent.language in patent.titles or patent.language in patent.abstracts):
        return patent.language
    langs = [*patent.titles, *patent.abstracts]
    return "en" if "en" in langs else (langs[0] if langs else None)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_PASSAGE_CHARS else text[:MAX_PASSAGE_CHARS].rsplit(" ", 1)[0]
