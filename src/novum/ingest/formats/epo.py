"""EPO publication-server XML (``ep-patent-document``, DTD v1.0 to v1.5.1): A1/A2/A3 applications, B1/B2 grants.

Bibliographic data sits in ``SDOBI`` under WIPO ST.32 B-codes (B110 number, B140 date, B300 priorities, B5xx
classes, titles and cited documents, B7xx parties). The text parts (``claims``, ``description``, ``abstract``) are
shared with the EPO full-text TSV data set, whose cells carry the same markup, so the helpers for them are public
here and reused by ``ep_fulltext``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

from lxml import etree

from novum.ingest.formats.base import XmlFormat
from novum.ingest.xml import every, first, first_text, local
from novum.model import Citation, Claim, Paragraph, Party, Patent, PriorityClaim
from novum.normalize.claimrefs import referenced_claims
from novum.normalize.classification import normalize_symbol, unique
from novum.normalize.dates import iso_date
from novum.normalize.numbers import NumberFormatError, PublicationNumber, parse_number, split_document_id
from novum.normalize.text import clean

# Elements that break the running text: without a space around them "and<br/>a spiral" would read "anda spiral".
_Item = TypeVar("_Item", Citation, Party)
_TEXT_BLOCKS = frozenset({"br", "p", "claim-text", "li", "ul", "ol", "dl", "dt", "dd", "heading"})
_BLOCK = _TEXT_BLOCKS | {"tables", "table", "tgroup", "row", "entry", "title", "maths", "chemistry"}
_INLINE = frozenset({"b", "i", "u", "o", "sub", "sup", "smallcaps", "sub2", "sup2"})
# A claim's own printed numbering ("1.", "1.)", "2)") in front of its text; "1.1 einem" is a feature, not a number.
_LEADING_NUMBER = re.compile(r"^\s*\(?(\d{1,4})\s*(?:\.\s*\)|\.|\))(?!\d)\s*")
# Citations printed in the EPO's B561 style: "US-A- 5 948 634", "WO-A1-2014/114885", "US-E- R E36 154".
_B561 = re.compile(r"^\s*(?P<cc>[A-Z]{2})\s*-\s*(?P<kind>[A-Z]\d?)\s*-\s*(?P<rest>.+?)\s*$")
# Two-digit-year PCT numbers: WO-A-95/34526 (B561), WO02020444 (B871), WO0244858A2 (patcit dnum).
# Old-style IPC lines: edition digit, symbol, then an A/B/"-" marker ("7C 07C  29/44   A", "2A 01N 43/08 -").
_OLD_IPC = re.compile(r"^\s*\d{0,2}\s*(?=[A-H]\s*\d)")
_CARE_OF = re.compile(r"\s+c/o\s+", re.IGNORECASE)
# Further given names or initials after a second comma ("ROGERS, Bruce, L.", "GALANIE, Stephanie, Sue"); titles
# such as "Dr." or "Dipl.-Ing." are not names, and a name carrying one is left as printed.
_GIVEN_PART = re.compile(r"^[A-ZÀ-Þ][a-zß-ÿ'-]*\.?$")
_TITLES = frozenset({"dr", "prof", "jr", "sr", "ing", "mag", "phd", "md"})
_CATEGORY_SPLIT = re.compile(r"[\s,;]+")


class EpoPublicationServer(XmlFormat):
    """The EPO publication server's XML for European applications and granted patents."""

    name = "epo-publication-server"
    description = "EPO publication-server XML (ep-patent-document, DTD v1.0-v1.5.1; A1/A2/A3/B1/B2; en/de/fr)"
    roots = ("ep-patent-document",)

    def to_patent(self, root: etree._Element) -> Patent:
        bib = first(root, "SDOBI")
        if bib is None:
            bib = root  # a document without SDOBI still has its number in the root attributes
        country, doc_number, kind = _publication_number(root, bib)
        language = (root.get("lang") or first_text(bib, "B200/B260") or "").strip().lower() or None
        is_grant = (kind or "").startswith("B")
        priorities = _priorities(bib)
        priority_dates = [p.date for p in priorities if p.date]
        b560_phase = "examination" if is_grant else "search-report"
        return Patent(
            country=country,
            doc_number=doc_number,
            kind=kind,
            application_number=first_text(bib, "B200/B210"),
            priority_claims=priorities,
            priority_date=min(priority_dates) if priority_dates else None,
            filing_date=iso_date(first_text(bib, "B200/B220/date")),
            publication_date=iso_date(first_text(bib, "B100/B140/date") or root.get("date-publ")),
            titles=_titles(bib),
            abstracts=abstracts(every(root, "abstract"), language),
            claims=claims(every(root, "claims"), language),
            description=description(every(root, "description"), language),
            cpc=unique([_symbol(c) for c in every(bib, "B500/B520EP//classification-cpc")]),
            ipc=_ipc(bib),
            applicants=_dedupe([*_parties(bib, "B700/B710/B711"), *_parties(bib, "B700/B730/B731")]),
            assignees=_parties(bib, "B700/B730/B731") if is_grant else [],
            inventors=_parties(bib, "B700/B720/B721", persons=True),
            citations=_dedupe(
                [
                    *_b560(bib, b560_phase),
                    *_search_report(root),
                    *description_citations(root),
                ]
            ),
            family_members=_pct_publications(bib),
            language=language,
            doc_type="utility",  # the EPC grants patents for inventions only: no designs, plants or utility models
        )


