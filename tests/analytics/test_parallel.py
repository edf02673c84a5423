"""A whole-store landscape read by several processes is the single-process landscape, figure for figure."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from novum.analytics.parallel import PARALLEL_FROM, processes_for
from novum.analytics.service import build_landscape, make_scope
from novum.store.analytics import AnalyticsReader
from novum.store.sqlite import DB_NAME, Store


def _digest(folder: Path) -> str:
    return hashlib.sha256((folder / DB_NAME).read_bytes()).hexdigest()


@pytest.mark.parametrize("store_dir", ["patsnap_dir", "nvidia_dir"])
def test_ranges_in_processes_give_the_single_process_landscape(store_dir: str, request: pytest.FixtureRequest) -> None:
    folder: Path = request.getfixturevalue(store_dir)
    before = _digest(folder)
    with Store(folder) as store:
        single = build_landscape(store, make_scope(), processes=1)
        for processes in (2, 3):
            split = build_landscape(store, make_scope(), processes=processes)
            assert split == single  # every figure, float shares included, and every drill-down list in order
            assert split.to_dict() == single.to_dict()
    assert single.documents > 2000 and single.applicants
    assert _digest(folder) == before  # a read never writes, in the workers either


def test_ranges_cover_the_store_once(patsnap_dir: Path) -> None:
    with Store(patsnap_dir) as store:
        reader = AnalyticsReader(store)
        bounds = reader.boundaries(3)
        parts = [
            [p.number for p in reader.records(after=after, through=through)]
            for after, through in zip(["", *bounds], [*bounds, None], strict=True)
        ]
        everything = [p.number for p in reader.records()]
    assert len(bounds) == 2 and [len(p) for p in parts] == [748, 748, 748]
    assert [n for part in parts for n in part] == everything


def test_small_stores_stay_in_one_process() -> None:
    assert processes_for(PARALLEL_FROM - 1) == 1
    assert processes_for(PARALLEL_FROM) >= 1
    cores = len(os.sched_getaffinity(0))
    assert processes_for(PARALLEL_FROM, load=0.0) == min(cores, 8)
    assert processes_for(PARALLEL_FROM, load=1.0) == min(cores, 8)  # our own work in the load average
    assert processes_for(PARALLEL_FROM, load=cores + 1.0) == 1  # every core busy with other work: one process
