"""Shared reading of WIPO ST.36-style patent XML: the CNIPA old format, JPO gazettes and generic ST.36 documents.

All three descend from the ST.36 model DTD (``document-id``, ``priority-claim``, ``claim``/``claim-text``, ``p num``),
so the element-level helpers live here. Chinese and Japanese offices also hard-wrap text inside paragraphs, so text
is joined without the wrap's whitespace when it sits next to a CJK character (a space there would split a word).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lxml import etree

from novum.ingest.xml import every, first, first_text, local
from novum.model import Citation, Claim, Paragraph, Party, PriorityClaim
from novum.normalize.claimrefs import referenced_claims
from novum.normalize.classification import from_parts, normalize_symbol, unique
from novum.normalize.dates import iso_date
from novum.normalize.numbers import NumberFormatError, canonical_number, split_document_id

_WRAP = re.compile(r"\s*\n\s*")
_SPACE = re.compile(r"\s+")
_LINE_BREAK = "\n"
# "1." / "1、" / "１．" before the claim text: the office's own numbering, already in the `num` attribute.
_CLAIM_NUMBER = re.compile(r"^\s*([0-9０-９]{1,4})\s*[.．、,，]\s*")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def cjk_clean(text: str | None) -> str | None:
    """Collapse whitespace; a line wrap next to a non-ASCII character vanishes instead of becoming a space."""
    if text is None:
        return None
    joined = _WRAP.sub(_join_wrap, text.strip())
    out = _SPACE.sub(" ", joined).strip()
    return out or None


def _join_wrap(match: re.Match[str]) -> str:
    source = match.string
    before = source[match.start() - 1] if match.start() > 0 else ""
    after = source[match.end()] if match.end() < len(source) else ""
    if (before and ord(before) > 0x7F) or (after and ord(after) > 0x7F):
        return ""
    return " "


def block_text(element: etree._Element | None, skip: Iterable[str] = ()) -> str | None:
    """Text under an element; ``<br/>`` counts as a line wrap and ``skip`` names subtrees to leave out."""
    if element is None:
        return None
    parts: list[str] = []
    _gather(element, set(skip), parts, top=True)
    return cjk_clean("".join(parts))


def _gather(element: etree._Element, skip: set[str], parts: list[str], top: bool = False) -> None:
    name = local(element)
    if isinstance(element.tag, str) and (top or name not in skip):
        if name == "br":
            parts.append(_LINE_BREAK)
        if element.text:
            parts.append(element.text)
        for child in element:
            _gather(child, skip, parts)
    if element.tail and not top:
        parts.append(element.tail)


def join_blocks(texts: Iterable[str | None]) -> str | None:
    """Join block texts as wrapped lines, so CJK blocks run on and Latin ones get a space."""
    return cjk_clean(_LINE_BREAK.join(t for t in texts if t))


def lang_code(value: str | None, default: str | None = None) -> str | None:
    """``"ZH"``, ``"zh"``, ``"CN"`` (CNIPA's body attribute) to ISO 639-1 lowercase."""
    if not value:
        return default
    code = value.strip().lower()
    return {"cn": "zh", "jp": "ja"}.get(code, code) or default


# --- identifiers -----------------------------------------------------------------------------------------------


def document_id(element: etree._Element | None) -> dict[str, str | None]:
    """The parts of an ST.36 ``document-id`` (or the element itself when it holds them directly)."""
    if element is None:
        return {"country": None, "doc_number": None, "kind": None, "date": None}
    holder = element
    if local(element) != "document-id":
        found = first(element, "document-id")
        holder = found if found is not None else element
    return {
        "country": first_text(holder, "country"),
        "doc_number": first_text(holder, "doc-number"),
        "kind": first_text(holder, "kind"),
        "date": iso_date(first_text(holder, "date")),
    }


def publication_number(country: str | None, doc_number: str | None, kind: str | None) -> tuple[str, str, str | None]:
    """Split and canonicalise the publication number; raise ``ValueError`` when the document has none."""
    if not doc_number:
        raise ValueError("no publication number")
    parsed = split_document_id(country, doc_number, kind)
    if not parsed.country:
        raise ValueError(f"publication number {doc_number!r} has no country")
    return parsed.country, parsed.number, parsed.kind


def priority_claims(elements: Iterable[etree._Element]) -> list[PriorityClaim]:
    """``priority-claim`` elements to the model, keeping the numbers as printed and dropping exact repeats."""
    out: list[PriorityClaim] = []
    for element in elements:
        claim = PriorityClaim(
            country=(first_text(element, "country") or "").upper() or None,
            number=first_text(element, "doc-number"),
            date=iso_date(first_text(element, "date")),
        )
        if (claim.number or claim.date) and claim not in out:
            out.append(claim)
    return out


def earliest(claims: list[PriorityClaim]) -> str | None:
    dates = [c.date for c in claims if c.date]
    return min(dates) if dates else None


# --- classification --------------------------------------------------------------------------------------------


def ipc_symbols(biblio: etree._Element) -> list[str]:
    """IPC symbols from ``classification-ipcr`` (text or parts) and ``classification-ipc`` main/further entries."""
    symbols: list[str | None] = []
    for ipcr in every(biblio, "//classification-ipcr"):
        text = first_text(ipcr, "text")
        symbol = normalize_symbol(text) if text else None
        if symbol is None:
            symbol = from_parts(
                first_text(ipcr, "section"),
                first_text(ipcr, "class"),
                first_text(ipcr, "subclass"),
                first_text(ipcr, "main-group"),
                first_text(ipcr, "subgroup"),
            )
        symbols.append(symbol)
    for ipc in every(biblio, "classification-ipc"):
        for entry in [*every(ipc, "main-classification"), *every(ipc, "main-clsf")]:
            symbols.append(normalize_symbol(_text(entry)))
        for entry in [*every(ipc, "further-classification"), *every(ipc, "further-clsf")]:
            symbols.append(normalize_symbol(_text(entry)))
    return unique(symbols)


def _text(element: etree._Element) -> str | None:
    return cjk_clean("".join(element.itertext()))


# --- parties ---------------------------------------------------------------------------------------------------


def party(holder: etree._Element) -> Party | None:
    """A party from the first ``addressbook`` that names it (JPO adds name-less English address books)."""
    books = every(holder, "addressbook") or [holder]
    for book in books:
        name = _party_name(book)
        if name:
            country = first_text(book, "address/country")
            city = first_text(book, "address/city")
            return Party(name=name, country=country.upper() if country else None, city=city)
    return None


def _party_name(book: etree._Element) -> str | None:
    org = first_text(book, "orgname")
    if org:
        return cjk_clean(org)
    given = first_text(book, "first-name")
    family = first_text(book, "last-name")
    if given or family:
        return " ".join(p for p in (given, family) if p)
    name = first(book, "name")
    return _text(name) if name is not None else None


def parties(holders: Iterable[etree._Element]) -> list[Party]:
    out: list[Party] = []
    for holder in holders:
        found = party(holder)
        if found is not None and found not in out:
            out.append(found)
    return out


# --- claims ----------------------------------------------------------------------------------------------------


def strip_claim_number(text: str, number: int) -> str:
    """Drop a leading "1." / "1、" when it repeats the claim's own number (a leading "1,3-丁二烯" is chemistry)."""
    match = _CLAIM_NUMBER.match(text)
    if match and int(match.group(1).translate(_FULLWIDTH_DIGITS)) == number:
        return text[match.end() :]
    return text


def claim_number(element: etree._Element, fallback: int) -> int:
    raw = (element.get("num") or "").strip().translate(_FULLWIDTH_DIGITS)
    digits = re.sub(r"\D", "", raw)
    return int(digits) if digits else fallback


def claims(
    container: etree._Element | None,
    lang: str | None,
    claim_tag: str = "claim",
    text_tag: str = "claim-text",
) -> list[Claim]:
    """Numbered claims with dependencies from ``claim-ref`` markup, else read from the wording."""
    if container is None:
        return []
    elements = every(container, claim_tag)
    ids = {el.get("id"): claim_number(el, i) for i, el in enumerate(elements, start=1) if el.get("id")}
    out: list[Claim] = []
    for index, element in enumerate(elements, start=1):
        number = claim_number(element, index)
        texts = every(element, text_tag) or [element]
        text = join_blocks(block_text(t) for t in texts if not _nested_in(t, text_tag, element))
        if not text:
            continue
        text = strip_claim_number(text, number)
        refs = sorted({ids[r] for ref in every(element, "//claim-ref") for r in _idrefs(ref) if r in ids})
        depends = [n for n in refs if n < number] if refs else referenced_claims(text, number)
        out.append(Claim(number=number, text=text, depends_on=depends, lang=lang))
    return out


def _nested_in(element: etree._Element, tag: str, stop: etree._Element) -> bool:
    """Whether an element sits inside another ``tag`` below ``stop`` (nested claim-text is read with its parent)."""
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if local(parent) == tag:
            return True
        parent = parent.getparent()
    return False


def _idrefs(element: etree._Element) -> list[str]:
    return (element.get("idref") or "").split()


# --- description -----------------------------------------------------------------------------------------------

HeadingTest = Callable[[etree._Element, str], bool]


def description(
    container: etree._Element | None,
    lang: str | None,
    section_headings: dict[str, str] | None = None,
    is_heading: HeadingTest | None = None,
    paragraph_tags: tuple[str, ...] = ("p",),
    heading_tags: tuple[str, ...] = ("heading",),
    number: Callable[[etree._Element], str | None] | None = None,
    skip: tuple[str, ...] = ("invention-title", "InventionTitle"),
) -> list[Paragraph]:
    """Paragraphs in document order, each under the nearest preceding heading.

    Headings come from ``<heading>`` elements, from section elements whose printed heading is fixed by the office
    (``section_headings``), or from paragraphs that ``is_heading`` says are really headings (CNIPA's old format
    prints "技术领域" as a numbered paragraph).
    """
    if container is None:
        return []
    out: list[Paragraph] = []
    read_number = number or (lambda el: (el.get("num") or el.get("id") or "").strip() or None)
    _walk(
        container, None, out, lang, section_headings or {}, is_heading, paragraph_tags, heading_tags, read_number, skip
    )
    return out


def _walk(
    element: etree._Element,
    heading: str | None,
    out: list[Paragraph],
    lang: str | None,
    sections: dict[str, str],
    is_heading: HeadingTest | None,
    paragraph_tags: tuple[str, ...],
    heading_tags: tuple[str, ...],
    read_number: Callable[[etree._Element], str | None],
    skip: tuple[str, ...],
) -> str | None:
    for child in element:
        name = local(child)
        if not name or name in skip:
            continue
        if name in heading_tags:
            heading = block_text(child) or heading
        elif name in paragraph_tags:
            text = block_text(child)
            if not text:
                continue
            if is_heading is not None and is_heading(child, text):
                heading = text
                continue
            out.append(Paragraph(text=text, number=read_number(child), heading=heading, lang=lang))
        else:
            heading = sections.get(name, heading)
            heading = _walk(
                child, heading, out, lang, sections, is_heading, paragraph_tags, heading_tags, read_number, skip
            )
    return heading


# --- citations -------------------------------------------------------------------------------------------------


def references_cited(biblio: etree._Element, default_phase: str = "search-report") -> list[Citation]:
    """ST.36 ``references-cited/citation`` (patcit or nplcit, with ``category`` codes and ``srep-phase``)."""
    out: list[Citation] = []
    for citation in every(biblio, "//references-cited/citation"):
        phase = (citation.get("srep-phase") or "").strip() or default_phase
        categories = [c for c in (_text(el) for el in every(citation, "category")) if c]
        category = ",".join(categories) or None
        cited_by = _cited_by(categories)
        if cited_by:
            category = None
        patcit = first(citation, "patcit")
        if patcit is not None:
            out.append(patent_citation(patcit, cited_by=cited_by, category=category, phase=phase))
            continue
        nplcit = first(citation, "nplcit")
        if nplcit is not None:
            out.append(Citation(text=_text(nplcit), cited_by=cited_by, category=category, phase=phase))
    return out


def _cited_by(categories: list[str]) -> str | None:
    """USPTO-style ``<category>cited by examiner</category>`` names who cited rather than relevance."""
    for value in categories:
        lowered = value.lower()
        if "examiner" in lowered:
            return "examiner"
        if "applicant" in lowered:
            return "applicant"
    return None


def patent_citation(
    patcit: etree._Element, cited_by: str | None = None, category: str | None = None, phase: str | None = None
) -> Citation:
    """A ``patcit``: structured ``document-id`` when present, else its free text."""
    holder = first(patcit, "document-id")
    if holder is None:
        return Citation(text=_text(patcit), cited_by=cited_by, category=category, phase=phase)
    ident = document_id(holder)
    return make_citation(
        ident["country"],
        ident["doc_number"],
        ident["kind"],
        ident["date"],
        name=first_text(holder, "name"),
        cited_by=cited_by,
        category=category,
        phase=phase,
    )


def make_citation(
    country: str | None,
    doc_number: str | None,
    kind: str | None,
    date: str | None,
    name: str | None = None,
    cited_by: str | None = None,
    category: str | None = None,
    phase: str | None = None,
    text: str | None = None,
) -> Citation:
    """A patent citation with the canonical number filled in when the parts parse."""
    number: str | None = None
    if doc_number:
        try:
            parsed = split_document_id(country, doc_number, kind)
            number = canonical_number(str(parsed)) if parsed.country else None
        except NumberFormatError:
            number = None
    return Citation(
        number=number,
        country=(country or "").strip().upper() or None,
        doc_number=doc_number,
        kind=kind,
        date=date,
        name=name,
        text=text,
        cited_by=cited_by,
        category=category,
        phase=phase,
    )


def children_named(element: etree._Element | None, names: Iterable[str]) -> list[etree._Element]:
    """Direct children whose local name is one of ``names``, in document order."""
    if element is None:
        return []
    wanted = set(names)
    return [child for child in element if local(child) in wanted]
