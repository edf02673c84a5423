"""USPTO CSS "BRS" tagged text: what the examiners' search tools (EAST/WEST) export, many patents per file.

Each record may open with a tab-separated summary line (number, kind, date, application, size) and a title line,
then a ``*** BRS DOCUMENT BOUNDARY ***`` line, then one field per line: a 3-4 letter tag, a space, the value, and
continuation lines indented by six spaces. Related fields come as runs that open with a fixed tag (``URPN`` a US
reference, ``FRCO`` a foreign one, ``INNM`` an inventor...). In the text fields (``BSTX``, ``DETX``, ``CRTX``) a
value with a leading blank is a paragraph and one without is a section heading.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import BinaryIO

from novum.ingest.formats._uspto_common import (
    cancelled_claims,
    cited_by,
    country_code,
    doc_type_for,
    inverted_name,
    number_in,
    patent_citation,
    strip_claim_number,
    unique_parties,
)
from novum.ingest.formats.base import ParsedDocument, StreamFormat, mapped
from novum.model import Citation, Claim, Paragraph, Party, Patent, PriorityClaim
from novum.normalize.claimrefs import referenced_claims
from novum.normalize.classification import normalize_symbol, unique
from novum.normalize.dates import iso_date
from novum.normalize.numbers import NumberFormatError, parse_number, split_document_id
from novum.normalize.text import clean

_LANG = "en"
_BOUNDARY = re.compile(rb"^\*\*\* BRS DOCUMENT BOUNDARY \*\*\*[ \t]*\r?$")
_BOUNDARY_IN_HEAD = re.compile(rb"(?m)^\*\*\* BRS DOCUMENT BOUNDARY \*\*\*[ \t]*\r?$")
_FIELD_IN_HEAD = re.compile(rb"(?m)^(?:WKU|DID|GISD|APNR) \S")
# The export's listing line ahead of each record: number, kind, date, application number, size.
_SUMMARY = re.compile(rb"^\w+\t\w*\t\d{8}\t")
_TAG = re.compile(r"^([A-Z][A-Z0-9]{2,3})(?: (.*))?$")
_DESCRIPTION_TAGS = ("CRTX", "BSTX", "DETX")  # cross-references, brief summary, detailed description
_CPC_TAGS = ("CPOI", "CPOA", "CPOG")  # CPC as originally given: inventive, additional, and the combined record
_IPC_TAGS = ("IPCP", "IPCS", "IPCG")  # IPC primary, secondary, and the combined record
_SYMBOL = re.compile(r"\b[A-HY]\d{2}[A-Z]\d{1,4}/\d{1,6}\b")
_KIND = re.compile(r"^[A-Z]\d?$")
_KIND_FIRST = re.compile(r"^([A-Z]\d?)-((?:19|20)\d\d-\d+)$")  # JP "A-2003-283199": kind, then year and serial
_CITED_BY = re.compile(r"\s*\bcited\s+by\s+(examiner|applicant|third\s+party|other)\s*$", re.IGNORECASE)
_CLAIM_LEAD = re.compile(r"^\s*(\d{1,4})\s*(?:\.?\s*-\s*\d{1,4}\s*)?\.")  # "12." or a cancelled run "2.-5."
_MISSING = {"", "N/A", "NONE"}


@dataclass(slots=True)
class _Record:
    """The fields of one record in file order, continuation lines joined to their field."""

    fields: list[tuple[str, str]] = field(default_factory=list)

    def get(self, tag: str) -> str | None:
        return next((v for t, v in self.fields if t == tag), None)

    def runs(self, opener: str, prefix: str) -> list[dict[str, str]]:
        """Field groups that open with ``opener`` and go on while the tags share ``prefix``."""
        out: list[dict[str, str]] = []
        current: dict[str, str] | None = None
        for tag, raw in self.fields:
            if tag == opener:
                current = {}
                out.append(current)
            elif not tag.startswith(prefix):
                current = None
                continue
            if current is not None and tag not in current and (value := _value(raw)) is not None:
                current[tag] = value
        return out


class UsptoBrs(StreamFormat):
    """CSS BRS tagged text, records split by ``*** BRS DOCUMENT BOUNDARY ***`` lines."""

    name = "uspto-brs"
    description = "USPTO CSS BRS tagged-text export of grants and applications (EAST/WEST search tools)"

    def sniff(self, head: bytes, filename: str) -> bool:
        return bool(_BOUNDARY_IN_HEAD.search(head) and _FIELD_IN_HEAD.search(head))

    def parse(self, stream: BinaryIO, filename: str) -> Iterator[ParsedDocument]:
        for index, (line, lines) in enumerate(_records(stream), start=1):
            position = f"document {index} (line {line})"
            yield mapped(position, b"".join(lines), self.name, partial(_read, lines))


def _read(lines: list[bytes]) -> Patent:
    return _to_patent(_fields(lines))


def _records(stream: BinaryIO) -> Iterator[tuple[int, list[bytes]]]:
    """``(first line number, lines)`` per record, the summary and title lines ahead of its boundary included.

    A record starts at a summary line, or at a boundary when the record being read already passed one (an export
    without summary lines); anything before the first record is a file header and skipped. A summary line with no
    boundary after it still comes out, so that it is quarantined rather than lost.
    """
    current: list[bytes] = []
    start = 0
    bounded = False
    for number, line in enumerate(stream, start=1):
        is_boundary = bool(_BOUNDARY.match(line))
        if _SUMMARY.match(line) or (is_boundary and bounded):
            if current:
                yield start, current
            current, start, bounded = [], number, False
        if is_boundary:
            if not current:
                start = number
            bounded = True
        if current or is_boundary or _SUMMARY.match(line):
            current.append(line)
    if current:
        yield start, current


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")  # the export is ASCII; stray 8-bit bytes are old code-page characters


def _fields(lines: list[bytes]) -> _Record:
    record = _Record()
    inside = False
    for raw in lines:
        if _BOUNDARY.match(raw):
            inside = True
            continue
        if not inside:  # the summary and title lines repeat fields the record itself carries
            continue
        line = _decode(raw).rstrip("\r\n")
        if not line.strip():
            continue
        if line[:1].isspace():
            if record.fields:
                tag, value = record.fields[-1]
                record.fields[-1] = (tag, f"{value}\n{line.strip()}")
            continue
        match = _TAG.match(line)
        if match:
            record.fields.append((match.group(1), (match.group(2) or "").rstrip()))
    return record


def _value(raw: str | None) -> str | None:
    text = clean(raw)
    return None if text is None or text.upper() in _MISSING else text


def _to_patent(record: _Record) -> Patent:
    if not record.fields:
        raise ValueError("no fields after the document boundary")
    number = _publication(record)
    priorities = _priorities(record)
    dates = [p.date for p in priorities if p.date]
    abstract = clean(" ".join(v for t, v in record.fields if t == "ABPR"))
    return Patent(
        country=number[0],
        doc_number=number[1],
        kind=number[2],
        application_number=_value(record.get("APNR")) or _value(record.get("APP")),
        priority_claims=priorities,
        priority_date=min(dates) if dates else None,
        filing_date=iso_date(_value(record.get("AFD"))),
        publication_date=iso_date(_value(record.get("GISD"))),
        titles={_LANG: title} if (title := _value(record.get("TTL"))) else {},
        abstracts={_LANG: abstract} if abstract else {},
        claims=_claims(record),
        description=_description(record),
        cpc=_symbols(record, _CPC_TAGS),
        ipc=_symbols(record, _IPC_TAGS),
        applicants=_parties(record, "AA"),
        assignees=_parties(record, "AS"),
        inventors=_parties(record, "IN"),
        citations=_citations(record),
        family_members=_earlier_publication(record),
        language=_LANG,
        doc_type=doc_type_for(number[2], number[1]),
    )


def _publication(record: _Record) -> tuple[str, str, str | None]:
    """``DID`` ("US 9204581 B2") names country, number and kind; else ``WKU`` (zero-padded) with the ``APT`` kind."""
    did = (_value(record.get("DID")) or "").split()
    if len(did) >= 2 and country_code(did[0]):
        parsed = split_document_id(did[0], did[1], did[2] if len(did) > 2 else _value(record.get("APT")))
    elif wku := _value(record.get("WKU")):
        parsed = split_document_id("US", wku, _value(record.get("APT")))
    else:
        raise ValueError("no publication number")
    if not parsed.country or not parsed.number:
        raise ValueError("no publication number")
    return parsed.country, parsed.number, parsed.kind


def _priorities(record: _Record) -> list[PriorityClaim]:
    """Foreign priorities (``PRCO`` runs) and the US provisionals whose benefit is claimed (``COND`` runs)."""
    out = [
        PriorityClaim(country=country_code(run.get("PRCO")), number=run.get("PRAN"), date=iso_date(run.get("PRAD")))
        for run in record.runs("PRCO", "PR")
    ]
    for run in record.runs("COND", "RL"):
        if (run.get("COND") or "").lower().startswith("us-provisional-application"):
            country = country_code(run.get("RLPY")) or "US"
            out.append(PriorityClaim(country=country, number=run.get("RLAN"), date=iso_date(run.get("RLFD"))))
    return [p for p in out if p.number or p.date]


def _earlier_publication(record: _Record) -> list[str]:
    """The application's own pre-grant publication (``PPCC``/``PPNR``/``PPKC``): same application, same family."""
    number = _value(record.get("PPNR"))
    if not number:
        return []
    try:
        parsed = parse_number(f"{_value(record.get('PPCC')) or 'US'}{number}{_value(record.get('PPKC')) or ''}")
    except NumberFormatError:
        return []
    return [str(parsed)] if parsed.country else []


