"""CPC and IPC symbols in the offices' layouts reduced to one compact spelling (``H04L9/32``).

Prefix filters (``H04L``, ``H04L9/``) only work if every source spells symbols the same way.
"""

from __future__ import annotations

import re

_SYMBOL = re.compile(r"^([A-HY])\s*(\d{2})\s*([A-Z])\s*(\d{1,4})\s*/\s*(\d{1,6})")
_PACKED = re.compile(r"^([A-HY])(\d{2})([A-Z])(\d{4})(\d{6})$")  # IPC 14-char layout: H04L0009320000
_SUBCLASS = re.compile(r"^([A-HY])\s*(\d{2})\s*([A-Z])\s*$")


def normalize_symbol(text: str | None) -> str | None:
    """``"H04L   9/32  (2006.01)"``, ``"H04L 9/32"`` and ``"H04L0009320000"`` all give ``"H04L9/32"``."""
    if not text:
        return None
    raw = text.strip().upper()
    packed = _PACKED.match(raw.replace(" ", ""))
    if packed:
        section, cls, sub, group, subgroup = packed.groups()
        trimmed = subgroup.rstrip("0")
        subgroup = trimmed if len(trimmed) >= 2 else subgroup[:2]  # left-aligned: "100000" is /10, not /1
        return f"{section}{cls}{sub}{int(group)}/{subgroup}"
    match = _SYMBOL.match(raw)
    if match:
        section, cls, sub, group, subgroup = match.groups()
        return f"{section}{cls}{sub}{int(group)}/{subgroup}"
    match = _SUBCLASS.match(raw)
    if match:
        return "".join(match.groups())
    return None


def from_parts(
    section: str | None, cls: str | None, subclass: str | None, group: str | None, subgroup: str | None
) -> str | None:
    """Join the separate IPCR/CPC fields of USPTO and EPO XML into one symbol."""
    parts = [p.strip() if p else "" for p in (section, cls, subclass, group, subgroup)]
    if not all(parts[:3]):
        return None
    if parts[3] and parts[4]:
        return normalize_symbol(f"{parts[0]}{parts[1]}{parts[2]}{parts[3]}/{parts[4]}")
    return normalize_symbol("".join(parts[:3]))


def unique(symbols: list[str | None]) -> list[str]:
    """Drop empties and repeats, keeping the office's order (the first is usually the main class)."""
    seen: dict[str, None] = {}
    for symbol in symbols:
        if symbol and symbol not in seen:
            seen[symbol] = None
    return list(seen)
