"""A constructed, reproducible judged set for matching, built from real data (no person judged it).

* Needs from class titles: for a CPC (or IPC) group present in a corpus, the need is the group's title with the
  titles of its parents down from the main group ("Arrangements for program control; using stored programs;
  multiprogramming arrangements"), and the relevant documents are the corpus documents classified in the group
  or below it. Groups with ``MIN_RELEVANT`` to ``MAX_RELEVANT`` documents are eligible; ``NEEDS`` of them are
  chosen by the SHA-1 of their symbol, and split once into tuning and held-out halves by the parity of that hash.
* Firms from held-out patents: every applicant with at least ``MIN_PORTFOLIO`` patents gives one topic, its
  patent with the smallest SHA-1 of the number; the topic's text is that patent's title, abstract and first
  independent claim; the patent and its family are removed from the candidates, and the one relevant answer is
  the applicant (grouped by ``firm_key``), to be ranked among every other applicant.

Class titles are short, generic and written by classifiers, not firms: figures on them say how well a system
finds a field from a description of it, which is what a need does, but they are not user judgements.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from novum.match.engine import patent_text
from novum.match.firms import firm_key, owners
from novum.model import Patent

MIN_RELEVANT = 5
MAX_RELEVANT = 60
NEEDS = 200
MIN_PORTFOLIO = 5
_BRACES = re.compile(r"[{}]")
_REFERENCE = re.compile(r"\s*\((?:[^()]*?[A-H]\d{2}[A-Z][^()]*?|[^()]*?takes precedence[^()]*?)\)")
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class ClassTitle:
    symbol: str
    level: int  # 0 for a main group, the number of dots below it for a subgroup
    title: str


@dataclass(slots=True)
class NeedTopic:
    id: str  # the class symbol
    text: str
    relevant: set[str]
    half: str  # "tune" or "held-out"


@dataclass(slots=True)
class FirmTopic:
    id: str  # the held-out publication number
    text: str
    firm: str  # firm_key of the applicant
    exclude: list[str] = field(default_factory=list)


def sha(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest(), 16)


def clean_title(title: str) -> str:
    """A scheme title as plain words: CPC's {braces} dropped, references to other classes removed."""
    text = _REFERENCE.sub("", _BRACES.sub("", title))
    return _SPACE.sub(" ", text).strip(" ;")


def read_cpc_titles(folder: Path, subclasses: set[str]) -> dict[str, ClassTitle]:
    """Group titles of the given subclasses from the CPC title list (``symbol<TAB>level<TAB>title``) in order."""
    out: dict[str, ClassTitle] = {}
    for path in sorted(folder.glob("*.txt")):
        if not any(path.name.startswith(f"cpc-section-{s[0]}") for s in subclasses):
            continue
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\r\n").split("\t")
                if len(parts) != 3 or "/" not in parts[0] or parts[0][:4] not in subclasses:
                    continue
                out[parts[0]] = ClassTitle(parts[0], int(parts[1] or 0), parts[2])
    return out


def read_ipc_titles(path: Path, subclasses: set[str]) -> dict[str, ClassTitle]:
    """Group titles from the IPC list (``symbol<TAB>title``, 14-character symbols). The list has no levels, so a
    subgroup's only parent is its main group."""
    from novum.normalize.classification import normalize_symbol

    out: dict[str, ClassTitle] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            raw, _, title = line.rstrip("\r\n").partition("\t")
            symbol = normalize_symbol(raw) if len(raw) == 14 else None
            if not symbol or symbol[:4] not in subclasses:
                continue
            out[symbol] = ClassTitle(symbol, 0 if symbol.endswith("/00") else 1, title.strip())
    return out


def lineage(titles: dict[str, ClassTitle]) -> dict[str, list[str]]:
    """Each group's ancestors down from its main group (itself last), from the title list's order and levels."""
    out: dict[str, list[str]] = {}
    stack: list[ClassTitle] = []
    for entry in titles.values():
        if entry.level == 0 or (stack and stack[0].symbol.split("/")[0] != entry.symbol.split("/")[0]):
            stack = []
        while stack and stack[-1].level >= entry.level:
            stack.pop()
        stack.append(entry)
        out[entry.symbol] = [e.symbol for e in stack]
    return out


def class_title_needs(
    patents: Iterable[Patent], titles: dict[str, ClassTitle], scheme: str = "cpc", needs: int = NEEDS
) -> list[NeedTopic]:
    """The class-title needs of a corpus: eligible groups chosen and split by the hash of their symbol."""
    chains = lineage(titles)
    members: dict[str, set[str]] = defaultdict(set)
    for patent in patents:
        for symbol in patent.cpc if scheme == "cpc" else patent.ipc:
            for ancestor in chains.get(symbol, []):
                members[ancestor].add(patent.number)
    eligible = [s for s, docs in members.items() if MIN_RELEVANT <= len(docs) <= MAX_RELEVANT]
    chosen = sorted(eligible, key=sha)[:needs]
    out: list[NeedTopic] = []
    for symbol in sorted(chosen):
        text = "; ".join(clean_title(titles[s].title) for s in chains[symbol])
        half = "tune" if sha(symbol) % 2 == 0 else "held-out"
        out.append(NeedTopic(symbol, text, members[symbol], half))
    return out


def firm_topics(
    patents: Iterable[Patent], family: dict[str, str], min_portfolio: int = MIN_PORTFOLIO
) -> list[FirmTopic]:
    """One held-out patent per applicant with ``min_portfolio`` or more families; ``family`` maps number to key."""
    portfolios: dict[str, dict[str, Patent]] = defaultdict(dict)
    for patent in patents:
        for name in owners(patent):
            key = firm_key(name)
            fam = family.get(patent.number, patent.number)
            if fam not in portfolios[key] or patent.number < portfolios[key][fam].number:
                portfolios[key][fam] = patent
    by_family: dict[str, list[str]] = defaultdict(list)
    for number, key in family.items():
        by_family[key].append(number)
    out: list[FirmTopic] = []
    for key in sorted(portfolios):
        held = portfolios[key]
        if len(held) < min_portfolio:
            continue
        patent = min(held.values(), key=lambda p: sha(p.number))
        text = patent_text(patent)
        if not text:
            continue
        fam = family.get(patent.number, patent.number)
        out.append(FirmTopic(patent.number, text, key, sorted(set(by_family.get(fam, [])) | {patent.number})))
    return out
