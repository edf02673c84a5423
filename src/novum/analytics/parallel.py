"""A whole-store landscape over several cores: the store is split into ranges of document numbers, each range is
read and tallied in its own process, and the tallies are merged in number order before the figures that need the
whole set (growth, concentration, entrants, emerging terms, top-N lists) are computed once, so the landscape is the
one a single pass gives.

Half of a large landscape is reading (SQLite's json_remove, json.loads, building records) and half is counting,
both per document and both in Python, so a second process halves it; the merge is cheap beside either. Workers are
started with 'spawn' (no fork of a process that may hold threads or a database connection) and open the store
anew, read-only as every landscape is; the calling process tallies the first range itself meanwhile.
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


@dataclass(frozen=True, slots=True)
class _Range:
    """What a worker needs to tally one range: where the store is, and what the empty tally is built from."""

    data_dir: Path
    database_url: str | None
    after: str
    through: str | None
    snapshot: dict[str, Any]
    as_of: str | None
    aliases: Aliases


def processes_for(documents: int) -> int:
    """How many processes a landscape of ``documents`` uses: one below ``PARALLEL_FROM``, else one per core."""
    if documents < PARALLEL_FROM:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), MAX_PROCESSES))


def tally_store(
    store: Store, processes: int, *, snapshot: dict[str, Any], as_of: str | None, cleaner: ApplicantCleaner
) -> Tally:
    """The tally of every document of ``store``, read by ``processes`` processes (this one included) over ranges of
    numbers and merged in number order. Call it with the cycle collector paused (``collection_paused``): the
    tallies the workers send back are large, and unpickling them is building objects like reading records is."""
    reader = AnalyticsReader(store)
    bounds = reader.boundaries(processes)
    ranges = [
        _Range(store.data_dir, store.url, after, through, snapshot, as_of, cleaner.aliases)
        for after, through in zip(["", *bounds], [*bounds, None], strict=True)
    ]
    first = new_tally(snapshot=snapshot, as_of=as_of, cleaner=cleaner)
    if len(ranges) == 1:
        _add_range(first, reader, ranges[0])
        return first
    with ProcessPoolExecutor(len(ranges) - 1, mp_context=get_context("spawn")) as pool:
        later = [pool.submit(_tally_range, part) for part in ranges[1:]]
        _add_range(first, reader, ranges[0])
        for future in later:
            first.merge(future.result())
    return first


def _add_range(tally: Tally, reader: AnalyticsReader, part: _Range) -> None:
    for patent in reader.records(after=part.after, through=part.through):
        tally.add(patent)


def _tally_range(part: _Range) -> Tally:
    """A worker's work: its own connection to the store, its own cleaner (merged into the caller's afterwards). The
    cycle collector stays off in the worker, as ``collection_paused`` keeps it off in the caller: records are acyclic
    and the process is the pool's, which ends with the landscape."""
    gc.disable()
    with Store(part.data_dir, part.database_url) as store:
        tally = new_tally(snapshot=part.snapshot, as_of=part.as_of, cleaner=ApplicantCleaner(part.aliases))
        _add_range(tally, AnalyticsReader(store), part)
        return tally