def _publication_number(root: etree._Element, bib: etree._Element) -> tuple[str, str, str | None]:
    number = first_text(bib, "B100/B110") or (root.get("doc-number") or "").strip()
    if not number:
        raise ValueError("no publication number")
    country = first_text(bib, "B100/B190") or root.get("country") or "EP"
    kind = first_text(bib, "B100/B130") or root.get("kind")
    parsed = split_document_id(country, number, kind)
    return parsed.country or "EP", parsed.number, parsed.kind


def _priorities(bib: etree._Element) -> list[PriorityClaim]:
    """B300 repeats B310/B320/B330 triplets, so a new priority starts at each B310."""
    out: list[PriorityClaim] = []
    for group in every(bib, "B300"):
        current: PriorityClaim | None = None
        for child in group:
            tag = local(child)
            if tag == "B310":
                current = PriorityClaim(number=block_text(child))
                out.append(current)
            elif current is not None and tag == "B320":
                current.date = iso_date(first_text(child, "date") or block_text(child))
            elif current is not None and tag == "B330":
                current.country = (first_text(child, "ctry") or block_text(child) or "").upper() or None
    return out


def _titles(bib: etree._Element) -> dict[str, str]:
    """B540 alternates B541 (language) and B542 (title)."""
    titles: dict[str, str] = {}
    lang: str | None = None
    for group in every(bib, "B500/B540"):
        for child in group:
            tag = local(child)
            if tag == "B541":
                lang = (block_text(child) or "").lower() or None
            elif tag == "B542":
                text = block_text(child)
                key = lang or (bib.get("lang") or "").lower()
                if text and key and key not in titles:
                    titles[key] = text
    return titles


def _symbol(element: etree._Element) -> str | None:
    """An IPCR/CPC entry is either one ``<text>`` line or separate section/class/... fields."""
    text = first_text(element, "text")
    if text:
        return normalize_symbol(text)
    parts = [first_text(element, p) or "" for p in ("section", "class", "subclass", "main-group", "subgroup")]
    if not all(parts[:3]):
        return None
    if parts[3] and parts[4]:
        return normalize_symbol(f"{parts[0]}{parts[1]}{parts[2]}{parts[3]}/{parts[4]}")
    return normalize_symbol("".join(parts[:3]))


def _ipc(bib: etree._Element) -> list[str]:
    symbols = [_symbol(c) for c in every(bib, "B500/B510EP/classification-ipcr")]
    for code in ("B511", "B512", "B513", "B514", "B515"):
        for element in every(bib, f"B500/B510/{code}"):
            symbols.append(normalize_symbol(_OLD_IPC.sub("", block_text(element) or "")))
    return unique(symbols)


