"""``GET /api/v1/check``: the library's consistency check over HTTP, every field described in the schema."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.api.test_openapi import undescribed


def test_check_reports_the_store_and_indexes_agree(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/v1/check", headers=bearer(tokens["read"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["problems"] == []
    assert body["documents"] == body["lexical_distinct"] == body["lexical_documents"] == 309
    assert body["models"] == []  # the shared API data directory is not embedded
    spec = client.get("/openapi.json").json()
    schema = spec["paths"]["/api/v1/check"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert undescribed(body, schema, spec) == []


def test_check_needs_a_token(client: TestClient) -> None:
    assert client.get("/api/v1/check").status_code == 401
