"""Every route of /api/v1 through an in-process client over real documents: results, paging, errors, auth."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.conftest import bearer

QUERY = "encrypted file access"


def test_search_returns_hits_the_query_and_the_corpus(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/v1/search", params={"q": QUERY, "limit": 3}, headers=bearer(tokens["read"]))
    assert response.status_code == 200
    body = response.json()
    assert body["hits"][0]["number"] == "US8799651"
    assert body["hits"][0]["title"] == "Method and system for encrypted file access"
    assert "**encrypted**" in body["hits"][0]["snippet"]
    assert [h["rank"] for h in body["hits"]] == [1, 2, 3]
    assert body["total"] >= 100 and body["next_cursor"]
    assert body["query"] == {"text": QUERY, "syntax": "text", "mode": "lexical", "parsed": None, "set": None}
    assert body["corpus"]["snapshot"]["documents"] == 309
    assert body["corpus"]["models"] == {}


def test_post_search_equals_get(client: TestClient, tokens: dict[str, str]) -> None:
    headers = bearer(tokens["read"])
    got = client.get("/api/v1/search", params={"q": QUERY, "limit": 5, "before": "2012-01-01"}, headers=headers)
    posted = client.post("/api/v1/search", json={"q": QUERY, "limit": 5, "before": "2012-01-01"}, headers=headers)
    assert got.status_code == posted.status_code == 200
    assert got.json()["hits"] == posted.json()["hits"]
    assert all(h["filing_date"] < "2012-01-01" for h in got.json()["hits"])


@pytest.mark.parametrize("collapse", [True, False])
def test_the_cursor_walks_the_whole_result_once(client: TestClient, tokens: dict[str, str], collapse: bool) -> None:
    params: dict[str, object] = {"q": "wireless", "limit": 7, "collapse": collapse}
    seen: list[str] = []
    total = None
    for _ in range(200):
        body = client.get("/api/v1/search", params=params, headers=bearer(tokens["read"])).json()
        total = body["total"]
        seen += [h["number"] for h in body["hits"]]
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    assert len(seen) == len(set(seen))
    assert total is not None and total > 7
    assert len(seen) == total  # the demo records have no families: one hit per matching document


def test_a_cursor_of_another_query_is_refused(client: TestClient, tokens: dict[str, str]) -> None:
    first = client.get("/api/v1/search", params={"q": QUERY, "limit": 2}, headers=bearer(tokens["read"])).json()
    response = client.get("/api/v1/search", params={"q": "battery", "cursor": first["next_cursor"]},
                          headers=bearer(tokens["read"]))  # fmt: skip
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_cursor"


def test_query_language_search_reports_its_parsed_form(client: TestClient, tokens: dict[str, str]) -> None:
    body = client.get("/api/v1/search", params={"q": "encrypted ADJ file AND access", "explain": True},
                      headers=bearer(tokens["read"])).json()  # fmt: skip
    assert body["query"]["syntax"] == "query"
    assert body["query"]["parsed"] == "(encrypted ADJ file) AND access"
    assert body["hits"][0]["number"] == "US8799651"
    assert any("encrypted" in line for line in body["hits"][0]["explanation"])


def test_a_syntax_error_is_a_400_with_the_column(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/v1/search", params={"q": "battery NEAR3"}, headers=bearer(tokens["read"]))
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "query_syntax", "message": "expected a term after NEAR3 at column 14",
                                         "detail": {"column": 14, "expected": "a term after NEAR3"}}}  # fmt: skip


def test_bad_parameters_are_400s_naming_them(client: TestClient, tokens: dict[str, str]) -> None:
    headers = bearer(tokens["read"])
    date = client.get("/api/v1/search", params={"q": "x", "before": "yesterday"}, headers=headers)
    assert date.status_code == 400 and "before='yesterday'" in date.json()["error"]["message"]
    mode = client.get("/api/v1/search", params={"q": "x", "mode": "fuzzy"}, headers=headers)
    assert mode.status_code == 400 and "mode" in mode.json()["error"]["message"]
    limit = client.get("/api/v1/search", params={"q": "x", "limit": 5000}, headers=headers)
    assert limit.status_code == 422 and limit.json()["error"]["code"] == "invalid_request"
    semantic = client.get("/api/v1/search", params={"q": "x", "mode": "semantic"}, headers=headers)
    assert semantic.status_code == 400 and "novum embed" in semantic.json()["error"]["message"]


def test_patent_record_in_any_number_form(client: TestClient, tokens: dict[str, str]) -> None:
    for form in ("EP3404678B1", "EP 3 404 678 B1", "ep3404678"):
        response = client.get(f"/api/v1/patents/{form}", headers=bearer(tokens["read"]))
        assert response.status_code == 200, form
        body = response.json()
        assert body["number"] == "EP3404678B1"
    assert body["provenance"]["format"] == "epo-publication-server"
    assert len(body["claims"]) == 36


def test_unknown_number_is_a_404(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/v1/patents/US1234567B9", headers=bearer(tokens["read"]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_claims_tree_is_segmented(client: TestClient, tokens: dict[str, str]) -> None:
    body = client.get("/api/v1/patents/EP3404678B1/claims", headers=bearer(tokens["read"])).json()
    assert body["count"] == 12 and body["language"] == "en"  # the English set of the en/de/fr claims
    first = body["tree"][0]
    assert first["number"] == 1 and first["depends_on"] == []
    assert first["segmented"]["elements"] and first["dependants"]
    assert all(child["depends_on"] for child in first["dependants"])


def test_backward_citations_say_who_cited(client: TestClient, tokens: dict[str, str]) -> None:
    body = client.get("/api/v1/patents/EP3404678B1/citations", headers=bearer(tokens["read"])).json()
    cited = {(c["number"], c["cited_by"]) for c in body["backward"]}
    assert ("EP3109871A1", "examiner") in cited and ("GB693448A", "applicant") in cited
    assert body["forward"] == []


def test_family_and_raw_source(client: TestClient, tokens: dict[str, str]) -> None:
    family = client.get("/api/v1/patents/US8799651/family", headers=bearer(tokens["read"])).json()
    assert family["members"][0] == {"number": "US8799651", "title": "Method and system for encrypted file access",
                                    "publication_date": None, "kind": None, "in_store": True}  # fmt: skip
    raw = client.get("/api/v1/patents/EP3404678B1/raw", headers=bearer(tokens["read"]))
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("application/xml")
    assert b"<ep-patent-document" in raw.content and b"3404678" in raw.content


def test_similar_excludes_the_patent_and_respects_its_priority(client: TestClient, tokens: dict[str, str]) -> None:
    body = client.get("/api/v1/patents/US8799651/similar", params={"limit": 5}, headers=bearer(tokens["read"])).json()
    assert body["cutoff"] == "2013-01-01"
    assert len(body["hits"]) == 5 and all(h["number"] != "US8799651" for h in body["hits"])
    assert all((h["priority_date"] or h["filing_date"]) < "2013-01-01" for h in body["hits"])


def test_chart_then_download_every_format(client: TestClient, tokens: dict[str, str]) -> None:
    headers = bearer(tokens["read"])
    made = client.post("/api/v1/charts", json={"number": "EP3404678B1", "references": ["US11147202B2"], "top": 2},
                       headers=headers)  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["report"]["chart"]["claim"] == "EP3404678B1 claim 1"
    assert "US11147202B2" in [r["number"] for r in body["report"]["references"]]
    assert set(body["links"]) == {"html", "pdf", "xlsx", "docx", "csv", "json"}
    files = {fmt: client.get(url, headers=headers) for fmt, url in body["links"].items()}
    assert all(r.status_code == 200 for r in files.values())
    assert files["pdf"].content.startswith(b"%PDF")
    assert "EP3404678B1" in files["html"].text
    sheets = load_workbook(io.BytesIO(files["xlsx"].content)).sheetnames
    assert len(sheets) >= 2
    assert zipfile.ZipFile(io.BytesIO(files["docx"].content)).testzip() is None
    assert files["csv"].text.splitlines()[0].startswith("reference")
    assert json.loads(files["json"].content)["chart"]["claim"] == "EP3404678B1 claim 1"


def test_chart_errors(client: TestClient, tokens: dict[str, str]) -> None:
    headers = bearer(tokens["read"])
    neither = client.post("/api/v1/charts", json={"number": "EP3404678B1"}, headers=headers)
    assert neither.status_code == 400 and "references" in neither.json()["error"]["message"]
    missing = client.get("/api/v1/charts/0000.pdf", headers=headers)
    assert missing.status_code == 404
    pasted = client.post("/api/v1/charts", json={"text": "1. A bottle comprising a cap and a straw.",
                                                 "references": ["US8799651"]}, headers=headers)  # fmt: skip
    assert pasted.status_code == 201 and pasted.json()["report"]["chart"]["rows"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "ris", "xlsx"])
def test_export_streams_the_whole_result(client: TestClient, tokens: dict[str, str], fmt: str) -> None:
    headers = bearer(tokens["read"])
    total = client.get("/api/v1/search", params={"q": "wireless"}, headers=headers).json()["total"]
    response = client.get("/api/v1/export", params={"q": "wireless", "format": fmt}, headers=headers)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0][:3] == ["rank", "number", "title"] and len(rows) == total + 1
    elif fmt == "jsonl":
        records = [json.loads(line) for line in response.text.splitlines()]
        assert len(records) == total and records[0]["rank"] == 1
    elif fmt == "ris":
        assert response.text.count("TY  - PAT") == total == response.text.count("ER  - ")
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None and sheet.max_row == total + 1


def test_export_refuses_an_unknown_format(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/v1/export", params={"q": "wireless", "format": "pdf"}, headers=bearer(tokens["read"]))
    assert response.status_code == 400


def test_history_and_saved_searches(client: TestClient, tokens: dict[str, str]) -> None:
    headers = bearer(tokens["write"])
    client.delete("/api/v1/history", headers=headers)
    first = client.get("/api/v1/search", params={"q": QUERY, "record": True}, headers=headers).json()
    assert first["query"]["set"] == "L1"
    combined = client.get("/api/v1/search", params={"q": "L1 AND wireless", "record": True}, headers=headers).json()
    assert combined["query"]["set"] == "L2"
    history = client.get("/api/v1/history", headers=headers).json()
    assert [e["label"] for e in history] == ["L1", "L2"] and history[0]["query"] == QUERY
    other = client.get("/api/v1/history", headers=bearer(tokens["read"])).json()
    assert other == []  # each token has its own workspaces
    saved = client.post("/api/v1/saved-searches", json={"name": "crypto", "params": {"q": QUERY, "limit": 2}},
                        headers=headers)  # fmt: skip
    assert saved.status_code == 201
    assert [s["name"] for s in client.get("/api/v1/saved-searches", headers=headers).json()] == ["crypto"]
    ran = client.get("/api/v1/saved-searches/crypto/run", headers=headers).json()
    assert ran["hits"][0]["number"] == "US8799651" and len(ran["hits"]) == 2
    assert client.delete("/api/v1/saved-searches/crypto", headers=headers).status_code == 204
    assert client.delete("/api/v1/saved-searches/crypto", headers=headers).status_code == 404


def test_stats_and_corpus(client: TestClient, tokens: dict[str, str]) -> None:
    stats = client.get("/api/v1/stats", headers=bearer(tokens["read"])).json()
    assert stats["documents"] == 309 and stats["by_country"] == {"US": 307, "EP": 2}
    assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_reads_never_write(client: TestClient, tokens: dict[str, str], api_data: Path) -> None:
    def state() -> dict[str, tuple[int, int]]:
        return {str(p.relative_to(api_data)): (p.stat().st_size, p.stat().st_mtime_ns) for p in api_data.rglob("*")
                if p.is_file() and not p.name.endswith(("-wal", "-shm"))}  # fmt: skip

    before = state()
    headers = bearer(tokens["read"])
    for url in ("/api/v1/search?q=wireless", "/api/v1/search?q=wireless+AND+charging", "/api/v1/patents/US8799651",
                "/api/v1/patents/EP3404678B1/claims", "/api/v1/patents/US8799651/similar",
                "/api/v1/export?q=wireless&format=csv", "/api/v1/stats"):  # fmt: skip
        assert client.get(url, headers=headers).status_code == 200
    assert state() == before


def test_sei_filter_codes_are_checked(client: TestClient, tokens: dict[str, str]) -> None:
    headers = bearer(tokens["read"])
    unknown = client.get("/api/v1/search", params={"q": "relay", "sei": "99.9"}, headers=headers)
    assert unknown.status_code == 400 and "1.1" in unknown.json()["error"]["message"]
    known = client.get("/api/v1/search", params={"q": "relay", "sei": "6"}, headers=headers)
    assert known.status_code == 200
    assert all(any(code.startswith("6") for code in hit["sei"]) for hit in known.json()["hits"])
