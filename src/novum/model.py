"""The normalised patent record every source format is mapped onto.

One model for every office keeps search, claims and analytics format-agnostic. Fields a source does not carry stay
empty (``None`` or an empty list): nothing is invented. Records round-trip losslessly through ``to_dict`` /
``from_dict``, which is also the JSONL export layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(slots=True)
class PriorityClaim:
    """A priority the publication claims (Paris Convention or domestic)."""

    country: str | None = None
    number: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD


@dataclass(slots=True)
class Claim:
    """One numbered claim; ``depends_on`` lists the claim numbers it refers back to."""

    number: int
    text: str
    depends_on: list[int] = field(default_factory=list)
    lang: str | None = None

    @property
    def independent(self) -> bool:
        return not self.depends_on


@dataclass(slots=True)
class Paragraph:
    """A description paragraph with the number the office printed (``"0012"``), or ``None`` if unnumbered."""

    text: str
    number: str | None = None
    heading: str | None = None  # the section heading the paragraph sits under, e.g. "BACKGROUND"
    lang: str | None = None


@dataclass(slots=True)
class Party:
    """An applicant, assignee or inventor."""

    name: str
    country: str | None = None
    city: str | None = None


@dataclass(slots=True)
class Citation:
    """A cited document: a patent (``number`` set) or non-patent literature (``text`` set).

    ``cited_by`` is ``"examiner"``, ``"applicant"``, ``"third-party"`` or ``None`` when the source does not say.
    ``category`` carries the search-report relevance codes (``"X"``, ``"Y"``, ``"A"``, ``"X,Y"``...).
    ``phase`` records where the citation came from (``"search-report"``, ``"examination"``, ``"description"``...).
    """

    number: str | None = None
    country: str | None = None
    doc_number: str | None = None
    kind: str | None = None
    date: str | None = None
    name: str | None = None
    text: str | None = None
    cited_by: str | None = None
    category: str | None = None
    phase: str | None = None

    @property
    def is_patent(self) -> bool:
        return self.number is not None or self.doc_number is not None


@dataclass(slots=True)
class Patent:
    """A normalised patent publication.

    ``number`` is the canonical publication number (``US8799651B2``), split into ``country``/``doc_number``/``kind``.
    Dates are ISO strings. Titles and abstracts are keyed by language code (``"en"``, ``"zh"``...).
    """

    country: str
    doc_number: str
    kind: str | None = None
    application_number: str | None = None
    priority_claims: list[PriorityClaim] = field(default_factory=list)
    priority_date: str | None = None
    filing_date: str | None = None
    publication_date: str | None = None
    titles: dict[str, str] = field(default_factory=dict)
    abstracts: dict[str, str] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    description: list[Paragraph] = field(default_factory=list)
    cpc: list[str] = field(default_factory=list)
    ipc: list[str] = field(default_factory=list)
    applicants: list[Party] = field(default_factory=list)
    assignees: list[Party] = field(default_factory=list)
    inventors: list[Party] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    family_id: str | None = None
    family_members: list[str] = field(default_factory=list)
    language: str | None = None
    doc_type: str | None = None  # "utility", "design", "plant", "reissue", "utility-model"...

    @property
    def number(self) -> str:
        return f"{self.country}{self.doc_number}{self.kind or ''}"

    @property
    def effective_date(self) -> str | None:
        """The date prior art is judged against: priority, else filing, else publication."""
        return self.earliest_priority() or self.filing_date or self.publication_date

    def earliest_priority(self) -> str | None:
        dates = [d for d in [self.priority_date, *(p.date for p in self.priority_claims)] if d]
        return min(dates) if dates else None

    def title(self, prefer: str = "en") -> str | None:
        return _pick(self.titles, prefer, self.language)

    def abstract(self, prefer: str = "en") -> str | None:
        return _pick(self.abstracts, prefer, self.language)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, with the derived ``number`` first and empty fields left out."""
        return {"number": self.number, **_plain(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Patent:
        """Inverse of ``to_dict``; unknown keys are ignored so older exports stay readable."""
        known = _PATENT_FIELDS if cls is Patent else frozenset(f.name for f in fields(cls))
        kwargs: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        kwargs["priority_claims"] = [PriorityClaim(**p) for p in data.get("priority_claims", [])]
        kwargs["claims"] = [Claim(**c) for c in data.get("claims", [])]
        kwargs["description"] = [Paragraph(**p) for p in data.get("description", [])]
        for role in ("applicants", "assignees", "inventors"):
            kwargs[role] = [Party(**p) for p in data.get(role, [])]
        kwargs["citations"] = [Citation(**c) for c in data.get("citations", [])]
        return cls(**kwargs)


# looked up once: ``fields()`` is slow, and analytics read records by the 100,000
_PATENT_FIELDS = frozenset(f.name for f in fields(Patent))


def _pick(values: dict[str, str], prefer: str, fallback: str | None) -> str | None:
    if not values:
        return None
    for lang in (prefer, fallback):
        if lang and lang in values:
            return values[lang]
    return next(iter(values.values()))


_EMPTY: tuple[Any, ...] = (None, [], {}, "")
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """JSON-ready copy with empty fields dropped; faster than ``dataclasses.asdict``, which deep-copies."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v not in _EMPTY}
    cls = type(value)
    if cls in (str, int, float, bool):
        return value
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(value))
    out: dict[str, Any] = {}
    for name in names:
        item = getattr(value, name)
        if item not in _EMPTY:
            out[name] = _plain(item)
    return out
