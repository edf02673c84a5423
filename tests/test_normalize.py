"""Dates, classification symbols and claim references as the offices write them."""

from __future__ import annotations

import pytest

from novum.normalize.claimrefs import referenced_claims
from novum.normalize.classification import from_parts, normalize_symbol
from novum.normalize.dates import iso_date


@pytest.mark.parametrize(
    ("raw", "iso"),
    [("20211019", "2021-10-19"), ("2021-10-19", "2021-10-19"), ("2021.10.19", "2021-10-19"),
     ("19990000", "1999-01-01"), ("20210231", None), ("", None), (None, None), ("2021", None)],
)  # fmt: skip
def test_dates(raw: str | None, iso: str | None) -> None:
    assert iso_date(raw) == iso


@pytest.mark.parametrize(
    ("raw", "symbol"),
    [
        ("H04L   9/32  (2006.01)", "H04L9/32"),
        ("H04L0009320000", "H04L9/32"),
        ("H04L0009100000", "H04L9/10"),
        ("G06F0003048200", "G06F3/0482"),
        ("A24B   15/18    (2006.01)", "A24B15/18"),
        ("H04L 29/06", "H04L29/06"),
        ("g06f", "G06F"),
        ("not a class", None),
    ],
)
def test_symbols(raw: str, symbol: str | None) -> None:
    assert normalize_symbol(raw) == symbol


def test_symbol_from_xml_parts() -> None:
    assert from_parts("A", "01", "B", "1", "24") == "A01B1/24"
    assert from_parts("H", "04", "L", None, None) == "H04L"


@pytest.mark.parametrize(
    ("text", "own", "refs"),
    [
        ("The method of claim 1, wherein", 2, [1]),
        ("The method according to any one of claims 1 to 3, wherein", 5, [1, 2, 3]),
        ("The device of claims 2 or 4", 5, [2, 4]),
        ("The system as claimed in any preceding claim", 4, [1, 2, 3]),
        ("根据权利要求1或2所述的装置，其特征在于", 4, [1, 2]),
        ("如权利要求1至3中任一项所述的方法", 5, [1, 2, 3]),
        ("根据权利要求１所述的方法", 3, [1]),  # full-width digit
        ("Vorrichtung nach Anspruch 1 bis 3", 5, [1, 2, 3]),
        ("Dispositif selon la revendication 2 ou 3", 5, [2, 3]),
        ("請求項1に記載の", 2, [1]),
        ("A system comprising 3 to 5 widgets", 4, []),
        ("The method of claim 7", 3, []),  # a forward reference is not a dependency
    ],
)
def test_claim_references(text: str, own: int, refs: list[int]) -> None:
    assert referenced_claims(text, own) == refs