def _parties(bib: etree._Element, path: str, persons: bool = False) -> list[Party]:
    """``persons`` marks inventors, who are always natural persons, so "FAMILY, Given" can safely be turned round."""
    out: list[Party] = []
    for element in every(bib, path):
        given, family = first_text(element, "fnm"), first_text(element, "snm")
        if persons and family and not given:
            family, given = _split_person(family)
        name = " ".join(p for p in (given, family) if p) or first_text(element, "onm")
        if not name:
            continue
        country = first_text(element, "adr/ctry") or first_text(element, "rctry") or first_text(element, "nctry")
        out.append(Party(name=name, country=country.upper() if country else None, city=first_text(element, "adr/city")))
    return out


def _split_person(name: str) -> tuple[str, str | None]:
    """``"WHITNEY, Christopher Travis"`` -> (``"WHITNEY"``, ``"Christopher Travis"``); anything else stays whole."""
    family, sep, rest = name.partition(",")
    given, *extra = [p.strip() for p in rest.split(",")]
    given = _CARE_OF.split(given)[0].strip()  # "Yoshitaka c/o KABUSHIKI KAISHA..." is an address, not a name
    if not sep or not family.strip() or not given or not all(_is_given(p) for p in extra):
        return name, None  # "Schmidt, Thomas, Dr." and organisation-like strings stay as printed
    return family.strip(), " ".join([given, *extra])


def _is_given(part: str) -> bool:
    return bool(_GIVEN_PART.match(part)) and part.rstrip(".").lower() not in _TITLES


def _pct_publications(bib: etree._Element) -> list[str]:
    """The WO publication of a Euro-PCT application (B871) is the same invention published earlier."""
    out: list[str | None] = []
    for element in every(bib, "B800/B870/B871/dnum/pnum"):
        raw = block_text(element)
        if raw:
            parsed = _number(raw)
            out.append(str(parsed) if parsed else raw)
    return unique(out)


# --- citations ----------------------------------------------------------------------------------------------------


def _b560(bib: etree._Element, phase: str) -> list[Citation]:
    """B561 patents and B562 literature: the documents the office cited (search and examination together)."""
    out: list[Citation] = []
    for element in every(bib, "B500/B560/B561"):
        text = block_text(first(element, "text")) or block_text(element)
        if text:
            out.append(patent_citation_from_text(text, cited_by="examiner", phase=phase))
    for element in every(bib, "B500/B560/B562"):
        text = block_text(first(element, "text")) or block_text(element)
        if text:
            out.append(Citation(text=text, cited_by="examiner", phase=phase))
    return out


def _search_report(root: etree._Element) -> list[Citation]:
    """Coded search reports (``srep-citations``) give each citation its X/Y/A relevance category."""
    out: list[Citation] = []
    for element in every(root, "//srep-citations/citation"):
        categories: list[str] = []
        for cat in element.iter():
            if isinstance(cat.tag, str) and local(cat) == "category" and not _inside(cat, "corresponding-docs"):
                categories.extend(c for c in _CATEGORY_SPLIT.split((cat.text or "").upper()) if c)
        category = ",".join(dict.fromkeys(categories)) or None
        patcit, nplcit = first(element, "patcit"), first(element, "nplcit")
        if patcit is not None:
            citation = patcit_citation(patcit, cited_by="examiner", phase="search-report")
        elif nplcit is not None:
            citation = Citation(text=npl_text(nplcit), cited_by="examiner", phase="search-report")
        else:
            continue
        citation.category = category
        out.append(citation)
    return out


