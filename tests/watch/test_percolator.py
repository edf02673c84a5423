"""Watches evaluated on newly stored real documents: what fires and why, the ledger across re-ingests, and the
watermark across a crash between ingest and evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from novum.store.sqlite import Store
from novum.store.watches import WatchTable
from novum.watch import service
from novum.watch.model import WatchError, check_url
from tests.watch.conftest import ingest

NEW = 49  # publications of the two fixture folders that the base store (data/demo/xml) does not hold


def add_standard(store: Store) -> None:
    service.add_watch(store, "charging", query="wireless OR charging OR battery")
    service.add_watch(store, "prox", query="(sensor NEAR5 signal)")
    service.add_watch(store, "family", portfolio=["WO2005022977"])
    service.add_watch(store, "cited", portfolio=["US4725144"])
    service.add_watch(store, "ge", applicant="General Electric Co.")
    service.add_watch(store, "soil", cpc=["A01B"])


def alerts(store: Store, name: str) -> list[tuple[str, str]]:
    detail = service.show_watch(store, name, limit=1000)
    return sorted((a.number, a.reason) for a in detail.alerts)


def test_watches_fire_on_new_documents_with_reasons(store_dir: Path, new_documents: list[Path]) -> None:
    with Store(store_dir) as store:
        add_standard(store)
        assert service.run_watches(store, send=False).new_alerts == 0  # nothing new yet: existing documents are old
    ingest(store_dir, *new_documents)
    with Store(store_dir) as store:
        report = service.run_watches(store, send=False)
        assert report.documents == NEW
        assert len(report.alerts["charging"]) == 13
        assert alerts(store, "prox") == [("EP0449582B1", "query"), ("US20210267109A1", "query")]
        assert alerts(store, "family") == [("EP1679948A1", "family:WO2005022977")]
        assert alerts(store, "cited") == [("US7057742B2", "cites:US4725144")]
        assert alerts(store, "ge") == [("US7062920B2", "applicant")]
        assert alerts(store, "soil") == [("US11147203B2", "class"), ("US20210267109A1", "class")]
        why = {a.number: a for a in service.show_watch(store, "charging").alerts}
        assert why["EP2136607A2"].summary == "matched battery"
        assert why["EP2136607A2"].title == "Method for operating a battery powered torch"
        prox = service.show_watch(store, "prox").alerts[0]
        assert prox.detail["clauses"] == ["sensor NEAR5 signal"]
        cited = service.show_watch(store, "cited").alerts[0]
        assert cited.summary.startswith("cites US4725144")
        ge = service.show_watch(store, "ge").alerts[0]
        assert ge.summary == "published by General Electric Co. (as General Electric Company)"


def test_second_ingest_of_the_same_files_repeats_nothing(store_dir: Path, new_documents: list[Path]) -> None:
    with Store(store_dir) as store:
        add_standard(store)
    ingest(store_dir, *new_documents)
    with Store(store_dir) as store:
        first = service.run_watches(store, send=False).new_alerts
        before = WatchTable(store).stats()["alerts"]
    ingest(store_dir, *new_documents)
    with Store(store_dir) as store:
        second = service.run_watches(store, send=False)
        assert first == before == 20
        assert second.new_alerts == 0 and second.documents == 0
        assert WatchTable(store).stats()["alerts"] == before


def test_crash_between_ingest_and_evaluation_delays_but_never_loses(
    store_dir: Path, new_documents: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(store_dir) as store:
        add_standard(store)
        start = service.get_watch(store, "charging").watermark
    ingest(store_dir, *new_documents)  # the process "dies" here: stored, never evaluated
    with Store(store_dir) as store:
        assert service.get_watch(store, "charging").watermark == start
        assert WatchTable(store).stats()["alerts"] == 0
        # a second crash, in the middle of evaluation: the third watch's ledger write fails
        calls = {"n": 0}
        real = WatchTable.record

        def dying(self: WatchTable, *args: object, **kwargs: object) -> object:
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError("disk gone")
            return real(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(WatchTable, "record", dying)
        with pytest.raises(OSError):
            service.run_watches(store, send=False, batch_size=20)
        monkeypatch.setattr(WatchTable, "record", real)
        partial = WatchTable(store).stats()["alerts"]
        assert 0 < partial < 20
        report = service.run_watches(store, send=False, batch_size=20)
        assert partial + report.new_alerts == 20
        assert WatchTable(store).stats()["alerts"] == 20
        assert all(w.watermark == WatchTable(store).max_seq() for w in WatchTable(store).all())


def test_a_query_that_does_not_parse_is_refused_with_its_column(store_dir: Path) -> None:
    with Store(store_dir) as store:
        with pytest.raises(service.WatchQueryError) as caught:
            service.add_watch(store, "bad", query="wireless NEAR3")
        assert caught.value.column == 15
        assert "column 15" in str(caught.value)
        with pytest.raises(service.WatchQueryError, match="unknown set L4"):
            service.add_watch(store, "sets", query="L4 AND battery")
        assert not WatchTable(store).exists("bad")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)", "http://", "hook"])
def test_urls_that_are_not_http_are_refused(store_dir: Path, url: str) -> None:
    with Store(store_dir) as store, pytest.raises(WatchError, match="not an http"):
        service.add_watch(store, "w", query="battery", webhook_url=url)


def test_bad_watches_are_refused_when_added(store_dir: Path) -> None:
    with Store(store_dir) as store:
        service.add_watch(store, "one", query="battery")
        with pytest.raises(WatchError, match="exists already"):
            service.add_watch(store, "one", query="battery")
        with pytest.raises(WatchError, match="exactly one"):
            service.add_watch(store, "two", query="battery", portfolio=["US4725144"])
        with pytest.raises(WatchError, match="not a publication number"):
            service.add_watch(store, "three", portfolio=["not a number"])
        with pytest.raises(WatchError, match="frequency"):
            service.add_watch(store, "four", query="battery", frequency="hourly")
        with pytest.raises(WatchError, match="name@example.org"):
            service.add_watch(store, "five", query="battery", email="a@b, c@d.org")
        with pytest.raises(WatchError, match="unknown industry"):
            service.add_watch(store, "six", industry="steam engines")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_check_url_accepts_only_http_and_https(text: str) -> None:
    try:
        accepted = check_url(text, "URL")
    except WatchError:
        return
    assert accepted.split(":", 1)[0] in ("http", "https")
    assert "//" in accepted


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet='abc ()"*=NEAR3ANDOR/', max_size=25))
def test_any_query_is_added_or_refused_with_a_column(base_store: Path, text: str) -> None:
    with Store(base_store) as store:
        try:
            watch = service.add_watch(store, "property", query=text)
        except service.WatchQueryError as exc:
            assert exc.column is None or 1 <= exc.column <= len(text) + 1
            return
        except WatchError:
            return
        service.remove_watch(store, watch.name)
