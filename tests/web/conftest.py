"""A data directory of real documents for the page and browser tests: 300 US records and US8799651 from the demo
sample, the bundled demo XML publications, the CNIPA examples (Chinese titles and claims), and one record whose
title, abstract and claims carry markup, to check that every page escapes patent text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from novum.api.app import create_app
from novum.api.settings import Settings
from novum.auth import create_token
from novum.store.sqlite import Store
from tests.conftest import fixture
from tests.helpers import DEMO, demo_lines, ingest_paths, record, write_lines

XSS_NUMBER = "US9999999B1"
XSS_TITLE = "Valve <script>alert('pwned')</script> & seal"
XSS_ABSTRACT = "A seal where pressure < 5 bar & flow > 2 l/s <img src=x onerror=alert(1)>."
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="package")
def web_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web")
    cn = fixture("cn-jp-wipo/data/examples")
    lines = [*demo_lines(300), *demo_lines(1, start=1991)]
    xss = record(
        XSS_NUMBER,
        XSS_TITLE,
        XSS_ABSTRACT,
        publication_date="2015-03-03",
        country="US",
        claims=[
            {"number": 1, "text": "A valve <b>comprising</b> a seal & a spring."},
            {"number": 2, "text": "The valve of claim 1, wherein the seal is <rubber>.", "depends_on": [1]},
        ],
    )
    ingest_paths(
        root / "data", write_lines(root / "docs.jsonl", [*lines, xss]), DEMO / "xml", *sorted(cn.glob("cn_*.xml"))
    )
    return root / "data"


@pytest.fixture(scope="package")
def web_tokens(web_data: Path) -> dict[str, str]:
    with Store(web_data) as store:
        return {scope: create_token(store, f"w-{scope}", scope) for scope in ("read", "write", "admin")}


@pytest.fixture(scope="package")
def app_client(web_data: Path, web_tokens: dict[str, str]) -> Iterator[TestClient]:
    app = create_app(Settings(web_data, rate_per_minute=100_000), embed_uploads=False)
    with TestClient(app) as client:
        yield client


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def login(client: TestClient, token: str) -> None:
    """Log the client in through the login form (cookie session)."""
    client.cookies.clear()
    page = client.get("/login")
    assert page.status_code == 200
    answer = client.post(
        "/login", data={"token": token, "csrf_token": csrf_of(page.text), "next": "/search"}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
