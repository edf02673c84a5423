"""A data directory of real documents (the bundled demo XML publications and 300 US records) served in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from novum.api.app import create_app
from novum.api.settings import Settings
from novum.auth import create_token
from novum.store.sqlite import Store
from tests.helpers import DEMO, demo_lines, ingest_paths, write_lines


@pytest.fixture(scope="package")
def api_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("api")
    lines = [*demo_lines(300), *demo_lines(1, start=1991)]  # US8799651: encrypted file access
    ingest_paths(root / "data", write_lines(root / "docs.jsonl", lines), DEMO / "xml")
    return root / "data"


@pytest.fixture(scope="package")
def tokens(api_data: Path) -> dict[str, str]:
    with Store(api_data) as store:
        return {scope: create_token(store, f"t-{scope}", scope) for scope in ("read", "write", "admin")}


@pytest.fixture(scope="package")
def client(api_data: Path, tokens: dict[str, str]) -> Iterator[TestClient]:
    app = create_app(Settings(api_data, rate_per_minute=100_000), embed_uploads=False)
    with TestClient(app) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