def description_citations(root: etree._Element) -> list[Citation]:
    """Documents the applicant cited in the description.

    The EPO's reference list (``ep-reference-list``, 2005 onwards) repeats the inline tags in structured form, so
    it is used alone when present; reading both would list each document twice in two different spellings.
    """
    out: list[Citation] = []
    containers = every(root, "ep-reference-list") or every(root, "description")
    for container in containers:
        for element in container.iter():
            if not isinstance(element.tag, str):
                continue
            tag = local(element)
            if tag == "patcit":
                out.append(patcit_citation(element, cited_by="applicant", phase="description"))
            elif tag == "nplcit":
                text = npl_text(element)
                if text:
                    out.append(Citation(text=text, cited_by="applicant", phase="description"))
    return _dedupe(out)


def npl_text(element: etree._Element) -> str | None:
    """Structured literature (``<author>``, ``<atl>``, ``<sertitle>``...) needs a space between every part."""
    parts: list[str] = []
    _walk(element, frozenset({"rel-passage", "category", "rel-claims"}), parts, top=True, every_block=True)
    return clean("".join(parts))


def patcit_citation(element: etree._Element, cited_by: str | None, phase: str | None) -> Citation:
    """A ``<patcit>``: structured ``document-id`` first, then the ``dnum`` attribute, then its printed text."""
    doc = first(element, "document-id")
    if doc is not None and first_text(doc, "doc-number"):
        country, number, kind = (first_text(doc, t) or "" for t in ("country", "doc-number", "kind"))
        parsed = _number(f"{country}{number}{kind}") if country else None
        if parsed is None:
            parsed = split_document_id(country or None, number, kind or None)
        citation = _patent_citation(parsed, cited_by, phase)
        citation.date = iso_date(first_text(doc, "date"))
        citation.name = first_text(doc, "name")
        return citation
    dnum = (element.get("dnum") or "").strip()
    parsed = _number(dnum) if dnum else None
    if parsed is not None and parsed.country:
        return _patent_citation(parsed, cited_by, phase)
    return patent_citation_from_text(block_text(element) or dnum, cited_by=cited_by, phase=phase)


def patent_citation_from_text(text: str, cited_by: str | None, phase: str | None) -> Citation:
    """Read a printed patent reference ("DE-A1- 19 718 319", "WO-A-95/34526"); unreadable ones keep their text."""
    match = _B561.match(text)
    candidates = [f"{match['cc']}{match['rest']}{match['kind']}"] if match else []
    for attempt in (*candidates, text):
        parsed = _number(attempt)
        if parsed is not None and parsed.country:
            return _patent_citation(parsed, cited_by, phase)
    return Citation(text=text, cited_by=cited_by, phase=phase)


def _patent_citation(parsed: PublicationNumber, cited_by: str | None, phase: str | None) -> Citation:
    return Citation(
        number=_canonical(str(parsed)) if parsed.country else None,
        country=parsed.country,
        doc_number=parsed.number,
        kind=parsed.kind,
        cited_by=cited_by,
        phase=phase,
    )


def _number(text: str) -> PublicationNumber | None:
    try:
        return parse_number(text)
    except NumberFormatError:
        return None


def _canonical(text: str) -> str | None:
    parsed = _number(text)
    return str(parsed) if parsed else None


def _inside(element: etree._Element, name: str) -> bool:
    return _inside_any(element, {name}, None)


def _inside_any(element: etree._Element, names: set[str], stop: etree._Element | None) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if local(parent) in names:
            return True
        parent = parent.getparent()
    return False


def _dedupe(items: Iterable[_Item]) -> list[_Item]:
    """The same document often appears twice (inline and in the reference list; twice in B560): keep the first."""
    seen: set[tuple[object, ...]] = set()
    out: list[_Item] = []
    for item in items:
        if isinstance(item, Citation):
            key: tuple[object, ...] = (item.number or item.doc_number or item.text, item.phase, item.cited_by)
        else:
            key = (item.name, item.country)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


# --- text parts (shared with the TSV full-text format) -------------------------------------------------------------


def block_text(element: etree._Element | None, skip: Iterable[str] = ()) -> str | None:
    """Element text with whitespace collapsed and a space wherever a block element (``br``, ``claim-text``...) sits."""
    if element is None:
        return None
    parts: list[str] = []
    _walk(element, frozenset(skip), parts, top=True)
    return clean("".join(parts))


