"""Publication numbers: the spellings users type all resolve to one canonical form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from novum.normalize.numbers import NumberFormatError, canonical_number, parse_number, split_document_id


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


def test_parts() -> None:
    number = parse_number("US 8,799,651 B2")
    assert (number.country, number.number, number.kind) == ("US", "8799651", "B2")
    assert number.without_kind == "US8799651"
    assert parse_number("8799651", default_country="US").country == "US"


def test_document_id_fields() -> None:
    assert str(split_document_id("US", "08926509", "B2")) == "US8926509B2"
    assert str(split_document_id("EP", "3404678", "B1")) == "EP3404678B1"
    assert str(split_document_id(" cn ", "113781974", "A")) == "CN113781974A"


@pytest.mark.parametrize("bad", ["", "   ", "hello", "US", "12-ab-34", "US8799651B2X9"])
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


@given(st.text(max_size=40))
def test_never_crashes(text: str) -> None:
    try:
        number = parse_number(text)
    except NumberFormatError:
        return
    assert number.number
