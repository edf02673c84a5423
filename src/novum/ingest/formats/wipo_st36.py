"""Generic WIPO ST.36 patent documents (``patent-document``, ``wo-patent-document``, ``xx-patent-document``).

ST.36's model DTD is ``xx-patent-document`` with ``xx`` an office code; offices without a dedicated reader here (WIPO
pamphlets, KIPO and others) publish close to it. Offices with their own layout are read by their own formats:
``cn-patent-document`` (cnipa_old), ``ep-patent-document`` (the EPO reader, whose bibliography is the EPO's
``SDOBI`` B-codes) and ``jp-official-gazette`` (jpo). Tables of contents (``Application-body`` ``toc.xml``) are not
documents and are left to the pipeline's "unknown document type".
"""

from __future__ import annotations

import re

from lxml import etree

from novum.ingest.formats import _st36_common as st36
from novum.ingest.formats.base import XmlFormat
from novum.ingest.xml import every, first, local
from novum.model import Claim, Paragraph, Patent
from novum.normalize.dates import iso_date

_ROOT = re.compile(r"^(?:(?P<office>[a-z]{2})-)?patent-document$")
_OWN_READERS = {"cn", "ep"}  # offices whose xx-patent-document another format reads
_DOC_TYPES = {"utility": "utility", "design": "design", "plant": "plant", "reissue": "reissue"}


class WipoSt36Format(XmlFormat):
    """ST.36 model-DTD documents from offices without a dedicated reader."""

    name = "wipo-st36"
    description = "WIPO ST.36 patent-document XML (generic xx-patent-document, e.g. WO pamphlets)"
    roots = ("patent-document", "wo-patent-document")

    def accepts(self, root: etree._Element) -> bool:
        match = _ROOT.match(local(root))
        return match is not None and match.group("office") not in _OWN_READERS

    def to_patent(self, root: etree._Element) -> Patent:
        biblio = first(root, "bibliographic-data")
        if biblio is None:
            raise ValueError("no bibliographic-data")
        lang = st36.lang_code(root.get("lang") or biblio.get("lang"))
        pub = st36.document_id(first(biblio, "publication-reference"))
        office = _ROOT.match(local(root))
        country_hint = root.get("country") or (
            office.group("office").upper() if office and office.group("office") else None
        )
        country, doc_number, kind = st36.publication_number(
            pub["country"] or country_hint, pub["doc_number"] or root.get("doc-number"), pub["kind"] or root.get("kind")
        )
        app_ref = first(biblio, "application-reference")
        app = st36.document_id(app_ref)
        priorities = st36.priority_claims(every(biblio, "priority-claims/priority-claim"))
        body = first(root, "application-body")
        container = body if body is not None else root
        parties = first(biblio, "parties")
        return Patent(
            country=country,
            doc_number=doc_number,
            kind=kind,
            application_number=app["doc_number"],
            priority_claims=priorities,
            priority_date=st36.earliest(priorities),
            filing_date=app["date"],
            publication_date=pub["date"] or iso_date(root.get("date-publ")),
            titles=_by_lang(every(biblio, "invention-title"), lang),
            abstracts=_abstracts(root, biblio, lang),
            claims=_claims(container, lang),
            description=_description(container, lang),
            ipc=st36.ipc_symbols(biblio),
            applicants=st36.parties(every(parties, "applicants/applicant")) if parties is not None else [],
            assignees=st36.parties(every(biblio, "assignees/assignee")),
            inventors=st36.parties(every(parties, "inventors/inventor")) if parties is not None else [],
            citations=st36.references_cited(biblio),
            language=lang,
            doc_type=_DOC_TYPES.get((app_ref.get("appl-type") or "").strip()) if app_ref is not None else None,
        )


def _by_lang(elements: list[etree._Element], default: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for element in elements:
        text = st36.block_text(element)
        key = st36.lang_code(element.get("lang"), default)
        if text and key and key not in out:
            out[key] = text
    return out


def _abstracts(root: etree._Element, biblio: etree._Element, lang: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for abstract in [*st36.children_named(root, ["abstract"]), *st36.children_named(biblio, ["abstract"])]:
        text = st36.join_blocks(st36.block_text(p) for p in every(abstract, "p"))
        key = st36.lang_code(abstract.get("lang"), lang)
        if text and key and key not in out:
            out[key] = text
    return out


def _claims(container: etree._Element, lang: str | None) -> list[Claim]:
    out: list[Claim] = []
    for claims in st36.children_named(container, ["claims"]):
        out.extend(st36.claims(claims, st36.lang_code(claims.get("lang"), lang)))
    return out


def _description(container: etree._Element, lang: str | None) -> list[Paragraph]:
    found = st36.children_named(container, ["description"])
    if not found:
        return []
    return st36.description(found[0], st36.lang_code(found[0].get("lang"), lang))
