"""``novum serve`` over a PostgreSQL store: tokens, upload jobs, search history and saved searches live in
PostgreSQL, and the server answers as it does over SQLite."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from novum.api.app import create_app
from novum.api.settings import Settings
from novum.auth import create_token
from novum.store.sqlite import Store
from tests.api.conftest import bearer
from tests.api.test_ingest import wait_for
from tests.conftest import fixture
from tests.helpers import DEMO, ingest_paths


def test_the_server_keeps_everything_in_postgresql(
    tmp_path: Path, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOVUM_DATABASE_URL", pg_database)
    data = tmp_path / "data"
    ingest_paths(data, DEMO / "xml")
    with Store(data) as store:
        admin = create_token(store, "admin", "admin")
    good = fixture("us-go-uspto/pkg/uspto/test-data/application/US20220240350A1-20220728.XML").read_bytes()
    malformed = fixture("us-patentpublicdata/PatentDocument/resources/samples/pap/US20010000044A1.xml").read_bytes()
    with TestClient(create_app(Settings(data), embed_uploads=False)) as client:
        headers = bearer(admin)
        before = client.get("/api/v1/stats", headers=headers).json()["documents"]
        response = client.post("/api/v1/ingest", headers=headers, files=[
            ("files", ("US20220240350A1.xml", good, "application/xml")),
            ("files", ("US20010000044A1.xml", malformed, "application/xml")),
        ])  # fmt: skip
        job = wait_for(client, response.json()["id"], admin)
        assert job["state"] == "done", job
        stats = client.get("/api/v1/stats", headers=headers).json()
        assert stats["documents"] == before + 1 and stats["quarantined"] == 1
        first = client.get("/api/v1/search", params={"q": "Buchholz relay", "record": True}, headers=headers).json()
        assert first["hits"][0]["number"] == "EP3404678B1" and first["query"]["set"] == "L1"
        saved = client.post("/api/v1/saved-searches", json={"name": "relay", "params": {"q": "Buchholz relay"}},
                            headers=headers)  # fmt: skip
        assert saved.status_code == 201
        ran = client.get("/api/v1/saved-searches/relay/run", headers=headers).json()
        assert ran["hits"][0]["number"] == "EP3404678B1"
        raw = client.get("/api/v1/patents/EP3404678B1/raw", headers=headers)
        assert raw.content == (DEMO / "xml" / "EP3404678B1.xml").read_bytes()
    with psycopg.connect(pg_database) as direct:
        rows = {
            table: direct.execute(f"SELECT count(*) FROM {table}").fetchone()
            for table in ("jobs", "saved_searches", "search_history", "api_tokens", "quarantine")
        }
    assert rows == {t: (1,) for t in rows}
    assert not (data / "novum.db").exists()
