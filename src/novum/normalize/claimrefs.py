"""Which earlier claims a claim refers to, read from its text in English, German, French, Chinese or Japanese.

Offices rarely mark dependencies up (USPTO's ``<claim-ref>`` is the exception), so the claim tree is rebuilt from
the wording: "the method of claim 1", "any one of claims 1 to 3", "根据权利要求1或2所述的", "Anspruch 1 bis 3".
"""

from __future__ import annotations

import re
import unicodedata

_ANCHOR = r"(?:claims?|anspr(?:u|ü)che?n?s?|revendications?|权利要求|權利要求|请求项|請求項)"
_NUM = r"\d{1,4}"
_JA_OR = r"又は|または|若しくは|もしくは|或いは|あるいは|及び|および|並びに|ならびに"
_JA_TO = r"乃至|ないし|〜|から"
_CONNECTOR = (
    rf"(?:,|、|，|and/or|or|and|to|through|-|–|—|~|～|至|到|或|和|及|与|bis|und|oder|à|a|ou|et|{_JA_OR}|{_JA_TO})"
)
# Connectors may follow each other: the serial comma of "claims 1, 2, and 3" is "," then "and".
_LIST = re.compile(
    rf"{_ANCHOR}\s*(?:no\.?\s*|nos\.?\s*|第)?"
    rf"(?P<list>{_NUM}(?:(?:\s*{_CONNECTOR})+\s*(?:{_ANCHOR}\s*)?{_NUM})*)",
    re.IGNORECASE,
)
_RANGE = {"to", "through", "-", "–", "—", "~", "～", "至", "到", "bis", "à", "a", *_JA_TO.split("|")}
_TOKEN = re.compile(rf"{_NUM}|{_CONNECTOR}", re.IGNORECASE)
_ALL_PRECEDING = re.compile(
    r"(?:any|one)\s+(?:one\s+)?of\s+the\s+(?:preceding|previous|foregoing|above)\s+claims"
    r"|any\s+(?:preceding|previous|foregoing)\s+claim"
    r"|the\s+(?:preceding|previous|foregoing|above)\s+claims"  # "according to the preceding claims": all of them
    r"|(?:einem|einer)\s+der\s+(?:vorhergehenden|vorangegangenen|vorangehenden|voranstehenden|vorstehenden)"
    r"\s+Anspr(?:u|ü)che"
    r"|des\s+revendications\s+pr[ée]c[ée]dentes"
    r"|前述(?:任一|任意一)项?权利要求|上述(?:任一|任意一)项?权利要求",
    re.IGNORECASE,
)
# "as claimed in the preceding claim" (singular): the claim just before this one.
_PREVIOUS = re.compile(r"\bthe\s+(?:preceding|previous|foregoing|above)\s+claim\b(?!s)", re.IGNORECASE)
_MAX_RANGE = 500  # a range wider than this is a misreading, not a claim set


def referenced_claims(text: str, own_number: int | None = None) -> list[int]:
    """Sorted claim numbers the text refers to; with ``own_number``, only earlier claims count."""
    text = unicodedata.normalize("NFKC", text)
    found: set[int] = set()
    for match in _LIST.finditer(text):
        found.update(_expand(match["list"]))
    if own_number is not None and _ALL_PRECEDING.search(text):
        found.update(range(1, own_number))
    elif own_number is not None and own_number > 1 and _PREVIOUS.search(text):
        found.add(own_number - 1)
    if own_number is not None:
        found = {n for n in found if 0 < n < own_number}
    return sorted(n for n in found if n > 0)


def _expand(listing: str) -> set[int]:
    numbers: set[int] = set()
    previous: int | None = None
    pending_range = False
    for token in _TOKEN.findall(listing):
        if token.isdigit():
            value = int(token)
            if pending_range and previous is not None and 0 < value - previous <= _MAX_RANGE:
                numbers.update(range(previous, value + 1))
            numbers.add(value)
            previous, pending_range = value, False
        else:
            pending_range = token.lower() in _RANGE
    return numbers


# "21.-25. (canceled)", "1-18. (Cancelled)", "Claims 3 to 7 (withdrawn)": one line standing for a run of claims.
_CANCELLED_RANGE = re.compile(
    r"^\s*(?:claims?\s+)?(?P<first>\d{1,4})\s*\.?\s*(?:-|–|—|to|through)\s*(?P<last>\d{1,4})\s*[.:)]?\s*"
    r"(?P<wording>\(?\s*(?:canceled|cancelled|withdrawn|deleted)\s*\)?)\.?\s*$",
    re.IGNORECASE,
)


def cancelled_range(text: str) -> tuple[list[int], str] | None:
    """The claim numbers a cancelled range stands for and the wording each keeps ("(canceled)"), else ``None``.

    US amended publications print withdrawn claims as one line; each number is still a claim of the document, so
    the claims after it keep their numbers and a tree shows 1-18 as cancelled rather than missing.
    """
    match = _CANCELLED_RANGE.match(unicodedata.normalize("NFKC", text or ""))
    if not match:
        return None
    first, last = int(match["first"]), int(match["last"])
    if not 0 < first <= last or last - first > _MAX_RANGE:
        return None
    return list(range(first, last + 1)), " ".join(match["wording"].split()).replace("( ", "(").replace(" )", ")")