def _symbols(record: _Record, tags: tuple[str, ...]) -> list[str]:
    # The combined records (IPCG, CPOG) lead with a version date and section letters, so take the symbol token.
    found = (_SYMBOL.search(v.upper()) for t, v in record.fields if t in tags)
    return unique([normalize_symbol(m.group(0)) for m in found if m])


def _parties(record: _Record, prefix: str) -> list[Party]:
    """Runs of ``xxNM`` (name, "Family; Given" for persons), ``xxCI`` city and ``xxCO`` country."""
    out: list[Party] = []
    for run in record.runs(f"{prefix}NM", prefix):
        name = inverted_name(run.get(f"{prefix}NM"))
        if name:
            out.append(Party(name=name, country=country_code(run.get(f"{prefix}CO")), city=run.get(f"{prefix}CI")))
    return unique_parties(out)


def _who(value: str | None) -> tuple[str | None, str | None]:
    """The text without its trailing "cited by ..." note, and who cited it."""
    text = clean(value) or ""
    match = _CITED_BY.search(text)
    if not match:
        return clean(text), None
    return clean(text[: match.start()]), cited_by(f"cited by {match.group(1)}")


def _kind_after(summary: str | None, *printed: str | None) -> str | None:
    """The kind code the ``URGP``/``FRGP`` summary prints right after the country and number, if any."""
    text = clean(summary) or ""
    lead = " ".join(p for p in printed if p)
    if not lead or not text.startswith(lead):
        return None
    rest = text[len(lead) :].split()
    return rest[0] if rest and _KIND.match(rest[0]) else None


