"""Industry watches: the monitor's surge and new-entrant signals of a named industry, alerted once each.

A batch only triggers the monitor when one of its new documents belongs to the industry (the definition's
query-language expression, matched on the batch index like a saved search); the monitor then runs over the
industry's stored records (``novum.analytics.service.build_monitor``, the same statistic as ``novum monitor``), and
each surge or new-entrant signal becomes one alert, keyed on the signal and its year so it never repeats.
"""

from __future__ import annotations

from typing import Any

from novum.analytics.industries import get_industry
from novum.analytics.service import build_monitor, make_scope
from novum.search.query import compile_query, parse
from novum.store.sqlite import Store
from novum.watch.model import Alert, Watch
from novum.watch.percolator import Batch

SIGNALS = ("surge", "new-entrant")


def industry_members(watch: Watch, batch: Batch, numbers: set[str], store: Store) -> list[str]:
    """The new documents that belong to the watched industry, in feed order."""
    industry = get_industry(watch.spec["industry"], store.data_dir)
    found = batch.numbers(compile_query(parse(industry.expression(), "OR"), batch.index).query)
    return sorted(found & numbers, key=lambda n: batch.seqs[n])


def match_industry(watch: Watch, batch: Batch, numbers: set[str], store: Store) -> list[Alert]:
    members = industry_members(watch, batch, numbers, store)
    if not members:
        return []
    report = build_monitor(store, make_scope(industry=watch.spec["industry"], data_dir=store.data_dir))
    trigger = members[-1]
    patent = batch.patents[trigger]
    out: list[Alert] = []
    for signal in report.signals:
        if signal.kind not in SIGNALS:
            continue
        detail: dict[str, Any] = {"why": signal.explanation, "signal": signal.to_dict(), "new_documents": members[:20]}
        family = f"signal:{signal.dimension}:{signal.key}"
        out.append(Alert(watch.name, family, f"{signal.kind}:{signal.year}", trigger, patent.title(), detail,
                         signal.p, batch.seqs[trigger]))  # fmt: skip
    return out
