"""Publication numbers in the forms people type and offices print, reduced to one canonical spelling.

``US 8,799,651 B2``, ``US8799651B2`` and ``US08799651`` all name the same grant; ``US 2005/0004437 A1`` and
``US20050004437A1`` the same application. The store keys documents on the canonical form so that every spelling
finds them.

The canonical form is DOCDB's where that is unambiguous: serials without the padding some exports add (DEPATISnet's
``DE000004240017A1`` is ``DE4240017A1``), year-based serials at their office's width (``WO200198623A1`` is
``WO2001098623A1``), the series letters an office prints kept (``BRPI0507004A``, ``MXPA05006297A``, ``USRE43633E``).
Where one document has two common spellings, the one real exports carry wins: Japanese era years become Western
years (``JPS602468B2`` is ``JP1985002468B2``, as in PatSnap and JPO exports) and Korean numbers keep KIPRIS's
right-type prefix (DOCDB ``KR20050012345A`` is ``KR1020050012345A``, as in PatSnap family lists). US and EP numbers
keep the forms stored before these rules (US grants unpadded, EP padded to seven digits); so does every number in
the PatSnap benchmark's 6,472 family-list entries that parsed before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from novum.errors import NovumError
from novum.model import Patent

# Country code, optional series letters (US designs and reissues, BR "PI"/"MU", MX "PA", JP era, TW "I"...),
# digits, optional kind code.
_PATTERN = re.compile(r"^(?P<cc>[A-Z]{2})?(?P<series>[A-Z]{1,3})?(?P<digits>\d+)(?P<kind>[A-Z]\d?)?$")
_SEPARATORS = re.compile(r"[\s,.\-_/]")
# "US 2005/0004437", "JP 2000-56265", and the PCT's two-digit years "WO 95/34526".
_SLASHED_YEAR = re.compile(r"^(?P<cc>[A-Z]{2})?(?P<year>(?:19|20)\d\d|\d\d)[/-](?P<serial>\d+)(?P<kind>[A-Z]\d?)?$")
# Offices whose canonical numbers are zero-padded to a fixed width.
_PAD = {"EP": 7}
# Width of the serial after the year in year-based publication numbers.
_SERIAL_WIDTH = {"WO": 6, "JP": 6}
# Serials this long that start with a zero are padded: no office's own number of 11 digits or more starts with one.
_PADDED = 11
# DOCDB widths of offices whose leading zeros belong to the number (BR0013699 is year 00, serial 13699; EA006453;
# SE0103907), as seen in real family lists: a padded serial is cut back to this width, not to its first digit.
_MIN_WIDTH = {"AR": 6, "BR": 7, "EA": 6, "EE": 5, "GB": 7, "GC": 7, "HU": 7, "SE": 7}
# Series the USPTO prints before a serial: designs, reissues, plants, re-examinations, SIRs and old X-patents.
_US_SERIES = frozenset({"D", "RE", "PP", "RX", "AI", "H", "T", "X", "R"})
# Series letters other offices print in DOCDB numbers: BR patents and utility models, MX applications, JP era years,
# TW invention/utility/design grants, AU provisionals (AUPO826597), IT province codes (ITTO20020080). Letters
# anywhere else make the text no number: JP "A-6-143669" is a kind and an era year, not a series.
_OFFICE_SERIES = {
    "BR": re.compile("PI|MU"),
    "MX": re.compile("PA"),
    "JP": re.compile("[SHR]"),
    "TW": re.compile("[IMD]"),
    "AU": re.compile("P[A-Z]"),
    "IT": re.compile("[A-Z]{2}"),
}
# Two letters that look like a country code but only ever start a US series number ("RE43633", "PP12345").
_SERIES_NOT_COUNTRY = frozenset({"RE", "PP", "RX"})
# Japanese era letters and the Western year before each era's first year (Showa 1 = 1926).
_JP_ERAS = {"S": 1925, "H": 1988, "R": 2018}


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
            serial = slashed["serial"].lstrip("0").zfill(_SERIAL_WIDTH.get(cc or "", 7))
            return _build(cc, "", f"{_pct_year(year)}{serial}", slashed["kind"])
    compact = _SEPARATORS.sub("", raw)
    match = _PATTERN.match(compact)
    if not match:
        raise NumberFormatError(f"not a publication number: {text!r}")
    cc, series, digits = match["cc"], match["series"] or "", match["digits"]
    if cc in _SERIES_NOT_COUNTRY and not series:  # "RE43633": a reissue, its country whatever the caller assumes
        cc, series = default_country, cc
    cc = cc or default_country
    if series and not _series_allowed(cc, series):
        raise NumberFormatError(f"not a publication number: {text!r} ({series} is no series of {cc or 'the US'})")
    if cc == "WO" and not series and len(digits) in (7, 8):  # WO0244858 is WO 02/44858
        return _build(cc, "", f"{_pct_year(digits[:2])}{digits[2:].zfill(6)}", match["kind"])
    return _build(cc, series, digits, match["kind"])


def _series_allowed(country: str | None, series: str) -> bool:
    if country in (None, "US"):
        return series in _US_SERIES
    allowed = _OFFICE_SERIES.get(country)
    return allowed is not None and allowed.fullmatch(series) is not None


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
        series = "RE" if series == "R" or (not series and (kind or "").startswith("E")) else series
        digits = _us_digits(series, digits)
    elif country in _PAD:
        digits = digits.lstrip("0").zfill(_PAD[country])
    elif country == "JP" and series in _JP_ERAS and len(digits) > 2:
        year = _JP_ERAS[series] + int(digits[:2])  # JPS602468B2 is Showa 60 (1985), serial 2468
        series, digits = "", f"{year}{digits[2:].lstrip('0').zfill(_SERIAL_WIDTH['JP'])}"
    elif country is not None and not series:
        digits = _office_digits(country, digits, kind)
    return PublicationNumber(country, f"{series}{digits}", kind)


def _office_digits(country: str, digits: str, kind: str | None) -> str:
    """Serial of an office other than US and EP: padding dropped, year-based serials at their office's width."""
    if country == "KR":
        right = "20" if (kind or "")[:1] in ("U", "Y") else "10"  # utility models are right type 20
        if len(digits) == 11 and digits[:2] in ("19", "20"):
            return f"{right}{digits}"  # DOCDB KR20050012345A is KIPRIS 10-2005-0012345
        if (kind or "")[:1] in ("B", "Y") and len(digits.lstrip("0")) <= 7:
            return f"{right}{digits.lstrip('0').zfill(7)}"  # registrations 10-0123456 / 20-0123456
    if len(digits) >= _PADDED and digits[0] == "0":  # DEPATISnet's DE000004240017: zeros up to 12 digits
        digits = (digits.lstrip("0") or "0").zfill(_MIN_WIDTH.get(country, 0))
    width = _SERIAL_WIDTH.get(country)
    if width and len(digits) == width + 3 and digits[:2] in ("19", "20"):
        return f"{digits[:4]}{digits[4:].zfill(width)}"  # WO200198623 is WO 2001/098623
    return digits


