"""Readiness and value signals: is a patent in force, for how long, how broad, how wide its family, how cited.

Each signal carries its definition, because a licensing officer has to defend the number. Expiry is an estimate:
the statutory term from the filing date, which term adjustments and extensions lengthen and unpaid fees, lapses,
disclaimers and revocations shorten; none of those events are in publication data, so the estimate says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from novum.claims import ClaimTextError
from novum.claims.segment import segment_claim
from novum.claims.tree import claim_set
from novum.model import Patent

# Kind-code letters by office: what the publication is. A kind the table does not name falls back on its letter.
_GRANTED = {
    "US": {"A", "B1", "B2", "E", "S", "S1", "P2", "P3"},  # a bare "A" is a grant published before 2001
    "EP": {"B1", "B2", "B3", "B8", "B9"},
    "CN": {"B", "C", "U", "Y", "S"},
    "JP": {"B", "B1", "B2", "U", "Y2"},
}
_LETTER_STATUS = {"A": "application", "B": "granted", "C": "granted", "E": "granted", "U": "granted", "Y": "granted",
                  "S": "granted", "P": "granted"}  # fmt: skip
_UTILITY_MODEL = {("CN", "U"), ("CN", "Y"), ("JP", "U"), ("JP", "Y2"), ("DE", "U1")}
_DESIGN_KINDS = {("US", "S"), ("US", "S1"), ("CN", "S")}
US_DESIGN_15_YEARS = "2015-05-13"  # designs filed on or after this date get 15 years from grant, earlier ones 14
CN_DESIGN_15_YEARS = "2021-06-01"  # CN designs filed from this date get 15 years from filing, earlier ones 10

DEFINITIONS = {
    "status": "What the publication is, read from its kind code (US B1/B2 and pre-2001 A, EP B1, CN B/U: granted; "
    "A1, CN A: an application, which may still be pending, granted under another number, or abandoned).",
    "expiry": "Estimated end of the statutory term: 20 years from the filing date for patents for invention "
    "(US utility and plant, EP, CN invention), 10 for CN and JP utility models, designs by their own rules "
    "(US: 15 years from grant, 14 if filed before 2015-05-13; CN: 15 years from filing, 10 before 2021-06-01). "
    "An estimate: term adjustments and extensions (US PTA/PTE, SPCs) lengthen it; unpaid renewal fees, lapses, "
    "terminal disclaimers and revocations end it earlier, and none of those events are in the data. Without a "
    "filing date the publication date stands in: the filing was no later, so the estimate is an upper bound.",
    "remaining_life": "Years from today to the estimated expiry; 0 once that date has passed.",
    "available": "Granted (from the kind code) and not expired by the estimate: can be licensed as an "
    "in-force right. Applications and documents without a kind code do not pass.",
    "independent_claims": "Number of independent claims (claims that refer back to no other claim), in the "
    "claim language of the document.",
    "shortest_independent_claim_elements": "Elements (limitations) of the independent claim with the fewest, as "
    "novum's claim segmentation cuts it: fewer elements usually mean broader protection, easier to infringe.",
    "family_size": "Publications of the same family (the office's family id or listed members, and the stored "
    "documents sharing the family key), this one included.",
    "family_countries": "Offices where the family is published: where protection may exist.",
    "forward_citations": "Stored documents that cite this one (any member number spelling): a common proxy for "
    "technical importance; counts only what this store holds.",
    "age": "Years since the earliest priority date (else filing, else publication): the technology's age.",
}


@dataclass(slots=True)
class Signal:
    """One signal: a value (``None`` when the data cannot give it), how it is shown, and its definition."""

    name: str
    value: Any
    display: str
    definition: str
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"name": self.name, "value": self.value, "display": self.display, "definition": self.definition}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(slots=True)
class Readiness:
    """Every signal of one publication, as of ``as_of``."""

    number: str
    as_of: str
    status: str  # "granted", "application", "unknown"
    expiry: str | None
    expiry_basis: str | None
    expired: bool | None
    remaining_years: float | None
    available: bool
    independent_claims: int | None
    shortest_independent_elements: int | None
    family_size: int
    family_countries: list[str]
    forward_citations: int
    age_years: float | None
    signals: list[Signal] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "as_of": self.as_of,
            "status": self.status,
            "expiry_estimate": self.expiry,
            "expiry_basis": self.expiry_basis,
            "expired": self.expired,
            "remaining_years": self.remaining_years,
            "available": self.available,
            "independent_claims": self.independent_claims,
            "shortest_independent_claim_elements": self.shortest_independent_elements,
            "family_size": self.family_size,
            "family_countries": self.family_countries,
            "forward_citations": self.forward_citations,
            "age_years": self.age_years,
            "signals": [s.to_dict() for s in self.signals],
        }

    def summary(self) -> str:
        """One line for a table cell: status, expiry, remaining life, breadth, family, citations."""
        parts = [self.status]
        if self.expiry:
            parts.append(f"{'expired' if self.expired else 'expires'} ~{self.expiry[:4]}")
        if self.remaining_years is not None and not self.expired:
            parts.append(f"{self.remaining_years:.1f} y left")
        if self.independent_claims is not None:
            parts.append(f"{self.independent_claims} indep. claims")
        if self.shortest_independent_elements is not None:
            parts.append(f"shortest {self.shortest_independent_elements} el.")
        parts.append(f"family {self.family_size} ({', '.join(self.family_countries)})")
        parts.append(f"cited {self.forward_citations}x")
        return "; ".join(parts)


def status(patent: Patent) -> str:
    """``granted``, ``application`` or ``unknown``, from the office and kind code."""
    kind = (patent.kind or "").upper()
    if not kind:
        return "unknown"
    granted = _GRANTED.get(patent.country)
    if granted is not None and kind in granted:
        return "granted"
    if patent.country == "US" and kind in {"A1", "A2", "A9", "P1", "P4", "P9"}:
        return "application"
    return _LETTER_STATUS.get(kind[0], "unknown")


def estimated_expiry(patent: Patent, state: str) -> tuple[str | None, str | None]:
    """(ISO date, what it is based on), or (None, why not)."""
    kind = (patent.kind or "").upper()
    filing = patent.filing_date
    published = patent.publication_date
    if (patent.country, kind) in _DESIGN_KINDS or patent.doc_type == "design":
        if patent.country == "US" and published:
            years = 15 if (filing or published) >= US_DESIGN_15_YEARS else 14
            return _add_years(published, years), f"design: {years} years from grant ({published})"
        if patent.country == "CN" and filing:
            years = 15 if filing >= CN_DESIGN_15_YEARS else 10
            return _add_years(filing, years), f"design: {years} years from filing ({filing})"
    term = 10 if (patent.country, kind) in _UTILITY_MODEL or (patent.country, kind[:1]) in _UTILITY_MODEL else 20
    what = "utility model" if term == 10 else "patent"
    if filing:
        return _add_years(filing, term), f"{what}: {term} years from filing ({filing})"
    if published:
        return (
            _add_years(published, term),
            f"{what}: {term} years from the publication date ({published}); no filing date in the record, so this "
            "is an upper bound",
        )
    return None, "no filing or publication date in the record"


def quick_available(patent: Patent, as_of: dt.date | None = None) -> bool:
    """``readiness(...).available`` without the claim, family and citation signals (a filter's fast path)."""
    state = status(patent)
    if state != "granted":
        return False
    expiry, _ = estimated_expiry(patent, state)
    return expiry is not None and dt.date.fromisoformat(expiry) > (as_of or dt.date.today())


def readiness(
    patent: Patent,
    *,
    as_of: dt.date | None = None,
    family: list[str] | None = None,
    forward_citations: int = 0,
) -> Readiness:
    """Every signal of ``patent`` as of a day (today by default). ``family`` lists the stored family members."""
    today = as_of or dt.date.today()
    state = status(patent)
    expiry, basis = estimated_expiry(patent, state)
    expired: bool | None = None
    remaining: float | None = None
    if expiry:
        days = (dt.date.fromisoformat(expiry) - today).days
        expired = days <= 0
        remaining = round(max(days, 0) / 365.25, 1)
    available = state == "granted" and expired is False
    independent, shortest = _breadth(patent)
    members = sorted({patent.number, *patent.family_members, *(family or [])})
    countries = sorted({_country(m) for m in members if _country(m)})
    start = patent.effective_date
    age = round((today - dt.date.fromisoformat(start)).days / 365.25, 1) if start else None
    signals = [
        Signal("status", state, f"{state} (kind {patent.kind})" if patent.kind else f"{state} (no kind code)",
               DEFINITIONS["status"]),
        Signal("expiry", expiry, f"~{expiry} (estimate)" if expiry else "unknown", DEFINITIONS["expiry"], basis),
        Signal("remaining_life", remaining, "expired" if expired else (f"{remaining} years" if remaining is not None
               else "unknown"), DEFINITIONS["remaining_life"]),
        Signal("available", available, "yes" if available else "no", DEFINITIONS["available"]),
        Signal("independent_claims", independent, "unknown (no claims in the record)" if independent is None
               else str(independent), DEFINITIONS["independent_claims"]),
        Signal("shortest_independent_claim_elements", shortest, "unknown" if shortest is None else str(shortest),
               DEFINITIONS["shortest_independent_claim_elements"]),
        Signal("family_size", len(members), str(len(members)), DEFINITIONS["family_size"]),
        Signal("family_countries", countries, ", ".join(countries), DEFINITIONS["family_countries"]),
        Signal("forward_citations", forward_citations, str(forward_citations), DEFINITIONS["forward_citations"]),
        Signal("age", age, f"{age} years" if age is not None else "unknown", DEFINITIONS["age"]),
    ]  # fmt: skip
    return Readiness(
        patent.number, today.isoformat(), state, expiry, basis, expired, remaining, available, independent, shortest,
        len(members), countries, forward_citations, age, signals,
    )  # fmt: skip


def _breadth(patent: Patent) -> tuple[int | None, int | None]:
    """(independent-claim count, fewest elements of an independent claim); ``None`` without claims."""
    claims = [c for c in claim_set(patent) if c.independent and c.text.strip()]
    if not claims:
        return None, None
    counts: list[int] = []
    for claim in claims:
        try:
            counts.append(len(segment_claim(claim.text, claim.number, claim.lang).flat()))
        except ClaimTextError:
            continue
    return len(claims), (min(counts) if counts else None)


def _country(number: str) -> str:
    head = number[:2]
    return head if head.isalpha() and head.isupper() else ""


def _add_years(iso: str, years: int) -> str:
    day = dt.date.fromisoformat(iso)
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).isoformat()
