"""Exact proximity on the stored text: tokens, word positions, sentences and paragraphs of a record's fields.

The index knows word positions but not sentences or paragraphs, and tantivy's slop is not USPTO's ADJn, so every
proximity clause is verified here on the candidates tantivy returns. Tokens are cut exactly as the index cuts
them (English: tantivy's own analyzer, word by word, positions counting stop words; Chinese: rjieba words,
punctuation included), so a position here is the position tantivy indexed. Paragraphs are the record's own
units: each description paragraph, each claim, each abstract, each title, each party. Sentences end at
``. ; ! ?`` followed by a space or the end (English, not after ``FIG.``/``e.g.``...) and after ``。；！？;!?``.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import rjieba
import tantivy

from novum.index.lexical import english_analyzer
from novum.model import Patent
from novum.normalize.text import has_cjk
from novum.search.query.ast import Prox

_WORD = re.compile(r"[^\W_]+")
_EN_BOUNDARY = re.compile(r"[.;!?](?=\s|$)")
_ABBREVIATIONS = frozenset({"fig", "figs", "e.g", "i.e", "no", "nos", "vs", "approx", "ref", "eq", "u.s", "et al"})
_ZH_BOUNDARY = frozenset({"。", "；", "！", "？", ";", "!", "?"})
_MAX_PAIRS = 10_000  # per clause and field: enough to prove a match and explain it


_EN = english_analyzer()  # the index's own chain, so verified words are indexed words
_FOLD = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.ascii_fold())
    .build()
)


@lru_cache(maxsize=200_000)
def english_key(word: str) -> str:
    """The index term of one word (its stem), or "" for a stop word or an over-long word."""
    keys = _EN.analyze(word)
    return keys[0] if keys else ""


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """A word lower-cased and ASCII-folded, as wildcards are matched (before stemming)."""
    parts = _FOLD.analyze(word)
    return parts[0] if len(parts) == 1 else word.lower()


def english_words(text: str) -> list[tuple[int, str]]:
    """(position, surface word) of the words of a query phrase, positions counting stop words."""
    return [(i, m.group(0)) for i, m in enumerate(_WORD.finditer(text))]


def chinese_words(text: str) -> list[str]:
    """Words of text as the Chinese fields index them: rjieba cut, lower-cased, blanks dropped."""
    return [t.lower() for t in rjieba.cut(text) if t.strip()]


@dataclass(slots=True)
class Tok:
    key: str  # the index term ("" for a stop word)
    surface: str  # folded surface word, for wildcards
    para: int  # paragraph index in the field
    sent: int  # sentence index in the field (global)
    start: int  # character offsets in the paragraph text
    end: int


@dataclass(slots=True)
class FieldText:
    """One field of one record, tokenised: ``tokens[i]`` is at word position ``i``."""

    name: str
    chinese: bool
    paragraphs: list[str]
    labels: list[str]  # "claim 3", "[0012]", "" ...
    tokens: list[Tok] = field(default_factory=list)
    sentence_in_para: list[int] = field(default_factory=list)  # global sentence → 1-based index in its paragraph
    by_key: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def paragraphs(patent: Patent, name: str) -> tuple[list[str], list[str]]:
    """The units of a field with their labels, in the order ``document_texts`` joins them."""
    if name == "title":
        texts = list(patent.titles.values())
        return texts, [""] * len(texts)
    if name == "abstract":
        texts = list(patent.abstracts.values())
        return texts, [""] * len(texts)
    if name in ("claims", "independent_claims"):
        claims = [c for c in patent.claims if name == "claims" or c.independent]
        return [c.text for c in claims], [f"claim {c.number}" for c in claims]
    if name == "description":
        paras = patent.description
        return [p.text for p in paras], [f"[{p.number}]" if p.number else f"¶{i}" for i, p in enumerate(paras, 1)]
    if name == "applicant":
        names = list(dict.fromkeys(p.name for p in (*patent.applicants, *patent.assignees)))
        return names, [""] * len(names)
    if name == "inventor":
        names = [p.name for p in patent.inventors]
        return names, [""] * len(names)
    raise ValueError(f"not a text field: {name}")


def analyse_field(patent: Patent, name: str) -> FieldText:
    texts, labels = paragraphs(patent, name)
    chinese = any(has_cjk(t) for t in texts)
    ft = FieldText(name, chinese, texts, labels)
    sentence = -1
    for p, text in enumerate(texts):
        sentence += 1
        local = 1
        ft.sentence_in_para.append(local)
        if chinese:
            for word, start, end in rjieba.tokenize(text):
                if not word.strip():
                    continue
                ft.by_key[word.lower()].append(len(ft.tokens))
                ft.tokens.append(Tok(word.lower(), word.lower(), p, sentence, start, end))
                if word in _ZH_BOUNDARY:
                    sentence += 1
                    local += 1
                    ft.sentence_in_para.append(local)
            continue
        ends = [m.start() for m in _EN_BOUNDARY.finditer(text) if not _abbreviation(text, m.start())]
        for match in _WORD.finditer(text):
            word = match.group(0)
            key = english_key(word)
            index = bisect.bisect_left(ends, match.start())
            while local - 1 < index:
                sentence += 1
                local += 1
                ft.sentence_in_para.append(local)
            if key:
                ft.by_key[key].append(len(ft.tokens))
            ft.tokens.append(Tok(key, fold(word), p, sentence, match.start(), match.end()))
    return ft


def _abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    head = text[max(0, dot - 6) : dot].lower()
    word = re.split(r"[\s(]", head)[-1]
    return word in _ABBREVIATIONS or len(word) == 1


class DocText:
    """A record's fields, tokenised on first use (most queries touch a few fields of a few records)."""

    def __init__(self, patent: Patent) -> None:
        self.patent = patent
        self._fields: dict[str, FieldText] = {}

    def field(self, name: str) -> FieldText:
        ft = self._fields.get(name)
        if ft is None:
            ft = self._fields[name] = analyse_field(self.patent, name)
        return ft


