"""Claim references and cancelled claims as drafters and the USPTO actually write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from novum.claims.tree import build_tree, parse_claims_text
from novum.ingest.formats.uspto_brs import _claims as brs_claims
from novum.ingest.formats.uspto_brs import _Record as BrsRecord
from novum.normalize.claimrefs import cancelled_range, referenced_claims
from tests.conftest import fixture
from tests.conventions_cases import CANCELLED_RUNS
from tests.conventions_cases import CLAIM_WORDINGS as WORDINGS
from tests.parsing import parse_patents, parse_single


@pytest.mark.parametrize(("text", "own", "refs"), WORDINGS)
def test_wordings(text: str, own: int, refs: list[int]) -> None:
    assert referenced_claims(text, own) == refs


@pytest.mark.parametrize(
    ("text", "numbers", "wording"),
    [
        ("21.-25. (canceled)", list(range(21, 26)), "(canceled)"),
        ("1-18. (canceled)", list(range(1, 19)), "(canceled)"),
        ("1.-18. (Cancelled)", list(range(1, 19)), "(Cancelled)"),
        ("Claims 3 to 7 (withdrawn)", [3, 4, 5, 6, 7], "(withdrawn)"),
        ("3 – 4. ( cancelled )", [3, 4], "(cancelled)"),
    ],
)
def test_cancelled_ranges(text: str, numbers: list[int], wording: str) -> None:
    assert cancelled_range(text) == (numbers, wording)


@pytest.mark.parametrize("text", ["1. (canceled)", "The method of claims 1-3 (canceled)", "5-2. (canceled)", "1-3."])
def test_not_a_cancelled_range(text: str) -> None:
    assert cancelled_range(text) is None


def test_real_documents() -> None:
    """An EP B1 and a US grant whose dependent claims refer to "the preceding"/"the previous claims"."""
    ep = parse_single(fixture("ep-publication-server/pkg/eps/test-data/grant/v1-5-B1.xml"))
    english = {c.number: c for c in ep.claims if c.lang == "en"}
    assert ep.number == "EP3404678B1" and english[4].depends_on == [1, 2, 3] and english[5].depends_on == [1, 2, 3, 4]
    grants = {p.number: p for p in parse_patents(fixture("us-patentsview-db/ipgxml/ipg050104.small.xml"))}
    shoe = {c.number: c for c in grants["US6836979B2"].claims}
    assert "one or more of the previous claims" in shoe[16].text and shoe[16].depends_on == list(range(1, 16))


def test_real_cancelled_run_is_expanded() -> None:
    """US 2022/0240350 A1 opens with "1.-18. (Cancelled)": claims 1-18 exist, cancelled; 19 is the first live one."""
    p = parse_single(fixture("us-go-uspto/pkg/uspto/test-data/application/US20220240350A1-20220728.XML"))
    assert [c.number for c in p.claims[:19]] == list(range(1, 20)) and p.claims[17].text == "(Cancelled)"
    roots = [n.claim.number for n in build_tree(p.claims)]
    assert roots[:18] == list(range(1, 19)) and 19 in roots and 20 not in roots


def test_pasted_claims_with_a_cancelled_run() -> None:
    text = (
        "1. A device comprising a housing.\n"
        "2. The device of claim 1, wherein the housing is metal.\n"
        "3.-5. (canceled)\n"
        "6. The device according to the preceding claims, further comprising a lid.\n"
        "7. The device of claims 1, 2, and 6, wherein the lid is glass.\n"
    )
    claims = parse_claims_text(text)
    assert [(c.number, c.text) for c in claims[2:5]] == [(3, "(canceled)"), (4, "(canceled)"), (5, "(canceled)")]
    assert claims[5].depends_on == [1, 2, 3, 4, 5] and claims[6].depends_on == [1, 2, 6]
    inline = parse_claims_text(
        "1. A thing. 2. The thing of claim 1. 3-4. (Cancelled) 5. The thing of claims 1, 2, or 3."
    )
    assert [(c.number, c.depends_on) for c in inline] == [(1, []), (2, [1]), (3, []), (4, []), (5, [1, 2, 3])]


numbers = st.lists(st.integers(min_value=1, max_value=60), min_size=2, max_size=6, unique=True).map(sorted)


@given(numbers, st.sampled_from(["and", "or", "and/or"]), st.sampled_from([", ", ","]))
def test_lists_with_a_serial_comma(refs: list[int], last: str, comma: str) -> None:
    listing = comma.join(str(n) for n in refs[:-1]) + f"{comma.strip()} {last} {refs[-1]}"
    assert referenced_claims(f"The method of claims {listing}, wherein", refs[-1] + 1) == refs


@given(st.integers(min_value=1, max_value=400), st.integers(min_value=0, max_value=100),
       st.sampled_from(["{a}.-{b}. (canceled)", "{a}-{b}. (Cancelled)", "{a} - {b}. (withdrawn)"]))  # fmt: skip
def test_cancelled_range_covers_every_number(first: int, width: int, form: str) -> None:
    found = cancelled_range(form.format(a=first, b=first + width))
    assert found is not None and found[0] == list(range(first, first + width + 1))


@given(st.text(max_size=80), st.integers(min_value=1, max_value=50))
def test_references_are_earlier_claims(text: str, own: int) -> None:
    refs = referenced_claims(text, own)
    assert refs == sorted(set(refs)) and all(0 < n < own for n in refs)
    cancelled_range(text)  # never raises


@pytest.mark.parametrize(("text", "numbers"), CANCELLED_RUNS)
def test_cancelled_runs_in_pasted_claims(text: str, numbers: list[int]) -> None:
    claims = parse_claims_text(text)
    assert [c.number for c in claims] == numbers
    cancelled = [c for c in claims if c.text.lower().strip("()") in ("canceled", "cancelled", "withdrawn")]
    assert cancelled and all(not c.depends_on for c in cancelled)


def test_brs_claims_with_a_cancelled_run() -> None:
    """EAST/WEST exports print one CLPR field per claim; a cancelled run is one field and stays out of claim 1."""
    fields = [
        ("CLPR", "1. A method of charging a phone."),
        ("CLPR", "2.-4. (canceled)"),
        ("CLPR", "5. The method of claim 1."),
    ]
    claims = brs_claims(BrsRecord(fields))
    assert [(c.number, c.text) for c in claims] == [
        (1, "A method of charging a phone."), (2, "(canceled)"), (3, "(canceled)"), (4, "(canceled)"),
        (5, "The method of claim 1."),
    ]  # fmt: skip
    assert claims[4].depends_on == [1]
