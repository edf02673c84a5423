"""CNIPA's current XML (``business:PatentDocumentAndRelated``, schema V2.2.x): Chinese publications since 2021.

The schema repeats references in an ``original`` form (as printed: ``202110991218.8``) and a ``standard`` one
(``102021000991218``); the original is kept, as the model asks for numbers as printed. Description sections are
explicit elements whose un-numbered first paragraph is the printed heading ("技术领域").
"""

from __future__ import annotations

import re

from lxml import etree

from novum.ingest.formats import _st36_common as st36
from novum.ingest.formats.base import XmlFormat
from novum.ingest.xml import every, first, first_text
from novum.model import Citation, Paragraph, Party, Patent, PriorityClaim
from novum.normalize.classification import from_parts, normalize_symbol, unique
from novum.normalize.dates import iso_date

# ST.13 application type codes (the schema's applType) and kind codes as a fallback.
_APPL_TYPES = {"10": "utility", "11": "utility", "20": "utility-model", "21": "utility-model"}
_KIND_TYPES = {
    "A": "utility",
    "B": "utility",
    "C": "utility",
    "U": "utility-model",
    "Y": "utility-model",
    "S": "design",
}
# Citation attributes: who cited (per) and at which stage (srepPhase), as the schema enumerates them.
_CITED_BY = {"A": "applicant", "E": "examiner", "O": "third-party"}
_PHASES = {"SEA": "search-report", "EXA": "examination", "APP": "applicant", "OPP": "opposition", "CH2": "examination"}
_PLACEHOLDER = re.compile(r"^0+$")  # CNIPA fills unknown address parts with "0"


class CnipaNewFormat(XmlFormat):
    """CNIPA ``PatentDocumentAndRelated`` XML in the ``business:``/``base:`` namespaces."""

    name = "cnipa-new"
    description = "CNIPA Chinese patent XML, current business:PatentDocumentAndRelated format (V2.2.x)"
    roots = ("PatentDocumentAndRelated",)

    def to_patent(self, root: etree._Element) -> Patent:
        biblio = first(root, "BibliographicData")
        if biblio is None:
            raise ValueError("no BibliographicData")
        lang = st36.lang_code(root.get("lang"), "zh")
        pub = _document_id(_original(every(biblio, "PublicationReference")))
        country, doc_number, kind = st36.publication_number(
            pub["country"] or root.get("country") or "CN",
            pub["doc_number"] or root.get("docNumber"),
            pub["kind"] or root.get("kind"),
        )
        app_ref = _original(every(biblio, "ApplicationReference"))
        app = _document_id(app_ref)
        priorities = _priorities(biblio)
        titles = _by_lang(every(biblio, "InventionTitle"), lang)
        abstracts: dict[str, str] = {}
        for abstract in every(root, "Abstract"):
            text = st36.join_blocks(st36.block_text(p) for p in every(abstract, "Paragraphs"))
            key = st36.lang_code(abstract.get("lang"), lang) or "zh"
            if text and key not in abstracts:
                abstracts[key] = text
        claims_el = first(root, "Claims")
        claims_lang = st36.lang_code(claims_el.get("lang"), lang) if claims_el is not None else lang
        description = first(root, "Description")
        appl_type = (app_ref.get("applType") or "").strip() if app_ref is not None else ""
        return Patent(
            country=country,
            doc_number=doc_number,
            kind=kind,
            application_number=app["doc_number"],
            priority_claims=priorities,
            priority_date=st36.earliest(priorities),
            filing_date=app["date"],
            publication_date=pub["date"] or iso_date(root.get("datePublication")),
            titles=titles,
            abstracts=abstracts,
            claims=st36.claims(claims_el, claims_lang, claim_tag="Claim", text_tag="ClaimText"),
            description=_description(description, lang),
            ipc=_ipc(biblio),
            applicants=_parties(every(biblio, "Parties/ApplicantDetails/Applicant")),
            assignees=_parties(every(biblio, "AssigneeDetails/Assignee")),
            inventors=_parties(every(biblio, "Parties/InventorDetails/Inventor")),
            citations=_citations(biblio),
            language=lang,
            doc_type=_APPL_TYPES.get(appl_type) or _KIND_TYPES.get((kind or "")[:1]),
        )


def _original(elements: list[etree._Element]) -> etree._Element | None:
    """The ``dataFormat="original"`` reference (as printed), else the first one."""
    for element in elements:
        if (element.get("dataFormat") or "original") == "original":
            return element
    return elements[0] if elements else None


