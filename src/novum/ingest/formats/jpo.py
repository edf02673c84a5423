"""JPO gazette XML (``jp-official-gazette``): Japanese unexamined (公開/公表) patent and utility-model publications.

The JPO DTD is ST.36 with ``jp:`` extensions. The printed kind ("公開特許公報(A)") is a Japanese label; the ST.16 code
sits in the root's ``kind-of-st16`` attribute. Description sections are elements without heading text; the gazette
prints each with a fixed heading (【技術分野】...), which is what ``heading`` gets. Amended text
(``jp:written-amendment-group``) repeats the description and is deliberately not read.
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

from novum.ingest.formats import _st36_common as st36
from novum.ingest.formats.base import XmlFormat
from novum.ingest.xml import every, first
from novum.model import Citation, Patent

# The heading the gazette prints for each ST.36 section element (JPO filing forms, 様式第29).
SECTION_HEADINGS = {
    "technical-field": "技術分野",
    "background-art": "背景技術",
    "citation-list": "先行技術文献",
    "patent-literature": "特許文献",
    "non-patent-literature": "非特許文献",
    "summary-of-invention": "発明の概要",
    "tech-problem": "発明が解決しようとする課題",
    "tech-solution": "課題を解決するための手段",
    "advantageous-effects": "発明の効果",
    "description-of-drawings": "図面の簡単な説明",
    "description-of-embodiments": "発明を実施するための形態",
    "embodiments-example": "実施例",
    "industrial-applicability": "産業上の利用可能性",
    "reference-signs-list": "符号の説明",
    "disclosure": "発明の開示",
    "best-mode": "発明を実施するための最良の形態",
}
_KIND_IN_LABEL = re.compile(r"\(([A-Z]\d?)\)")
_DOC_TYPES = {"A": "utility", "U": "utility-model"}
_DASH = r"[-‐−ー－―]"
# Patent literature as the applicant writes it in the citation list ("特開2015-123456号公報", "特許第6151557号公報").
_ERA = {"昭": "S", "平": "H"}
_JP_CITATIONS: tuple[tuple[re.Pattern[str], str, str | None], ...] = (
    (re.compile(rf"特開(\d{{4}}){_DASH}(\d+)号"), "JP", "A"),
    (re.compile(rf"特表(\d{{4}}){_DASH}(\d+)号"), "JP", "A"),
    (re.compile(r"再表(\d{4})/(\d+)号"), "WO", "A1"),
    (re.compile(r"国際公開第(\d{4})/(\d+)号"), "WO", None),
    (re.compile(r"米国特許出願公開第(\d{4})/(\d+)号"), "US", "A1"),
    # Foreign grants before the domestic "特許第", which their wording contains.
    (re.compile(r"米国特許第(\d+)号"), "US", None),
    (re.compile(r"欧州特許出願公開第(\d+)号"), "EP", "A"),
    (re.compile(r"欧州特許第(\d+)号"), "EP", None),
    (re.compile(r"中国特許出願公開第(\d+)号"), "CN", "A"),
    (re.compile(r"中国特許第(\d+)号"), "CN", None),
    (re.compile(r"実用新案登録第(\d+)号"), "JP", None),
    (re.compile(r"(?<![国州])特許第(\d+)号"), "JP", None),
)
# Japanese claim wording the shared reference reader does not know, mapped to connectors it does.
_ERA_CITATION = re.compile(rf"(特開|特表|実開)(昭|平)(\d+){_DASH}(\d+)号")


class JpoFormat(XmlFormat):
    """JPO ``jp-official-gazette`` XML (公開特許公報, 公表特許公報 and utility-model gazettes)."""

    name = "jpo"
    description = "JPO Japanese patent gazette XML (jp-official-gazette), ST.36 based"
    roots = ("jp-official-gazette",)

    def to_patent(self, root: etree._Element) -> Patent:
        biblio = first(root, "bibliographic-data")
        if biblio is None:
            raise ValueError("no bibliographic-data")
        lang = st36.lang_code(root.get("lang") or biblio.get("lang"), "ja")
        pub = st36.document_id(first(biblio, "publication-reference"))
        kind = _kind(root, pub["kind"])
        country, doc_number, kind = st36.publication_number(
            pub["country"] or root.get("country") or "JP", pub["doc_number"], kind
        )
        app = st36.document_id(first(biblio, "application-reference"))
        priorities = st36.priority_claims(every(biblio, "priority-claims/priority-claim"))
        title = st36.block_text(first(biblio, "invention-title"))
        abstract_el = first(root, "abstract")
        abstract = (
            st36.join_blocks(st36.block_text(p) for p in every(abstract_el, "p")) if abstract_el is not None else None
        )
        description = first(root, "description")
        parties = first(biblio, "parties")
        return Patent(
            country=country,
            doc_number=doc_number,
            kind=kind,
            application_number=app["doc_number"],
            priority_claims=priorities,
            priority_date=st36.earliest(priorities),
            filing_date=app["date"],
            publication_date=pub["date"],
            titles={lang or "ja": title} if title else {},
            abstracts={lang or "ja": abstract} if abstract else {},
            claims=st36.claims(first(root, "claims"), lang),
            description=st36.description(description, lang, section_headings=SECTION_HEADINGS),
            ipc=st36.ipc_symbols(biblio),
            applicants=st36.parties(every(parties, "//applicant")) if parties is not None else [],
            inventors=st36.parties(every(parties, "//inventor")) if parties is not None else [],
            citations=_citations(description),
            language=lang,
            doc_type=_DOC_TYPES.get(root.get("kind-of-st16") or root.get("kind-of-jp") or ""),
        )


def _kind(root: etree._Element, label: str | None) -> str | None:
    """The ST.16 kind: the root attribute, else the code in brackets of the printed label."""
    code = (root.get("kind-of-st16") or "").strip()
    if code:
        return code
    match = _KIND_IN_LABEL.search(unicodedata.normalize("NFKC", label or ""))
    return match.group(1) if match else None


def _citations(description: etree._Element | None) -> list[Citation]:
    """The applicant's citation list (先行技術文献) of the description."""
    if description is None:
        return []
    out: list[Citation] = []
    for patcit in every(description, "//citation-list//patcit"):
        if first(patcit, "document-id") is not None:
            out.append(st36.patent_citation(patcit, phase="description"))
        else:
            out.append(citation_from_text(st36.block_text(patcit) or "", phase="description"))
    for nplcit in every(description, "//citation-list//nplcit"):
        text = st36.block_text(nplcit)
        if text:
            out.append(Citation(text=text, phase="description"))
    return out


def citation_from_text(text: str, phase: str | None = None) -> Citation:
    """Read a Japanese-style patent reference; unknown wording stays as text only."""
    plain = unicodedata.normalize("NFKC", text)
    era = _ERA_CITATION.search(plain)
    if era:
        # Pre-2000 numbers run by imperial era (平8 = 1996); kept as printed, there is no one canonical form.
        era_kind = "U" if era.group(1) == "実開" else "A"
        doc_number = f"{_ERA[era.group(2)]}{int(era.group(3))}-{int(era.group(4))}"
        return Citation(country="JP", doc_number=doc_number, kind=era_kind, text=text, phase=phase)
    for pattern, country, kind in _JP_CITATIONS:
        match = pattern.search(plain)
        if not match:
            continue
        if len(match.groups()) == 2:
            year, serial = match.groups()
            width = 6 if country in ("JP", "WO") else 7
            doc_number = f"{year}{int(serial):0{width}d}"
        else:
            doc_number = match.group(1)
        return st36.make_citation(country, doc_number, kind, None, text=text, phase=phase)
    return Citation(text=text or None, phase=phase)
