"""The web pages through an in-process client over real documents: search with facets, history sets, paging and
export links; a document with its claim tree, description anchors, citations and family; similar prior art; a claim
chart made from the form; the ingest page with an upload job; the language switch."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from novum.search.facets import count_facets
from novum.store.facets import FacetRow
from novum.web.i18n import catalogue, from_accept_language
from novum.web.render import marks, paragraph_id
from tests.web.conftest import csrf_of, login

DEMO_XML = Path(__file__).resolve().parents[2] / "data" / "demo" / "xml"


@pytest.fixture()
def reader(app_client: TestClient, web_tokens: dict[str, str]) -> TestClient:
    login(app_client, web_tokens["read"])
    return app_client


@pytest.fixture()
def admin(app_client: TestClient, web_tokens: dict[str, str]) -> TestClient:
    login(app_client, web_tokens["admin"])
    return app_client


def test_search_page_shows_hits_snippets_facets_and_exports(reader: TestClient) -> None:
    page = reader.get("/search", params={"q": "encrypted file access"})
    assert page.status_code == 200
    html = page.text
    assert "226 documents" in html  # the lexical match set of the 302 US records
    assert 'href="/patents/US8799651"' in html
    assert "<mark>" in html  # highlighted words in the snippets
    assert "Counted over all 226 matching documents." in html
    assert re.search(r'data-facet="year" data-value="2010">2010</a>\s*<span class="count">221</span>', html)
    assert re.search(r'data-facet="country" data-value="US">US</a>\s*<span class="count">226</span>', html)
    assert 'data-facet="applicant" data-value="MICROSOFT">Microsoft Corporation</a>' in html
    for fmt in ("csv", "jsonl", "xlsx", "ris"):
        assert f'href="/api/v1/export?q=encrypted+file+access&amp;format={fmt}"' in html
    assert 'id="next-page" href="/search?q=encrypted+file+access&amp;offset=20"' in html


def test_facet_links_filter_the_search(reader: TestClient) -> None:
    by_year = reader.get("/search", params={"q": "encrypted file access", "year": "2013"})
    assert "1 documents" in by_year.text and 'href="/patents/US8799651"' in by_year.text
    assert "✕ 2013" in by_year.text  # the active facet, as a link that removes it
    microsoft = reader.get("/search", params={"q": "encrypted file access", "applicant": "MICROSOFT"})
    assert "11 documents" in microsoft.text
    assert "(exports leave out the year and applicant facets)" in microsoft.text
    by_country = reader.get("/search", params={"q": "encrypted file access", "country": "CN"})
    assert "0 documents" in by_country.text and 'id="no-hits"' in by_country.text


def test_paging_walks_the_result(reader: TestClient) -> None:
    first = reader.get("/search", params={"q": "encrypted file access", "limit": 100})
    second = reader.get("/search", params={"q": "encrypted file access", "limit": 100, "offset": 100})
    numbers = [set(re.findall(r'<li class="hit" id="hit-([^"]+)"', p.text)) for p in (first, second)]
    assert len(numbers[0]) == 100 and numbers[1] and not numbers[0] & numbers[1]
    assert 'id="prev-page" href="/search?q=encrypted+file+access&amp;limit=100&amp;offset=0"' in second.text
    assert 'id="next-page" href="/search?q=encrypted+file+access&amp;limit=100&amp;offset=200"' in second.text


def test_query_language_and_history_sets(reader: TestClient) -> None:
    answer = reader.get("/search", params={"q": "ti=encrypt*", "record": "true"})
    assert answer.status_code == 200, answer.text
    assert "query language" in answer.text
    label = re.search(r'id="set-label">(L\d+)<', answer.text)
    assert label is not None
    history = reader.get("/search").text
    assert f"<b>{label.group(1)}</b>" in history and "title=encrypt*" in history
    again = reader.get("/search", params={"q": label.group(1), "syntax": "query"})  # the set, searched again
    assert again.status_code == 200, again.text
    error = reader.get("/search", params={"q": "wireless NEAR3", "syntax": "query"})
    assert error.status_code == 400 and "column" in error.text


def test_document_page(reader: TestClient) -> None:
    page = reader.get("/patents/US8930553")  # the number without its kind code
    assert page.status_code == 200
    html = page.text
    assert 'id="doc-title">Managing mid-dialog session initiation protocol (SIP) messages</h1>' in html
    assert html.count('<details class="claim"') == 8  # 2 independent claims, 6 dependants nested in them
    assert 'depends on <a href="#claim-1">1</a>' in html
    assert 'href="/charts/new?number=US8930553B2&amp;claim=1"' in html
    assert 'href="/patents/US8930553B2/similar"' in html
    assert html.count('<p class="para" id="p-') == 37
    assert ">1.1 下一代信息网络产业</span>" in html  # its strategic emerging industry, from G06F15/16
    assert 'Cited by this document <span class="count">21</span>' in html
    xml = reader.get("/patents/EP3404678B1").text  # a full-text EPO publication: description with anchors
    assert re.search(r'<p class="para" id="p-0001"><a class="pno" href="#p-0001">\[0001\]</a>', xml)
    assert "Cited by this document" in xml


def test_unknown_document_is_a_404_page(reader: TestClient) -> None:
    page = reader.get("/patents/US1234567890B9")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "is not in the store" in page.text


def test_similar_page(reader: TestClient) -> None:
    page = reader.get("/patents/US8799651/similar")
    assert page.status_code == 200
    assert page.text.count('<li class="hit"') == 20
    assert 'id="hit-US8799651"' not in page.text


def test_chart_form_and_page(reader: TestClient) -> None:
    form = reader.get("/charts/new", params={"number": "US8930553B2", "claim": "1"})
    assert 'value="US8930553B2"' in form.text
    made = reader.post("/charts/new", data={"csrf_token": csrf_of(form.text), "number": "US8930553B2", "claim": "1",
                                            "top": "3"}, follow_redirects=False)  # fmt: skip
    assert made.status_code == 303, made.text
    chart = reader.get(made.headers["location"])
    assert chart.status_code == 200
    html = chart.text
    chart_id = made.headers["location"].rsplit("/", 1)[1]
    for fmt in ("html", "pdf", "xlsx", "docx", "csv", "json"):
        assert f'href="/api/v1/charts/{chart_id}.{fmt}"' in html
    assert 'id="chart-table"' in html and "<mark>" in html
    assert html.count('<th class="element">') >= 3
    xlsx = reader.get(f"/api/v1/charts/{chart_id}.xlsx")  # the session cookie authorises the download
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = reader.post("/charts/new", data={"csrf_token": csrf_of(form.text), "number": "US8930553B2"})
    assert bad.status_code == 400 and "give references" in bad.text


def test_ingest_page_uploads_and_follows_the_job(admin: TestClient) -> None:
    page = admin.get("/ingest")
    assert page.status_code == 200 and "Quarantine" in page.text
    data = (DEMO_XML / "US6336130.xml").read_bytes()
    files = [
        ("files", ("US6336130.xml", data, "application/xml")),
        ("files", ("broken.xml", b"<us-patent", "text/xml")),
    ]
    answer = admin.post("/ingest", data={"csrf_token": csrf_of(page.text)}, files=files, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    for _ in range(200):
        job = admin.get(answer.headers["location"])
        if 'id="job-state">done' in job.text or 'id="job-state">failed' in job.text:
            break
        assert '<meta http-equiv="refresh" content="2">' in job.text
        time.sleep(0.1)
    assert 'id="job-state">done' in job.text, job.text
    assert 'id="progress-quarantined">1<' in job.text
    again = admin.get("/ingest")
    assert "broken.xml" in again.text  # the quarantine lists the bad file with its reason


def test_ingest_needs_admin(reader: TestClient) -> None:
    page = reader.get("/ingest")
    assert page.status_code == 403 and "admin" in page.text
    assert 'href="/ingest"' not in reader.get("/search").text  # not in the navigation either


def test_language_switch_and_accept_language(reader: TestClient) -> None:
    zh = reader.get("/search", params={"lang": "zh"})
    assert 'lang="zh-Hans"' in zh.text and "检索" in zh.text
    assert reader.cookies.get("novum_lang") == "zh"
    again = reader.get("/patents/US8930553B2")
    assert "权利要求" in again.text  # the cookie keeps the language
    reader.get("/search", params={"lang": "en"})
    assert "Claims" in reader.get("/patents/US8930553B2").text
    reader.cookies.delete("novum_lang")
    assert "检索" in reader.get("/search", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}).text
    assert from_accept_language("en-US,en;q=0.9,zh;q=0.8") == "en"
    assert from_accept_language("fr, zh-TW;q=0.5") == "zh"
    assert from_accept_language("") == "en"


def test_every_template_string_is_translated() -> None:
    """Every ``_('...')`` in the templates and the navigation has a Chinese entry."""
    templates = Path(__file__).resolve().parents[2] / "src" / "novum" / "web"
    texts = set()
    feature_routes = templates.parent / "api" / "routes"
    for path in [*templates.glob("templates/*.html"), *templates.glob("*.py"), *feature_routes.glob("*.py")]:
        texts |= set(re.findall(r"""_\(\s*'((?:[^'\\]|\\.)+)'""", path.read_text()))
        texts |= set(re.findall(r'''_\(\s*"((?:[^"\\]|\\.)+)"''', path.read_text()))
    texts |= {"Search", "Claim chart", "Ingest", "Landscape", "immediate", "daily", "weekly"}
    texts = {t.replace("\\'", "'") for t in texts if t not in ("English text",)}
    missing = sorted(t for t in texts if t not in catalogue("zh"))
    assert not missing, missing


