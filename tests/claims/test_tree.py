"""Claim trees from stored dependencies (US, EP in three languages, CN) and from pasted text."""

from __future__ import annotations

from typing import Any

import pytest

from novum.claims import ClaimNotFoundError, ClaimTextError
from novum.claims.tree import ClaimNode, build_tree, claim_language, claim_set, lineage, parse_claims_text
from novum.model import Patent


def shape(nodes: list[ClaimNode]) -> dict[int, Any]:
    return {n.claim.number: shape(n.children) for n in nodes}


def test_us_tree(us_patent: Patent) -> None:
    assert shape(build_tree(claim_set(us_patent))) == {1: {2: {7: {8: {9: {}}}}, 3: {4: {5: {6: {}}}}}}
    assert [c.number for c in lineage(claim_set(us_patent), 9)] == [1, 2, 7, 8, 9]


def test_ep_tree_uses_one_language(ep_patent: Patent) -> None:
    assert claim_language(ep_patent) == "en"
    english = claim_set(ep_patent)
    assert [c.number for c in english] == list(range(1, 13)) and {c.lang for c in english} == {"en"}
    tree = shape(build_tree(english))
    assert list(tree) == [1, 7]  # two independent claims: the assembly and the method
    assert tree[1] == {2: {}, 3: {}, 4: {}, 5: {6: {}}}
    assert [c.number for c in lineage(english, 12)] == [7, 8, 12]
    assert len(claim_set(ep_patent, "fr")) == 12


def test_cn_tree(cn_new: Patent) -> None:
    tree = shape(build_tree(claim_set(cn_new)))
    assert list(tree) == [1]
    assert set(tree[1]) == {2, 3, 4}
    assert [c.number for c in lineage(claim_set(cn_new), 11)] == [1, 4, 6, 7, 9, 10, 11]


def test_missing_claim_number_is_a_clear_error(us_patent: Patent) -> None:
    with pytest.raises(ClaimNotFoundError, match=r"no claim 42 \(claims: 1, 2"):
        lineage(claim_set(us_patent), 42)


def test_pasted_numbered_claims_one_per_line() -> None:
    claims = parse_claims_text(
        "1. A lamp comprising: a base; and a bulb.\n2. The lamp of claim 1, wherein the bulb is an LED.\n"
        "3. The lamp of claim 1 or 2, further comprising a shade."
    )
    assert [(c.number, c.depends_on) for c in claims] == [(1, []), (2, [1]), (3, [1, 2])]
    assert claims[1].text == "The lamp of claim 1, wherein the bulb is an LED."


def test_pasted_claims_run_together_and_chinese() -> None:
    claims = parse_claims_text("1. A lamp comprising a base. 2. The lamp of claim 1, wherein the base is round.")
    assert [(c.number, c.depends_on) for c in claims] == [(1, []), (2, [1])]
    chinese = parse_claims_text("1、一种灯，包括：灯座；以及灯泡。\n2、如权利要求1所述的灯，其中，所述灯泡为LED。")
    assert [(c.number, c.depends_on, c.lang) for c in chinese] == [(1, [], "zh"), (2, [1], "zh")]


def test_unnumbered_text_is_one_claim() -> None:
    assert [(c.number, c.text) for c in parse_claims_text("  A lamp comprising a base.\n")] == [
        (1, "A lamp comprising a base.")
    ]


@pytest.mark.parametrize("text", ["", "\n\t", "1. 2."])
def test_pasted_text_without_words_is_refused(text: str) -> None:
    with pytest.raises(ClaimTextError):
        parse_claims_text(text)
