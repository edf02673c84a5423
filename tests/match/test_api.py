"""The matching routes of ``novum serve``: thin over the library, every returned field described in OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from novum.api.app import create_app
from novum.api.settings import Settings
from novum.auth import create_token
from novum.store.sqlite import Store
from tests.api.test_openapi import undescribed
from tests.helpers import DEMO, demo_lines, ingest_paths, write_lines

TURBO = "Our diesel generators lose torque at low engine speed; we need more boost from the turbocharger when idling."


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    root = tmp_path_factory.mktemp("match-api")
    ingest_paths(root / "d", write_lines(root / "s.jsonl", demo_lines(600)), DEMO / "xml")
    with Store(root / "d") as store:
        tokens = {scope: create_token(store, f"m-{scope}", scope) for scope in ("read", "write")}
    app = create_app(Settings(root / "d", rate_per_minute=100_000), embed_uploads=False)
    with TestClient(app) as test_client:
        yield test_client, tokens


def test_routes_answer_and_are_described(client: tuple[TestClient, dict[str, str]]) -> None:
    http, tokens = client
    read = {"Authorization": f"Bearer {tokens['read']}"}
    write = {"Authorization": f"Bearer {tokens['write']}"}
    spec = http.get("/openapi.json").json()
    added = http.post("/api/v1/needs", json={"firm": "Harbour Tugs", "text": TURBO}, headers=write)
    assert added.status_code == 201 and added.json()["id"] == 1
    assert http.post("/api/v1/needs", json={"firm": "X", "text": "the of"}, headers=write).status_code == 400
    assert http.post("/api/v1/needs", json={"firm": "X", "text": TURBO}, headers=read).status_code == 403
    calls = {
        ("/api/v1/match/need", "post"): http.post("/api/v1/match/need", json={"text": TURBO, "limit": 3},
                                                  headers=read),
        ("/api/v1/match/patent/{number}", "get"): http.get("/api/v1/match/patent/US8387382", headers=read),
        ("/api/v1/match/portfolio", "post"): http.post("/api/v1/match/portfolio",
                                                       json={"numbers": ["US8387382", "US1"]}, headers=read),
        ("/api/v1/firms/{name}", "get"): http.get("/api/v1/firms/Microsoft", headers=read),
        ("/api/v1/needs", "get"): http.get("/api/v1/needs", headers=read),
        ("/api/v1/needs", "post"): added,
    }  # fmt: skip
    for (route, method), response in calls.items():
        assert response.status_code in (200, 201), (route, response.text)
        content = spec["paths"][route][method]["responses"][str(response.status_code)]["content"]["application/json"]
        assert undescribed(response.json(), content["schema"], spec) == [], route
    assert calls[("/api/v1/match/need", "post")].json()["matches"][0]["number"] == "US8387382"
    by_firm = http.post("/api/v1/match/need", json={"firm": "Microsoft", "limit": 5}, headers=read)
    own = set(calls[("/api/v1/firms/{name}", "get")].json()["numbers"])
    assert by_firm.status_code == 200 and not own & {m["number"] for m in by_firm.json()["matches"]}
    for both_or_neither in ({"text": TURBO, "firm": "Microsoft"}, {"limit": 3}):
        refused = http.post("/api/v1/match/need", json=both_or_neither, headers=read)
        assert refused.status_code == 400 and "one of them" in refused.json()["error"]["message"]
    market = calls[("/api/v1/match/patent/{number}", "get")].json()
    assert market["needs"][0]["firm"] == "Harbour Tugs" and market["readiness"]["signals"][1]["name"] == "expiry"
    assert calls[("/api/v1/match/portfolio", "post")].json()["not_found"] == ["US1"]
    assert calls[("/api/v1/firms/{name}", "get")].json()["spellings"][0] == "Microsoft Corporation"
    missing = http.get("/api/v1/match/patent/US1234567B2", headers=read)
    assert missing.status_code == 404 and missing.json()["error"]["code"]
    assert http.get("/api/v1/firms/Nobody%20Widgets", headers=read).status_code == 400


def test_matching_page_in_both_languages(client: tuple[TestClient, dict[str, str]]) -> None:
    from tests.web.conftest import login

    http, tokens = client
    login(http, tokens["read"])
    page = http.get("/match", params={"need": TURBO})
    assert page.status_code == 200 and 'href="/patents/US8387382"' in page.text
    assert "Why it matches" in page.text and "<mark>" in page.text and "Expiry is an estimate" in page.text
    empty = http.get("/match", params={"need": "the of and"})
    assert empty.status_code == 400 and "no words to match on" in empty.text
    chinese = http.get("/match", params={"lang": "zh"})
    assert "匹配需求" in chinese.text and 'href="/match"' in chinese.text
    http.cookies.clear()


def test_market_and_firm_pages_in_both_languages(client: tuple[TestClient, dict[str, str]]) -> None:
    from tests.web.conftest import login

    http, tokens = client
    login(http, tokens["read"])
    document = http.get("/patents/US8387382")
    assert 'href="/patents/US8387382/market"' in document.text
    market = http.get("/patents/US8387382/market")
    assert market.status_code == 200 and "Firms likely to use it" in market.text
    assert "<title>Who could use it: US8387382 " in market.text and market.text.count('id="readiness"') == 1
    assert 'id="signal-expiry"' in market.text and "20 years from filing" in market.text
    assert 'href="/firms?name=' in market.text and ("neighbours" in market.text or "portfolio" in market.text)
    assert "Navy" not in market.text  # its own owner (the Secretary of the Navy) is left out
    assert http.get("/patents/US1234567B2/market").status_code == 404
    firm = http.get("/firms", params={"name": "Microsoft"})
    assert firm.status_code == 200 and 'id="firm-name">Microsoft Corporation<' in firm.text
    assert "Microsoft Technology Licensing, LLC" in firm.text and 'id="match-profile" href="/match?firm=' in firm.text
    as_need = http.get("/match", params={"firm": "Microsoft"})
    assert as_need.status_code == 200 and "own patents are left out" in as_need.text and 'class="hit"' in as_need.text
    assert 'id="firm-years"' in firm.text and 'href="/patents/US' in firm.text
    unknown = http.get("/firms", params={"name": "Nobody Widgets"})
    assert unknown.status_code == 400 and "no stored patent names the applicant" in unknown.text
    assert http.get("/firms").status_code == 200  # the empty form
    chinese = http.get("/patents/US8387382/market", params={"lang": "zh"})
    assert "谁可能使用它" in chinese.text and "可能使用它的企业" in chinese.text
    assert "企业画像" in http.get("/firms", params={"name": "Microsoft", "lang": "zh"}).text
    http.cookies.clear()