def _citations(record: _Record) -> list[Citation]:
    """US references (``URPN`` runs), foreign ones (``FRCO`` runs) and non-patent literature (``ORPL``)."""
    out: list[Citation] = []
    for run in record.runs("URPN", "UR"):
        number = run.get("URPN")
        _, by = _who(run.get("URGP"))
        citation = patent_citation(
            "US", number, _kind_after(run.get("URGP"), "US", number), run.get("URPD"), run.get("URNM"), by,
            phase="examination",
        )  # fmt: skip
        if citation is not None:
            out.append(citation)
    for run in record.runs("FRCO", "FR"):
        country = country_code(run.get("FRCO"))
        printed = run.get("FRPN")
        number = printed
        if country and number and number.upper().startswith(country):  # "WO 2009/087872" under FRCO "WO"
            number = number[len(country) :].strip()
        _, by = _who(run.get("FRGP"))
        kind = _kind_after(run.get("FRGP"), run.get("FRCO"), printed)
        # Era-year numbers ("A-6-143669", Heisei 6) stay as printed: the era cannot be told from the digits alone.
        if number and not kind and (lead := _KIND_FIRST.match(number)):
            kind, number = lead.groups()
        citation = patent_citation(country, number, kind, run.get("FRPD"), None, by, phase="examination")
        if citation is not None:
            out.append(citation)
    for tag, raw in record.fields:
        if tag == "ORPL":
            text, by = _who(raw)
            if text:
                out.append(Citation(text=text, cited_by=by, phase="examination"))
    return out


def _description(record: _Record) -> list[Paragraph]:
    out: list[Paragraph] = []
    heading: str | None = None
    section: str | None = None
    for tag, raw in record.fields:
        if tag not in _DESCRIPTION_TAGS:
            continue
        if tag != section:  # a heading does not carry over into the next section
            section, heading = tag, None
        text = clean(raw)
        if not text:
            continue
        if raw[:1].isspace():
            out.append(Paragraph(text=text, number=None, heading=heading, lang=_LANG))
        else:
            heading = text
    return out


def _claims(record: _Record) -> list[Claim]:
    """One ``CLPR`` per claim, printed with its number; an unnumbered ``CLPR`` continues the claim before it."""
    parts: list[tuple[int | None, list[str]]] = []
    for tag, raw in record.fields:
        if tag != "CLPR" or not (text := clean(raw)):
            continue
        lead = _CLAIM_LEAD.match(text)
        if lead or not parts:
            parts.append((number_in(lead.group(1)) if lead else None, [text]))
        else:
            parts[-1][1].append(text)
    claims: list[Claim] = []
    for index, (number, texts) in enumerate(parts, start=1):
        if cancelled := cancelled_claims(" ".join(texts), _LANG):
            claims.extend(cancelled)  # a pre-grant "1-18. (canceled)" line stands for claims 1 to 18
            continue
        own = number if number is not None else index
        text = strip_claim_number(" ".join(texts))
        if text:
            claims.append(Claim(number=own, text=text, depends_on=referenced_claims(text, own), lang=_LANG))
    return claims
