"""Logging in to the web pages: a token exchanged for a session cookie (HttpOnly, SameSite=Strict, Secure behind
HTTPS), the session's CSRF token in every form, and the check every POST makes.

Under ``--no-auth`` (loopback only) there is no session; forms then carry a per-process CSRF token, so another
site still cannot post to the pages of a local server.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from novum.api.deps import corpus
from novum.api.errors import ApiError
from novum.api.security import SESSION_COOKIE, identify_within_limit
from novum.auth import (
    SESSION_HOURS,
    Principal,
    Scope,
    end_session,
    record_use,
    same_secret,
    start_session,
    verify_token,
)
from novum.web.render import Redirect, html_page, render

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "novum_login_csrf"  # the login form's CSRF token, before there is a session


@dataclass(frozen=True, slots=True)
class WebUser:
    principal: Principal
    csrf: str


def _process_csrf(request: Request) -> str:
    state = request.app.state
    token: str | None = getattr(state, "web_csrf", None)
    if token is None:
        token = secrets.token_urlsafe(24)
        state.web_csrf = token
    return token


def current_user(request: Request, scope: Scope = "read") -> WebUser:
    """The logged-in user of a page; redirects to the login page when there is none, 403 without the scope."""
    principal, csrf = identify_within_limit(request)
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise Redirect(f"/login?next={quote(target, safe='')}")
    user = WebUser(principal, csrf or _process_csrf(request))
    request.state.user = user
    if not principal.allows(scope):
        raise ApiError(403, "forbidden", f"this page needs the {scope!r} scope; you are logged in as"
                       f" {principal.name!r} with {principal.scope!r}")  # fmt: skip
    return user


def check_csrf(user: WebUser, given: str | None) -> None:
    """Refuse a form whose CSRF token is missing or not the session's."""
    if not given or not same_secret(given, user.csrf):
        raise ApiError(403, "csrf", "this form's security token is missing or out of date; reload the page and"
                       " send it again")  # fmt: skip


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//evil.example`` or ``https://...``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/search"
    return target


@router.get("/login")
@html_page
async def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002
    if not request.app.state.settings.auth:
        raise Redirect(_safe_next(next))
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, "login.html", csrf=token, next=_safe_next(next), error=None)
    _set_cookie(request, response, LOGIN_COOKIE, token, max_age=3600)
    return response


@router.post("/login")
@html_page
async def login(
    request: Request, token: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/search",  # noqa: A002
) -> Response:  # fmt: skip
    settings = request.app.state.settings
    if not settings.auth:
        raise Redirect(_safe_next(next))
    expected = request.cookies.get(LOGIN_COOKIE)
    if not expected or not csrf_token or not same_secret(csrf_token, expected):
        raise ApiError(403, "csrf", "the login form's security token is missing or out of date; reload the page")
    store = corpus(request).store()
    principal = verify_token(store, token.strip())
    if principal is None:
        return render(
            request, "login.html", 401, csrf=expected, next=_safe_next(next), error="Unknown or revoked token."
        )
    session_id, _ = start_session(store, principal)
    record_use(store, principal)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, session_id, max_age=SESSION_HOURS * 3600)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
@html_page
async def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    user = current_user(request)
    check_csrf(user, csrf_token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        end_session(corpus(request).store(), cookie)
    response = RedirectResponse("/login" if request.app.state.settings.auth else "/search", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="strict",
                        secure=request.app.state.settings.secure_cookies)  # fmt: skip
