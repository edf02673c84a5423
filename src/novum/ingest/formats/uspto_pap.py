"""USPTO pre-grant publications 2001-2004 (``patent-application-publication``, PAP DTD v1.5 and v1.6).

The first US applications published in XML, before the v4.0 ``us-patent-application`` layout; they use their own
element names (``subdoc-*``, ``domestic-filing-data``, ``dependent-claim-reference``) and print paragraph numbers
as a ``<number>`` child rather than an attribute.
"""

from __future__ import annotations

from lxml import etree

from novum.ingest.formats._uspto_common import (
    cancelled_claims,
    check_doctype,
    dependencies,
    number_in,
    paragraphs,
    person,
    strip_claim_number,
    unique_parties,
)
from novum.ingest.formats.base import XmlFormat
from novum.ingest.xml import every, first, first_text, text_of
from novum.model import Claim, Paragraph, Party, Patent, PriorityClaim
from novum.normalize.classification import normalize_symbol, unique
from novum.normalize.dates import iso_date
from novum.normalize.numbers import split_document_id
from novum.normalize.text import clean

_LANG = "en"  # PAP documents carry no language attribute; every one was published in English


class UsptoPap(XmlFormat):
    """USPTO patent application publications, PAP DTD v1.5/v1.6 (2001-2004)."""

    name = "uspto-pap"
    description = "USPTO pre-grant publications 2001-2004 (patent-application-publication, PAP v1.5/v1.6)"
    roots = ("patent-application-publication",)

    def to_patent(self, root: etree._Element) -> Patent:
        check_doctype(root)
        bib = first(root, "subdoc-bibliographic-information")
        if bib is None:
            raise ValueError("no subdoc-bibliographic-information")
        doc_id = first(bib, "document-id")
        doc_number = first_text(doc_id, "doc-number") if doc_id is not None else None
        if not doc_number:
            raise ValueError("no publication number")
        number = split_document_id(
            first_text(doc_id, "country-code") or "US", doc_number, first_text(doc_id, "kind-code")
        )
        filing = first(bib, "domestic-filing-data")
        priorities = _priorities(bib)
        dates = [p.date for p in priorities if p.date]
        title = first_text(bib, "technical-information/title-of-invention")
        abstract = _abstract(root)
        inventors = _inventors(bib)
        filing_type = (first_text(bib, "publication-filing-type") or "").lower()

        return Patent(
            country=number.country or "US",
            doc_number=number.number,
            kind=number.kind,
            application_number=first_text(filing, "application-number/doc-number") if filing is not None else None,
            priority_claims=priorities,
            priority_date=min(dates) if dates else None,
            filing_date=iso_date(first_text(filing, "filing-date")) if filing is not None else None,
            publication_date=iso_date(first_text(doc_id, "document-date")),
            titles={_LANG: title} if title else {},
            abstracts={_LANG: abstract} if abstract else {},
            claims=_claims(root),
            description=_description(root),
            ipc=_ipc(bib),
            # Before the AIA the inventors were the applicants; PAP marks them so with authority-applicant INV.
            applicants=unique_parties([p for el, p in inventors if first_text(el, "authority-applicant") == "INV"]),
            assignees=unique_parties([p for a in every(bib, "assignee") if (p := _party(a))]),
            inventors=unique_parties([p for _, p in inventors]),
            language=_LANG,
            # Only utility and plant applications are published before grant.
            doc_type="plant" if "plant" in filing_type else "utility",
        )


def _priorities(bib: etree._Element) -> list[PriorityClaim]:
    out = [
        PriorityClaim(
            country=(first_text(f, "country-code") or "").upper() or None,
            number=first_text(f, "priority-application-number/doc-number"),
            date=iso_date(first_text(f, "filing-date")),
        )
        for f in every(bib, "foreign-priority-data")
    ]
    for doc in every(bib, "continuity-data/non-provisional-of-provisional/document-id"):
        out.append(
            PriorityClaim(
                country=(first_text(doc, "country-code") or "US").upper(),
                number=first_text(doc, "doc-number"),
                date=iso_date(first_text(doc, "document-date")),
            )
        )
    return [p for p in out if p.number or p.date]


def _ipc(bib: etree._Element) -> list[str]:
    tech = first(bib, "technical-information/classification-ipc")
    if tech is None:
        return []
    return unique([normalize_symbol(text_of(ipc)) for ipc in every(tech, "//ipc")])


def _party(element: etree._Element) -> Party | None:
    name = first_text(element, "organization-name") or person(
        first_text(element, "name/given-name"),
        first_text(element, "name/middle-name"),
        first_text(element, "name/family-name"),
        first_text(element, "name/name-suffix"),
    )
    if not name:
        name = first_text(element, "name")
    if not name:
        return None
    residence = first(element, "residence")
    place = next(iter(residence), None) if residence is not None else first(element, "address")
    country = city = None
    if place is not None:
        country = first_text(place, "country-code") or first_text(place, "country/country-code")
        city = first_text(place, "city")
    return Party(name=name, country=country.upper() if country else None, city=city)


def _inventors(bib: etree._Element) -> list[tuple[etree._Element, Party]]:
    elements = every(bib, "inventors/first-named-inventor") + every(bib, "inventors/inventor")
    return [(el, p) for el in elements if (p := _party(el))]


def _abstract(root: etree._Element) -> str | None:
    abstract = first(root, "subdoc-abstract")
    if abstract is None:
        return None
    paragraphs = [t for p in every(abstract, "//paragraph") if (t := text_of(p, skip=("number",)))]
    return clean(" ".join(paragraphs)) if paragraphs else text_of(abstract, skip=("heading",))


def _claims(root: etree._Element) -> list[Claim]:
    claims: list[Claim] = []
    for claim in every(root, "subdoc-claims/claim"):
        if cancelled := cancelled_claims(text_of(claim), _LANG):
            claims.extend(cancelled)  # "1-18. (canceled)" stands for claims 1 to 18
            continue
        text = strip_claim_number(text_of(claim))
        number = number_in(claim.get("id"))
        if number is None or not text:
            continue
        refs = {n for ref in every(claim, "//dependent-claim-reference") if (n := number_in(ref.get("depends_on")))}
        depends = dependencies(refs, text, number)
        claims.append(Claim(number=number, text=text, depends_on=depends, lang=_LANG))
    return claims


def _description(root: etree._Element) -> list[Paragraph]:
    container = first(root, "subdoc-description")
    return paragraphs(container, "heading", "paragraph", _printed_number, _LANG, skip=("number",))


def _printed_number(paragraph: etree._Element) -> str | None:
    """The PDF prints "[0012]"; the XML has ``<number>12.</number>``, so pad it the same way."""
    value = number_in(first_text(paragraph, "number"))
    if value is None:
        value = number_in(paragraph.get("id"))
    return f"{value:04d}" if value is not None else None
