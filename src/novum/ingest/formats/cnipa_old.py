"""CNIPA's older XML (``cn-patent-document``): Chinese invention and utility-model publications, ST.36 with ``cn-``.

CNIPA renamed a few ST.36 elements (``cn-bibliographic-data``, ``cn-parties``, ``cn-applicant``...) but kept the
rest, so the shared ST.36 helpers read it. Section headings ("技术领域", "背景技术") are printed as ordinary numbered
paragraphs here; they are recognised by shape and become the ``heading`` of the paragraphs that follow.
"""

from __future__ import annotations

import re

from lxml import etree

from novum.ingest.formats import _st36_common as st36
from novum.ingest.formats.base import XmlFormat
from novum.ingest.xml import every, first, first_text, local
from novum.model import Patent, PriorityClaim
from novum.normalize.dates import iso_date

# A heading is a short phrase with no sentence punctuation or formula characters: "技术领域", "发明内容", "实施例1".
_HEADING_MAX = 25
_NOT_HEADING = re.compile(r"[。，；：、,;:！？!?=<>+*/%～~℃]")
_HEADING_START_BAN = re.compile(r"^(?:[\[【（(〔<\d０-９a-zA-Z]|[表图]\s*[\d０-９])")  # "表1 ..." is a caption
_MEDIA = ("img", "tables", "table", "maths", "math", "chemistry")

# appl-type text, and the kind code as a fallback, to the model's document types.
_APPL_TYPES = {"发明专利": "utility", "发明": "utility", "实用新型": "utility-model", "外观设计": "design"}
_KIND_TYPES = {
    "A": "utility",
    "B": "utility",
    "C": "utility",
    "U": "utility-model",
    "Y": "utility-model",
    "S": "design",
}


def looks_like_heading(element: etree._Element, text: str) -> bool:
    """Whether a numbered paragraph is really a section heading of the printed specification."""
    if len(text) > _HEADING_MAX or _NOT_HEADING.search(text) or _HEADING_START_BAN.match(text):
        return False
    return not any(local(el) in _MEDIA for el in element.iter() if isinstance(el.tag, str))


def doc_type(appl_type: str | None, kind: str | None) -> str | None:
    if appl_type and appl_type.strip() in _APPL_TYPES:
        return _APPL_TYPES[appl_type.strip()]
    return _KIND_TYPES.get((kind or "")[:1]) if kind else None


class CnipaOldFormat(XmlFormat):
    """CNIPA ``cn-patent-document`` XML (the format used before the 2021 ``business:`` schema)."""

    name = "cnipa-old"
    description = "CNIPA Chinese patent XML, older cn-patent-document format (ST.36 based)"
    roots = ("cn-patent-document",)

    def to_patent(self, root: etree._Element) -> Patent:
        biblio = first(root, "cn-bibliographic-data")
        if biblio is None:
            biblio = first(root, "bibliographic-data")
        if biblio is None:
            raise ValueError("no cn-bibliographic-data")
        lang = st36.lang_code(root.get("lang"), "zh")
        pub_ref = first(biblio, "cn-publication-reference")
        if pub_ref is None:
            pub_ref = first(biblio, "publication-reference")
        pub = st36.document_id(pub_ref)
        country, doc_number, kind = st36.publication_number(pub["country"] or "CN", pub["doc_number"], pub["kind"])
        app_ref = first(biblio, "application-reference")
        app = st36.document_id(app_ref)
        priorities = self._priorities(biblio)
        body = first(root, "application-body")
        body_lang = st36.lang_code(body.get("lang"), lang) if body is not None else lang
        title = st36.block_text(first(biblio, "invention-title"))
        if title is None and body is not None:
            title = st36.block_text(first(body, "description/invention-title"))
        abstract = st36.join_blocks(st36.block_text(p, skip=("bio-deposit",)) for p in every(biblio, "abstract/p"))
        parties = first(biblio, "cn-parties")
        if parties is None:
            parties = first(biblio, "parties")
        return Patent(
            country=country,
            doc_number=doc_number,
            kind=kind,
            application_number=app["doc_number"],
            priority_claims=priorities,
            priority_date=st36.earliest(priorities),
            filing_date=app["date"],
            publication_date=pub["date"] or iso_date(first_text(biblio, "cn-publication-reference//date")),
            titles={lang or "zh": title} if title else {},
            abstracts={lang or "zh": abstract} if abstract else {},
            claims=st36.claims(first(body, "claims") if body is not None else None, body_lang),
            description=st36.description(
                first(body, "description") if body is not None else None, body_lang, is_heading=looks_like_heading
            ),
            ipc=st36.ipc_symbols(biblio),
            applicants=st36.parties(self._people(parties, "applicant")),
            assignees=st36.parties(every(biblio, "assignees/assignee")),
            inventors=st36.parties(self._people(parties, "inventor")),
            citations=st36.references_cited(biblio),
            language=lang,
            doc_type=doc_type(app_ref.get("appl-type") if app_ref is not None else None, kind),
        )

    @staticmethod
    def _people(parties: etree._Element | None, role: str) -> list[etree._Element]:
        if parties is None:
            return []
        return every(parties, f"//cn-{role}") or every(parties, f"//{role}")

    @staticmethod
    def _priorities(biblio: etree._Element) -> list[PriorityClaim]:
        """Paris priorities plus CNIPA's domestic priorities (INID 66), which sit under ``cn-related-documents``."""
        claims = st36.priority_claims(every(biblio, "priority-claims/priority-claim"))
        for domestic in every(biblio, "//cn-domestic-priority-claim"):
            ident = st36.document_id(first(domestic, "//document-id"))
            claim = PriorityClaim(country=ident["country"] or "CN", number=ident["doc_number"], date=ident["date"])
            if (claim.number or claim.date) and claim not in claims:
                claims.append(claim)
        return claims
