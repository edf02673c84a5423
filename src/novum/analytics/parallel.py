"""A whole-store landscape over several cores: the store is split into ranges of document numbers dealt out to one
process per core, each range is read into a tally of its own, and the tallies are merged in number order before the
figures that need the whole set (growth, concentration, entrants, emerging terms, top-N lists) are computed once, so
the landscape is the one a single pass gives.

Half of a large landscape is reading (SQLite's json_remove, json.loads, building records) and half is counting,
both per document and both in Python, so a second process halves it; the merge is cheap beside either. Workers are
started with 'spawn' (no fork of a process that may hold threads or a database connection) and open the store
anew, read-only as every landscape is; the calling process tallies its own share of the ranges meanwhile.
"""

from __future__ import annotations

import gc
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from novum.analytics.applicants import Aliases, ApplicantCleaner
from novum.analytics.landscape import Tally, new_tally
from novum.store.analytics import AnalyticsReader
from novum.store.sqlite import Store

PARALLEL_FROM = 20_000  # documents; below this, starting a process costs more than it saves
MAX_PROCESSES = 8
CHUNKS = 4  # ranges per process


@dataclass(frozen=True, slots=True)
class _Job:
    """What a worker needs besides its ranges: where the store is, and what an empty tally is built from."""

    data_dir: Path
    database_url: str | None
    snapshot: dict[str, Any]
    as_of: str | None
    aliases: Aliases


def processes_for(documents: int) -> int:
    """How many processes a landscape of ``documents`` uses: one below ``PARALLEL_FROM``, else one per core."""
    if documents < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, MAX_PROCESSES))


def tally_store(
    store: Store, processes: int, *, snapshot: dict[str, Any], as_of: str | None, cleaner: ApplicantCleaner
) -> Tally:
    """The tally of every document of ``store``, read by ``processes`` processes (this one included) and merged in
    number order. The store is cut into ``CHUNKS`` ranges per process dealt out in turn (process p reads ranges p,
    p + processes, ...), so no process gets only the costlier records (numbers sort by office, and offices differ).
    Call it with the cycle collector paused (``collection_paused``): unpickling a worker's tallies builds as many
    objects as reading records does."""
    reader = AnalyticsReader(store)
    if processes <= 1:
        tally = new_tally(snapshot=snapshot, as_of=as_of, cleaner=cleaner)
        _add_range(tally, reader, "", None)
        return tally
    bounds = reader.boundaries(processes * CHUNKS)
    ranges = list(zip(["", *bounds], [*bounds, None], strict=True))
    job = _Job(store.data_dir, store.url, snapshot, as_of, cleaner.aliases)
    with ProcessPoolExecutor(processes - 1, mp_context=get_context("spawn")) as pool:
        theirs = [pool.submit(_worker, job, ranges[p::processes]) for p in range(1, processes)]
        dealt = [_tally_ranges(job, ranges[::processes], reader, cleaner)] + [future.result() for future in theirs]
    ordered = [dealt[i % processes][i // processes] for i in range(len(ranges))]
    for later in ordered[1:]:
        ordered[0].merge(later)
    return ordered[0]


def _add_range(tally: Tally, reader: AnalyticsReader, after: str, through: str | None) -> None:
    for patent in reader.records(after=after, through=through):
        tally.add(patent)


def _worker(job: _Job, ranges: list[tuple[str, str | None]]) -> list[Tally]:
    """A worker's ranges, read through its own connection to the store (never the caller's). The cycle collector
    stays off, as ``collection_paused`` keeps it off in the caller: records are acyclic, and the process is the
    pool's, which ends with the landscape."""
    gc.disable()
    with Store(job.data_dir, job.database_url) as store:
        return _tally_ranges(job, ranges, AnalyticsReader(store), ApplicantCleaner(job.aliases))


def _tally_ranges(
    job: _Job, ranges: list[tuple[str, str | None]], reader: AnalyticsReader, cleaner: ApplicantCleaner
) -> list[Tally]:
    """One tally per range; the first takes ``cleaner``, the others their own (merged into it afterwards)."""
    tallies = []
    for index, (after, through) in enumerate(ranges):
        own = cleaner if index == 0 else ApplicantCleaner(job.aliases)
        tallies.append(new_tally(snapshot=job.snapshot, as_of=job.as_of, cleaner=own))
        _add_range(tallies[-1], reader, after, through)
    return tallies
