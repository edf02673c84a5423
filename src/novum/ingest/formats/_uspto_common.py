"""Helpers shared by the USPTO readers (full-text XML, PAP, SGML-derived XML and APS Greenbook).

The four USPTO layouts spell the same facts differently, but the mapping rules (claim numbering, citation numbers,
packed IPC symbols, document types) are the same, so they live here once. This module holds no format.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from novum.ingest.xml import local, text_of
from novum.model import Citation, Claim, Paragraph, Party
from novum.normalize.claimrefs import cancelled_range, referenced_claims
from novum.normalize.classification import normalize_symbol
from novum.normalize.dates import iso_date
from novum.normalize.numbers import NumberFormatError, parse_number
from novum.normalize.text import clean

# "1. A method", "1 . A", "1) A", "1.-18. (canceled)" keeps the canceled wording only.
_LEADING_NUMBER = re.compile(r"^\s*\d{1,4}\s*(?:\.|\))\s*(?:-\s*\d{1,4}\s*\.?\s*)?")
_DIGITS = re.compile(r"\d+")

# WIPO ST.16 kind codes of US grants, and the series prefix a US number carries, to the model's doc_type.
_KIND_TYPES = {"S": "design", "E": "reissue", "P": "plant", "H": "statutory-invention-registration"}
_SERIES_TYPES = {"D": "design", "RE": "reissue", "PP": "plant", "H": "statutory-invention-registration"}
_APPL_TYPES = {"sir": "statutory-invention-registration"}

_CITED_BY = {
    "cited by examiner": "examiner",
    "cited by applicant": "applicant",
    "cited by third party": "third-party",
}


def check_doctype(root: etree._Element) -> None:
    """Refuse a document whose DOCTYPE names another document type: its content cannot be trusted to be USPTO's.

    The declaration is the only place a file says which DTD it claims to follow; one naming XHTML on a patent root
    is a damaged or hand-assembled file, and is quarantined rather than half-read.
    """
    dtd = root.getroottree().docinfo.internalDTD
    declared = dtd.name if dtd is not None else None
    if declared and declared != local(root):
        public = root.getroottree().docinfo.public_id
        origin = f" ({public})" if public else ""
        raise ValueError(
            f"DOCTYPE declares <{declared}>{origin} but the root element is <{local(root)}>: not a valid USPTO document"
        )


def strip_claim_number(text: str | None) -> str | None:
    """Claim text without the printed "1." the office puts in front of it."""
    if not text:
        return None
    return clean(_LEADING_NUMBER.sub("", text, count=1)) or clean(text)


def cancelled_claims(printed: str | None, lang: str | None) -> list[Claim]:
    """The claims a line like "1.-18. (canceled)" stands for, each with that wording; empty for any other claim."""
    found = cancelled_range(printed or "")
    if found is None:
        return []
    numbers, wording = found
    return [Claim(number=n, text=wording, depends_on=[], lang=lang) for n in numbers]


def dependencies(marked: set[int], text: str, own: int) -> list[int]:
    """Claims referred to: the ``<claim-ref>`` markup when present, else the wording.

    Markup only tags the ends of a range ("claims <ref>1</ref> to <ref>3</ref>"), so numbers the wording adds
    between the marked ones are kept too.
    """
    marked = {n for n in marked if n != own}
    worded = referenced_claims(text, own)
    if not marked:
        return worded
    low, high = min(marked), max(marked)
    return sorted(marked | {n for n in worded if low <= n <= high})


def number_in(value: str | None) -> int | None:
    """The last run of digits in an id like ``CLM-00012`` or a printed ``12.``, as an int."""
    if not value:
        return None
    found = _DIGITS.findall(value)
    return int(found[-1]) if found else None


def doc_type_for(kind: str | None, doc_number: str | None, appl_type: str | None = None) -> str | None:
    """The patent type, from the application type when the office states it, else from kind code or series."""
    if appl_type:
        value = appl_type.strip().lower()
        return _APPL_TYPES.get(value, value)
    number = (doc_number or "").upper()
    for series, doc_type in _SERIES_TYPES.items():
        if number.startswith(series):
            return doc_type
    code = (kind or "").strip().upper()[:1]
    if code in _KIND_TYPES:
        return _KIND_TYPES[code]
    # B1/B2 are utility grants; before 2001 utility grants were kind A, which later also marks applications
    # (11-digit numbers), so A only counts for grant-length numbers.
    if code == "B" or (code == "A" and number.isdigit() and len(number) < 11):
        return "utility"
    return None


def cited_by(category: str | None) -> str | None:
    """USPTO's ``<category>`` wording; "cited by other" does not say who, so it stays ``None``."""
    if not category:
        return None
    return _CITED_BY.get(" ".join(category.lower().split()))


