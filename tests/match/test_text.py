"""A need as text: content checks, parts for explanations, the phrasing dropped before searching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from novum.claims.scoring import terms
from novum.match import EmptyNeedError
from novum.match.text import MAX_PARTS, check_need, focus, need_parts


def test_empty_and_stop_word_needs() -> None:
    for text in ("", "   \n", "the of and", "!!! ... 42", "的 和"):
        with pytest.raises(EmptyNeedError):
            check_need(text)
    assert check_need("  coated   steel\nsheet ") == "coated steel sheet"


def test_parts_follow_sentences_and_long_clauses() -> None:
    need = ("We make coated steel sheet for car bodies. The coating cracks when the sheet is bent at low "
            "temperature, which customers reject, and the repainting line costs us a shift every week while the "
            "coating cures in a heated booth that uses too much gas.")  # fmt: skip
    parts = need_parts(need)
    assert parts[0] == "We make coated steel sheet for car bodies"
    assert len(parts) >= 3 and all(terms(p) for p in parts)
    assert need_parts("显示面板的栅线电阻过大。需要降低功耗；成本不能增加") == [
        "显示面板的栅线电阻过大",
        "需要降低功耗",
        "成本不能增加",
    ]


def test_focus_drops_the_phrasing_only() -> None:
    assert focus("We need a way to shut the engine off automatically") == "a to shut the engine off automatically"
    assert focus("我们需要降低显示面板的功耗") == "降低显示面板的功耗"
    assert focus("we need help") == "we need help"  # nothing else left: the text itself


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_parts_of_any_text(text: str) -> None:
    """Any text with content words gives 1..MAX_PARTS parts, each with content; other text is refused."""
    try:
        cleaned = check_need(text)
    except EmptyNeedError:
        assert not terms(" ".join(text.split()))
        return
    parts = need_parts(cleaned)
    assert 1 <= len(parts) <= MAX_PARTS
    assert all(terms(p) for p in parts) or parts == [cleaned]
