"""PatSnap's XML export: one record per file, ``<doc>`` holding Solr-style ``<str name="...">`` fields.

Lists (IPC, inventors, citations, family...) are packed into one field separated by ``|``, and parallel lists
(priority country/number/date, inventor/address) line up by position. The layout is shared with any Solr dump, so
``accepts`` checks for PatSnap's own field names, not just the ``<doc>`` root.

Mapping choices: "Cites" become citations (who cited them is not recorded); "Cited By" lists later documents that
cite this one, which is not prior art of this document, so it is left out. US classes (UPC) are not CPC and are not
kept. The record's own number is left out of ``family_members``. PatSnap gives no family id.
"""

from __future__ import annotations

import html
import re
from itertools import zip_longest

from lxml import etree

from novum.ingest.formats.base import XmlFormat
from novum.ingest.xml import local
from novum.model import Citation, Party, Patent, PriorityClaim
from novum.normalize.classification import normalize_symbol, unique
from novum.normalize.dates import iso_date
from novum.normalize.numbers import NumberFormatError, PublicationNumber, parse_number, split_document_id
from novum.normalize.text import clean

_FIELD_TAGS = frozenset({"str", "arr", "int", "long", "float", "double", "date", "bool"})
# Field names only PatSnap's export uses; one of them must be present for a <doc> to be claimed.
_MARKERS = frozenset({"Patent Number", "Document Types", "Family Member Count", "IPC Primary", "Cites Count"})
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]{1,31});")
_NUMBER = re.compile(r"^(?P<cc>[A-Z]{2})(?P<body>.+?)(?P<kind>[A-Z]\d?)?$")
_SERIES_TYPE = {"D": "design", "PP": "plant", "RE": "reissue"}
_NPL_MARKER = re.compile(
    r"\s*\.?\s*cited by (?P<who>exami-?\s*ner|appli-?\s*cant|oth-?\s*er|third party)\s*\.?\s*$", re.IGNORECASE
)
_CITED_BY = {"examiner": "examiner", "applicant": "applicant", "third party": "third-party"}  # "other": unknown
_IID = re.compile(r"\s*\[IID:[^\]]*\]\s*,?\s*")
# USPTO joins several assignees into one string: "NAME (CITY, CC), NAME2"; the parenthesised place ends in a code.
_PLACED = re.compile(r"\((?P<place>(?:[^()]*,\s*)?[A-Z]{2})\)(?:,\s*|\s+)(?=\S)")
_LEGAL_TAIL = re.compile(r"^(?:INC|LTD|LLC|CO|CORP|CORPORATION|LIMITED|GMBH|AG|S\.?A|N\.?V|B\.?V|PLC)\b\.?,?$", re.I)
_NAME_SUFFIXES = frozenset({"JR", "JR.", "SR", "SR.", "II", "III", "IV", "DR", "DR."})
_PERSON_PART = re.compile(r"^[^\W\d_][\w.'\- ]*$")
_ORGANISATION = re.compile(
    r"\b(?:INC|INCORPORATED|L\.L\.C|LTD|LLC|LLP|LP|L\.P|CO|CORP|CORPORATION|COMPANY|LIMITED|GMBH|AG|AB|OY|OYJ|AS|A/S|SA|S\.A|SAS|SPA|S\.P\.A|"
    r"SRL|S\.R\.L|NV|N\.V|BV|B\.V|KG|PLC|PTY|KK|UNIVERSITY|UNIVERSITE|UNIVERSIDAD|INSTITUTE|INSTITUT|FOUNDATION|"
    r"TRUST|THE|OF|AND|GROUP|INDUSTRIES|TECHNOLOGIES|SYSTEMS|LABORATORIES|CENTER|CENTRE)\b",
    re.IGNORECASE,
)
_CODE = re.compile(r"^[A-Z]{2}$")
_US_STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
    "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI",
    "AS", "MP",
})  # fmt: skip
# US state codes that are also ISO country codes: "Haifa, IL" and "Chicago, IL" cannot be told apart.
_AMBIGUOUS = frozenset({
    "AL", "AR", "AS", "CA", "CO", "DE", "GA", "GU", "ID", "IL", "IN", "LA", "MA", "MD", "ME", "MN", "MO", "MP",
    "MS", "MT", "NC", "NE", "PA", "PR", "SC", "SD", "TN", "VA", "VI",
})  # fmt: skip


