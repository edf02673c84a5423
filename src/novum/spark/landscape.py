"""A landscape aggregation over the whole store on Spark: documents per strategic emerging industry per priority year.

The figure is the landscape's own (``novum.analytics.landscape``): a document counts once for each CNIPA strategic
emerging industry branch its IPC (else CPC) symbols fall in (``sei.codes``), in its priority year (earliest
priority, else filing date: ``priority_year``). Each task reads one range of publication numbers through the store
(records without claims and description, as landscapes read them); the driver reads only the ranges' first keys.
The numbers are the library's by construction, and ``from_landscape`` reads the same table off a library landscape
for comparison.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from novum.analytics import sei
from novum.analytics.landscape import Landscape, priority_year
from novum.model import Patent
from novum.spark.ingest import StoreSpec
from novum.store.sqlite import Store

CHUNK_DOCUMENTS = 2000

IndustryYears = dict[tuple[str, int], int]  # (branch code, priority year) -> documents


@dataclass(frozen=True, slots=True)
class IndustryYear:
    code: str
    industry: str
    year: int
    documents: int


def boundaries(store: Store, chunk: int) -> list[str]:
    """Every ``chunk``-th publication number in order: the first number of each task's range. The driver reads
    these few keys, not the store's numbers, so a task's share of a store of any size is one range."""
    rows = store.db.execute(
        "SELECT number FROM (SELECT number, row_number() OVER (ORDER BY number) AS rn FROM documents) AS ranked"
        " WHERE (rn - 1) % ? = 0 ORDER BY number",
        (chunk,),
    ).fetchall()
    return [str(row[0]) for row in rows]


def ranges(starts: list[str]) -> list[tuple[str, str | None]]:
    """``[start, next start)`` key ranges; the last is open-ended."""
    return [(start, starts[i + 1] if i + 1 < len(starts) else None) for i, start in enumerate(starts)]


def records_in(store: Store, low: str, high: str | None) -> Iterator[Patent]:
    """The records with ``low <= number < high`` without claims and description (what a landscape reads)."""
    light = store.dialect.json_without("record", "claims", "description")
    if high is None:
        rows = store.db.execute(f"SELECT {light} FROM documents WHERE number >= ?", (low,))
    else:
        rows = store.db.execute(f"SELECT {light} FROM documents WHERE number >= ? AND number < ?", (low, high))
    for row in rows:
        yield Patent.from_dict(json.loads(row[0]))


def count_partition(spec: StoreSpec, parts: Iterable[tuple[str, str | None]]) -> Iterator[tuple[tuple[str, int], int]]:
    """An executor's task: the (industry, year) counts of the documents in its key ranges."""
    counts: Counter[tuple[str, int]] = Counter()
    with spec.open() as store:
        for low, high in parts:
            for patent in records_in(store, low, high):
                year = priority_year(patent)
                if year is None:
                    continue
                for code in sei.codes(patent.ipc, patent.cpc):
                    counts[(code, year)] += 1
    yield from counts.items()


def industry_years(session: Any, spec: StoreSpec, *, chunk: int = CHUNK_DOCUMENTS) -> IndustryYears:
    """Documents per industry branch per priority year over every stored document, counted on the executors."""
    with spec.open() as store:
        parts = ranges(boundaries(store, chunk))
    if not parts:
        return {}
    rdd = session.sparkContext.parallelize(parts, len(parts))
    pairs = rdd.mapPartitions(lambda part: count_partition(spec, part)).reduceByKey(lambda a, b: a + b).collect()
    return {(str(code), int(year)): int(count) for (code, year), count in pairs}


def from_landscape(landscape: Landscape) -> IndustryYears:
    """The same table read off a library landscape: its SEI members crossed with its priority-year members."""
    by_year = {int(year): set(numbers) for year, numbers in landscape.members.get("priority_year", {}).items()}
    table: IndustryYears = {}
    for code, numbers in landscape.members.get("sei", {}).items():
        members = set(numbers)
        for year, dated in by_year.items():
            if shared := len(members & dated):
                table[(code, year)] = shared
    return table


def rows(table: IndustryYears) -> list[IndustryYear]:
    """The table as rows with the industries' names, by industry code then year."""
    names = sei.branch_names()
    ordered = sorted(table.items(), key=lambda item: ([int(part) for part in item[0][0].split(".")], item[0][1]))
    return [IndustryYear(code, names.get(code, code), year, n) for (code, year), n in ordered]
