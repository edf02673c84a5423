"""Security of the web pages: patent text is escaped everywhere, forms are refused without their CSRF token, pages
need a login, logging out ends the session, cookies are HttpOnly and SameSite=Strict, ``--no-auth`` only on
loopback, and the login form never redirects off the site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from novum.api.app import create_app
from novum.api.settings import Settings
from novum.auth import find_session
from novum.store.sqlite import Store
from tests.web.conftest import XSS_NUMBER, csrf_of, login


@pytest.fixture()
def fresh(app_client: TestClient) -> Iterator[TestClient]:
    """A client of its own (no cookies) on the shared application."""
    client = TestClient(app_client.app)
    yield client
    client.close()


def test_patent_text_is_escaped_on_every_page(fresh: TestClient, web_tokens: dict[str, str]) -> None:
    login(fresh, web_tokens["read"])
    document = fresh.get(f"/patents/{XSS_NUMBER}").text
    assert "<script>alert" not in document and "<img src=x" not in document and "<rubber>" not in document
    assert "Valve &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &amp; seal" in document
    assert "pressure &lt; 5 bar &amp; flow &gt; 2 l/s &lt;img src=x onerror=alert(1)&gt;." in document
    assert "A valve &lt;b&gt;comprising&lt;/b&gt; a seal &amp; a spring." in document
    results = fresh.get("/search", params={"q": "valve seal pressure onerror"}).text
    assert f'id="hit-{XSS_NUMBER}"' in results
    assert "<script>alert" not in results and "<img src=x" not in results
    assert "&lt;script&gt;" in results and "<mark>" in results  # escaped text, real highlight marks
    similar = fresh.get(f"/patents/{XSS_NUMBER}/similar").text
    assert "<script>alert" not in similar
    typed = '"><script>alert(1)</script>'
    query = fresh.get("/search", params={"q": typed, "syntax": "text"}).text
    assert "<script>alert(1)" not in query and 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in query
    # free text by default (its marks also occur in prose); asked for as the query language, a syntax error page
    assert fresh.get("/search", params={"q": typed}).status_code == 200
    error = fresh.get("/search", params={"q": typed, "syntax": "query"})
    assert error.status_code == 400 and "<script>alert(1)" not in error.text
    assert "&lt;script&gt;alert(1)" in error.text or "alert(1)" not in error.text


def test_pages_need_a_login(fresh: TestClient) -> None:
    for path in ("/search?q=valve", f"/patents/{XSS_NUMBER}", "/charts/new", "/ingest"):
        answer = fresh.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next=%2F")
    assert fresh.get("/login").status_code == 200


def test_wrong_token_is_refused(fresh: TestClient) -> None:
    page = fresh.get("/login")
    answer = fresh.post("/login", data={"token": "nvm_not-a-token", "csrf_token": csrf_of(page.text)})
    assert answer.status_code == 401 and 'id="login-error"' in answer.text
    assert "novum_session" not in fresh.cookies


def test_session_cookie_flags(fresh: TestClient, web_tokens: dict[str, str]) -> None:
    page = fresh.get("/login")
    answer = fresh.post("/login", data={"token": web_tokens["read"], "csrf_token": csrf_of(page.text),
                                        "next": "/search"}, follow_redirects=False)  # fmt: skip
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("novum_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie


def test_secure_cookies_behind_https(web_data: Path, web_tokens: dict[str, str]) -> None:
    app = create_app(Settings(web_data, secure_cookies=True), embed_uploads=False)
    with TestClient(app, base_url="https://testserver") as client:
        page = client.get("/login")
        answer = client.post("/login", data={"token": web_tokens["read"], "csrf_token": csrf_of(page.text)},
                             follow_redirects=False)  # fmt: skip
        cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("novum_session="))
        assert "Secure" in cookie


def test_forms_without_the_right_csrf_token_are_refused(fresh: TestClient, web_tokens: dict[str, str]) -> None:
    login(fresh, web_tokens["admin"])
    form = {"number": "US8930553B2", "top": "2"}
    assert fresh.post("/charts/new", data=form).status_code == 403
    assert fresh.post("/charts/new", data={**form, "csrf_token": "forged"}).status_code == 403
    upload = [("files", ("a.xml", b"<x/>", "text/xml"))]
    assert fresh.post("/ingest", data={"csrf_token": "forged"}, files=upload).status_code == 403
    assert fresh.post("/logout", data={}).status_code == 403
    assert fresh.get("/search").status_code == 200  # still logged in: the forged logout did nothing
    # the login form has its own token (no session yet): a login posted from another site is refused too
    other = TestClient(fresh.app)
    assert other.post("/login", data={"token": web_tokens["read"], "csrf_token": "x"}).status_code == 403


def test_logout_ends_the_session(fresh: TestClient, web_tokens: dict[str, str], web_data: Path) -> None:
    login(fresh, web_tokens["read"])
    session_id = fresh.cookies.get("novum_session")
    assert session_id
    page = fresh.get("/search")
    answer = fresh.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    with Store(web_data) as store:
        assert find_session(store, session_id) is None
    replay = TestClient(fresh.app, cookies={"novum_session": session_id})
    assert replay.get("/search", follow_redirects=False).status_code == 303  # the old cookie is worthless


def test_login_never_redirects_off_site(fresh: TestClient, web_tokens: dict[str, str]) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        page = fresh.get("/login", params={"next": target})
        answer = fresh.post("/login", data={"token": web_tokens["read"], "csrf_token": csrf_of(page.text),
                                            "next": target}, follow_redirects=False)  # fmt: skip
        assert answer.headers["location"] == "/search"


def test_no_auth_only_on_loopback_and_forms_still_need_csrf(web_data: Path) -> None:
    for host in ("127.0.0.1", "::1", "localhost"):
        Settings(web_data, auth=False).check(host)
    for host in ("0.0.0.0", "192.168.1.20", "example.org"):
        with pytest.raises(ValueError, match="loopback"):
            Settings(web_data, auth=False).check(host)
    app = create_app(Settings(web_data, auth=False), embed_uploads=False)
    with TestClient(app) as client:
        page = client.get("/charts/new")
        assert page.status_code == 200 and 'id="logout"' not in page.text  # no login, no session
        assert client.post("/charts/new", data={"number": "US8930553B2", "top": "2"}).status_code == 403
        made = client.post("/charts/new", data={"number": "US8930553B2", "top": "2", "csrf_token": csrf_of(page.text)},
                           follow_redirects=False)  # fmt: skip
        assert made.status_code == 303
        assert client.get("/login", follow_redirects=False).headers["location"] == "/search"


def test_chart_page_escapes_pasted_claims_and_references(fresh: TestClient, web_tokens: dict[str, str]) -> None:
    login(fresh, web_tokens["read"])
    form = fresh.get("/charts/new")
    claim = "1. A valve <script>alert(1)</script> comprising a seal & a spring biasing the seal."
    made = fresh.post("/charts/new", data={"csrf_token": csrf_of(form.text), "text": claim, "references": XSS_NUMBER},
                      follow_redirects=False)  # fmt: skip
    assert made.status_code == 303, made.text
    page = fresh.get(made.headers["location"]).text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Valve &lt;script&gt;" in page  # the reference's title, escaped