class PatsnapFormat(XmlFormat):
    """PatSnap export records (``<doc><str name="Patent Number">...``)."""

    name = "patsnap"
    description = "PatSnap XML export: one <doc> record per file with <str name=...> fields"
    roots = ("doc",)

    def accepts(self, root: etree._Element) -> bool:
        if local(root) not in self.roots or etree.QName(root).namespace:
            return False
        names: set[str] = set()
        for child in root:
            if not isinstance(child.tag, str):
                continue
            if local(child) not in _FIELD_TAGS or child.get("name") is None:
                return False
            names.add(child.get("name", ""))
        return bool(names & _MARKERS)

    def to_patent(self, root: etree._Element) -> Patent:
        record = _Record(root)
        number, doc_type = _publication(record)
        us = number.country == "US"
        inventors = _inventors(record, us)
        patent = Patent(
            country=number.country or "",
            doc_number=number.number,
            kind=number.kind,
            application_number=record.text("Application Number"),
            filing_date=iso_date(record.text("Application Date")),
            publication_date=iso_date(record.text("Publication Date")),
            titles=_by_script(record.text("Title")),
            abstracts=_by_script(record.text("Abstract")),
            ipc=unique([_ipc(s) for s in [record.text("IPC Primary"), *record.items("All IPC")]]),
            assignees=_assignees(record, us, {p.name for p in inventors[1]}),
            inventors=inventors[0],
            citations=[*_patent_citations(record), *_npl_citations(record)],
            family_members=_family(record, number),
            doc_type=doc_type,
        )
        patent.priority_claims = _priorities(record)
        dates = [p.date for p in patent.priority_claims if p.date]
        patent.priority_date = min(dates) if dates else None
        return patent


class _Record:
    """Field access by name; list fields split on ``|`` with positions kept for the parallel lists."""

    def __init__(self, root: etree._Element) -> None:
        self.fields: dict[str, list[str]] = {}
        for child in root:
            if not isinstance(child.tag, str) or child.get("name") is None:
                continue
            if local(child) == "arr":
                values = [_unescape(v.text or "") for v in child if isinstance(v.tag, str)]
            else:
                values = [_unescape(child.text or "")]
            self.fields.setdefault(child.get("name", ""), []).extend(values)

    def text(self, name: str) -> str | None:
        return clean(" | ".join(self.fields.get(name, [])))

    def items(self, name: str, keep_empty: bool = False) -> list[str]:
        out: list[str] = []
        for value in self.fields.get(name, []):
            for part in value.split("|"):
                part = clean(part) or ""
                if part or keep_empty:
                    out.append(part)
        if keep_empty and not any(out):
            return []
        return out


def _unescape(text: str) -> str:
    """The export escapes some text twice (``&amp;amp;``, ``&iacute;``); undo the inner layer."""
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def _number(token: str) -> PublicationNumber | None:
    """A PatSnap number (``US7597981``, ``USR34586``, ``EP0049154B2``) in canonical form, or None."""
    try:
        return parse_number(token)
    except NumberFormatError:
        return None


def _publication(record: _Record) -> tuple[PublicationNumber, str | None]:
    raw = record.text("Patent Number")
    if not raw:
        raise ValueError("no publication number")
    parsed = _number(raw)
    if parsed is None or parsed.country is None:
        match = _NUMBER.match(re.sub(r"\s+", "", raw).upper())
        if not match:
            raise ValueError(f"unreadable publication number {raw!r}")
        parsed = split_document_id(match["cc"], match["body"], match["kind"])
    kind = parsed.kind or record.text("Kind Code")
    number = PublicationNumber(parsed.country, parsed.number, kind.upper() if kind else None)
    doc_type = None
    if number.country == "US":
        series = re.match(r"^[A-Z]*", number.number)
        doc_type = _SERIES_TYPE.get(series.group(0)) if series and series.group(0) else "utility"
    return number, doc_type


