"""USPTO APS "Greenbook" full text (grants 1976-2001): fixed-field text, many patents per file.

Each patent starts with a ``PATN`` line; segments (``INVT``, ``CLAS``, ``UREF``, ``BSUM``, ``CLMS``...) follow as
4-character tags alone on a line, fields as a tag in columns 1-4 and the value from column 6, and continuation
lines are indented. Spaces inside some values are significant (``ICL  G06F  728``), so values are kept raw until a
field is mapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import BinaryIO

from novum.ingest.formats._uspto_common import (
    country_code,
    doc_type_for,
    inverted_name,
    number_in,
    packed_ipc,
    patent_citation,
    strip_claim_number,
    unique_parties,
)
from novum.ingest.formats.base import ParsedDocument, StreamFormat, mapped
from novum.model import Citation, Claim, Paragraph, Party, Patent, PriorityClaim
from novum.normalize.claimrefs import referenced_claims
from novum.normalize.classification import unique
from novum.normalize.dates import iso_date
from novum.normalize.numbers import split_document_id
from novum.normalize.text import clean

_LANG = "en"
_SEGMENTS = {
    "PATN", "INVT", "ASSG", "PRIR", "REIS", "RLAP", "CLAS", "UREF", "FREF", "OREF", "LREP", "PCTA", "ABST", "GOVT",
    "PARN", "BSUM", "DRWD", "DETD", "CLMS", "DCLM",
}  # fmt: skip
_DESCRIPTION_SEGMENTS = {"GOVT", "PARN", "BSUM", "DRWD", "DETD"}
_TEXT_FIELDS = re.compile(r"^(?:PAR|PA\d|PAL|PAC|TBL|EQU|STM|NUM)$")
_PATN_LINE = re.compile(rb"(?m)^PATN[ \t]*\r?$")
_WKU_LINE = re.compile(rb"(?m)^WKU  \S")
_CLAIM_LEAD = re.compile(r"\s*(\d{1,4})\s*\.")
_RULES = re.compile(r"[_=\-]{4,}")  # the ASCII rules that draw tables
# APT application type code to doc_type, and the ST.16 kind code those pre-2001 grants carry.
_APT = {
    "1": ("utility", "A"),
    "2": ("reissue", "E"),
    "4": ("design", "S"),
    "5": ("defensive-publication", None),
    "6": ("plant", "P"),
    "7": ("statutory-invention-registration", "H"),
}


@dataclass(slots=True)
class _Segment:
    name: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def get(self, tag: str) -> str | None:
        return next((clean(v) for t, v in self.fields if t == tag), None)

    def raw(self, tag: str) -> list[str]:
        return [v for t, v in self.fields if t == tag]


class Greenbook(StreamFormat):
    """APS Greenbook text, one or many patents per file, each opening with a ``PATN`` record."""

    name = "uspto-greenbook"
    description = "USPTO APS 'Greenbook' full text of grants 1976-2001 (fixed-field text, many patents per file)"

    def sniff(self, head: bytes, filename: str) -> bool:
        return bool(_PATN_LINE.search(head) and _WKU_LINE.search(head))

    def parse(self, stream: BinaryIO, filename: str) -> Iterator[ParsedDocument]:
        for index, (line, lines) in enumerate(_records(stream), start=1):
            position = f"patent {index} (line {line})"
            yield mapped(position, b"".join(lines), self.name, partial(_read, lines))


def _read(lines: list[bytes]) -> Patent:
    return _to_patent(_segments(lines))


def _records(stream: BinaryIO) -> Iterator[tuple[int, list[bytes]]]:
    """``(first line number, lines)`` per patent; a file header before the first ``PATN`` is skipped."""
    current: list[bytes] = []
    start = 0
    for number, line in enumerate(stream, start=1):
        if _PATN_LINE.match(line):
            if current:
                yield start, current
            current, start = [line], number
        elif current:
            current.append(line)
    if current:
        yield start, current


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")  # APS text is ASCII; stray 8-bit bytes are old code-page characters


def _segments(lines: list[bytes]) -> list[_Segment]:
    segments: list[_Segment] = []
    for raw in lines:
        line = _decode(raw).rstrip("\r\n")
        tag = line[:4].strip()
        if not tag:  # continuation of the previous field
            if segments and segments[-1].fields:
                last_tag, value = segments[-1].fields[-1]
                segments[-1].fields[-1] = (last_tag, f"{value}\n{line.strip()}")
            continue
        value = line[5:] if len(line) > 5 else ""
        if tag in _SEGMENTS and not value.strip():
            segments.append(_Segment(tag))
        elif segments:
            segments[-1].fields.append((tag, value.rstrip()))
    if not segments or segments[0].name != "PATN":
        raise ValueError("record does not start with PATN")
    return segments


def _to_patent(segments: list[_Segment]) -> Patent:
    patn = segments[0]
    wku = patn.get("WKU")
    if not wku:
        raise ValueError("no publication number")
    doc_type, kind = _APT.get(patn.get("APT") or "", (None, None))
    # WKU is the number with a trailing check digit: "039373754" is 3937375.
    printed = wku[:-1] if len(wku) == 9 else wku
    number = split_document_id("US", printed, kind)
    priorities = [c for s in segments if s.name == "PRIR" if (c := _priority(s))]
    dates = [p.date for p in priorities if p.date]
    abstract = " ".join(t for s in segments if s.name == "ABST" for t in _paragraph_texts(s))
    return Patent(
        country="US",
        doc_number=number.number,
        kind=number.kind,
        application_number=_application_number(patn),
        priority_claims=priorities,
        priority_date=min(dates) if dates else None,
        filing_date=iso_date(patn.get("APD")),
        publication_date=iso_date(patn.get("ISD")),
        titles={_LANG: title} if (title := patn.get("TTL")) else {},
        abstracts={_LANG: abstract} if abstract else {},
        claims=_claims(segments),
        description=_description(segments),
        ipc=unique([packed_ipc(v) for s in segments if s.name == "CLAS" for v in s.raw("ICL")]),
        assignees=unique_parties([p for s in segments if s.name == "ASSG" if (p := _party(s))]),
        inventors=unique_parties([p for s in segments if s.name == "INVT" if (p := _party(s))]),
        citations=_citations(segments),
        language=_LANG,
        doc_type=doc_type or doc_type_for(number.kind, number.number),
    )


def _application_number(patn: _Segment) -> str | None:
    """Series code plus the 6-digit serial ("05" + "518454"); APS appends a check digit to the serial."""
    apn = patn.get("APN")
    if not apn:
        return None
    series = patn.get("SRC") or ""
    if len(apn) == 7 and apn.isdigit():
        return f"{int(series):02d}{apn[:6]}" if series.isdigit() else apn[:6]
    return apn


def _priority(segment: _Segment) -> PriorityClaim | None:
    claim = PriorityClaim(
        country=country_code(segment.get("CNT")), number=segment.get("APN"), date=iso_date(segment.get("APD"))
    )
    return claim if claim.number or claim.date else None


def _party(segment: _Segment) -> Party | None:
    name = inverted_name(segment.get("NAM"))
    if not name:
        return None
    country = country_code(segment.get("CNT"))
    if country is None and segment.get("STA"):
        country = "US"  # APS gives a state and no country for US residents
    return Party(name=name, country=country, city=segment.get("CTY"))


def _citations(segments: list[_Segment]) -> list[Citation]:
    """US (UREF), foreign (FREF) and other (OREF) references; APS never says who cited them."""
    out: list[Citation] = []
    for segment in segments:
        if segment.name in ("UREF", "FREF"):
            country = "US" if segment.name == "UREF" else country_code(segment.get("CNT"))
            citation = patent_citation(
                country, segment.get("PNO"), None, segment.get("ISD"), segment.get("NAM"), phase="examination"
            )
            if citation is not None:
                out.append(citation)
        elif segment.name == "OREF":
            out.extend(Citation(text=text, phase="examination") for text in _paragraph_texts(segment))
    return out


def _paragraph_texts(segment: _Segment) -> list[str]:
    return [t for tag, value in segment.fields if _TEXT_FIELDS.match(tag) and tag != "PAC" if (t := _text(value))]


def _text(value: str) -> str | None:
    return clean(_RULES.sub(" ", value))


def _description(segments: list[_Segment]) -> list[Paragraph]:
    out: list[Paragraph] = []
    for segment in segments:
        if segment.name not in _DESCRIPTION_SEGMENTS:
            continue
        heading: str | None = None  # a PAC heading does not carry over into the next section
        for tag, value in segment.fields:
            if tag == "PAC":
                heading = _text(value)
            elif _TEXT_FIELDS.match(tag) and (text := _text(value)):
                out.append(Paragraph(text=text, number=None, heading=heading, lang=_LANG))
    return out


def _claims(segments: list[_Segment]) -> list[Claim]:
    """Claims open with a ``NUM`` field; their ``PAR``/``PA1``... lines follow. Design claims sit in ``DCLM``."""
    parts: list[tuple[int | None, list[str]]] = []
    for segment in segments:
        if segment.name not in ("CLMS", "DCLM"):
            continue
        for tag, value in segment.fields:
            if tag == "NUM":
                parts.append((number_in(value), []))
            elif tag != "STM" and _TEXT_FIELDS.match(tag) and (text := _text(value)):
                if not parts:
                    parts.append((None, []))  # a design claim, or claims printed without NUM fields
                parts[-1][1].append(text)
    claims: list[Claim] = []
    for index, (number, texts) in enumerate(parts, start=1):
        joined = " ".join(texts)
        lead = _CLAIM_LEAD.match(joined)
        own = number if number is not None else (int(lead.group(1)) if lead else index)
        text = strip_claim_number(joined)
        if text:
            claims.append(Claim(number=own, text=text, depends_on=referenced_claims(text, own), lang=_LANG))
    return claims
