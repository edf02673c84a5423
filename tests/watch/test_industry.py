"""Industry watches on the PatSnap records (evaluation-only, read in place): new documents of the industry trigger
the monitor, and each surge or new-entrant signal is alerted once."""

from __future__ import annotations

from pathlib import Path

import pytest

from novum.analytics.service import build_monitor, make_scope
from novum.store.sqlite import Store
from novum.watch import service
from tests.conftest import shared
from tests.watch.conftest import ingest

LATE = ("EP2383861A2.xml", "US20110241627A1.xml")  # ON Semiconductor Trading's 2010 filings, stored last
DEFINITION = """name = "power-semiconductors"
title_en = "Power semiconductors (test definition)"
title_zh = "功率半导体"
version = "test"
source = "written by the watch tests"
query = 'pa="ON Semiconductor"'
"""


@pytest.fixture(scope="module")
def corpus() -> Path:
    return shared("bench/patsnap/patsnap-corpus")


def test_new_entrant_alerted_once(tmp_path: Path, corpus: Path) -> None:
    data = tmp_path / "data"
    ingest(data, *sorted(p for p in corpus.glob("*.xml") if p.name not in LATE))
    (data / "industries").mkdir()
    (data / "industries" / "power-semiconductors.toml").write_text(DEFINITION, encoding="utf-8")
    with Store(data) as store:
        service.add_watch(store, "power", industry="power-semiconductors")
        service.add_watch(store, "robots", industry="intelligent-robots")
    ingest(data, *(corpus / name for name in LATE))
    with Store(data) as store:
        report = service.run_watches(store, send=False)
        assert report.errors == [] and report.documents == 2
        alerts = report.alerts["power"]
        assert [(a.reason, a.family) for a in alerts] == [
            ("new-entrant:2010", "signal:applicant:ON SEMICONDUCTOR TRADING")
        ]
        assert alerts[0].number in {"EP2383861A2", "US20110241627A1"}
        expected = build_monitor(store, make_scope(industry="power-semiconductors", data_dir=data))
        assert alerts[0].summary == expected.signals[0].explanation
        assert "robots" not in report.alerts  # no new document of that industry: the monitor is not even run
    ingest(data, *(corpus / name for name in LATE))
    with Store(data) as store:
        assert service.run_watches(store, send=False).new_alerts == 0
