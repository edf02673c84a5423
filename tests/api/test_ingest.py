"""Uploads run as background jobs (admin scope); readers keep working while the job writes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from novum.api.app import create_app
from novum.api.settings import Settings
from novum.auth import create_token
from novum.ingest.jobs import UploadError, safe_upload_name
from novum.store.sqlite import Store
from tests.api.conftest import bearer
from tests.conftest import fixture
from tests.helpers import DEMO, demo_lines, ingest_paths, write_lines


def wait_for(client: TestClient, job_id: str, token: str, seconds: float = 60.0) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job: dict[str, object] = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(token)).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_upload_is_ingested_by_a_job_and_bad_documents_are_quarantined(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ingest_paths(data, write_lines(tmp_path / "seed.jsonl", demo_lines(20)))
    with Store(data) as store:
        admin = create_token(store, "admin", "admin")
    good = (DEMO / "xml" / "EP3404678B1.xml").read_bytes()
    malformed = fixture("us-patentpublicdata/PatentDocument/resources/samples/pap/US20010000044A1.xml").read_bytes()
    with TestClient(create_app(Settings(data), embed_uploads=False)) as client:
        response = client.post("/api/v1/ingest", headers=bearer(admin), files=[
            ("files", ("EP3404678B1.xml", good, "application/xml")),
            ("files", ("../../escape/US20010000044A1.xml", malformed, "application/xml")),
        ])  # fmt: skip
        assert response.status_code == 202, response.text
        job = wait_for(client, response.json()["id"], admin)
        assert job["state"] == "done", job
        progress = job["progress"]
        assert isinstance(progress, dict) and progress["new"] == 1 and progress["quarantined"] == 1
        assert client.get("/api/v1/patents/EP3404678B1", headers=bearer(admin)).status_code == 200
        hits = client.get("/api/v1/search", params={"q": "Buchholz relay"}, headers=bearer(admin)).json()["hits"]
        assert hits[0]["number"] == "EP3404678B1"
        stats = client.get("/api/v1/stats", headers=bearer(admin)).json()
        assert stats["quarantined"] == 1 and "US20010000044A1.xml" in stats["quarantine"][0]["source"]
    folder = data / "uploads" / response.json()["id"]
    assert sorted(p.name for p in folder.iterdir()) == ["EP3404678B1.xml", "US20010000044A1.xml"]
    assert not (tmp_path / "escape").exists()


def test_upload_names_cannot_leave_the_job_folder() -> None:
    assert safe_upload_name("../../etc/passwd") == "passwd"
    assert safe_upload_name("/abs/path/file.xml") == "file.xml"
    assert safe_upload_name("C:\\temp\\..\\x.zip") == "x.zip"
    with pytest.raises(UploadError, match="no usable characters"):
        safe_upload_name("..")
    assert safe_upload_name("专利 文件.xml") == "专利_文件.xml"


def test_readers_keep_working_while_an_upload_writes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ingest_paths(data, write_lines(tmp_path / "seed.jsonl", demo_lines(200)))
    upload = write_lines(tmp_path / "more.jsonl", demo_lines(1500, start=200)).read_bytes()
    with Store(data) as store:
        admin = create_token(store, "admin", "admin")
        reader = create_token(store, "reader", "read")
    failures: list[str] = []
    done = threading.Event()
    with TestClient(create_app(Settings(data, rate_per_minute=1_000_000), embed_uploads=False)) as client:

        def read() -> int:
            count = 0
            while not done.is_set():
                for url in ("/api/v1/search?q=wireless+network", "/api/v1/search?q=data+AND+storage",
                            "/api/v1/stats"):  # fmt: skip
                    response = client.get(url, headers=bearer(reader))
                    if response.status_code != 200:
                        failures.append(f"{url}: {response.status_code} {response.text[:200]}")
                    count += 1
            return count

        threads = [threading.Thread(target=read) for _ in range(4)]
        for thread in threads:
            thread.start()
        response = client.post("/api/v1/ingest", headers=bearer(admin), files={"files": ("more.jsonl", upload)})
        job = wait_for(client, response.json()["id"], admin, seconds=120)
        done.set()
        for thread in threads:
            thread.join()
        assert job["state"] == "done", job
        assert client.get("/api/v1/stats", headers=bearer(reader)).json()["documents"] == 1700
        total = client.get("/api/v1/search?q=wireless", headers=bearer(reader)).json()["total"]
    assert failures == []
    assert total > 0