def _ipc(symbol: str | None) -> str | None:
    return normalize_symbol(symbol.rstrip("/")) if symbol else None  # "H01M/": a subclass with no group given


def _by_script(text: str | None) -> dict[str, str]:
    """Titles come as "English | 中文"; key each part by its script (the export's own text is English)."""
    if not text:
        return {}
    out: dict[str, str] = {}
    for part in (clean(p) for p in text.split("|")):
        if not part:
            continue
        lang = _script(part)
        out[lang] = f"{out[lang]} | {part}" if lang in out else part
    return out


def _script(text: str) -> str:
    if any("\u3040" <= ch <= "\u30ff" for ch in text):
        return "ja"
    if any("\uac00" <= ch <= "\ud7af" for ch in text):
        return "ko"
    if any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text):
        return "zh"
    return "en"


def _priorities(record: _Record) -> list[PriorityClaim]:
    countries = record.items("Priority Country", keep_empty=True)
    numbers = record.items("Priority Number", keep_empty=True)
    dates = record.items("Priority Date", keep_empty=True)
    return [
        PriorityClaim(country=c or None, number=n or None, date=iso_date(d))
        for c, n, d in zip_longest(countries, numbers, dates, fillvalue="")
        if c or n or d
    ]


def _person(name: str) -> str:
    """PatSnap writes people as "LAST, FIRST, MIDDLE"; the model wants "FIRST MIDDLE LAST"."""
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) < 2:
        return name
    suffixes = [p for p in parts[1:] if p.upper() in _NAME_SUFFIXES]
    given = [p for p in parts[1:] if p.upper() not in _NAME_SUFFIXES]
    if not given:
        return name
    return " ".join([*given, parts[0], *suffixes])


def _place(address: str | None, us: bool) -> tuple[str | None, str | None]:
    """``(city, country)`` from an address; only what the text settles, nothing guessed.

    US records print "City, ST" for US residents and "City, CC" for others, so a code that is both a state and a
    country (IL, CA, DE...) gives no country. Other records carry full postal addresses ending in the country code;
    their city cannot be told from the street parts, so only the country is read.
    """
    if not address:
        return None, None
    tokens = [t.strip() for t in address.split(",") if t.strip()]
    if not tokens:
        return None, None
    last = tokens[-1]
    if not us:
        code = last.split()[-1] if last.split() else ""
        return None, code if _CODE.match(code) else None
    if not _CODE.match(last):
        return None, None
    sane = "(" not in tokens[0] and ")" not in tokens[0]
    if len(tokens) == 3 and _CODE.match(tokens[1]):  # "Toronto, ON, CA": state/province then country
        return (tokens[0] if sane else None), last
    if last in _AMBIGUOUS:
        country = None
    elif last in _US_STATES:
        country = "US"
    else:
        country = last
    return (tokens[0] if sane and len(tokens) == 2 else None), country


def _inventors(record: _Record, us: bool) -> tuple[list[Party], list[Party]]:
    """Inventors as "First Last", plus the same people as PatSnap printed them (to spot them among assignees)."""
    names = record.items("Inventor(s)")
    addresses = record.items("Inventor(s) Address", keep_empty=True)
    if len(addresses) != len(names):
        addresses = [""] * len(names)
    people: list[Party] = []
    printed: list[Party] = []
    for name, address in zip(names, addresses, strict=True):
        city, country = _place(address, us)
        people.append(Party(_person(name), country, city))
        printed.append(Party(name, country, city))
    return people, printed


