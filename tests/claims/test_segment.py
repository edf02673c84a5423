"""Segmentation pinned on real US, EP and CN claims: preamble, transition, elements, nesting, offsets."""

from __future__ import annotations

import pytest

from novum.claims import ClaimTextError
from novum.claims.segment import SegmentedClaim, segment_claim
from novum.claims.tree import claim_set
from novum.model import Patent


def seg(patent: Patent, number: int, lang: str | None = None) -> SegmentedClaim:
    claim = next(c for c in claim_set(patent, lang) if c.number == number)
    result = segment_claim(claim.text, claim.number, claim.lang, claim.depends_on)
    for element in result.flat():  # offsets always point at the element's own words
        assert result.text[element.start : element.end] == element.text
    assert result.text[result.preamble.start : result.preamble.end] == result.preamble.text
    return result


def test_us_claim_1_lettered_elements(us_patent: Patent) -> None:
    claim = seg(us_patent, 1)
    assert (claim.preamble.text, claim.transition and claim.transition.text) == ("A wheeled hand truck", "comprising")
    assert [e.marker for e in claim.elements] == ["(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)"]
    assert [e.id for e in claim.elements] == ["1a", "1b", "1c", "1d", "1e", "1f", "1g"]
    assert claim.elements[0].text == "a footplate having front and rear ends"
    assert claim.elements[6].text.startswith("a right front socket opening at the foot plate")
    assert claim.elements[6].text.endswith("the right front socket being fitted for receiving the right stop")
    assert not claim.warnings


def test_us_dependent_claims(us_patent: Patent) -> None:
    two = seg(us_patent, 2)
    assert two.preamble.text == "The wheeled hand truck of claim 1"
    assert two.transition is not None and two.transition.text == "further comprising"
    assert [e.text[:22] for e in two.elements] == ["a “U” handle having le"]
    nine = seg(us_patent, 9)
    assert nine.transition is not None and nine.transition.text == "wherein"
    assert [(e.id, e.kind) for e in nine.elements] == [("9a", "element"), ("9b", "wherein")]
    assert nine.elements[0].text == "the foot plate has upper and lower surfaces"


def test_ep_claim_1_nested_lists_and_characterizing_part(ep_patent: Patent) -> None:
    claim = seg(ep_patent, 1, "en")
    assert claim.preamble.text == "A high voltage assembly (2)"
    assert [(e.id, e.kind) for e in claim.flat()] == [
        ("1a", "element"), ("1b", "element"), ("1c", "element"), ("1d", "element"), ("1d.1", "element"),
        ("1d.2", "element"), ("1e", "wherein"), ("1f", "characterizing"), ("1f.1", "element"),
    ]  # fmt: skip
    pipes = claim.elements[3]
    assert pipes.text == "a pipe arrangement (16) comprising"
    assert pipes.children[0].text.startswith("a first pipe section (18) connecting the interior")
    assert pipes.children[0].marker == "-"
    assert claim.elements[4].text.startswith("wherein in a normal operating state (N)")
    assert claim.elements[5].text == "characterized in that the pipe arrangement (16) further comprises"
    assert claim.elements[5].children[0].text.startswith("a third pipe section (30)")


def test_ep_method_claim_and_german_text(ep_patent: Patent) -> None:
    seven = seg(ep_patent, 7, "en")
    assert seven.transition is not None and seven.transition.text == "comprises"
    kinds = {e.id: e.kind for e in seven.flat()}
    assert kinds["7e"] == "wherein" and kinds["7f"] == "characterizing"
    assert [c.id for c in seven.elements[4].children] == ["7e.1", "7e.2"]
    german = seg(ep_patent, 1, "de")
    assert german.transition is not None and german.transition.text == "umfassend"
    assert any(e.kind == "characterizing" and e.text.startswith("dadurch gekennzeichnet") for e in german.flat())


def test_cn_old_characterizing_process_claim(cn_old: Patent) -> None:
    claim = seg(cn_old, 1)
    assert claim.preamble.text == "一种甘草发酵所得烟用香料"
    assert claim.transition is not None and claim.transition.text == "其特征在于"
    assert [e.text for e in claim.elements] == [
        "将甘草片或甘草粉与水按1:5～1:50的质量比配制成发酵培养基",
        "高压灭菌后按1％的质量比接种长孢洛德酵母CGMCC6645",
        "发酵培养2天后对发酵液进行过滤浓缩",
        "即得所需烟用香料",
    ]
    dependent = seg(cn_old, 2)
    assert dependent.preamble.text == "根据权利要求1所述的甘草发酵所得烟用香料"
    assert [e.text for e in dependent.elements] == ["所述的甘草物料与水的质量比优选为1:20"]


def test_cn_new_nested_list_and_wherein_clauses(cn_new: Patent) -> None:
    claim = seg(cn_new, 1)
    assert (claim.preamble.text, claim.transition and claim.transition.text) == ("显示设备", "包括")
    panel = claim.elements[0]
    assert panel.text == "显示面板，所述显示面板包括"
    assert [c.text.split("，")[0] for c in panel.children] == ["多个像素", "多条栅线", "多条数据线"]
    assert claim.elements[1].kind == "wherein" and claim.elements[1].text.startswith("其中，k个像素位于")
    two = seg(cn_new, 2)
    assert (two.preamble.text, two.transition and two.transition.text) == ("如权利要求1所述的显示设备", "其中")
    assert [e.text for e in two.elements] == ["所述k个像素位于所述第m行中"]


@pytest.mark.parametrize("text", ["", "   \n", "12.", "1. 2. 3."])
def test_empty_or_wordless_claims_are_refused(text: str) -> None:
    with pytest.raises(ClaimTextError, match="empty|no claim wording"):
        segment_claim(text)


def test_claim_without_transition_is_one_element_with_a_warning() -> None:
    claim = segment_claim("A bicycle bell.")
    assert [e.text for e in claim.elements] == ["A bicycle bell"]
    assert claim.warnings and "no transition" in claim.warnings[0]


def test_pasted_claim_with_number_and_nested_colon_list() -> None:
    claim = segment_claim(
        "1. A system comprising: a processor; a memory storing instructions that cause the processor to: "
        "receive a request; and send a reply; and a display, wherein the display is touch-sensitive."
    )
    assert claim.number == 1 and claim.preamble.text == "A system"
    assert [(e.id, e.text) for e in claim.flat()] == [
        ("1a", "a processor"),
        ("1b", "a memory storing instructions that cause the processor to"),
        ("1b.1", "receive a request"),
        ("1b.2", "send a reply"),
        ("1c", "a display"),
        ("1d", "wherein the display is touch-sensitive"),
    ]