def _walk(
    element: etree._Element, skip: frozenset[str], parts: list[str], top: bool = False, every_block: bool = False
) -> None:
    tag = local(element) if isinstance(element.tag, str) else ""
    if tag and tag not in skip:
        block = tag in _BLOCK or (every_block and tag not in _INLINE)
        if block:
            parts.append(" ")
        if element.text:
            parts.append(element.text)
        for child in element:
            _walk(child, skip, parts, every_block=every_block)
        if block:
            parts.append(" ")
    if element.tail and not top:
        parts.append(element.tail)


def abstracts(elements: Iterable[etree._Element], default_lang: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for element in elements:
        text = block_text(element, skip=("img",))
        lang = (element.get("lang") or default_lang or "").lower()
        if text and lang:
            out[lang] = f"{out[lang]} {text}" if lang in out else text
    return out


def claims(blocks: Iterable[etree._Element], default_lang: str | None) -> list[Claim]:
    """Every claim set (B documents carry en, de and fr); dependencies from ``<claim-ref>``, else from the wording."""
    out: list[Claim] = []
    for block in blocks:
        lang = (block.get("lang") or default_lang or "").lower() or None
        elements = [c for c in block.iter() if isinstance(c.tag, str) and local(c) == "claim"]
        numbers_by_id: dict[str, int] = {}
        parsed: list[tuple[etree._Element, int, str]] = []
        for position, element in enumerate(elements, start=1):
            text = block_text(element) or ""
            number = _claim_number(element, text, position)
            text = _strip_number(text, number)
            if element.get("id"):
                numbers_by_id[element.get("id", "")] = number
            parsed.append((element, number, text))
        for element, number, text in parsed:
            if not text:
                continue
            out.append(
                Claim(number=number, text=text, depends_on=_depends_on(element, number, text, numbers_by_id), lang=lang)
            )
    return out


def _claim_number(element: etree._Element, text: str, position: int) -> int:
    num = (element.get("num") or "").strip()
    if num.isdigit() and int(num) > 0:
        return int(num)
    match = _LEADING_NUMBER.match(text)
    if match and int(match.group(1)) > 0:
        return int(match.group(1))
    return position  # old documents leave num="" and print no number: the order is the numbering


def _strip_number(text: str, number: int) -> str:
    match = _LEADING_NUMBER.match(text)
    if match and int(match.group(1)) == number:
        return text[match.end() :].strip()
    return text


def _depends_on(element: etree._Element, number: int, text: str, numbers_by_id: dict[str, int]) -> list[int]:
    refs = [r for r in element.iter() if isinstance(r.tag, str) and local(r) == "claim-ref"]
    if not refs:
        return referenced_claims(text, number)
    found: set[int] = set()
    for ref in refs:
        target = numbers_by_id.get((ref.get("idref") or "").strip())
        if target is not None:
            found.add(target)
        else:
            found.update(referenced_claims(f"claim {block_text(ref) or ''}", number))
    return sorted(n for n in found if 0 < n < number)


def description(blocks: Iterable[etree._Element], default_lang: str | None) -> list[Paragraph]:
    """Top-level ``<p>`` paragraphs with their printed ``num`` and the nearest preceding ``<heading>``."""
    out: list[Paragraph] = []
    for block in blocks:
        lang = (block.get("lang") or default_lang or "").lower() or None
        state: dict[str, str | None] = {"heading": None}
        _paragraphs(block, lang, state, out)
    return out


def _paragraphs(element: etree._Element, lang: str | None, state: dict[str, str | None], out: list[Paragraph]) -> None:
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = local(child)
        if tag == "heading":
            state["heading"] = block_text(child)
        elif tag == "p":
            text = block_text(child, skip=("img",))
            if text:
                number = (child.get("num") or "").strip() or None
                out.append(Paragraph(text=text, number=number, heading=state["heading"], lang=lang))
        else:
            _paragraphs(child, lang, state, out)
