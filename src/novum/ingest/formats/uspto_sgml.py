"""USPTO grants 2001-2004 in the SGML-derived XML of ST.32 "Red Book" v2.4/v2.5 (root ``PATDOC``).

Every field is a WIPO INID-style tag (``B110`` number, ``B220`` filing date, ``B561`` cited patent) and every text
sits in ``PDAT`` leaves, so the mapping is a table of tags. Design (``S``), plant and reissue grants share it.
"""

from __future__ import annotations

from lxml import etree

from novum.ingest.formats._uspto_common import (
    cancelled_claims,
    check_doctype,
    country_code,
    dependencies,
    doc_type_for,
    number_in,
    packed_ipc,
    paragraphs,
    patent_citation,
    person,
    strip_claim_number,
    unique_parties,
)
from novum.ingest.formats.base import XmlFormat
from novum.ingest.xml import every, first, first_text, local, text_of
from novum.model import Citation, Claim, Paragraph, Party, Patent, PriorityClaim
from novum.normalize.classification import unique
from novum.normalize.dates import iso_date
from novum.normalize.numbers import split_document_id

_LANG = "en"


class UsptoSgml(XmlFormat):
    """USPTO grants in ST.32 v2.4/v2.5 XML (``PATDOC``), 2001-2004, including design patents."""

    name = "uspto-sgml"
    description = "USPTO grants 2001-2004 in SGML-derived XML (ST.32 v2.4/v2.5, root PATDOC), incl. designs"
    roots = ("PATDOC",)

    def to_patent(self, root: etree._Element) -> Patent:
        check_doctype(root)
        bib = first(root, "SDOBI")
        if bib is None:
            raise ValueError("no SDOBI bibliographic block")
        doc_number = first_text(bib, "B100/B110/DNUM")
        if not doc_number:
            raise ValueError("no publication number")
        kind = first_text(bib, "B100/B130")
        number = split_document_id(first_text(bib, "B100/B190") or "US", doc_number, kind)
        priorities = _priorities(bib)
        dates = [p.date for p in priorities if p.date]
        title = text_of(first(bib, "B500/B540"))
        abstract = _abstract(root)
        doc_type = doc_type_for(number.kind, number.number)

        return Patent(
            country=number.country or "US",
            doc_number=number.number,
            kind=number.kind,
            application_number=first_text(bib, "B200/B210/DNUM"),
            priority_claims=priorities,
            priority_date=min(dates) if dates else None,
            filing_date=iso_date(first_text(bib, "B200/B220/DATE")),
            publication_date=iso_date(first_text(bib, "B100/B140/DATE")),
            titles={_LANG: title} if title else {},
            abstracts={_LANG: abstract} if abstract else {},
            claims=_claims(root),
            description=_description(root),
            # A design grant's B511 is a Locarno class, not IPC.
            ipc=[] if doc_type == "design" else _ipc(bib),
            assignees=unique_parties([p for a in every(bib, "B700/B730/B731") if (p := _party(a))]),
            inventors=unique_parties([p for i in every(bib, "B700/B720/B721") if (p := _party(i))]),
            citations=_citations(bib),
            language=_LANG,
            doc_type=doc_type,
        )


def _priorities(bib: etree._Element) -> list[PriorityClaim]:
    """Foreign priorities (B300) and the US provisional application claimed (B680US)."""
    out = [
        PriorityClaim(
            country=country_code(first_text(p, "B330/CTRY")),
            number=first_text(p, "B310/DNUM"),
            date=iso_date(first_text(p, "B320/DATE")),
        )
        for p in every(bib, "B300")
    ]
    for doc in every(bib, "B600/B680US/DOC"):
        out.append(
            PriorityClaim(
                country=country_code(first_text(doc, "CTRY")) or "US",
                number=first_text(doc, "DNUM"),
                date=iso_date(first_text(doc, "DATE")),
            )
        )
    return [p for p in out if p.number or p.date]


def _ipc(bib: etree._Element) -> list[str]:
    # The raw PDAT text is needed: the packed layout ("G06F 1516") encodes the group split in its spaces.
    leaves = every(bib, "B500/B510/B511/PDAT") + every(bib, "B500/B510/B512/PDAT")
    return unique([packed_ipc(leaf.text) for leaf in leaves])


def _party(element: etree._Element) -> Party | None:
    who = first(element, "PARTY-US")
    if who is None:
        who = first(element, "PARTY-NONUS")
    if who is None:
        who = element
    name = text_of(first(who, "NAM/ONM")) or person(
        first_text(who, "NAM/FNM"), text_of(first(who, "NAM/SNM")), first_text(who, "NAM/SFX")
    )
    if not name:
        return None
    country = country_code(first_text(who, "ADR/CTRY"))
    if country is None and first_text(who, "ADR/STATE"):
        country = "US"  # ST.32 omits the country for US addresses and gives the state instead
    return Party(name=name, country=country, city=first_text(who, "ADR/CITY"))


def _cited_by(entry: etree._Element) -> str | None:
    """``<CITED-BY-EXAMINER/>`` is explicit; ``<CITED-BY-OTHER/>`` does not say who, so it gives ``None``."""
    return "examiner" if first(entry, "CITED-BY-EXAMINER") is not None else None


def _citations(bib: etree._Element) -> list[Citation]:
    out: list[Citation] = []
    entries = [child for block in every(bib, "B500/B560") for child in block]
    for entry in entries:
        if local(entry) == "B561":
            doc = first(entry, "PCIT/DOC")
            if doc is None:
                continue
            citation = patent_citation(
                first_text(doc, "CTRY") or "US",
                first_text(doc, "DNUM"),
                first_text(doc, "KIND"),
                first_text(doc, "DATE"),
                text_of(first(entry, "PCIT/PARTY-US/NAM")) or text_of(first(entry, "PCIT/PARTY-NONUS/NAM")),
                by=_cited_by(entry),
                phase="examination",
            )
            if citation is not None:
                out.append(citation)
        elif local(entry) == "B562":
            text = text_of(first(entry, "NCIT"))
            if text:
                out.append(Citation(text=text, cited_by=_cited_by(entry), phase="examination"))
    return out


def _abstract(root: etree._Element) -> str | None:
    abstract = first(root, "SDOAB")
    if abstract is None:
        return None
    paragraphs = [t for p in every(abstract, "//PARA") if (t := text_of(p))]
    return " ".join(paragraphs) if paragraphs else text_of(abstract)


def _claims(root: etree._Element) -> list[Claim]:
    claims: list[Claim] = []
    for claim in every(root, "SDOCL/CL/CLM"):
        if cancelled := cancelled_claims(text_of(claim), _LANG):
            claims.extend(cancelled)  # "1-18. (canceled)" stands for claims 1 to 18
            continue
        number = number_in(claim.get("ID"))
        text = strip_claim_number(text_of(claim))
        if number is None or not text:
            continue
        refs = {n for ref in every(claim, "//CLREF") if (n := number_in(ref.get("ID")))}
        depends = dependencies(refs, text, number)
        claims.append(Claim(number=number, text=text, depends_on=depends, lang=_LANG))
    return claims


def _description(root: etree._Element) -> list[Paragraph]:
    return paragraphs(first(root, "SDODE"), "H", "PARA", _para_number, _LANG)


def _para_number(paragraph: etree._Element) -> str | None:
    """``ID="P-00012"`` gives "00012": ST.32 numbers paragraphs only in their ids."""
    digits = (paragraph.get("ID") or "").rpartition("-")[2]
    return digits if digits.isdigit() else None
