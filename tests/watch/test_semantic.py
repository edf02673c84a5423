"""Semantic watches on real embedded documents: ``sem(...)`` saved searches and closeness to a portfolio's
independent claims, with thresholds calibrated on the store's own score distribution, and documents that are not
embedded yet waited for rather than skipped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from novum.index.lexical import open_index
from novum.ingest.embedding import embed_pending, open_dense
from novum.ingest.pipeline import Ingester
from novum.store.sqlite import Store
from novum.store.watches import WatchTable
from novum.watch import semantic, service
from tests.conftest import fixture
from tests.helpers import DEMO, demo_lines, write_lines
from tests.watch.conftest import US_GO

BASE = 40  # demo records in the base store, plus US11147202B2 (a real grant with claims)


def embed(folder: Path, *paths: Path, vectors: bool = True) -> None:
    with Store(folder) as store:
        Ingester(store, open_index(store)).run(list(paths))
        if vectors:
            for dense in open_dense(store):
                embed_pending(dense)


@pytest.fixture(scope="session")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("semantic-sources")
    (folder / "base").mkdir()
    (folder / "new").mkdir()
    write_lines(folder / "base" / "base.jsonl", demo_lines(BASE))
    shutil.copy(DEMO / "xml" / "US11147202B2.xml", folder / "base")
    write_lines(folder / "new" / "new.jsonl", demo_lines(10, start=BASE))
    shutil.copy(fixture(f"{US_GO}/test.xml"), folder / "new")
    return {"base": folder / "base", "new": folder / "new"}


@pytest.fixture(scope="session")
def embedded_base(tmp_path_factory: pytest.TempPathFactory, sources: dict[str, Path]) -> Path:
    folder = tmp_path_factory.mktemp("semantic-base")
    embed(folder, sources["base"])
    return folder


@pytest.fixture
def data(embedded_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(semantic, "MIN_SAMPLE", 20)  # the test store is small; the mechanism is the same
    target = tmp_path / "data"
    shutil.copytree(embedded_base, target)
    return target


def new_record(index: int) -> dict[str, object]:
    return dict(json.loads(demo_lines(1, start=BASE + index)[0]))


def test_sem_watch_calibrated_and_waiting_for_embeddings(data: Path, sources: dict[str, Path]) -> None:
    target = new_record(3)
    abstract = str(target["abstract"])
    text = abstract.split(". ")[0]
    with Store(data) as store:
        watch = service.add_watch(store, "close", query=f'sem("{text}")', closeness=0.99)
        vector = watch.spec["vectors"][0]
        assert vector["calibration"]["method"] == "quantile of stored documents' best-passage cosine"
        assert vector["calibration"]["sample"] == BASE + 1
        threshold = vector["threshold"]
        assert 0.5 < threshold < 1
    embed(data, sources["new"], vectors=False)  # stored, not embedded yet (ingest --no-embed)
    with Store(data) as store:
        waiting = service.run_watches(store, send=False)
        assert waiting.new_alerts == 0 and waiting.waiting == {"close": 11}
        assert service.get_watch(store, "close").watermark == watch.watermark
        for dense in open_dense(store):
            embed_pending(dense)
        report = service.run_watches(store, send=False)
        fired = report.alerts["close"]
        assert report.waiting == {}
        assert all(a.detail["semantic"][0]["score"] >= threshold for a in fired)
        hit = next(a for a in fired if a.title == target["title"])
        assert hit.detail["semantic"][0]["passage"] == "paragraph 2"  # the description repeats the abstract
        assert hit.detail["semantic"][0]["score"] > 0.85
        assert len(fired) <= 3
        assert service.get_watch(store, "close").watermark == WatchTable(store).max_seq()


def test_portfolio_claims_closeness(data: Path, sources: dict[str, Path]) -> None:
    with Store(data) as store:
        watch = service.add_watch(store, "carts", portfolio=["US11147202B2"], closeness=0.99)
        labels = [v["label"] for v in watch.spec["vectors"]]
        claims = [c.number for c in store.get("US11147202B2").claims if c.independent]
        assert labels == [f"US11147202B2 claim {n}" for n in claims]
        thresholds = {v["label"]: v["threshold"] for v in watch.spec["vectors"]}
    embed(data, sources["new"])
    with Store(data) as store:
        fired = service.run_watches(store, send=False).alerts.get("carts", [])
        numbers = sorted(a.number for a in fired)
        assert numbers == ["US11147203B2"]
        why = fired[0].detail
        assert why["score"] >= thresholds[why["target"]]
        assert fired[0].reason == "close:US11147202B2"
        assert fired[0].summary.startswith(f"close to {why['target']}: ")


def test_given_cosine_threshold(data: Path) -> None:
    with Store(data) as store:
        watch = service.add_watch(store, "fixed", portfolio=["US11147202B2"], threshold=0.5)
        assert {v["threshold"] for v in watch.spec["vectors"]} == {0.5}
        assert {v["calibration"]["method"] for v in watch.spec["vectors"]} == {"given cosine"}
