"""Publication numbers in the forms people type and offices print, reduced to one canonical spelling.

``US 8,799,651 B2``, ``US8799651B2`` and ``US08799651`` all name the same grant; ``US 2005/0004437 A1`` and
``US20050004437A1`` the same application. The store keys documents on the canonical form so that every spelling
finds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from novum.errors import NovumError

# Country code, optional series prefix (US designs, reissues, plants...), digits, optional kind code.
_PATTERN = re.compile(r"^(?P<cc>[A-Z]{2})?(?P<series>D|RE|PP|RX|AI|H|T|X|R)?(?P<digits>\d+)(?P<kind>[A-Z]\d?)?$")
_SEPARATORS = re.compile(r"[\s,.\-_/]")
# "US 2005/0004437", "JP 2000-56265", and the PCT's two-digit years "WO 95/34526".
_SLASHED_YEAR = re.compile(r"^(?P<cc>[A-Z]{2})?(?P<year>(?:19|20)\d\d|\d\d)[/-](?P<serial>\d+)(?P<kind>[A-Z]\d?)?$")
# Offices whose canonical numbers are zero-padded to a fixed width.
_PAD = {"EP": 7}
# Width of the serial after the year in year-based publication numbers.
_SERIAL_WIDTH = {"WO": 6, "JP": 6}


class NumberFormatError(NovumError, ValueError):
    """The text is not recognisable as a publication number."""


@dataclass(frozen=True, slots=True)
class PublicationNumber:
    """A publication number split into its parts; ``country`` and ``kind`` may be unknown."""

    country: str | None
    number: str
    kind: str | None = None

    def __str__(self) -> str:
        return f"{self.country or ''}{self.number}{self.kind or ''}"

    @property
    def without_kind(self) -> str:
        return f"{self.country or ''}{self.number}"


def parse_number(text: str, default_country: str | None = None) -> PublicationNumber:
    """Parse a publication number in any common spelling; raise ``NumberFormatError`` when it is not one."""
    raw = (text or "").strip().upper()
    if not raw:
        raise NumberFormatError("empty publication number")
    slashed = _SLASHED_YEAR.match(re.sub(r"\s+", "", raw))
    if slashed:
        cc = slashed["cc"] or default_country
        year = slashed["year"]
        if len(year) == 4 or cc == "WO":
            serial = slashed["serial"].zfill(_SERIAL_WIDTH.get(cc or "", 7))
            return _build(cc, "", f"{_pct_year(year)}{serial}", slashed["kind"])
    compact = _SEPARATORS.sub("", raw)
    match = _PATTERN.match(compact)
    if not match:
        raise NumberFormatError(f"not a publication number: {text!r}")
    cc, digits = match["cc"] or default_country, match["digits"]
    if cc == "WO" and not match["series"] and len(digits) in (7, 8):  # WO0244858 is WO 02/44858
        return _build(cc, "", f"{_pct_year(digits[:2])}{digits[2:].zfill(6)}", match["kind"])
    return _build(cc, match["series"] or "", digits, match["kind"])


def _pct_year(year: str) -> str:
    """Four-digit year; PCT publications began in 1978, so two-digit years from 78 are 19xx."""
    if len(year) == 4:
        return year
    return f"{'19' if int(year) >= 78 else '20'}{year}"


def canonical_number(text: str, default_country: str | None = None) -> str:
    """The canonical string form, e.g. ``canonical_number("US 8,799,651 B2") == "US8799651B2"``."""
    return str(parse_number(text, default_country))


def split_document_id(country: str | None, doc_number: str, kind: str | None) -> PublicationNumber:
    """Normalise the separate country/number/kind fields found in XML ``document-id`` elements."""
    cc = (country or "").strip().upper() or None
    joined = f"{cc or ''}{doc_number.strip()}{(kind or '').strip().upper()}"
    try:
        parsed = parse_number(joined)
    except NumberFormatError:
        return PublicationNumber(cc, _SEPARATORS.sub("", doc_number.strip().upper()), (kind or "").strip() or None)
    return parsed


def _build(country: str | None, series: str, digits: str, kind: str | None) -> PublicationNumber:
    if country == "US":
        series = "RE" if series == "R" else series  # "USR34586" is how some exports spell reissue USRE34586
        digits = _us_digits(series, digits)
    elif country in _PAD:
        digits = digits.lstrip("0").zfill(_PAD[country])
    return PublicationNumber(country, f"{series}{digits}", kind)


def _us_digits(series: str, digits: str) -> str:
    """US grants drop leading zeros (``08926509`` -> ``8926509``); applications are year + 7 digits."""
    stripped = digits.lstrip("0") or "0"
    if not series and len(digits) == 10 and digits[:2] in ("19", "20"):
        return f"{digits[:4]}{digits[4:].zfill(7)}"  # docdb style US2008197955 -> US20080197955
    if not series and len(digits) == 11 and digits[:2] in ("19", "20"):
        return digits
    return stripped
