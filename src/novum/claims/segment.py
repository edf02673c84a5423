"""A claim cut into preamble, transition and elements, with character offsets into the claim text.

Charts are built element by element, so the elements have to be the ones an examiner would list: the items of the
"comprising:" list (``(a)``, ``-`` or bare, separated by semicolons), nested lists under an item that ends in
"comprising:", "wherein" clauses after the last item, and the characterising part of an EP two-part claim
("characterized in that", "其特征在于"). Offsets let every element be highlighted in the original wording.
The rules are textual heuristics over the flattened claim text that every format yields; they are pinned on real
US, EP and CN claims in ``tests/claims``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from novum.claims import ClaimTextError
from novum.normalize.text import has_cjk

_STRONG_EN = (
    r"the improvement comprising|further compris(?:ing|es)|compris(?:ing|es|e)|consisting essentially of"
    r"|consist(?:ing|s) of|includ(?:ing|es)|characteri[sz]ed (?:in that|by)|umfassend|umfasst|enthaltend"
    r"|dadurch gekennzeichnet,? dass|comprenant|comprend|caract[ée]ris[ée]e? en ce que"
)
_WEAK_EN = r"wherein|whereby|in which|having|containing|wobei|dans lequel|dans laquelle"
_STRONG_ZH = r"其特征在于|其特征是|包括有|包括|包含有|包含"
_WEAK_ZH = r"具体为|具体包括|其中"
_STRONG = re.compile(rf"\b(?:{_STRONG_EN})\b|{_STRONG_ZH}", re.IGNORECASE)
_ANY = re.compile(rf"\b(?:{_STRONG_EN}|{_WEAK_EN})\b|{_STRONG_ZH}|{_WEAK_ZH}", re.IGNORECASE)
_CLAIM_REF = re.compile(
    r"(?:\bclaims?|\banspr\w*|\brevendications?|权利要求|請求項|请求项)\s*\d+(?:\s*(?:,|、|，|or|and|to|-|–|或|至|和|oder|bis|ou|à)"
    r"\s*\d+)*(?:\s*所述的?)?|(?:any|one)\s+(?:one\s+)?of\s+the\s+(?:preceding|previous|foregoing)\s+claims"
    r"|any\s+(?:preceding|previous)\s+claim",
    re.IGNORECASE,
)
_CHARACTERIZING = re.compile(
    r"\bcharacteri[sz]ed\s+(?:in\s+that|by)\b|其特征在于|其特征是|\bdadurch\s+gekennzeichnet|\bcaract[ée]ris[ée]e?\s+en",
    re.IGNORECASE,
)
# A "wherein" clause after a comma; split off only in the last item of a list, where it qualifies the whole claim.
_SOFT_WHEREIN = re.compile(r"[,，]\s*(?:and\s+|以及|并且)?(?=\b(?:wherein|whereby)\b|其中)", re.IGNORECASE)
_NUMBER_PREFIX = re.compile(r"\s*(?:claim\s+)?(\d{1,3})\s*[.．、)]\s*", re.IGNORECASE)
_LEAD = re.compile(
    r"(?:\s+|(?:and/or|and|or|以及|并且)(?=\s|[-–—•(]|[\u4e00-\u9fff])\s*|[-–—•·]\s*|\((?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2})\)\s*"
    r"|(?:[a-z]|[ivx]{1,5}|\d{1,2})\)\s+)",
    re.IGNORECASE,
)
_LAST_MARK = re.compile(r"(?:and/or|and|or)\b|以及|并且", re.IGNORECASE)
_TRAIL = " \t\n,，;；:：.。"
_COMMA_SPLIT_MIN = 50  # a Chinese process claim with no "；" is cut at its commas when its body is at least this long
_REF_WINDOW = 80  # a dependent claim's transition must follow its claim reference within this many characters


@dataclass(slots=True)
class Span:
    """A piece of the claim text and where it sits (``text == claim[start:end]``)."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(slots=True)
class Element:
    """One limitation. ``kind`` is ``element``, ``wherein`` or ``characterizing``; ``children`` a nested list."""

    id: str
    text: str
    start: int
    end: int
    kind: str = "element"
    marker: str | None = None
    children: list[Element] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "text": self.text, "start": self.start,
                               "end": self.end}  # fmt: skip
        if self.marker:
            out["marker"] = self.marker
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out


