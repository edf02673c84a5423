"""CNIPA's strategic emerging industries (战略性新兴产业, SEI) derived from a document's IPC symbols.

The concordance (``data/sei_ipc_2021.json``, CNIPA 2021 trial edition) gives each industry branch (``1.1`` 下一代信息
网络产业 ... ``9.2``) rules of IPC include patterns and exclusions. How a pattern reads:

* ``G16*`` a class, ``G06F*`` or ``G16H`` a subclass, ``G06F11*`` or ``H03M13`` a main group with all its subgroups;
* ``G06F9/44`` that group alone (the table lists ``G06F9/44`` and ``G06F9/445`` separately, so a subgroup is not
  implied).

A document belongs to a branch when one of its symbols matches an include pattern of a rule and none of that
rule's exclusions. Most rules also carry an economic-activity description (``光纤宽带运营服务``...). Those are scope
notes for statisticians mapping industries, not words a patent contains, so they are never searched: the IPC decides,
and a match through such a rule says so (``ipc_only=False``) and carries the note, so an analyst can review the
broad rules. Documents without IPC (US grants from PatentsView carry only CPC) are classified on their CPC symbols,
whose subclasses and main groups are IPC's; the match records ``scheme="cpc"``.

The classification is derived, never stored: the index computes it when it writes a document and every reader
computes it the same way, so a new concordance edition only needs ``novum reindex``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from novum.errors import NovumError

VERSION = "cnipa-sei-ipc-2021"
_CODE = re.compile(r"^\d+(?:\.\d+)*$")


class UnknownSEIError(NovumError):
    """An SEI code that is no branch or section of the concordance; the message lists the known ones."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One IPC pattern of the concordance, split into the parts it fixes."""

    text: str
    subclass: str  # "G06F", or a class "G16" when the pattern is a class
    group: str | None  # main group "11", when fixed
    subgroup: str | None  # "44" when the pattern names one group exactly

    @classmethod
    def parse(cls, text: str) -> Pattern:
        raw = text.strip().upper()
        match = re.fullmatch(r"([A-H]\d{2})([A-Z])?(?:(\d+)(?:/(\d+))?)?(\*)?", raw)
        if not match:
            raise ValueError(f"not an IPC pattern: {text!r}")
        cls_, sub, group, subgroup, _ = match.groups()
        return cls(raw, cls_ + (sub or ""), group, subgroup)

    @property
    def key(self) -> str:
        """What the pattern fixes, as one string: ``G16``, ``G06F``, ``G06F11``, ``G06F9/44``."""
        if self.group is None:
            return self.subclass
        return self.subclass + self.group + (f"/{self.subgroup}" if self.subgroup is not None else "")

    def matches(self, symbol: Symbol) -> bool:
        if len(self.subclass) == 3:
            return symbol.subclass.startswith(self.subclass)
        if symbol.subclass != self.subclass:
            return False
        if self.group is None:
            return True
        if symbol.group != self.group:
            return False
        return self.subgroup is None or symbol.subgroup == self.subgroup


@dataclass(frozen=True, slots=True)
class Symbol:
    subclass: str
    group: str | None
    subgroup: str | None

    @classmethod
    def parse(cls, text: str) -> Symbol | None:
        match = re.fullmatch(r"([A-HY]\d{2}[A-Z])(?:(\d+)/(\d+))?", text.strip().upper())
        if not match:
            return None
        subclass, group, subgroup = match.groups()
        return cls(subclass, str(int(group)) if group else None, subgroup)


@dataclass(frozen=True, slots=True)
class Rule:
    include: tuple[Pattern, ...]
    exclude: tuple[Pattern, ...]
    ipc_only: bool
    scope_note: str

    def matches(self, symbol: Symbol) -> bool:
        return any(p.matches(symbol) for p in self.include) and not any(p.matches(symbol) for p in self.exclude)

    @property
    def exclude_keys(self) -> frozenset[str]:
        """The lookup keys of the exclusions (see ``_keys``): a symbol is excluded when one of its keys is here."""
        return frozenset(p.key for p in self.exclude)


@dataclass(frozen=True, slots=True)
class Branch:
    code: str  # "1.1"
    name: str  # "下一代信息网络产业"
    page: int  # page of the official PDF
    rules: tuple[Rule, ...]

    @property
    def section(self) -> str:
        return self.code.split(".")[0]


# The nine sections (the first digit of a branch code), named as in the 2018 SEI classification.
SECTIONS = {
    "1": "新一代信息技术产业",
    "2": "高端装备制造产业",
    "3": "新材料产业",
    "4": "生物产业",
    "5": "新能源汽车产业",
    "6": "新能源产业",
    "7": "节能环保产业",
    "8": "数字创意产业",
    "9": "相关服务业",
}


