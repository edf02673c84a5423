"""The landscape, monitor and industry routes of `novum serve`, in-process, over the PatSnap store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from novum.api.app import create_app
from novum.api.settings import Settings
from tests.api.test_openapi import undescribed


@pytest.fixture(scope="module")
def client(patsnap_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(patsnap_dir, auth=False))) as test_client:
        yield test_client


def test_landscape_routes_describe_what_they_return(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    calls = {
        "/api/v1/landscape": client.get("/api/v1/landscape?sei=7.2"),
        "/api/v1/landscape/documents": client.get("/api/v1/landscape/documents?sei=7.2&dimension=office&key=EP"),
        "/api/v1/landscape/charts": client.get("/api/v1/landscape/charts?sei=6.2"),
        "/api/v1/monitor": client.get("/api/v1/monitor?sei=7.2"),
        "/api/v1/industries": client.get("/api/v1/industries"),
    }
    for route, response in calls.items():
        assert response.status_code == 200, (route, response.text)
        schema = spec["paths"][route]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert undescribed(response.json(), schema, spec) == [], route
    land = calls["/api/v1/landscape"].json()
    assert (land["documents"], land["families"]) == (848, 828)
    documents = calls["/api/v1/landscape/documents"].json()
    assert documents["total"] == len(documents["numbers"]) > 0 and documents["numbers"][0].startswith("EP")
    assert all('data-dimension="' in c["svg"] for c in calls["/api/v1/landscape/charts"].json()["charts"])
    assert calls["/api/v1/monitor"].json()["signals"][0]["observed"] == 23


def test_the_page_and_bad_input(client: TestClient) -> None:
    page = client.get("/landscape?sei=7.2")
    assert page.status_code == 200 and "/api/v1/landscape/drill.js" in page.text and "/patents/" in page.text
    assert "<script>" not in page.text  # the drill-down script is served, not inline (content-security policy)
    assert client.get("/api/v1/landscape/drill.js").headers["content-type"].startswith("application/javascript")
    unknown = client.get("/api/v1/landscape?industry=fusion")
    assert unknown.status_code == 400 and "known industries" in unknown.json()["error"]["message"]
    code = client.get("/api/v1/landscape?sei=1.9")
    assert code.status_code == 400 and "known codes" in code.json()["error"]["message"]
    empty = client.get("/api/v1/landscape/charts?q=zzqqxxyy")
    assert empty.status_code == 200 and empty.json() == {"charts": []}
