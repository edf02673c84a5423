"""Early warning: surges and drops in filings against each series' own history, and new entrants.

The statistic, per series (an industry, a class, an applicant), is a Poisson test of the last complete year:

* the expected count is the mean of the ``baseline`` complete years before it (5 by default);
* a **surge** is an observed count of at least ``min_count`` whose upper-tail probability
  P(X >= observed | Poisson(expected)) is below ``alpha`` (0.01 by default);
* a **drop** is an expected count of at least ``min_count`` whose lower-tail probability P(X <= observed) is
  below ``alpha``;
* each signal reports observed, expected, the ratio, z = (observed - expected) / sqrt(expected) and p, so a reader
  can check it by hand. A series with no history (expected 0) and ``min_count`` documents is a surge with p = 0.

Years are the landscape's basis years (priority when the set has them, else publication), and only complete years
are tested, so the publication lag never reads as a drop. Pure functions over records, like the landscape, so
``novum monitor``, the web page and watches share them.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from novum.analytics import classes
from novum.analytics.applicants import ApplicantCleaner
from novum.analytics.landscape import _complete_priority_year, _complete_publication_year, owners, priority_year
from novum.model import Patent

ALPHA = 0.01
MIN_COUNT = 5
BASELINE = 5


@dataclass(slots=True)
class Signal:
    kind: str  # "surge", "drop" or "new-entrant"
    dimension: str  # "set", "cpc", "ipc", "applicant"
    key: str
    label: str
    year: int
    observed: int
    expected: float
    ratio: float | None
    z: float | None
    p: float | None
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class MonitorReport:
    scope: dict[str, Any]
    basis: str
    year: int  # the year tested (the last complete one)
    baseline_years: list[int]
    alpha: float
    min_count: int
    signals: list[Signal] = field(default_factory=list)
    series: dict[str, dict[str, dict[int, int]]] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "basis": self.basis,
            "year": self.year,
            "baseline_years": self.baseline_years,
            "statistic": f"Poisson tail probability of the {self.year} count given the mean of "
            f"{self.baseline_years[0]}-{self.baseline_years[-1]}; signal when p < {self.alpha} "
            f"and the larger side has at least {self.min_count} documents",
            "alpha": self.alpha,
            "min_count": self.min_count,
            "signals": [s.to_dict() for s in self.signals],
        }


def poisson_upper(observed: int, expected: float) -> float:
    """P(X >= observed) for X ~ Poisson(expected), summed upwards (no cancellation when it is tiny)."""
    if observed <= 0:
        return 1.0
    if expected <= 0:
        return 0.0
    if observed <= expected:
        return max(0.0, 1.0 - poisson_lower(observed - 1, expected))
    total, k = 0.0, observed
    while True:
        term = math.exp(k * math.log(expected) - expected - math.lgamma(k + 1))
        total += term
        if term < total * 1e-16 or k > observed + 10_000:
            return min(1.0, total)
        k += 1


def poisson_lower(observed: int, expected: float) -> float:
    """P(X <= observed) for X ~ Poisson(expected), summed in log space (no overflow at large counts)."""
    if expected <= 0:
        return 1.0
    total = 0.0
    for k in range(observed + 1):
        total += math.exp(k * math.log(expected) - expected - math.lgamma(k + 1))
    return min(1.0, total)


def series_signal(
    counts: dict[int, int], year: int, baseline: int = BASELINE, alpha: float = ALPHA, min_count: int = MIN_COUNT
) -> tuple[str, int, float, float | None, float | None, float] | None:
    """(kind, observed, expected, ratio, z, p) when ``year`` is a surge or a drop against the ``baseline`` years
    before it, else ``None``."""
    observed = counts.get(year, 0)
    history = [counts.get(y, 0) for y in range(year - baseline, year)]
    expected = sum(history) / baseline
    ratio = observed / expected if expected else None
    z = (observed - expected) / math.sqrt(expected) if expected else None
    if observed >= min_count and observed > expected:
        p = poisson_upper(observed, expected) if expected else 0.0
        if p < alpha:
            return "surge", observed, expected, ratio, z, p
    if expected >= min_count and observed < expected:
        p = poisson_lower(observed, expected)
        if p < alpha:
            return "drop", observed, expected, ratio, z, p
    return None


def monitor(
    records: Iterable[Patent],
    *,
    scope: dict[str, Any] | None = None,
    as_of: str | None = None,
    cleaner: ApplicantCleaner | None = None,
    baseline: int = BASELINE,
    alpha: float = ALPHA,
    min_count: int = MIN_COUNT,
    min_entrant_documents: int = 2,
) -> MonitorReport:
    """Signals for the set as a whole, each CPC/IPC subclass and each cleaned applicant, in the last complete year."""
    import datetime as dt

    cleaner = cleaner or ApplicantCleaner()
    prio: dict[str, int | None] = {}
    pub: dict[str, int | None] = {}
    dims: dict[str, list[tuple[str, list[str]]]] = {}
    newest = ""
    for patent in records:
        newest = max(newest, patent.publication_date or "")
        prio[patent.number] = priority_year(patent)
        pub[patent.number] = int(patent.publication_date[:4]) if patent.publication_date else None
        subclasses = {
            "cpc": sorted({s for s in map(classes.subclass, patent.cpc) if s}),
            "ipc": sorted({s for s in map(classes.subclass, patent.ipc) if s}),
            "applicant": list(dict.fromkeys(cleaner.add(name) for name, _ in owners(patent))),
        }
        dims[patent.number] = list(subclasses.items())
    dated = sum(1 for y in prio.values() if y is not None)
    basis = "priority" if prio and dated * 2 >= len(prio) else "publication"
    years = prio if basis == "priority" else pub
    latest = as_of or newest or None
    as_of_date = dt.date.fromisoformat(latest) if latest else dt.date.today()
    year = _complete_priority_year(as_of_date) if basis == "priority" else _complete_publication_year(as_of_date)
    series: dict[str, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
    for number, y in years.items():
        if y is None:
            continue
        series["set"]["all"][y] += 1
        for dimension, keys in dims[number]:
            for key in keys:
                series[dimension][key][y] += 1
    report = MonitorReport(scope or {}, basis, year, list(range(year - baseline, year)), alpha, min_count)
    for dimension, by_key in series.items():
        for key, counts in by_key.items():
            found = series_signal(counts, year, baseline, alpha, min_count)
            if found is None:
                continue
            kind, observed, expected, ratio, z, p = found
            label = _label(dimension, key, cleaner)
            report.signals.append(
                Signal(kind, dimension, key, label, year, observed, expected, ratio, z, p,
                       _explain(kind, label, year, observed, expected, report.baseline_years, p, alpha))
            )  # fmt: skip
        if dimension == "applicant":
            for key, counts in by_key.items():
                first = min(counts)
                if first == year and counts[year] >= min_entrant_documents:
                    label = cleaner.label(key)
                    report.signals.append(
                        Signal("new-entrant", "applicant", key, label, year, counts[year], 0.0, None, None, None,
                               f"{label}: first {counts[year]} documents of the set in {year}, none before")
                    )  # fmt: skip
    order = {"surge": 0, "drop": 1, "new-entrant": 2}
    report.signals.sort(key=lambda s: (order[s.kind], s.dimension != "set", s.p if s.p is not None else 1, -s.observed))
    report.series = {d: {k: dict(c) for k, c in v.items()} for d, v in series.items()}
    return report


def _label(dimension: str, key: str, cleaner: ApplicantCleaner) -> str:
    if dimension == "applicant":
        return cleaner.label(key)
    if dimension in ("cpc", "ipc"):
        title = classes.title(key)
        return f"{key} {title[:60]}" if title else key
    return "the whole set"


def _explain(
    kind: str, label: str, year: int, observed: int, expected: float, baseline: list[int], p: float, alpha: float
) -> str:
    side = "at least" if kind == "surge" else "at most"
    return (
        f"{label}: {observed} documents in {year} against a mean of {expected:.1f} in {baseline[0]}-{baseline[-1]};"
        f" the Poisson probability of {side} {observed} is {p:.2g} (threshold {alpha})"
    )