@dataclass(slots=True)
class SegmentedClaim:
    """A claim as preamble + transition + elements; ``warnings`` say where the wording defeated the rules."""

    number: int
    text: str
    lang: str
    preamble: Span
    transition: Span | None
    elements: list[Element]
    depends_on: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def independent(self) -> bool:
        return not self.depends_on

    def flat(self) -> list[Element]:
        """Every element in reading order, nested ones right after their parent."""
        return list(_walk(self.elements))

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "lang": self.lang,
            "depends_on": self.depends_on,
            "text": self.text,
            "preamble": self.preamble.to_dict(),
            "transition": self.transition.to_dict() if self.transition else None,
            "elements": [e.to_dict() for e in self.elements],
            "warnings": self.warnings,
        }


def _walk(elements: list[Element]) -> Iterator[Element]:
    for element in elements:
        yield element
        yield from _walk(element.children)


@dataclass(slots=True)
class _Piece:
    start: int
    end: int
    opens: bool = False  # ended with a list colon: the following pieces are its children
    kind: str = "element"


def segment_claim(
    text: str, number: int | None = None, lang: str | None = None, depends_on: list[int] | None = None
) -> SegmentedClaim:
    """Cut one claim's text into preamble, transition and (nested) elements; ``ClaimTextError`` if it has no words."""
    if text is None or not text.strip():
        raise ClaimTextError("the claim text is empty")
    if not re.search(r"[^\W\d_]", text):
        raise ClaimTextError(f"no claim wording found in {text.strip()[:60]!r}: a claim needs words, not only numbers")
    lang = lang or ("zh" if has_cjk(text) else "en")
    start = 0
    prefix = _NUMBER_PREFIX.match(text)
    if prefix and re.search(r"[^\W\d_]", text[prefix.end() :]):
        start = prefix.end()
        number = number if number is not None else int(prefix.group(1))
    end = len(text.rstrip(_TRAIL))
    while start < end and text[start].isspace():
        start += 1
    warnings: list[str] = []
    transition = _find_transition(text, start, end, bool(depends_on))
    if transition is None:
        preamble = Span("", start, start)
        body_start = start
        warnings.append(
            "no transition phrase (comprising, consisting of, wherein, 包括, 其特征在于…) found: "
            "the whole claim is read as its elements"
        )
    else:
        pre_end = start + len(text[start : transition.start].rstrip(_TRAIL))
        preamble = Span(text[start:pre_end], start, pre_end)
        body_start = transition.end
        while body_start < end and text[body_start] in " \t\n:：,，":
            body_start += 1
    pieces = _pieces(text, body_start, end)
    chinese_process = (
        lang.startswith("zh") and transition is not None and _STRONG.fullmatch(transition.text) is not None
        and "；" not in text[body_start:end]
    )  # fmt: skip
    if chinese_process and len(pieces) == 1 and not pieces[0].opens and end - body_start >= _COMMA_SPLIT_MIN:
        pieces = _split_commas(text, pieces[0])
    elements = _build(text, pieces, number or 1)
    if not elements:
        raise ClaimTextError(f"claim {number or 1} has a preamble but no elements: {text.strip()[:80]!r}")
    return SegmentedClaim(number or 1, text, lang, preamble, transition, elements, list(depends_on or []), warnings)


def _find_transition(text: str, start: int, end: int, dependent: bool) -> Span | None:
    """The phrase between preamble and body: after the claim reference for a dependent claim, else the first
    "comprising"-like phrase that opens a list with a colon, else the first such phrase, else "wherein"-like."""
    body = text[:end]
    reference = _CLAIM_REF.search(body, start)
    if reference is not None and (dependent or reference.start() - start < 80):
        after = _ANY.search(body, reference.end())
        if after is not None and after.start() - reference.end() <= _REF_WINDOW:
            return Span(after.group(0), after.start(), after.end())
    strong = list(_STRONG.finditer(body, start))
    for match in strong:
        if re.match(r"\s*[:：]", body[match.end() :]):
            return Span(match.group(0), match.start(), match.end())
    if strong:
        return Span(strong[0].group(0), strong[0].start(), strong[0].end())
    weak = _ANY.search(body, start)
    return Span(weak.group(0), weak.start(), weak.end()) if weak else None


