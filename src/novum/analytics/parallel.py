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


def processes_for(documents: int, load: float | None = None) -> int:
    """How many processes a landscape of ``documents`` uses: one below ``PARALLEL_FROM``, else one per idle core.

    A second process costs about a third more CPU in all (its start, pickled tallies, the merge), so it only pays
    when its core is free: on a busy machine (other jobs, other requests of the server) a parallel landscape took
    longer than one process. ``load`` is the one-minute load average (``os.getloadavg``) unless given."""
    if documents < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if load is None:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    idle = int(cores - max(load - 1.0, 0.0) + 0.5)  # one unit of the load may be this process's own work
    return max(1, min(cores, idle, MAX_PROCESSES))


def tally_store(
    store: Store, processes: int, *, snapshot: dict[str, Any], as_of: str | None, cleaner: ApplicantCleaner
) -> Tally:
    """The tally of every document of ``store``, read by ``processes`` processes (this one included) and merged in
    number order. The store is cut into ``CHUNKS`` ranges per process, dealt out in turn (this process reads ranges
    0, processes, 2 x processes...; the workers the others), so no process gets only the costlier records (numbers
    sort by office, and offices differ), and this process merges each range as soon as it and those before it are
    there, while the workers go on. Call it with the cycle collector paused (``collection_paused``): unpickling a
    worker's tally builds as many objects as reading records does."""
    reader = AnalyticsReader(store)
    tally = new_tally(snapshot=snapshot, as_of=as_of, cleaner=cleaner)
    if processes <= 1:
        _add_range(tally, reader, "", None)
        return tally
    bounds = reader.boundaries(processes * CHUNKS)
    ranges = list(zip(["", *bounds], [*bounds, None], strict=True))
    job = _Job(store.data_dir, store.url, snapshot, as_of, cleaner.aliases)
    with ProcessPoolExecutor(processes - 1, mp_context=get_context("spawn")) as pool:
        theirs = {i: pool.submit(_worker, job, *part) for i, part in enumerate(ranges) if i % processes}
        _add_range(tally, reader, *ranges[0])
        for i, part in enumerate(ranges[1:], start=1):
            tally.merge(theirs[i].result() if i in theirs else _range_tally(job, reader, *part))
    return tally


def _add_range(tally: Tally, reader: AnalyticsReader, after: str, through: str | None) -> None:
    for patent in reader.records(after=after, through=through):
        tally.add(patent)


def _range_tally(job: _Job, reader: AnalyticsReader, after: str, through: str | None) -> Tally:
    """The tally of one range, with a cleaner of its own (merged into the caller's with the tally)."""
    tally = new_tally(snapshot=job.snapshot, as_of=job.as_of, cleaner=ApplicantCleaner(job.aliases))
    _add_range(tally, reader, after, through)
    return tally


def _worker(job: _Job, after: str, through: str | None) -> Tally:
    """A worker's range, read through its own connection to the store (never the caller's). The cycle collector
    stays off, as ``collection_paused`` keeps it off in the caller: records are acyclic, and the process is the
    pool's, which ends with the landscape."""
    gc.disable()
    with Store(job.data_dir, job.database_url) as store:
        return _range_tally(job, AnalyticsReader(store), after, through)