def _document_id(element: etree._Element | None) -> dict[str, str | None]:
    if element is None:
        return {"country": None, "doc_number": None, "kind": None, "date": None}
    found = first(element, "DocumentID")
    holder = found if found is not None else element
    return {
        "country": first_text(holder, "WIPOST3Code"),
        "doc_number": first_text(holder, "DocNumber"),
        "kind": first_text(holder, "Kind"),
        "date": iso_date(first_text(holder, "Date")),
    }


def _priorities(biblio: etree._Element) -> list[PriorityClaim]:
    out: list[PriorityClaim] = []
    for element in every(biblio, "PriorityDetails/Priority"):
        if (element.get("dataFormat") or "original") != "original":
            continue
        ident = _document_id(element)
        claim = PriorityClaim(
            country=(ident["country"] or "").upper() or None, number=ident["doc_number"], date=ident["date"]
        )
        if (claim.number or claim.date) and claim not in out:
            out.append(claim)
    return out


def _by_lang(elements: list[etree._Element], default: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for element in elements:
        if (element.get("dataFormat") or "original") != "original":
            continue
        text = st36.block_text(element)
        key = st36.lang_code(element.get("lang"), default) or "zh"
        if text and key not in out:
            out[key] = text
    return out


def _ipc(biblio: etree._Element) -> list[str]:
    symbols: list[str | None] = []
    for ipcr in every(biblio, "ClassificationIPCRDetails/ClassificationIPCR"):
        symbol = normalize_symbol(first_text(ipcr, "Text"))
        if symbol is None:
            symbol = from_parts(
                first_text(ipcr, "Section"),
                first_text(ipcr, "MainClass"),
                first_text(ipcr, "Subclass"),
                first_text(ipcr, "MainGroup"),
                first_text(ipcr, "Subgroup"),
            )
        symbols.append(symbol)
    return unique(symbols)


def _parties(holders: list[etree._Element]) -> list[Party]:
    out: list[Party] = []
    for holder in holders:
        if (holder.get("dataFormat") or "original") != "original":
            continue
        book = first(holder, "AddressBook")
        if book is None:
            continue
        name = _name(book)
        if not name:
            continue
        found = Party(name=name, country=_real(first_text(book, "Address/WIPOST3Code")), city=_city(book))
        if found not in out:
            out.append(found)
    return out


def _name(book: etree._Element) -> str | None:
    name = first_text(book, "Name") or first_text(book, "OrganizationName")
    if name:
        return name
    given, family = first_text(book, "FirstName"), first_text(book, "LastName")
    return " ".join(p for p in (given, family) if p) or None


def _city(book: etree._Element) -> str | None:
    return _real(first_text(book, "Address/City")) or _real(first_text(book, "Address/AddressCity"))


def _real(value: str | None) -> str | None:
    if not value or _PLACEHOLDER.match(value.strip()):
        return None
    return value.strip()


def _paragraph_number(element: etree._Element) -> str | None:
    """``num="n0012"`` is printed as [0012]; the letter only keeps ids unique in the schema."""
    raw = (element.get("num") or "").strip()
    return re.sub(r"^[A-Za-z]+", "", raw) or None


def _description(container: etree._Element | None, lang: str | None) -> list[Paragraph]:
    if container is None:
        return []
    section_lang = st36.lang_code(container.get("lang"), lang)
    return st36.description(
        container,
        section_lang,
        is_heading=lambda element, _text: element.get("num") is None,
        paragraph_tags=("Paragraphs",),
        heading_tags=("Heading",),
        number=_paragraph_number,
    )


def _citations(biblio: etree._Element) -> list[Citation]:
    """``ReferencesCited/Citation`` of granted documents: patent (ApplicationCitation) or NPL citations."""
    out: list[Citation] = []
    for citation in every(biblio, "//ReferencesCited/Citation"):
        cited_by = _CITED_BY.get((citation.get("per") or "").strip().upper())
        phase = _PHASES.get((citation.get("srepPhase") or "").strip().upper(), "search-report")
        categories = [c for c in (st36.block_text(el) for el in every(citation, "ReferenceDocCategory")) if c]
        category = ",".join(categories) or (citation.get("category") or "").strip() or None
        for patent in every(citation, "ApplicationCitation"):
            ident = _document_id(_original(every(patent, "PublicationReference")))
            if ident["doc_number"]:
                out.append(
                    st36.make_citation(
                        ident["country"],
                        ident["doc_number"],
                        ident["kind"],
                        ident["date"],
                        cited_by=cited_by,
                        category=category,
                        phase=phase,
                    )
                )
            else:
                text = st36.block_text(patent)
                if text:
                    out.append(Citation(text=text, cited_by=cited_by, category=category, phase=phase))
        for npl in every(citation, "NPLCitation"):
            text = st36.block_text(npl)
            if text:
                out.append(Citation(text=text, cited_by=cited_by, category=category, phase=phase))
    return out
