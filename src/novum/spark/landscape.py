"""A landscape aggregation over the whole store on Spark: documents per strategic emerging industry per priority year.

The figure is the landscape's own (``novum.analytics.landscape``): a document counts once for each CNIPA strategic
emerging industry branch its IPC (else CPC) symbols fall in (``sei.codes``), in its priority year (earliest
priority, else filing date: ``priority_year``). The executors read the records they are given through the store
(without claims and description, as landscapes read them), so the numbers are the library's by construction and
``from_landscape`` reads the same table off a library landscape for comparison.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from novum.analytics import sei
from novum.analytics.landscape import Landscape, priority_year
from novum.spark.ingest import StoreSpec
from novum.store.analytics import AnalyticsReader

CHUNK_DOCUMENTS = 2000

IndustryYears = dict[tuple[str, int], int]  # (branch code, priority year) -> documents


@dataclass(frozen=True, slots=True)
class IndustryYear:
    code: str
    industry: str
    year: int
    documents: int


def count_partition(spec: StoreSpec, chunks: Iterable[list[str]]) -> Iterator[tuple[tuple[str, int], int]]:
    """An executor's task: the (industry, year) counts of its chunks' documents."""
    counts: Counter[tuple[str, int]] = Counter()
    with spec.open() as store:
        reader = AnalyticsReader(store)
        for numbers in chunks:
            for patent in reader.records(numbers):
                year = priority_year(patent)
                if year is None:
                    continue
                for code in sei.codes(patent.ipc, patent.cpc):
                    counts[(code, year)] += 1
    yield from counts.items()


def industry_years(session: Any, spec: StoreSpec, *, chunk: int = CHUNK_DOCUMENTS) -> IndustryYears:
    """Documents per industry branch per priority year over every stored document, counted on the executors."""
    with spec.open() as store:
        numbers = sorted(store.numbers())
    chunks = [numbers[start : start + chunk] for start in range(0, len(numbers), chunk)]
    if not chunks:
        return {}
    rdd = session.sparkContext.parallelize(chunks, len(chunks))
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
