"""The claim tree: independent claims with their dependants, from stored dependencies or from pasted text.

A publication can carry its claims in several languages under the same numbers (EP B1: en, de, fr), so a tree is
always built over one language's claim set. A dependent claim includes every limitation of the claims it refers
to, so charting claim 4 means charting claim 1's elements, then claim 3's, then claim 4's (``lineage``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from novum.claims import ClaimNotFoundError, ClaimTextError
from novum.claims.segment import SegmentedClaim, segment_claim
from novum.model import Claim, Patent
from novum.normalize.claimrefs import cancelled_range, referenced_claims
from novum.normalize.text import has_cjk

# "1. A method…" / "2、如权利要求1…" / "claim 3: The…" at a line start; "21.-25. (canceled)" starts a run of claims.
_CLAIM_START = re.compile(
    r"(?m)^[ \t]*(?:claims?[ \t]+)?(\d{1,3})(?:[ \t]*\.?[ \t]*[-–—][ \t]*(\d{1,3}))?[ \t]*[.．、):：][ \t]*(?=\S)",
    re.IGNORECASE,
)
# The same on one pasted line: "… surfaces. 2. The hand truck of claim 1 …"
_INLINE_START = re.compile(
    r"(?<=[.。;；)])\s+(\d{1,3})(?:\s*\.?\s*[-–—]\s*(\d{1,3}))?\s*[.．、]\s+"
    r"(?=[A-Z\u4e00-\u9fff“\"]|\((?i:canceled|cancelled|withdrawn|deleted)\))"
)


@dataclass(slots=True)
class ClaimNode:
    """A claim with the claims that depend on it (each dependant sits under the first claim it names)."""

    claim: Claim
    children: list[ClaimNode] = field(default_factory=list)

    def to_dict(self, segmented: dict[int, SegmentedClaim] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"number": self.claim.number, "depends_on": self.claim.depends_on,
                               "text": self.claim.text}  # fmt: skip
        if segmented and self.claim.number in segmented:
            out["segmented"] = segmented[self.claim.number].to_dict()
        out["dependants"] = [c.to_dict(segmented) for c in self.children]
        return out


def claim_language(patent: Patent, prefer: str = "en") -> str | None:
    """The language whose claim set to use: ``prefer`` when the claims carry it, else the document's language."""
    langs = [c.lang for c in patent.claims]
    if prefer in langs:
        return prefer
    if patent.language in langs:
        return patent.language
    return langs[0] if langs else None


def claim_set(patent: Patent, lang: str | None = None) -> list[Claim]:
    """One language's claims, in number order; claims without a language tag belong to every set."""
    chosen = lang or claim_language(patent)
    claims = [c for c in patent.claims if c.lang in (chosen, None)]
    return sorted(claims, key=lambda c: c.number)


def build_tree(claims: list[Claim]) -> list[ClaimNode]:
    """Independent claims at the roots; a claim whose parent is missing becomes a root rather than vanishing."""
    nodes = {c.number: ClaimNode(c) for c in claims}
    roots: list[ClaimNode] = []
    for claim in claims:
        parents = [n for n in claim.depends_on if n in nodes and n != claim.number]
        if parents:
            nodes[parents[0]].children.append(nodes[claim.number])
        else:
            roots.append(nodes[claim.number])
    return roots


def lineage(claims: list[Claim], number: int) -> list[Claim]:
    """The claim and its ancestors, root first (via the first claim each one names)."""
    by_number = {c.number: c for c in claims}
    if number not in by_number:
        available = ", ".join(str(n) for n in sorted(by_number)) or "none"
        raise ClaimNotFoundError(f"there is no claim {number} (claims: {available})")
    chain: list[Claim] = []
    seen: set[int] = set()
    current: Claim | None = by_number[number]
    while current is not None and current.number not in seen:
        chain.append(current)
        seen.add(current.number)
        parents = [n for n in current.depends_on if n in by_number]
        current = by_number[parents[0]] if parents else None
    return chain[::-1]


def segment_all(claims: list[Claim]) -> dict[int, SegmentedClaim]:
    """Every claim segmented; a claim whose text cannot be read is left out (the tree still lists it)."""
    out: dict[int, SegmentedClaim] = {}
    for claim in claims:
        try:
            out[claim.number] = segment_claim(claim.text, claim.number, claim.lang, claim.depends_on)
        except ClaimTextError:
            continue
    return out


def parse_claims_text(text: str) -> list[Claim]:
    """Claims pasted as text: numbered ("1. …", "2、…", one per line or run together) or a single unnumbered claim.

    Dependencies are read from the wording, as for stored documents without markup.
    """
    if text is None or not text.strip():
        raise ClaimTextError("the claim text is empty: paste a claim, e.g. '1. A device comprising: a housing; …'")
    body = text.strip()
    if not re.search(r"[^\W\d_]", body):
        raise ClaimTextError(f"no claim wording found in {body[:60]!r}: a claim needs words, not only numbers")
    lang = "zh" if has_cjk(body) else "en"
    starts = _numbered_starts(body, _CLAIM_START)
    if len(starts) <= 1:
        starts = _numbered_starts(body, _INLINE_START) or starts
    if not starts:
        return [Claim(1, " ".join(body.split()), [], lang)]
    claims: list[Claim] = []
    for index, (number, begin) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(body)
        chunk = " ".join(body[begin:end].split())
        cancelled = cancelled_range(chunk)
        if cancelled is not None:  # "21.-25. (canceled)": claims 21 to 25, each cancelled
            claims.extend(Claim(n, cancelled[1], [], lang) for n in cancelled[0])
            continue
        chunk = _CLAIM_START.sub("", chunk, count=1)
        if not chunk:
            raise ClaimTextError(f"claim {number} has no text")
        claims.append(Claim(number, chunk, referenced_claims(chunk, number), lang))
    return claims


def _numbered_starts(body: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """(number, offset) of claim starts, kept only when the numbers run 1, 2, 3… (else it is not a claim list)."""
    matches = list(pattern.finditer(body))
    found = [(int(m.group(1)), m.start()) for m in matches]
    # the last number each start covers: a cancelled run "21.-25." covers 21 to 25
    last = [int(m.group(2) or m.group(1)) for m in matches]
    if pattern is _INLINE_START:
        head = _CLAIM_START.match(body)
        if head is None or int(head.group(1)) != 1:
            return []
        found = [(1, 0), *found]
        last = [int(head.group(2) or 1), *last]
    if not found or found[0][1] > 0 and body[: found[0][1]].strip():
        return []
    if any(found[i + 1][0] != last[i] + 1 for i in range(len(found) - 1)):
        return []
    return found