# --- patterns and occurrences -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Step:
    """One word of a pattern: its offset in the phrase, the index terms it accepts, and for wildcards that are
    checked on the unstemmed word, the surface pattern."""

    offset: int
    keys: frozenset[str]
    surface: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Pattern:
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Occ:
    """Where a clause matched in a field: first and last word position, and the positions of its words."""

    start: int
    end: int
    positions: tuple[int, ...]


def pattern_occurrences(pattern: Pattern, ft: FieldText) -> list[Occ]:
    first = pattern.steps[0]
    starts: set[int] = set()
    for key in first.keys:
        starts.update(ft.by_key.get(key, ()))
    out: list[Occ] = []
    tokens = ft.tokens
    for begin in sorted(starts):
        anchor = begin - first.offset
        positions: list[int] = []
        for step in pattern.steps:
            at = anchor + step.offset
            if at < 0 or at >= len(tokens):
                break
            tok = tokens[at]
            if tok.key not in step.keys or (step.surface is not None and not step.surface.fullmatch(tok.surface)):
                break
            positions.append(at)
        else:
            out.append(Occ(positions[0], positions[-1], tuple(positions)))
    return out


def pair(node: Prox, left: list[Occ], right: list[Occ], ft: FieldText) -> list[Occ]:
    """Occurrences of ``left`` and ``right`` in the relation ``node`` asks for, merged; for a negated operator,
    the occurrences of ``left`` that have no such partner."""
    if not left or (not right and not node.negated):
        return [] if not node.negated else left
    partners = _unit_partners if node.unit != "word" else _word_partners
    out: list[Occ] = []
    right_sorted = sorted(right, key=lambda o: o.start)
    index = _unit_index(node, right_sorted, ft) if node.unit != "word" else None
    for occ in left:
        found = partners(node, occ, right_sorted, ft, index)
        if node.negated:
            if not found:
                out.append(occ)
            continue
        for other in found:
            out.append(Occ(min(occ.start, other.start), max(occ.end, other.end),
                           tuple(sorted({*occ.positions, *other.positions}))))  # fmt: skip
            if len(out) >= _MAX_PAIRS:
                return out
    return out


def _word_partners(node: Prox, occ: Occ, right: list[Occ], ft: FieldText, index: object) -> list[Occ]:
    d = node.distance
    starts = [o.start for o in right]
    lo = bisect.bisect_left(starts, occ.start - d - 64)  # right occurrences are at most a phrase long
    hi = bisect.bisect_right(starts, occ.end + d)
    found: list[Occ] = []
    for other in right[lo:hi]:
        if set(other.positions) & set(occ.positions):
            continue
        after = other.start - occ.end
        before = occ.start - other.end
        if 1 <= after <= d or (not node.ordered and 1 <= before <= d):
            found.append(other)
    return found


def _unit(node: Prox, occ: Occ, ft: FieldText) -> int | None:
    first, last = ft.tokens[occ.start], ft.tokens[occ.end]
    if node.unit == "sentence":
        return first.sent if first.sent == last.sent else None
    return first.para if first.para == last.para else None


def _unit_index(node: Prox, right: list[Occ], ft: FieldText) -> dict[int, list[Occ]]:
    grouped: dict[int, list[Occ]] = defaultdict(list)
    for occ in right:
        unit = _unit(node, occ, ft)
        if unit is not None:
            grouped[unit].append(occ)
    return grouped


def _unit_partners(node: Prox, occ: Occ, right: list[Occ], ft: FieldText, index: object) -> list[Occ]:
    assert isinstance(index, dict)
    unit = _unit(node, occ, ft)
    if unit is None:
        return []
    return [o for o in index.get(unit, ()) if not set(o.positions) & set(occ.positions)]


def locate(ft: FieldText, occ: Occ) -> tuple[int, int]:
    """(paragraph, sentence-in-paragraph), both 1-based, where an occurrence starts."""
    tok = ft.tokens[occ.start]
    return tok.para + 1, ft.sentence_in_para[tok.sent]


def snippet(ft: FieldText, occ: Occ, width: int = 60) -> str:
    """The paragraph text around an occurrence, its words in ``**bold**``; far-apart words get windows of their
    own joined by ``…``."""
    para = ft.tokens[occ.start].para
    text = ft.paragraphs[para]
    spans: list[tuple[int, int]] = []
    found = {(ft.tokens[p].start, ft.tokens[p].end) for p in occ.positions if ft.tokens[p].para == para}
    for start, end in sorted(found):
        if spans and start <= spans[-1][1]:  # adjacent Chinese words are one highlight
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    windows: list[list[tuple[int, int]]] = []
    for span in spans:
        if windows and span[0] - windows[-1][-1][1] <= 2 * width:
            windows[-1].append(span)
        else:
            windows.append([span])
    out: list[str] = []
    for window in windows:
        lo = max(0, window[0][0] - width)
        hi = min(len(text), window[-1][1] + width)
        piece = ["…" if lo > 0 else ""]
        cursor = lo
        for start, end in window:
            piece.extend((text[cursor:start], "**", text[start:end], "**"))
            cursor = end
        piece.extend((text[cursor:hi], "…" if hi < len(text) else ""))
        out.append("".join(piece))
    return " ".join(out).replace("\n", " ").replace("… …", "…")
