"""Rendering web pages: the Jinja2 environment (autoescape on), the navigation bar, the error page, and the
decorator that turns library and API errors raised by a page into an HTML page with the right status.

Every piece of patent text reaches a template as plain text and is escaped there; ``marks`` escapes a snippet first
and only then turns its ``**word**`` highlights into ``<mark>``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, ParamSpec
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from novum.api.errors import ApiError, from_library
from novum.api.security import CSRF_FIELD
from novum.auth import Scope
from novum.errors import NovumError
from novum.web.i18n import LANG_COOKIE, LANGUAGES, choose_language, translator

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
P = ParamSpec("P")


@dataclass(frozen=True, slots=True)
class NavLink:
    path: str
    label: str  # English; translated when shown
    scope: Scope = "read"


NAV: list[NavLink] = [
    NavLink("/search", "Search"),
    NavLink("/charts/new", "Claim chart"),
    NavLink("/ingest", "Ingest", "admin"),
]


def add_nav(path: str, label: str, scope: Scope = "read") -> None:
    """Put a page in the navigation bar (feature modules call this at import time)."""
    if all(link.path != path for link in NAV):
        NAV.append(NavLink(path, label, scope))


def marks(text: str | None) -> Markup:
    """A snippet or quote, escaped, with its ``**highlighted**`` words in ``<mark>``."""
    if not text:
        return Markup("")
    escaped = str(escape(text))
    return Markup(_BOLD.sub(r"<mark>\1</mark>", escaped))


def paragraph_id(number: str | None, position: int) -> str:
    """The anchor of a description paragraph: ``p-0012`` from its own number, else from its position (1-based)."""
    digits = re.sub(r"\D", "", number or "")
    return f"p-{int(digits):04d}" if digits else f"p-{position:04d}"


def as_param(value: str, name: str) -> tuple[str, str]:
    """``["US"] | map("as_param", "country")`` -> ``[("country", "US")]``: filter values as URL parameters."""
    return name, value


def query_string(params: Iterable[tuple[str, Any]]) -> str:
    return urlencode([(k, v) for k, v in params if v is not None and v is not False and v != ""], doseq=True)


ENV = Environment(loader=PackageLoader("novum.web", "templates"), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)  # fmt: skip
ENV.filters["marks"] = marks
ENV.filters["as_param"] = as_param
ENV.globals["paragraph_id"] = paragraph_id
ENV.globals["query_string"] = query_string


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page in the request's language; ``?lang=`` is remembered in a cookie."""
    lang, asked = choose_language(request)
    user = context.get("user")
    nav = [link for link in NAV if user is None or user.principal.allows(link.scope)]
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    switch = {code: f"{request.url.path}?{query_string([*kept, ('lang', code)])}" for code in LANGUAGES}
    html = ENV.get_template(template).render(
        request=request, lang=lang, _=translator(lang), nav=nav, path=request.url.path, switch=switch,
        auth=request.app.state.settings.auth, csrf_field=CSRF_FIELD, **context,
    )  # fmt: skip
    response = HTMLResponse(html, status_code=status)
    if asked:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", httponly=True,
                            secure=request.app.state.settings.secure_cookies)  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


class Redirect(Exception):
    """Raised by a page to send the browser elsewhere (to the login page, after a form)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def error_page(request: Request, status: int, message: str, detail: Any = None, user: Any = None) -> HTMLResponse:
    return render(request, "error.html", status, message=message, detail=detail, code=status, user=user)


def html_page(page: Callable[P, Awaitable[Response]]) -> Callable[P, Awaitable[Response]]:
    """Wrap a page: a ``Redirect`` becomes a 303, API and library errors an HTML error page with their status."""

    @functools.wraps(page)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> Response:
        request = kwargs["request"]
        assert isinstance(request, Request)
        try:
            return await page(*args, **kwargs)
        except Redirect as exc:
            return RedirectResponse(exc.location, status_code=303)
        except ApiError as exc:
            response = error_page(request, exc.status, exc.message, exc.detail, getattr(request.state, "user", None))
            response.headers.update(exc.headers)
            return response
        except (NovumError, ValueError) as exc:
            mapped = from_library(exc)
            return error_page(request, mapped.status, mapped.message, mapped.detail,
                              getattr(request.state, "user", None))  # fmt: skip

    return wrapper
