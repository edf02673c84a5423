"""Tokens, sentences and paragraphs of stored text, as the verifier sees them."""

from __future__ import annotations

import re

from novum.index import lexical
from novum.model import Claim, Paragraph, Patent
from novum.search.query.proximity import DocText, english_key

SAMPLE = "The Computers' batteries, e.g. Li-ion cells (FIG. 3), are charged wirelessly; Über-fast 1.5 V!"


def test_english_analysis_is_the_index_analysis() -> None:
    words = re.findall(r"[^\W_]+", SAMPLE)
    ours = [k for k in (english_key(w) for w in words) if k]
    assert ours == lexical.english_analyzer().analyze(SAMPLE)


def test_sentences_and_paragraphs() -> None:
    patent = Patent(
        "XX",
        "1",
        claims=[Claim(1, "A pad, e.g. a mat, with a coil. The coil is copper; it heats."), Claim(2, "The pad.", [1])],
        description=[Paragraph("See FIG. 2 for the coil.", number="0012")],
        titles={"zh": "无线充电装置。包括线圈！"},
    )
    doc = DocText(patent)
    claims = doc.field("claims")
    by_word = {t.surface: (t.para, claims.sentence_in_para[t.sent]) for t in claims.tokens}
    assert by_word["mat"] == (0, 1)  # "e.g." does not end a sentence
    assert by_word["copper"] == (0, 2)
    assert by_word["heats"] == (0, 3)  # ";" does
    assert by_word["pad"] == (1, 1)  # the last "pad" is in claim 2
    assert doc.field("description").labels == ["[0012]"]
    assert [t.surface for t in doc.field("description").tokens][:3] == ["see", "fig", "2"]
    assert {t.sent for t in doc.field("description").tokens} == {0}  # "FIG." does not end a sentence
    title = doc.field("title")
    assert title.chinese and [(t.key, title.sentence_in_para[t.sent]) for t in title.tokens][:3] == [
        ("无线", 1),
        ("充电", 1),
        ("装置", 1),
    ]
    assert title.sentence_in_para[title.tokens[-2].sent] == 2  # 线圈 after 。
