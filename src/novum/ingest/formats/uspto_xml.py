"""USPTO full-text XML: grants (``us-patent-grant`` v4.0-v4.7, 2005 on) and applications (``us-patent-application``
v4.0-v4.6, 2005 on), the layout of the weekly bulk files that most US data arrives in.

The DTD grew over the years (``parties`` became ``us-parties``, ``references-cited`` became
``us-references-cited``, ``classification-ipc`` gave way to ``classifications-ipcr`` and CPC arrived), so every
lookup accepts both spellings.
"""

from __future__ import annotations

from lxml import etree

from novum.ingest.formats._uspto_common import (
    cancelled_claims,
    check_doctype,
    cited_by,
    dependencies,
    doc_type_for,
    number_in,
    paragraphs,
    patent_citation,
    person,
    strip_claim_number,
    unique_parties,
)
from novum.ingest.formats.base import XmlFormat
from novum.ingest.xml import every, first, first_text, local, text_of
from novum.model import Citation, Claim, Paragraph, Party, Patent, PriorityClaim
from novum.normalize.classification import from_parts, normalize_symbol, unique
from novum.normalize.dates import iso_date
from novum.normalize.numbers import split_document_id
from novum.normalize.text import clean

_PLACEHOLDER_COUNTRIES = {"omitted", "unknown", "xx", "n/a"}
_CLASS_PARTS = ("section", "class", "subclass", "main-group", "subgroup")


class UsptoXml(XmlFormat):
    """USPTO grant and application full text, DTD v4.0 to v4.7."""

    name = "uspto-xml"
    description = "USPTO full-text XML: grants (us-patent-grant v4.0-v4.7) and applications (v4.0-v4.6)"
    roots = ("us-patent-grant", "us-patent-application")

    def to_patent(self, root: etree._Element) -> Patent:
        check_doctype(root)
        bib = first(root, "us-bibliographic-data-grant")
        if bib is None:
            bib = first(root, "us-bibliographic-data-application")
        if bib is None:
            raise ValueError(f"<{local(root)}> has no bibliographic data")
        pub = first(bib, "publication-reference/document-id")
        doc_number = first_text(pub, "doc-number") if pub is not None else None
        if not doc_number:
            raise ValueError("no publication number")
        country = first_text(pub, "country") or root.get("country") or "US"
        number = split_document_id(country, doc_number, first_text(pub, "kind"))
        lang = (root.get("lang") or "en").strip().lower() or None

        app = first(bib, "application-reference")
        app_id = first(app, "document-id") if app is not None else None
        priorities = _priorities(bib)
        dates = [p.date for p in priorities if p.date]
        title = first_text(bib, "invention-title")
        abstract = _abstract(root)
        applicants, inventors = _applicants_and_inventors(bib)

        return Patent(
            country=number.country or "US",
            doc_number=number.number,
            kind=number.kind,
            application_number=first_text(app_id, "doc-number") if app_id is not None else None,
            priority_claims=priorities,
            priority_date=min(dates) if dates else None,
            filing_date=iso_date(first_text(app_id, "date")) if app_id is not None else None,
            publication_date=iso_date(first_text(pub, "date") or root.get("date-publ")),
            titles={lang or "en": title} if title else {},
            abstracts={lang or "en": abstract} if abstract else {},
            claims=_claims(root, lang),
            description=_description(root, lang),
            cpc=_cpc(bib),
            ipc=_ipc(bib),
            applicants=applicants,
            assignees=unique_parties([p for a in every(bib, "assignees/assignee") if (p := _party(a))]),
            inventors=inventors,
            citations=_citations(bib),
            language=lang,
            doc_type=doc_type_for(number.kind, number.number, app.get("appl-type") if app is not None else None),
        )


def _priorities(bib: etree._Element) -> list[PriorityClaim]:
    """Paris Convention claims, plus the US provisional applications the document claims the benefit of."""
    out: list[PriorityClaim] = []
    for claim in every(bib, "priority-claims/priority-claim"):
        out.append(
            PriorityClaim(
                country=(first_text(claim, "country") or "").upper() or None,
                number=first_text(claim, "doc-number"),
                date=iso_date(first_text(claim, "date")),
            )
        )
    for doc in every(bib, "us-related-documents/us-provisional-application/document-id"):
        out.append(
            PriorityClaim(
                country=(first_text(doc, "country") or "US").upper(),
                number=first_text(doc, "doc-number"),
                date=iso_date(first_text(doc, "date")),
            )
        )
    return [p for p in out if p.number or p.date]


