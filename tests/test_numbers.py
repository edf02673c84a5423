"""Publication numbers: the spellings users type all resolve to one canonical form."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from novum.normalize.numbers import NumberFormatError, canonical_number, parse_number, split_document_id, stored_forms
from tests.conftest import shared
from tests.conventions_cases import NUMBERS as CONVENTIONS


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("US8799651B2", "US8799651B2"),
        ("US 8,799,651 B2", "US8799651B2"),
        ("us8799651b2", "US8799651B2"),
        ("US08799651", "US8799651"),
        ("8799651", "8799651"),
        ("EP1667425A1", "EP1667425A1"),
        ("EP 1 667 425 A1", "EP1667425A1"),
        ("EP 0 600 083 A1", "EP0600083A1"),
        ("EP600083", "EP0600083"),
        ("CN113781974A", "CN113781974A"),
        ("CN 113781974 A", "CN113781974A"),
        ("US 2005/0004437 A1", "US20050004437A1"),
        ("US20050004437A1", "US20050004437A1"),
        ("US2008197955A1", "US20080197955A1"),  # docdb style drops the zero after the year
        ("WO 2008/123456 A1", "WO2008123456A1"),
        ("USD435854S", "USD435854S"),
        ("US D435,854 S", "USD435854S"),
        ("USRE043633E1", "USRE43633E1"),
        ("JP2021044377A", "JP2021044377A"),
        ("US 11,147,202 B2", "US11147202B2"),
        ("WO 95/34526", "WO1995034526"),  # the PCT's two-digit years
        ("WO0244858A2", "WO2002044858A2"),
        ("JP 2000-56265 A", "JP2000056265A"),  # year-serial, six-digit serial
        ("USR34586", "USRE34586"),  # how PatSnap spells reissues
    ],
)
def test_common_spellings(typed: str, canonical: str) -> None:
    assert canonical_number(typed) == canonical


@pytest.mark.parametrize(("typed", "canonical"), CONVENTIONS)
def test_public_conventions(typed: str, canonical: str) -> None:
    assert canonical_number(typed) == canonical


def test_bare_series_numbers_take_the_default_country() -> None:
    assert canonical_number("RE43633", default_country="US") == "USRE43633"
    assert canonical_number("PP12345", default_country="US") == "USPP12345"
    assert str(parse_number("RE43633")) == "RE43633"  # no country assumed: a reissue series, not Réunion
    assert parse_number("RE43633").country is None


def test_stored_forms_include_what_older_stores_kept() -> None:
    parsed, forms = stored_forms("DE000004240017A1")
    assert str(parsed) == "DE4240017A1" and forms == ["4240017", "000004240017"]
    assert stored_forms("KR20050012345A")[1] == ["1020050012345", "20050012345"]


def test_patsnap_family_lists_keep_their_keys() -> None:
    """Every number in the PatSnap benchmark's number, family and citation lists parses and is already canonical,
    except PatSnap's ``USR34586`` reissue spelling; before the DOCDB rules 58 of them (MX "PA", BR "PI", IT
    province codes, TW "M", AU "PO") did not parse at all."""
    folder = shared("bench/patsnap/patsnap-corpus")
    tokens: set[str] = set()
    for path in sorted(folder.glob("*.xml")):
        text = path.read_text(encoding="utf-8")
        for listing in re.findall(r'name="(?:Family Members|Patent Number|Cited Patents|Citing Patents)">\s*([^<]*)<',
                                  text):  # fmt: skip
            tokens.update(t.strip() for t in listing.split("|") if t.strip())
    assert len(tokens) == 6472
    changed = {t: canonical_number(t) for t in tokens if canonical_number(t) != t}
    assert len(changed) == 11 and all(t.startswith("USR") and n == f"USRE{t[3:]}" for t, n in changed.items())
    assert canonical_number("MXPA05005693A") == "MXPA05005693A" and "ITRM20050381A1" in tokens


def test_parts() -> None:
    number = parse_number("US 8,799,651 B2")
    assert (number.country, number.number, number.kind) == ("US", "8799651", "B2")
    assert number.without_kind == "US8799651"
    assert parse_number("8799651", default_country="US").country == "US"


def test_document_id_fields() -> None:
    assert str(split_document_id("US", "08926509", "B2")) == "US8926509B2"
    assert str(split_document_id("EP", "3404678", "B1")) == "EP3404678B1"
    assert str(split_document_id(" cn ", "113781974", "A")) == "CN113781974A"


@pytest.mark.parametrize("bad", ["", "   ", "hello", "US", "12-ab-34", "US8799651B2X9", "JP A-6-143669", "DEXY123"])
def test_rejects_non_numbers(bad: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_number(bad)


countries = st.sampled_from(["US", "EP", "CN", "JP", "WO", "DE", "KR"])
kinds = st.sampled_from(["", "A", "A1", "A2", "B1", "B2", "U", "C"])


@given(countries, st.integers(min_value=1, max_value=99_999_999), kinds)
def test_canonical_is_a_fixed_point(country: str, serial: int, kind: str) -> None:
    once = canonical_number(f"{country}{serial}{kind}")
    assert canonical_number(once) == once


@given(countries, st.integers(min_value=1_000_000, max_value=99_999_999), kinds)
def test_separators_do_not_matter(country: str, serial: int, kind: str) -> None:
    plain = canonical_number(f"{country}{serial}{kind}")
    grouped = f"{country} {serial:,} {kind}".strip()
    assert canonical_number(grouped) == plain
    assert canonical_number(grouped.lower()) == plain


us_ep = st.sampled_from(["US", "EP"])


@given(us_ep, st.integers(min_value=1, max_value=99_999_999), kinds)
def test_us_and_ep_keys_are_unchanged(country: str, serial: int, kind: str) -> None:
    """The keys stores already hold for US and EP: US grants unpadded, EP padded to seven digits."""
    number = canonical_number(f"{country}{serial}{kind}")
    digits = str(serial)
    if country == "EP":
        assert number == f"EP{digits.zfill(7)}{kind}"
    elif not (len(digits) in (10, 11) and digits[:2] in ("19", "20")):  # year-based applications keep their rule
        assert number == f"US{digits}{kind}"


eras = st.sampled_from([("S", 1925), ("H", 1988), ("R", 2018)])


@given(eras, st.integers(min_value=1, max_value=64), st.integers(min_value=1, max_value=999_999))
def test_japanese_era_years_are_western_years(era: tuple[str, int], year: int, serial: int) -> None:
    letter, base = era
    expected = f"JP{base + year}{serial:06d}A"
    assert canonical_number(f"JP{letter}{year:02d}{serial}A") == expected
    assert canonical_number(f"JP {letter}{year:02d}-{serial:06d} A") == expected
    assert canonical_number(expected) == expected


padded_offices = st.sampled_from(["DE", "GB", "CN", "FR", "JP", "AU", "CA"])


@given(padded_offices, st.integers(min_value=1_000_000, max_value=9_999_999), kinds)
def test_padding_never_makes_a_second_key(country: str, serial: int, kind: str) -> None:
    assert canonical_number(f"{country}{serial:012d}{kind}") == canonical_number(f"{country}{serial}{kind}")


@given(st.text(max_size=40))
def test_never_crashes(text: str) -> None:
    try:
        number = parse_number(text)
    except NumberFormatError:
        return
    assert number.number
