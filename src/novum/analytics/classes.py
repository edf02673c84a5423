"""Class symbols cut to the levels a landscape reports (subclass ``H04L``, main group ``H04L9/00``) and their titles.

Titles come from the CPC Title List 2025.05 (subclasses and main groups, shipped compressed in ``data/``). IPC
subclasses and main groups carry the same symbols and, nearly always, the same titles, so IPC symbols are shown with
the CPC title of the same symbol; a symbol the list lacks has no title rather than a guessed one.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache, lru_cache
from importlib import resources

_SYMBOL = re.compile(r"^([A-HY]\d{2}[A-Z])(\d+)?")


@lru_cache(maxsize=1 << 17)
def subclass(symbol: str) -> str | None:
    match = _SYMBOL.match(symbol)
    return match.group(1) if match else None


@lru_cache(maxsize=1 << 17)
def main_group(symbol: str) -> str | None:
    """``H04L9/3247`` → ``H04L9/00``; a bare subclass has no main group."""
    match = _SYMBOL.match(symbol)
    if not match or match.group(2) is None:
        return None
    return f"{match.group(1)}{int(match.group(2))}/00"


@cache
def _titles() -> dict[str, str]:
    blob = resources.files("novum.analytics").joinpath("data/cpc_titles_2025_05.json.gz").read_bytes()
    data: dict[str, str] = json.loads(gzip.decompress(blob))["titles"]
    return data


def title(symbol: str) -> str | None:
    """The title of a subclass (``G06F``) or main group (``G06F9/00``), or ``None`` when the list lacks it."""
    key = symbol[:-3] if symbol.endswith("/00") else symbol
    return _titles().get(key)
