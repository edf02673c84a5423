"""Every stored document's filter attributes in memory, so a filter becomes a boolean mask in a few milliseconds.

The dense index applies filters inside its search (an ID selector over the allowed passages), so it needs the
set of allowed documents for a query before searching, not after: cut-off date, publishing office, kind and
class prefixes, the same filters the lexical index applies in tantivy.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt

from novum.analytics import sei
from novum.index.lexical import Filters, class_prefix
from novum.store.sqlite import Store

Mask = npt.NDArray[np.bool_]


def _day(iso: str | None) -> int:
    return int(iso.replace("-", "")) if iso else 0


class DocTable:
    """Ordinal ↔ number, plus dates, office, kind and classes of every document, loaded from the store."""

    def __init__(self, store: Store) -> None:
        rows = store.filter_rows()
        self.numbers: list[str] = [r[0] for r in rows]
        self.ordinal: dict[str, int] = {n: i for i, n in enumerate(self.numbers)}
        self.family: list[str] = [r[7] for r in rows]
        self.effective = np.array([_day(r[1]) for r in rows], dtype=np.int32)
        self.published = np.array([_day(r[2]) for r in rows], dtype=np.int32)
        self.country = np.array([r[3] for r in rows], dtype=object)
        self.kind = np.array([r[4] for r in rows], dtype=object)
        self.classes: dict[str, dict[str, list[int]]] = {"cpc": defaultdict(list), "ipc": defaultdict(list)}
        self._symbols = [(row[6], row[5]) for row in rows]  # (ipc, cpc) for the SEI mask, classified on demand
        self._sei: list[set[str]] | None = None
        for i, row in enumerate(rows):
            for scheme, column in (("cpc", row[5]), ("ipc", row[6])):
                for symbol in column.split():
                    self.classes[scheme][symbol].append(i)

    def __len__(self) -> int:
        return len(self.numbers)

    def mask(self, filters: Filters) -> Mask | None:
        """Which documents pass the filters; ``None`` when nothing is filtered."""
        if filters.is_empty():
            return None
        keep = np.ones(len(self.numbers), dtype=bool)
        if filters.before:
            day = _day(filters.before)
            keep &= (self.effective > 0) & (self.effective < day)
        if filters.published_before:
            day = _day(filters.published_before)
            keep &= (self.published > 0) & (self.published < day)
        if filters.country:
            keep &= np.isin(self.country, [c.upper() for c in filters.country])
        if filters.kind:
            keep &= np.isin(self.kind, [k.upper() for k in filters.kind])
        for scheme, prefixes in (("cpc", filters.cpc), ("ipc", filters.ipc)):
            if prefixes:
                keep &= self._class_mask(scheme, prefixes)
        if filters.sei:
            keep &= self._sei_mask(filters.sei)
        for number in filters.exclude:
            if number in self.ordinal:
                keep[self.ordinal[number]] = False
        if filters.only is not None:
            chosen = np.zeros(len(self.numbers), dtype=bool)
            chosen[[self.ordinal[n] for n in filters.only if n in self.ordinal]] = True
            keep &= chosen
        return keep

    def _sei_mask(self, codes: list[str]) -> Mask:
        """Documents in any of the strategic emerging industries (a section code takes its branches)."""
        if self._sei is None:
            self._sei = [set(sei.index_terms(sei.codes(i.split(), c.split()))) for i, c in self._symbols]
        wanted = {sei.check_code(code) for code in codes}
        return np.array([bool(terms & wanted) for terms in self._sei], dtype=bool)

    def _class_mask(self, scheme: str, prefixes: list[str]) -> Mask:
        out = np.zeros(len(self.numbers), dtype=bool)
        wanted = tuple(class_prefix(p) for p in prefixes)
        for symbol, ordinals in self.classes[scheme].items():
            if symbol.startswith(wanted):
                out[ordinals] = True
        return out