def _assignees(record: _Record, us: bool, inventor_names: set[str]) -> list[Party]:
    raw = record.items("Assignee(s)")
    addresses = record.items("Assignee(s) Address", keep_empty=True)
    entries: list[tuple[str, str | None]] = []
    if len(raw) == 1:
        entries = _split_joined(raw[0])
        if entries and entries[-1][1] is None and len(addresses) == 1:
            entries[-1] = (entries[-1][0], addresses[0])
    else:
        matched: list[str | None] = list(addresses) if len(addresses) == len(raw) else [None] * len(raw)
        entries = list(zip(raw, matched, strict=True))
    parties: list[Party] = []
    for name, address in entries:
        name, inline = _strip_iid(name)
        name = re.sub(r"\s*\([^()]*$", "", name).strip()  # "S.R.L. (MERONE": the export cut the place in two
        if not name:
            continue
        city, country = _place(inline or address, us and not inline)
        parties.append(Party(_person(name) if _is_person(name, inventor_names) else name, country, city))
    return parties


def _is_person(name: str, inventor_names: set[str]) -> bool:
    """People among the assignees (WO applicants for the US, individual owners) are printed "LAST, FIRST".

    A name also in the inventor list is a person; otherwise it must look like "SURNAME, GIVEN NAMES" with no word
    that marks an organisation, since "HITACHI, LTD." has the same comma.
    """
    if name in inventor_names:
        return True
    parts = [p.strip() for p in name.split(",")]
    if not 2 <= len(parts) <= 3 or not all(_PERSON_PART.match(p) for p in parts):
        return False
    return len(parts[0].split()) <= 3 and not _ORGANISATION.search(name)


def _split_joined(text: str) -> list[tuple[str, str | None]]:
    """Split "A CO., LTD. (TOKYO, JP), B INC." into names with their parenthesised places."""
    entries: list[tuple[str, str | None]] = []
    start = 0
    for match in _PLACED.finditer(text):
        if _LEGAL_TAIL.match(text[match.end() :].strip()):  # "TETRA HOLDING (US), INC." is one name
            continue
        entries.append((text[start : match.start()].strip(), match["place"]))
        start = match.end()
    rest = text[start:].strip().rstrip(",").strip()
    if rest:
        entries.append((rest, None))
    return entries


def _strip_iid(name: str) -> tuple[str, str | None]:
    """EP records print "NAME [IID: 00447600], street, city, CC": split off the inline address."""
    match = _IID.search(name)
    if not match:
        return name.strip(), None
    return name[: match.start()].strip(), name[match.end() :].strip() or None


def _patent_citations(record: _Record) -> list[Citation]:
    out: list[Citation] = []
    for token in record.items("Cites"):
        parsed = _number(token)
        if parsed is not None and parsed.country:
            out.append(Citation(number=str(parsed), country=parsed.country, doc_number=parsed.number, kind=parsed.kind))
            continue
        # Unreadable spellings ("JP168317H06" with an era year, "1964NL") are kept as printed.
        country = token[:2] if re.match(r"^[A-Z]{2}\d", token) else None
        out.append(Citation(country=country, doc_number=token[2:] if country else token))
    return out


def _npl_citations(record: _Record) -> list[Citation]:
    out: list[Citation] = []
    for text in record.items("Other References"):
        marker = _NPL_MARKER.search(text)
        cited_by = None
        if marker:
            cited_by = _CITED_BY.get(re.sub(r"-\s*", "", marker["who"].lower()))  # "exami- ner": a line break
            text = clean(text[: marker.start()]) or text
        out.append(Citation(text=text, cited_by=cited_by))
    return out


def _family(record: _Record, own: PublicationNumber) -> list[str]:
    """Canonical family numbers; the record itself (also listed without its kind code) is left out."""
    members: list[str] = []
    for token in record.items("Family Members"):
        parsed = _number(token)
        if parsed is not None and parsed.country:
            if str(parsed) == str(own) or (parsed.kind is None and parsed.without_kind == own.without_kind):
                continue
            number = str(parsed)
        else:
            number = re.sub(r"\s+", "", token).upper()  # MXPA..., BRPI...: no canonical form, kept as printed
        if number not in members:
            members.append(number)
    return members