def _pieces(text: str, start: int, end: int) -> list[_Piece]:
    """Cut the body at top-level semicolons and list colons, and before a characterising clause."""
    cuts: list[tuple[int, int, str]] = []  # (cut start, next piece start, reason)
    depth = 0
    for i in range(start, end):
        ch = text[i]
        if ch in "([{（【":
            depth += 1
        elif ch in ")]}）】":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ";；":
            cuts.append((i, i + 1, ";"))
        elif depth == 0 and ch in ":：" and not _between_digits(text, i):
            cuts.append((i, i + 1, ":"))
    for match in _CHARACTERIZING.finditer(text, start, end):
        cuts.append((match.start(), match.start(), "characterizing"))
    cuts.sort()
    pieces: list[_Piece] = []
    cursor, kind = start, "element"
    for cut_at, resume, reason in cuts:
        if cut_at < cursor:
            continue
        pieces.append(_Piece(cursor, cut_at, opens=reason == ":", kind=kind))
        cursor, kind = resume, "characterizing" if reason == "characterizing" else "element"
    pieces.append(_Piece(cursor, end, kind=kind))
    pieces = [p for p in pieces if text[p.start : p.end].strip(_TRAIL + "-–—")]
    return _split_soft_wherein(text, pieces)


def _between_digits(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def _split_soft_wherein(text: str, pieces: list[_Piece]) -> list[_Piece]:
    """Split ", wherein …" off the last item of a list (marked "and …", or the last piece before a new part)."""
    out: list[_Piece] = []
    for index, piece in enumerate(pieces):
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        last = following is None or following.kind == "characterizing" or _is_last_item(text, piece)
        if not last:
            out.append(piece)
            continue
        cursor = piece.start
        for match in _SOFT_WHEREIN.finditer(text, piece.start, piece.end):
            if text[cursor : match.start()].strip(_TRAIL):
                out.append(_Piece(cursor, match.start(), kind=piece.kind if cursor == piece.start else "wherein"))
            cursor = match.end()
        kind = piece.kind if cursor == piece.start else "wherein"
        out.append(_Piece(cursor, piece.end, opens=piece.opens, kind=kind))
    return out


def _is_last_item(text: str, piece: _Piece) -> bool:
    return _LAST_MARK.match(text, _skip_space(text, piece.start)) is not None


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _split_commas(text: str, piece: _Piece) -> list[_Piece]:
    """A Chinese process claim's steps, one per top-level "，"."""
    out: list[_Piece] = []
    cursor = piece.start
    for i in range(piece.start, piece.end):
        if text[i] == "，":
            out.append(_Piece(cursor, i, kind=piece.kind))
            cursor = i + 1
    out.append(_Piece(cursor, piece.end, kind=piece.kind))
    return [p for p in out if text[p.start : p.end].strip(_TRAIL)]


def _build(text: str, pieces: list[_Piece], number: int) -> list[Element]:
    """Nest the pieces: an item ending in a list colon takes the following items until one marked "and …"."""
    root: list[Element] = []
    stack: list[list[Element]] = [root]
    for piece in pieces:
        start, marker, last = _clean_start(text, piece.start, piece.end)
        end = start + len(text[start : piece.end].rstrip(_TRAIL))
        if end <= start:
            continue
        kind = piece.kind
        if kind == "element" and re.match(r"(?:wherein|whereby|其中)", text[start:end], re.IGNORECASE):
            kind = "wherein"
        if kind != "element":
            del stack[1:]  # a wherein clause or the characterising part qualifies the whole claim
        siblings = stack[-1]
        parent_id = _parent_id(root, stack)
        element_id = f"{parent_id}.{len(siblings) + 1}" if parent_id else f"{number}{_letters(len(siblings))}"
        element = Element(element_id, text[start:end], start, end, kind, marker)
        siblings.append(element)
        if piece.opens:
            stack.append(element.children)
        elif last and len(stack) > 1:
            stack.pop()
    return root


def _parent_id(root: list[Element], stack: list[list[Element]]) -> str | None:
    if len(stack) == 1:
        return None
    parent_list = stack[-2]
    return parent_list[-1].id


def _clean_start(text: str, start: int, end: int) -> tuple[int, str | None, bool]:
    """Skip leading "and", list markers ("(a)", "-", "ii)") and spaces; return the marker and whether "and" led."""
    marker: str | None = None
    last = False
    while start < end:
        match = _LEAD.match(text, start, end)
        if match is None or match.end() == start:
            break
        token = match.group(0).strip()
        if _LAST_MARK.fullmatch(token):
            last = True
        elif token and marker is None:
            marker = token
        start = match.end()
    return start, marker, last


def _letters(index: int) -> str:
    """0 → a, 25 → z, 26 → aa: element labels as examiners write them."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters
