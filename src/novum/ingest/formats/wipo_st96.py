"""WIPO ST.96 patent publications (``pat:PatentPublication``, V6_0 and the earlier 2.x-5.x layouts alike).

ST.96 is the XML standard offices are moving to (USPTO publishes it beside its ST.36 files). Only the patent
publication is read here: ST.96 also defines trademark, design and GI documents, which are not patents and are left
to the pipeline's "unknown document type". Element names are matched by local name, so ``pat:``/``com:`` prefixes and
namespace versions do not matter.
"""

from __future__ import annotations

import re

from lxml import etree

from novum.ingest.formats.base import XmlFormat
from novum.ingest.xml import every, first, first_text, local, text_of
from novum.model import Citation, Claim, Paragraph, Party, Patent, PriorityClaim
from novum.normalize.claimrefs import referenced_claims
from novum.normalize.classification import from_parts, normalize_symbol, unique
from novum.normalize.dates import iso_date
from novum.normalize.numbers import NumberFormatError, parse_number, split_document_id
from novum.normalize.text import clean

_ST96 = "http://www.wipo.int/standards/XMLSchema/ST96"
_BLOCKS = frozenset(
    {"P", "ClaimText", "Br", "Heading", "Row", "Entry", "Table", "Math", "UnorderedList", "OrderedList"}
)
_CLAIM_NUMBERING = re.compile(r"^\s*\d+\s*[.、)]\s*")
_CITED_BY = {"applicant": "applicant", "examiner": "examiner", "third party": "third-party", "opponent": "third-party"}
_PHASE = {
    "in application": "application",
    "search": "search-report",
    "international search": "international-search-report",
    "supplementary international search": "supplementary-international-search-report",
    "international type search": "international-type-search-report",
    "national search": "national-search-report",
    "supplementary national search": "supplementary-national-search-report",
    "international examination": "international-examination",
    "examination": "examination",
    "national examination": "national-examination",
    "opposition": "opposition",
    "limitation": "limitation",
}
_SUBJECT = {"utility": "utility", "design": "design", "plant": "plant"}


class St96PatentPublication(XmlFormat):
    """ST.96 ``PatentPublication`` documents (bibliographic data, description, claims, abstract)."""

    name = "wipo-st96"
    description = "WIPO ST.96 PatentPublication XML (V6_0 and earlier ST.96 versions)"
    roots = ("PatentPublication",)

    def accepts(self, root: etree._Element) -> bool:
        if local(root) not in self.roots:
            return False
        namespace = etree.QName(root).namespace or ""
        return (
            namespace.startswith(_ST96) or first(root, "BibliographicData/PatentPublicationIdentification") is not None
        )

    def to_patent(self, root: etree._Element) -> Patent:
        bib = first(root, "BibliographicData")
        ident = first(bib, "PatentPublicationIdentification") if bib is not None else None
        number_text = first_text(ident, "PublicationNumber") if ident is not None else None
        if bib is None or ident is None or not number_text:
            raise ValueError("no publication number")
        lang = _lang(root)
        number = split_document_id(
            first_text(ident, "IPOfficeCode") or first_text(root, "IPOfficeCode"),
            number_text,
            first_text(ident, "PatentDocumentKindCode"),
        )
        if not number.country:
            raise ValueError("publication number without an office code")
        application = first(bib, "ApplicationIdentification")
        patent = Patent(
            country=number.country,
            doc_number=number.number,
            kind=number.kind,
            publication_date=iso_date(first_text(ident, "PublicationDate"))
            or iso_date(_attr(root, "documentPublicationDate")),
            titles=_texts(every(bib, "InventionTitleBag/InventionTitle"), lang),
            abstracts=_texts(every(root, "Abstract"), lang),
            claims=[claim for claims in every(root, "Claims") for claim in _claims(claims, lang)],
            description=[p for description in every(root, "Description") for p in _description(description, lang)],
            citations=[c for c in (_citation(el) for el in _citation_elements(bib)) if c is not None],
            language=lang,
        )
        if application is not None:
            patent.application_number = first_text(
                application, "ApplicationNumber/ApplicationNumberText"
            ) or first_text(application, "ApplicationNumber")
            patent.filing_date = iso_date(first_text(application, "FilingDate"))
            patent.doc_type = _SUBJECT.get((first_text(application, "InventionSubjectMatterCategory") or "").lower())
        patent.priority_claims = _priorities(bib)
        dates = [p.date for p in patent.priority_claims if p.date]
        patent.priority_date = min(dates) if dates else None
        classes = first(bib, "PatentClassificationBag")  # the SearchField's own bag holds field-of-search classes
        if classes is not None:
            patent.ipc = _ipc(classes)
            patent.cpc = unique(
                [_parts(c, "CPCSection") for c in every(classes, "CPCClassificationBag//CPCClassification")]
            )
        parties = first(bib, "PartyBag")
        if parties is not None:
            patent.applicants = _parties(every(parties, "ApplicantBag/Applicant"))
            patent.inventors = _parties(every(parties, "InventorBag/Inventor"))
            patent.assignees = _parties([*every(parties, "AssigneeBag/Assignee"), *every(parties, "OwnerBag/Owner")])
        return patent


def _attr(element: etree._Element, name: str) -> str | None:
    """An attribute by local name: ST.96 puts ``com:languageCode`` and ``pat:citingPartyCategory`` in namespaces."""
    for key, value in element.attrib.items():
        if str(key).rsplit("}", 1)[-1] == name:
            return str(value)
    return None


def _lang(element: etree._Element, default: str | None = None) -> str | None:
    value = _attr(element, "languageCode")
    return value.strip().lower() if value and value.strip() else default


def _text(element: etree._Element | None) -> str | None:
    """Element text with blanks around block children, so nested claim parts and table cells do not run together."""
    if element is None:
        return None
    parts: list[str] = []
    _collect(element, parts, top=True)
    return clean("".join(parts))


def _collect(element: etree._Element, parts: list[str], top: bool = False) -> None:
    if isinstance(element.tag, str):
        block = not top and local(element) in _BLOCKS
        if block:
            parts.append(" ")
        if element.text:
            parts.append(element.text)
        for child in element:
            _collect(child, parts)
        if block:
            parts.append(" ")
    if not top and element.tail:
        parts.append(element.tail)


def _texts(elements: list[etree._Element], lang: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for element in elements:
        text = _text(element)
        key = _lang(element, lang) or "en"
        if text and key not in out:
            out[key] = text
    return out


def _claims(claims: etree._Element, default_lang: str | None) -> list[Claim]:
    lang = _lang(claims, default_lang)
    elements = every(claims, "Claim")
    numbers: dict[str, int] = {}
    for element in elements:
        number = _int(first_text(element, "ClaimNumber"))
        if number is not None and _attr(element, "id"):
            numbers[_attr(element, "id") or ""] = number
    out: list[Claim] = []
    for element in elements:
        number = _int(first_text(element, "ClaimNumber"))
        if number is None:
            continue  # a ClaimNumberRange marks cancelled claims, which have no text of their own
        text = " ".join(t for t in (_text(body) for body in every(element, "ClaimText")) if t)
        text = _CLAIM_NUMBERING.sub("", text, count=1).strip()
        if not text:
            continue
        out.append(Claim(number=number, text=text, depends_on=_depends(element, text, number, numbers), lang=lang))
    return out


def _depends(element: etree._Element, text: str, number: int, ids: dict[str, int]) -> list[int]:
    references = every(element, "ClaimText//ClaimReference")
    if not references:
        return referenced_claims(text, number)
    found: set[int] = set()
    for reference in references:
        targets = [ids[i] for i in (_attr(reference, "idrefs") or "").split() if i in ids]
        shown = text_of(reference) or ""
        found.update(targets or referenced_claims(shown) or referenced_claims(f"claim {shown}"))
    return sorted(n for n in found if 0 < n < number)


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _description(description: etree._Element, default_lang: str | None) -> list[Paragraph]:
    """Paragraphs in reading order, each with the nearest heading before it (headings sit inside section wrappers)."""
    lang = _lang(description, default_lang)
    out: list[Paragraph] = []
    heading: list[str | None] = [None]

    def walk(element: etree._Element) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            name = local(child)
            if name == "Heading":
                heading[0] = _text(child)
            elif name == "P":
                text = _text(child)
                if text:
                    out.append(Paragraph(text, _attr(child, "pNumber") or _attr(child, "id"), heading[0], lang))
            elif name not in ("InventionTitle", "PageImage", "DocumentURI"):
                walk(child)

    walk(description)
    return out


def _priorities(bib: etree._Element) -> list[PriorityClaim]:
    out: list[PriorityClaim] = []
    for claim in every(bib, "PriorityClaimBag/PriorityClaim"):
        number = first_text(claim, "ApplicationNumber/ApplicationNumberText") or first_text(claim, "ApplicationNumber")
        country = first_text(claim, "IPOfficeCode")
        date = iso_date(first_text(claim, "FilingDate"))
        if number or country or date:
            out.append(PriorityClaim(country=country, number=number, date=date))
    return out


def _parts(element: etree._Element, section: str) -> str | None:
    text = first_text(element, "PatentClassificationSymbolText") or first_text(element, "PatentClassificationText")
    if text:
        return normalize_symbol(text)
    return from_parts(
        first_text(element, section),
        first_text(element, "Class"),
        first_text(element, "Subclass"),
        first_text(element, "MainGroup"),
        first_text(element, "Subgroup"),
    )


def _ipc(classes: etree._Element) -> list[str]:
    symbols = [_parts(c, "Section") for c in every(classes, "IPCRClassificationBag/IPCRClassification")]
    for ipc in every(classes, "IPCClassification"):  # pre-2006 editions: plain symbol strings
        symbols += [normalize_symbol(first_text(ipc, "MainClassification"))]
        symbols += [normalize_symbol(text_of(f)) for f in every(ipc, "FurtherClassification")]
    return unique(symbols)


def _parties(elements: list[etree._Element]) -> list[Party]:
    out: list[Party] = []
    for party in elements:
        contact = first(party, "Contact")
        if contact is None:
            contact = first(party, "PublicationContact")
        if contact is None:
            continue
        name = _name(first(contact, "Name"))
        if not name:
            continue
        country = first_text(contact, "//CountryCode") or first_text(party, "ResidenceCountryCode")
        out.append(Party(name, country, first_text(contact, "//CityName")))
    return out


def _name(name: etree._Element | None) -> str | None:
    if name is None:
        return None
    structured = first(name, "PersonName/PersonStructuredName")
    if structured is not None:
        fields = ("NamePrefix", "FirstName", "MiddleName", "LastName", "FirstLastName", "SecondLastName", "NameSuffix")
        parts = [first_text(structured, f) for f in fields]
        return clean(" ".join(p for p in parts if p))
    return (
        first_text(name, "PersonName/PersonFullName")
        or first_text(name, "OrganizationName/OrganizationStandardName")
        or first_text(name, "EntityName")
        or _text(name)
    )


def _citation_elements(bib: etree._Element) -> list[etree._Element]:
    return every(bib, "ReferenceCitationBag/ReferenceCitation") + every(
        bib, "ReferenceCitationBag/ReferenceCitationFreeFormat"
    )


def _citation(reference: etree._Element) -> Citation | None:
    cited_by = _CITED_BY.get((_attr(reference, "citingPartyCategory") or "").strip().lower())
    phase = _PHASE.get((_attr(reference, "citedPhaseCategory") or "").strip().lower())
    if phase is None and (_attr(reference, "citingPartyCategory") or "").strip().lower() == "opponent":
        phase = "opposition"
    codes = [text_of(c) for c in every(reference, "DocumentRelevanceBag//CitationCategoryCode")]
    category = ",".join(unique(["&" if c == "Ampersand" else c for c in codes])) or None
    if local(reference) == "ReferenceCitationFreeFormat":
        text = _text(reference)
        return Citation(text=text, cited_by=cited_by, category=category, phase=phase) if text else None
    patent = first(reference, "PatentCitation")
    if patent is not None:
        ident = first(patent, "CitedPatentDocumentIdentification")
        if ident is not None and first_text(ident, "DocumentNumber"):
            office = first_text(ident, "IPOfficeCode")
            number = split_document_id(
                office,
                first_text(ident, "DocumentNumber") or "",
                first_text(ident, "PatentDocumentKindCode"),
            )
            return Citation(
                number=_canonical(str(number)) if number.country else None,
                country=number.country,
                doc_number=number.number,
                kind=number.kind,
                date=_partial_date(first_text(ident, "PatentDocumentDate")),
                name=first_text(ident, "EntityName"),
                cited_by=cited_by,
                category=category,
                phase=phase,
            )
        text = first_text(patent, "PatentCitationText")
        canonical = _canonical(text)
        if canonical:
            parsed = parse_number(canonical)
            return Citation(
                canonical, parsed.country, parsed.number, parsed.kind, cited_by=cited_by, category=category, phase=phase
            )
        return Citation(text=text, cited_by=cited_by, category=category, phase=phase) if text else None
    text = first_text(reference, "NPLCitation/NPLCitationText") or _text(first(reference, "NPLCitation"))
    return Citation(text=text, cited_by=cited_by, category=category, phase=phase) if text else None


def _canonical(text: str | None) -> str | None:
    if not text:
        return None
    try:
        parsed = parse_number(text)
    except NumberFormatError:
        return None
    return str(parsed) if parsed.country else None


def _partial_date(value: str | None) -> str | None:
    """Cited documents carry "2000-04": kept at the first of the month, as ``iso_date`` does for "20000400"."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 6:
        digits += "00"
    elif len(digits) == 4:
        digits += "0000"
    return iso_date(digits)