@dataclass(frozen=True, slots=True)
class SEIMatch:
    """Why a document is in a branch: the symbol, the rule, and whether that rule is IPC-only."""

    code: str
    name: str
    symbol: str
    scheme: str  # "ipc", or "cpc" when the document has no IPC
    rule: int  # index of the rule within its branch (0-based)
    ipc_only: bool
    scope_note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "symbol": self.symbol,
            "scheme": self.scheme,
            "rule": self.rule + 1,
            "ipc_only": self.ipc_only,
            "scope_note": self.scope_note,
        }


@cache
def branches() -> tuple[Branch, ...]:
    """The concordance's 40 branches, parsed once."""
    text = resources.files("novum.analytics").joinpath("data/sei_ipc_2021.json").read_text(encoding="utf-8")
    data = json.loads(text)
    out: list[Branch] = []
    for item in data["branches"]:
        rules = tuple(
            Rule(
                tuple(Pattern.parse(p) for p in rule["include"]),
                tuple(Pattern.parse(p) for p in rule["exclude"]),
                bool(rule["ipc_only"]),
                rule.get("scope_note", ""),
            )
            for rule in item["rules"]
        )
        out.append(Branch(item["code"], item["name"], int(item["page"]), rules))
    return tuple(out)


def branch_names() -> dict[str, str]:
    """Every code the classification knows (sections ``1`` and branches ``1.1``) with its Chinese name."""
    names = dict(SECTIONS)
    names.update((b.code, b.name) for b in branches())
    return dict(sorted(names.items(), key=lambda kv: [int(x) for x in kv[0].split(".")]))


def check_code(code: str) -> str:
    """A typed SEI code (``1.1``, ``1``) checked against the concordance; ``UnknownSEIError`` lists the known ones."""
    raw = code.strip().rstrip(".")
    names = branch_names()
    if not _CODE.match(raw) or raw not in names:
        known = ", ".join(f"{c} {n}" for c, n in names.items())
        raise UnknownSEIError(f"unknown strategic emerging industry code {code!r}; known codes: {known}")
    return raw


def classify_symbols(ipc: list[str], cpc: list[str] | None = None) -> list[SEIMatch]:
    """Every branch the symbols fall in, one match per branch (its first matching symbol and rule), in code order.

    IPC decides; CPC is read only when there is no IPC at all (see the module note)."""
    scheme, symbols = ("ipc", ipc) if ipc else ("cpc", cpc or [])
    found: dict[int, SEIMatch] = {}
    for text in symbols:
        for branch_number, rule_number in _symbol_rules(text):
            if branch_number in found:
                continue
            branch = branches()[branch_number]
            rule = branch.rules[rule_number]
            found[branch_number] = SEIMatch(
                branch.code, branch.name, text, scheme, rule_number, rule.ipc_only, rule.scope_note
            )
    return [found[k] for k in sorted(found)]


@cache
def _lookup() -> dict[str, list[tuple[int, int]]]:
    """(branch, rule) pairs keyed by what an include pattern fixes: class, subclass, main group or whole symbol."""
    table: dict[str, list[tuple[int, int]]] = {}
    for b, branch in enumerate(branches()):
        for r, rule in enumerate(branch.rules):
            for pattern in rule.include:
                pairs = table.setdefault(pattern.key, [])
                if (b, r) not in pairs:
                    pairs.append((b, r))
    return table


@lru_cache(maxsize=65536)
def _symbol_rules(text: str) -> tuple[tuple[int, int], ...]:
    """The (branch, rule) pairs one symbol satisfies, first rule per branch; symbols repeat, so this is cached."""
    symbol = Symbol.parse(text)
    if symbol is None:
        return ()
    table = _lookup()
    keys = [symbol.subclass[:3], symbol.subclass]
    if symbol.group is not None:
        keys += [symbol.subclass + symbol.group, f"{symbol.subclass}{symbol.group}/{symbol.subgroup}"]
    candidates = sorted({pair for key in keys for pair in table.get(key, ())})  # the include patterns matched
    out: dict[int, int] = {}
    for b, r in candidates:
        if b not in out and not _exclude_keys(b, r).intersection(keys):
            out[b] = r
    return tuple(sorted(out.items()))


@cache
def _exclude_keys(branch: int, rule: int) -> frozenset[str]:
    return branches()[branch].rules[rule].exclude_keys


def codes(ipc: list[str], cpc: list[str] | None = None) -> list[str]:
    """The branch codes of a document (``["1.1", "1.5"]``), as ``classify_symbols`` finds them, without the details."""
    found = {b for symbol in (ipc or cpc or []) for b, _ in _symbol_rules(symbol)}
    table = branches()
    return [table[b].code for b in sorted(found)]


def index_terms(branch_codes: list[str]) -> list[str]:
    """Branch codes with their sections (``1.1`` → ``1``, ``1.1``), so a prefix filter is one exact term."""
    terms: dict[str, None] = {}
    for code in branch_codes:
        parts = code.split(".")
        for end in range(1, len(parts) + 1):
            terms[".".join(parts[:end])] = None
    return list(terms)