def test_marks_escape_first() -> None:
    assert str(marks("a <b> & **valve** <script>")) == "a &lt;b&gt; &amp; <mark>valve</mark> &lt;script&gt;"
    assert str(marks("**<i>**")) == "<mark>&lt;i&gt;</mark>"
    assert paragraph_id("[0012]", 3) == "p-0012" and paragraph_id(None, 7) == "p-0007"


def test_count_facets_counts_each_document_once_per_value() -> None:
    rows = [FacetRow("A", "2012-01-03", "US", "H04L9/08 H04L9/32 G06F21/60", "", "Acme Corp."),
            FacetRow("B", "2012-05-01", "CN", "H04L63/00", "H04L", "ACME CORP"),
            FacetRow("C", None, "US", "", "", None)]  # fmt: skip
    groups = count_facets(rows)
    assert [(v.value, v.count) for v in groups["cpc"]] == [("H04L", 2), ("G06F", 1)]
    assert [(v.value, v.count) for v in groups["year"]] == [("2012", 2)]
    assert [(v.value, v.label, v.count) for v in groups["applicant"]] == [("ACME", "Acme Corp.", 2)]
    assert [(v.value, v.count) for v in groups["country"]] == [("US", 2), ("CN", 1)]


def test_facets_over_the_match_set(web_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Free text, an exact Boolean query and a proximity query (verified on the text) all count their match set."""
    import novum.search.facets as facets
    from novum.corpus import Corpus
    from novum.search.service import SearchParams

    shared = Corpus(web_data)
    try:
        store, index = shared.store(), shared.index()
        words = facets.facet_counts(store, index, SearchParams(q="encrypted file access"))
        assert (words.basis, words.counted, words.applicants_counted) == ("all", 226, 226)
        capped = facets.facet_counts(store, index, SearchParams(q="encrypted file access"), cap=50)
        assert (capped.basis, capped.counted) == ("best", 50)
        boolean = facets.facet_counts(store, index, SearchParams(q="ti=encrypt*", syntax="query"))
        assert (boolean.basis, boolean.counted) == ("all", 2)
        near = facets.facet_counts(store, index, SearchParams(q="encrypted NEAR3 file", syntax="query"))
        assert near.basis == "all" and 0 < near.counted < 226
        monkeypatch.setattr(facets, "APPLICANT_CAP", 5)
        few = facets.facet_counts(store, index, SearchParams(q="encrypted file access"))
        assert few.applicants_counted == 5 and sum(v.count for v in few.groups["applicant"]) <= 5
        assert sum(v.count for v in few.groups["country"]) == 226
    finally:
        shared.close()
