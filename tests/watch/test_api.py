"""The watch routes of `novum serve`, in-process with tokens: add, list (per owner), show with alerts, dry run,
run, the Atom feed by feed token, remove; refusals (query column, non-http webhook) as JSON errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from novum.api.app import create_app
from novum.api.settings import Settings
from novum.auth import create_token
from novum.store.sqlite import Store
from tests.watch.conftest import ingest


@pytest.fixture
def api(store_dir: Path) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    with Store(store_dir) as store:
        tokens = {s: create_token(store, f"t-{s}", s) for s in ("read", "write", "admin")}  # type: ignore[arg-type]
    app = create_app(Settings(store_dir, rate_per_minute=100_000), embed_uploads=False)
    with TestClient(app) as client:
        yield client, {s: {"Authorization": f"Bearer {t}"} for s, t in tokens.items()}


def test_watch_routes(api: tuple[TestClient, dict[str, dict[str, str]]], store_dir: Path,
                      new_documents: list[Path]) -> None:  # fmt: skip
    client, auth = api
    made = client.post("/api/v1/watches", json={"name": "charging", "query": "wireless OR charging OR battery"},
                       headers=auth["write"])  # fmt: skip
    assert made.status_code == 201, made.text
    token = made.json()["feed_token"]
    assert made.json()["owner"] == "t-write"
    bad = client.post("/api/v1/watches", json={"name": "bad", "query": "wireless NEAR3"}, headers=auth["write"])
    assert bad.status_code == 400 and "column 15" in bad.json()["error"]["message"]
    hook = client.post("/api/v1/watches", json={"name": "hook", "query": "x", "webhook": "file:///etc/passwd"},
                       headers=auth["write"])  # fmt: skip
    assert hook.status_code == 400 and "not an http" in hook.json()["error"]["message"]
    assert client.post("/api/v1/watches", json={"name": "x", "query": "x"}, headers=auth["read"]).status_code == 403
    assert [w["name"] for w in client.get("/api/v1/watches", headers=auth["write"]).json()["watches"]] == ["charging"]
    assert client.get("/api/v1/watches", headers=auth["read"]).json()["watches"] == []  # another owner's
    ingest(store_dir, *new_documents)
    ran = client.post("/api/v1/watches/run", headers=auth["admin"])
    assert ran.status_code == 200 and ran.json()["new_alerts"] == 13
    shown = client.get("/api/v1/watches/charging", headers=auth["write"]).json()
    assert shown["total_alerts"] == 13
    assert {"EP2136607A2", "US9358892B1"} <= {a["number"] for a in shown["alerts"]}
    assert client.get("/api/v1/watches/charging", headers=auth["read"]).status_code == 404
    trial = client.post("/api/v1/watches/charging/test?last=49", headers=auth["write"]).json()
    assert len(trial["alerts"]) == 13
    assert client.get("/api/v1/watches/charging/feed.atom?token=wrong").status_code == 403
    feed = client.get(f"/api/v1/watches/charging/feed.atom?token={token}")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    assert len(ET.fromstring(feed.content).findall("{http://www.w3.org/2005/Atom}entry")) == 13
    assert client.delete("/api/v1/watches/charging", headers=auth["write"]).status_code == 204
    assert client.get("/api/v1/watches", headers=auth["admin"]).json()["watches"] == []


def test_watch_pages(store_dir: Path, new_documents: list[Path]) -> None:
    with Store(store_dir) as store:
        from novum.watch import service

        service.add_watch(store, "soil", cpc=["A01B"])
    ingest(store_dir, *new_documents)
    app = create_app(Settings(store_dir, auth=False, rate_per_minute=100_000), embed_uploads=False)
    with TestClient(app) as client:
        assert client.post("/api/v1/watches/run").json()["new_alerts"] == 2
        listing = client.get("/watches")
        assert listing.status_code == 200 and 'href="/watches/soil"' in listing.text
        assert "competitor cpc A01B" in listing.text
        page = client.get("/watches/soil")
        assert page.status_code == 200
        assert "US20210267109A1" in page.text and "US11147203B2" in page.text
        assert "classified CPC A01B" in page.text and "feed.atom?token=" in page.text