def _us_digits(series: str, digits: str) -> str:
    """US grants drop leading zeros (``08926509`` -> ``8926509``); applications are year + 7 digits."""
    stripped = digits.lstrip("0") or "0"
    if not series and len(digits) == 10 and digits[:2] in ("19", "20"):
        return f"{digits[:4]}{digits[4:].zfill(7)}"  # docdb style US2008197955 -> US20080197955
    if not series and len(digits) == 11 and digits[:2] in ("19", "20"):
        return digits
    return stripped


def stored_forms(text: str) -> tuple[PublicationNumber, list[str]]:
    """The parsed number and every ``doc_number`` a store may hold for it, canonical first.

    Stores written before a rule changed keep the old spelling (``DE000004240017``, DOCDB's ``KR20050012345``), so
    a lookup tries those too; ``NumberFormatError`` when the text is not a number.
    """
    parsed = parse_number(text)
    forms = [parsed.number]
    compact = _PATTERN.match(_SEPARATORS.sub("", text.strip().upper()))
    if compact:
        forms.append(f"{compact['series'] or ''}{compact['digits']}")
    if parsed.country == "KR" and len(parsed.number) == 13:
        forms.append(parsed.number[2:])
    bare = parsed.number.lstrip("0")
    if bare and bare != parsed.number:
        forms.append(bare)
    return parsed, list(dict.fromkeys(forms))


def application_key(text: str, country: str | None = None) -> str:
    """One spelling of an application (priority) number, for matching ``pr=`` queries against priority claims.

    Offices print these with check digits and separators (EP ``16185466.6``, DE ``10 2004 019 669.2``); Espacenet
    and DOCDB write EP's two-digit year in full with a seven-digit serial (``EP20160185466``). Both sides of a
    comparison go through this function, so they agree whatever the spelling.
    """
    raw = re.sub(r"\.\d$", "", text.strip().upper())  # the check digit after the dot
    compact = _SEPARATORS.sub("", raw)
    match = re.match(r"^([A-Z]{2})?(.*)$", compact)
    assert match is not None
    cc = match[1] or (country or "").strip().upper() or None
    body = match[2]
    if cc == "EP" and re.fullmatch(r"\d{8}", body):  # 16185466: year 16, serial 185466
        body = f"{_pct_year(body[:2])}{body[2:].zfill(7)}"
    return f"{cc or ''}{body}"


def priority_keys(patent: Patent) -> set[str]:
    """The keys a record's priority claims are found under (``pr=`` in the query language)."""
    return {key for claim in patent.priority_claims if claim.number for key in claim_keys(claim.country, claim.number)}


def claim_keys(country: str | None, number: str) -> set[str]:
    """The ``application_key`` of one priority claim, with its country and without it, and the number as printed
    without a country (``pr=16185466`` finds EP 16185466.6)."""
    key = application_key(number, country)
    cc = (country or "").strip().upper()
    keys = {key, application_key(number)}
    if cc and key.startswith(cc):
        keys.add(key[len(cc) :])
    return keys