def patent_citation(
    country: str | None,
    doc_number: str | None,
    kind: str | None = None,
    date: str | None = None,
    name: str | None = None,
    by: str | None = None,
    phase: str | None = None,
) -> Citation | None:
    """A patent citation with a canonical number when the printed number parses, the printed parts otherwise."""
    raw = clean(doc_number)
    if not raw:
        return None
    cc = (clean(country) or "").upper() or None
    kind_code = (clean(kind) or "").upper() or None
    number: str | None = None
    doc = raw
    try:
        parsed = parse_number(f"{cc or ''}{raw}{kind_code or ''}" if cc else raw)
        if parsed.country:
            number = str(parsed)
            doc = parsed.number
            kind_code = parsed.kind or kind_code
            cc = parsed.country
    except NumberFormatError:
        pass
    return Citation(
        number=number,
        country=cc,
        doc_number=doc,
        kind=kind_code,
        date=iso_date(date),
        name=clean(name),
        cited_by=by,
        phase=phase,
    )


def person(*parts: str | None) -> str | None:
    """A person's name from its parts in reading order (given, middle, family, suffix), whichever exist."""
    present = [c for p in parts if (c := clean(p))]
    return clean(" ".join(present))


def inverted_name(value: str | None) -> str | None:
    """APS and BRS print persons as "Family; Given": turn them round; organisations have no semicolon."""
    text = clean(value)
    if not text or ";" not in text:
        return text
    family, _, given = text.partition(";")
    return person(given, family)


def unique_parties(parties: list[Party]) -> list[Party]:
    """Drop exact repeats (the same inventor listed twice), keeping the office's order."""
    seen: set[tuple[str, str | None, str | None]] = set()
    out: list[Party] = []
    for party in parties:
        key = (party.name.lower(), party.country, party.city)
        if key not in seen:
            seen.add(key)
            out.append(party)
    return out


def country_code(value: str | None) -> str | None:
    """Two-letter country, from ISO codes and the APS three-letter "JPX"; placeholders give ``None``."""
    text = (clean(value) or "").upper()
    if len(text) == 3 and text.endswith("X"):
        text = text[:2]
    return text if len(text) == 2 and text.isalpha() else None


def packed_ipc(value: str | None) -> str | None:
    """IPC in the APS/SGML fixed layout: subclass, main group right-aligned in 3 places, then the subgroup.

    ``"G06F 1516"`` is G06F15/16 and ``"A47L  514"`` is A47L5/14; the spaces carry the meaning, so this takes
    the raw text, not a whitespace-collapsed one. Already-slashed symbols are passed to ``normalize_symbol``;
    anything else (a Locarno class such as ``"1402"``) gives ``None``.
    """
    if not value:
        return None
    raw = value.strip("\r\n\t").rstrip()
    if "/" in raw:
        return normalize_symbol(raw)
    match = re.match(r"^\s*([A-HY]\d{2}[A-Z])(.*)$", raw.upper())
    if not match:
        return None
    subclass, rest = match.groups()
    if len(rest) >= 5 and rest[:3].strip().isdigit() and rest[3:].strip().isdigit():
        return normalize_symbol(f"{subclass}{int(rest[:3])}/{rest[3:].strip()}")
    digits = rest.replace(" ", "")
    if not digits:
        return subclass
    if digits.isdigit() and len(digits) >= 3:
        # Blanks lost in transcription ("E03C 104"): subgroups have at least two digits, so split there.
        return normalize_symbol(f"{subclass}{int(digits[:-2])}/{digits[-2:]}")
    return None


def paragraphs(
    container: etree._Element | None,
    heading_tag: str,
    paragraph_tag: str,
    number: Callable[[etree._Element], str | None],
    lang: str | None,
    skip: tuple[str, ...] = (),
) -> list[Paragraph]:
    """Description paragraphs in document order, each under the nearest heading before it.

    The three USPTO XML generations differ only in tag names (``heading``/``p``, ``heading``/``paragraph``,
    ``H``/``PARA``) and in where the printed paragraph number lives, hence the parameters.
    """
    out: list[Paragraph] = []
    heading: str | None = None

    def walk(element: etree._Element) -> None:
        nonlocal heading
        for child in element:
            name = local(child)
            if name == heading_tag:
                heading = text_of(child)
            elif name == paragraph_tag:
                text = text_of(child, skip=skip)
                if text:
                    out.append(Paragraph(text=text, number=number(child), heading=heading, lang=lang))
            elif name:
                walk(child)

    if container is not None:
        walk(container)
    return out
