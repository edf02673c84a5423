"""``novum spark ingest``: the files of ``novum ingest`` parsed in parallel on Spark executors, written to the store
from the executors in batches.

The driver only lists the work: one task per file on disk, or per member of a ``.zip`` archive (a tar streams in
order, so a tar is one task). Each task runs the single-process ``Ingester`` over its share, with its own store
connection, so a task does exactly what ``novum ingest`` does for those sources: sources already marked done with
the same fingerprint are skipped and counted unchanged, malformed documents are quarantined with file, position
and reason, documents are upserted in batches of ``BATCH_SIZE`` keyed on the publication number, and a source is
marked done after its last batch. A run killed midway is therefore resumed by running it again, without duplicates.

Two sources holding the same publication number are the one difference from a single process: there the later file
in path order wins; here whichever task writes last wins (and two tasks storing it at once may both count it new).
The driver then brings the lexical index up to date from the store's pending flags, as ``novum ingest`` does after
its last batch.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from novum.index.lexical import open_index
from novum.ingest import pipeline
from novum.ingest.limits import IngestLimits
from novum.ingest.sources import Refused, Skipped, Source, expand, is_document_name
from novum.store.sqlite import IngestCounts, Store, resolve_database_url

COUNT_FIELDS = ("read", "new", "updated", "unchanged", "quarantined", "repaired", "skipped_files")


@dataclass(frozen=True, slots=True)
class StoreSpec:
    """How an executor opens the store: the data directory and, for PostgreSQL, the database URL (picklable).

    The URL is resolved on the driver (``of``): an executor never falls back to its own ``NOVUM_DATABASE_URL``."""

    data_dir: str
    database_url: str | None = None

    @classmethod
    def of(cls, data_dir: Path, database_url: str | None = None) -> StoreSpec:
        """The store the driver would open: ``database_url``, else ``NOVUM_DATABASE_URL``, else SQLite."""
        return cls(str(data_dir), resolve_database_url(database_url))

    def open(self) -> Store:
        return Store(Path(self.data_dir), self.database_url or "")


@dataclass(frozen=True, slots=True)
class WorkUnit:
    """One task: a file on disk, or one member of a zip archive (``member`` is its source name). ``extras`` marks
    the unit that also records the file's refused and skipped members, so each is counted once."""

    path: str
    member: str | None
    size: int
    extras: bool = True


@dataclass(slots=True)
class UnitResult:
    """What one task reports back to the driver."""

    counts: dict[str, int]
    problems: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class SparkIngestResult:
    """The summary of a run: the same counts as ``novum ingest``, the quarantined documents, the tasks run."""

    counts: IngestCounts
    problems: list[str]
    skipped: list[Skipped]
    tasks: int
    indexed: int = 0


def plan(paths: list[Path], limits: IngestLimits | None = None) -> tuple[list[WorkUnit], list[Skipped]]:
    """The tasks for these paths, largest first (so the last task to start is a short one), and the files on disk
    that are not patent data. Folders are walked in the order ``novum ingest`` walks them."""
    bounds = limits or IngestLimits.from_env()
    units: list[WorkUnit] = []
    skipped: list[Skipped] = []
    for path in _files(paths):
        if not is_document_name(path.name):
            skipped.append(Skipped(str(path), "not a patent document (by file type)"))
            continue
        size = path.stat().st_size
        if not zipfile.is_zipfile(path):
            units.append(WorkUnit(str(path), None, size))
            continue
        members = [item for item in expand([path], bounds) if isinstance(item, Source)]
        if not members:
            units.append(WorkUnit(str(path), "", size))  # refusals and skips only
            continue
        for position, source in enumerate(members):
            units.append(WorkUnit(str(path), source.name, source.stored or 0, extras=position == 0))
    units.sort(key=lambda unit: -unit.size)
    return units, skipped


def _files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {path}")
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


class UnitIngester(pipeline.Ingester):
    """The single-process ingester, run over one work unit's sources (no index: the driver indexes after)."""

    def run_unit(self, unit: WorkUnit) -> UnitResult:
        for item in expand([Path(unit.path)], self.limits):
            if isinstance(item, Source):
                if unit.member is None or item.name == unit.member:
                    self.ingest_source(item)
            elif unit.extras and isinstance(item, Refused):
                self._refuse(item)
            elif unit.extras and isinstance(item, Skipped):
                self.skipped.append(item)
                self.counts.skipped_files += 1
        counts = {name: int(getattr(self.counts, name)) for name in COUNT_FIELDS}
        return UnitResult(counts, list(self.problems), [(s.name, s.reason) for s in self.skipped])


def ingest_partition(
    spec: StoreSpec, limits: IngestLimits, batch_size: int, units: Iterable[WorkUnit]
) -> Iterator[UnitResult]:
    """An executor's task: open the store once, ingest each unit of the partition, report what happened."""
    with spec.open() as store:
        for unit in units:
            yield UnitIngester(store, None, batch_size=batch_size, limits=limits).run_unit(unit)


def spark_ingest(
    session: Any,
    paths: list[Path],
    spec: StoreSpec,
    *,
    index: bool = True,
    batch_size: int = pipeline.BATCH_SIZE,
    limits: IngestLimits | None = None,
) -> SparkIngestResult:
    """Ingest ``paths`` into the store of ``spec`` on the session's executors; returns the counts of the run.

    The driver opens the store first (so its schema is migrated once, not raced by the tasks) and, with ``index``,
    indexes what the tasks stored into the data directory's lexical index afterwards. The input limits are the
    driver's (default: its environment), handed to every task.
    """
    bounds = limits or IngestLimits.from_env()
    with spec.open():
        pass
    units, skipped = plan(paths, bounds)
    results: list[UnitResult] = []
    if units:
        rdd = session.sparkContext.parallelize(units, len(units))
        results = rdd.mapPartitions(lambda part: ingest_partition(spec, bounds, batch_size, part)).collect()
    counts = IngestCounts(skipped_files=len(skipped))
    problems: list[str] = []
    for result in results:
        counts.add(IngestCounts(**result.counts))
        problems.extend(result.problems)
        skipped.extend(Skipped(name, reason) for name, reason in result.skipped)
    indexed = 0
    if index:
        with spec.open() as store:
            indexed = pipeline.sync_index(store, open_index(store))
    return SparkIngestResult(counts, sorted(problems), skipped, len(units), indexed)
