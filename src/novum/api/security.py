"""Who is asking, whether they may, and how often: bearer tokens, web-session cookies with CSRF, rate limits and
request-size limits. Every route declares the scope it needs with ``Depends(need("read"))``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from novum.api.errors import ApiError, error_body
from novum.auth import LOCAL, Principal, find_session, same_secret, verify_token
from novum.auth import Scope as TokenScope

SESSION_COOKIE = "novum_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class RateLimiter:
    """A token bucket per caller: ``per_minute`` requests, refilled continuously."""

    per_minute: int
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str) -> float:
        """Spend one request; returns 0 when allowed, else the seconds until one is available."""
        capacity = float(self.per_minute)
        rate = capacity / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / rate


def identify(request: Request) -> tuple[Principal | None, str | None]:
    """The caller's principal (None when anonymous) and, for a web session, its CSRF token."""
    state = request.app.state
    if not state.settings.auth:
        return LOCAL, None
    store = state.corpus.store()
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(401, "unauthorized", "use 'Authorization: Bearer <token>'",
                           headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
        principal = verify_token(store, secret.strip())
        if principal is None:
            raise ApiError(401, "unauthorized", "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
        return principal, None
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        session = find_session(store, cookie)
        if session is not None:
            return session.principal, session.csrf
    return None, None


def identify_within_limit(request: Request) -> tuple[Principal | None, str | None]:
    """``identify``, then spend one request of the caller's rate limit (per token, else per client address);
    429 with ``Retry-After`` when it is spent. API routes and web pages both come through here."""
    principal, csrf = identify(request)
    limiter: RateLimiter = request.app.state.limiter
    key = principal.name if principal is not None else f"ip:{request.client.host if request.client else '?'}"
    wait = limiter.take(key)
    if wait > 0:
        raise ApiError(429, "rate_limited", f"too many requests; retry in {wait:.0f} s",
                       headers={"Retry-After": str(max(1, round(wait + 0.5)))})  # fmt: skip
    return principal, csrf


def need(scope: TokenScope) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency: the caller must hold ``scope``; applies the rate limit and, for cookie sessions, CSRF."""

    async def dependency(request: Request) -> Principal:
        principal, csrf = identify_within_limit(request)
        if principal is None:
            raise ApiError(401, "unauthorized", "this route needs a token ('Authorization: Bearer <token>')",
                           headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
        if not principal.allows(scope):
            raise ApiError(403, "forbidden", f"this route needs the {scope!r} scope; token {principal.name!r} has"
                           f" {principal.scope!r}")  # fmt: skip
        if csrf is not None and request.method in UNSAFE:
            given = request.headers.get(CSRF_HEADER) or await _form_csrf(request)
            if not given or not same_secret(given, csrf):
                raise ApiError(403, "csrf", "missing or wrong CSRF token for a cookie-authenticated request")
        request.state.principal = principal
        request.state.csrf = csrf
        return principal

    return dependency


async def _form_csrf(request: Request) -> str | None:
    if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


class BodyLimit:
    """Refuses bodies over the limit with 413 before they are read: by Content-Length when given, else by
    counting the streamed bytes. Upload routes get the larger upload limit."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int, upload_paths: tuple[str, ...]) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.max_upload if path.startswith(self.upload_paths) else self.max_body
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(send, limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    import json

    body = json.dumps(error_body("too_large", f"request body over the limit of {limit:,} bytes", {"limit": limit}))
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"retry-after", b"60")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body.encode()})
