"""Tokens, scopes, rate and size limits, time limits, and the one error shape they all answer with."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from novum.api.app import create_app
from novum.api.settings import Settings
from novum.auth import TokenError, create_token, list_tokens, revoke_token, verify_token
from novum.store.sqlite import Store
from tests.api.conftest import bearer


def test_no_token_is_a_401_with_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "x"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert set(response.json()["error"]) == {"code", "message", "detail"}


@pytest.mark.parametrize("header", ["Bearer nvm_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_wrong_tokens_are_refused(client: TestClient, header: str) -> None:
    response = client.get("/api/v1/search", params={"q": "x"}, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_scopes_are_ordered(client: TestClient, tokens: dict[str, str]) -> None:
    upload = {"files": ("a.jsonl", b"", "application/octet-stream")}
    for scope, status in (("read", 403), ("write", 403)):
        response = client.post("/api/v1/ingest", files=upload, headers=bearer(tokens[scope]))
        assert response.status_code == status, scope
        assert "needs the 'admin' scope" in response.json()["error"]["message"]
    assert client.get("/api/v1/whoami", headers=bearer(tokens["admin"])).json() == {"name": "t-admin",
                                                                                     "scope": "admin"}  # fmt: skip


def test_tokens_are_stored_hashed_and_can_be_revoked(api_data: Path, client: TestClient) -> None:
    with Store(api_data) as store:
        secret = create_token(store, "temporary", "read")
        assert secret.startswith("nvm_") and len(secret) > 40
        stored = store.db.execute("SELECT token_hash FROM api_tokens WHERE name = 'temporary'").fetchone()[0]
        assert secret not in stored and len(stored) == 64
        with pytest.raises(TokenError, match="exists already"):
            create_token(store, "temporary", "read")
        with pytest.raises(TokenError, match="unknown scope"):
            create_token(store, "other", "root")
        assert client.get("/api/v1/whoami", headers=bearer(secret)).status_code == 200
        revoke_token(store, "temporary")
        assert verify_token(store, secret) is None
        assert [t.revoked_at is not None for t in list_tokens(store) if t.name == "temporary"] == [True]
    assert client.get("/api/v1/whoami", headers=bearer(secret)).status_code == 401


def test_rate_limit_answers_429_with_retry_after(api_data: Path, tokens: dict[str, str]) -> None:
    with TestClient(create_app(Settings(api_data, rate_per_minute=3))) as limited:
        statuses = [limited.get("/api/v1/whoami", headers=bearer(tokens["read"])).status_code for _ in range(5)]
        refused = limited.get("/api/v1/whoami", headers=bearer(tokens["read"]))
        other = limited.get("/api/v1/whoami", headers=bearer(tokens["write"]))
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"]["code"] == "rate_limited"
    assert other.status_code == 200  # the limit is per token


def test_too_large_bodies_are_413(api_data: Path, tokens: dict[str, str]) -> None:
    with TestClient(create_app(Settings(api_data, max_body_bytes=2_000, max_upload_bytes=4_000))) as small:
        big = small.post("/api/v1/search", json={"q": "x" * 5_000}, headers=bearer(tokens["read"]))
        upload = small.post("/api/v1/ingest", files={"files": ("big.jsonl", b"{}" * 3_000)},
                            headers=bearer(tokens["admin"]))  # fmt: skip
    assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
    assert upload.status_code == 413


def test_a_query_past_its_time_limit_is_a_503(api_data: Path, tokens: dict[str, str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    import novum.api.routes.search as search_routes

    real = search_routes.run_search

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(1.0)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search_routes, "run_search", slow)
    with TestClient(create_app(Settings(api_data, query_timeout_s=0.2))) as hurried:
        response = hurried.get("/api/v1/search", params={"q": "wireless"}, headers=bearer(tokens["read"]))
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "timeout" and "time limit of 0.2 s" in error["message"]


def test_no_auth_only_on_loopback(api_data: Path) -> None:
    Settings(api_data, auth=False).check("127.0.0.1")
    Settings(api_data, auth=False).check("::1")
    with pytest.raises(ValueError, match="loopback"):
        Settings(api_data, auth=False).check("0.0.0.0")
    with TestClient(create_app(Settings(api_data, auth=False))) as open_client:
        assert open_client.get("/api/v1/whoami").json() == {"name": "local", "scope": "admin"}


def test_security_headers_on_every_response(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/v1/patents/US8799651", headers=bearer(tokens["read"]))
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


def test_unknown_routes_and_methods_use_the_error_shape(client: TestClient, tokens: dict[str, str]) -> None:
    missing = client.get("/api/v1/nothing-here", headers=bearer(tokens["read"]))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = client.put("/api/v1/search", headers=bearer(tokens["read"]))
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