def _abstract(root: etree._Element) -> str | None:
    abstract = first(root, "abstract")
    if abstract is None:
        return None
    paragraphs = [t for p in every(abstract, "p") if (t := text_of(p))]
    return clean(" ".join(paragraphs)) if paragraphs else text_of(abstract)


def _claims(root: etree._Element, lang: str | None) -> list[Claim]:
    claims: list[Claim] = []
    for claim in every(root, "claims/claim"):
        printed = claim.get("num") or claim.get("id") or ""
        if "-" in printed.replace("CLM-", ""):
            claims.extend(cancelled_claims(text_of(claim), lang))  # "1-18. (canceled)": claims 1 to 18, withdrawn
            continue
        number = number_in(printed)
        text = strip_claim_number(text_of(claim))
        if number is None or not text:
            continue
        refs = {n for ref in every(claim, "//claim-ref") if (n := number_in(ref.get("idref")))}
        depends = dependencies(refs, text, number)
        claims.append(Claim(number=number, text=text, depends_on=depends, lang=lang))
    return claims


def _description(root: etree._Element, lang: str | None) -> list[Paragraph]:
    return paragraphs(first(root, "description"), "heading", "p", lambda p: p.get("num"), lang)


def _cpc(bib: etree._Element) -> list[str]:
    symbols = [
        from_parts(*(first_text(c, part) for part in _CLASS_PARTS))
        for section in ("main-cpc", "further-cpc")
        for c in every(bib, f"classifications-cpc/{section}//classification-cpc")
    ]
    return unique(symbols)


def _ipc(bib: etree._Element) -> list[str]:
    symbols = [
        from_parts(*(first_text(c, part) for part in _CLASS_PARTS))
        for c in every(bib, "classifications-ipcr/classification-ipcr")
    ]
    # v4.0-v4.1 still printed IPC edition 7 as text ("G06F015/16") before IPCR took over.
    for old in every(bib, "classification-ipc"):
        symbols.extend(normalize_symbol(text_of(c)) for c in old if local(c) != "edition")
    return unique(symbols)


def _party(element: etree._Element) -> Party | None:
    """A party from its ``addressbook`` (or, in early v4.0 assignees, from the element itself)."""
    book = first(element, "addressbook")
    if book is None:
        book = element
    name = first_text(book, "orgname") or person(
        first_text(book, "first-name"), first_text(book, "last-name"), first_text(book, "suffix")
    )
    if not name:
        name = first_text(book, "name")
    if not name:
        return None
    country = first_text(book, "address/country") or first_text(element, "residence/country")
    if country and country.lower() in _PLACEHOLDER_COUNTRIES:
        country = None
    return Party(name=name, country=country.upper() if country else None, city=first_text(book, "address/city"))


def _applicants_and_inventors(bib: etree._Element) -> tuple[list[Party], list[Party]]:
    """Applicants, and inventors: listed apart since v4.2, before that only as "applicant-inventor" applicants."""
    applicant_elements = every(bib, "us-parties/us-applicants/us-applicant") or every(
        bib, "parties/applicants/applicant"
    )
    applicants = [p for a in applicant_elements if (p := _party(a))]
    inventor_elements = every(bib, "us-parties/inventors/inventor") or every(bib, "parties/inventors/inventor")
    if inventor_elements:
        inventors = [p for i in inventor_elements if (p := _party(i))]
    else:
        inventors = [p for a in applicant_elements if a.get("app-type") == "applicant-inventor" and (p := _party(a))]
    return unique_parties(applicants), unique_parties(inventors)


def _citations(bib: etree._Element) -> list[Citation]:
    """The references printed on a grant; applications carry none."""
    out: list[Citation] = []
    entries = every(bib, "us-references-cited/us-citation") + every(bib, "references-cited/citation")
    for entry in entries:
        by = cited_by(first_text(entry, "category"))
        patcit = first(entry, "patcit/document-id")
        if patcit is not None:
            citation = patent_citation(
                first_text(patcit, "country"),
                first_text(patcit, "doc-number"),
                first_text(patcit, "kind"),
                first_text(patcit, "date"),
                first_text(patcit, "name"),
                by=by,
                phase="examination",
            )
            if citation is not None:
                out.append(citation)
            continue
        text = first_text(entry, "nplcit/othercit") or first_text(entry, "nplcit")
        if text:
            out.append(Citation(text=text, cited_by=by, phase="examination"))
    return out
