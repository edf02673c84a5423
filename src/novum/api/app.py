"""The application ``novum serve`` runs: the REST API under ``/api/v1`` and the web pages, over one data directory.

Routes are thin: each turns a request into a call of the same library function the CLI uses and the result into
JSON (or a page). Limits, auth and the error shape are applied here once, for every route.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from novum import __version__
from novum.api import errors
from novum.api.routes import charts, export, history, ingest, meta, patents, search
from novum.api.security import BodyLimit, RateLimiter
from novum.api.settings import Settings
from novum.corpus import Corpus
from novum.ingest.jobs import abandon_stale_jobs

API_ROUTERS = (search.router, patents.router, charts.router, export.router, ingest.router, history.router, meta.router)
# Feature packages that bring their own routes and pages; each module defines ``router`` (skipped when absent).
FEATURE_MODULES = ("novum.web.pages", "novum.api.routes.landscape", "novum.api.routes.watches",
                   "novum.api.routes.matching", "novum.api.routes.check")  # fmt: skip
UPLOAD_PATHS = ("/api/v1/ingest", "/ingest")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
    " script-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


class SecurityHeaders:
    """Adds the security headers to every response (a plain ASGI wrapper: cheaper than a request/response one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope.get("path", "").startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
                if api:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings, *, embed_uploads: bool = True) -> FastAPI:
    corpus = Corpus(settings.data_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.query_slots = anyio.CapacityLimiter(settings.max_parallel_queries)
        abandon_stale_jobs(corpus.store())
        yield
        corpus.close()

    app = FastAPI(
        title="novum",
        version=__version__,
        description="Self-hostable patent intelligence: prior-art search, claim charts, exports. Authenticate with"
        " `Authorization: Bearer <token>` (create one with `novum token create NAME --scope read`).",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.corpus = corpus
    app.state.limiter = RateLimiter(settings.rate_per_minute)
    app.state.reports = charts.ReportCache()
    app.state.embed_uploads = embed_uploads
    app.state.query_slots = anyio.CapacityLimiter(settings.max_parallel_queries)
    errors.install(app)
    for router in API_ROUTERS:
        app.include_router(router)
    for name in FEATURE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but something it imports is missing: a real error
                raise
            continue
        app.include_router(module.router)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes,
                       upload_paths=UPLOAD_PATHS)  # fmt: skip
    return app


SETTINGS_ENV = "NOVUM_SERVE_SETTINGS"


def settings_to_environment(settings: Settings, embed_uploads: bool) -> None:
    """Hand the settings to worker processes (``novum serve --workers N`` starts each from an import string)."""
    values = {name: getattr(settings, name) for name in settings.__dataclass_fields__}
    values["data_dir"] = str(settings.data_dir)
    os.environ[SETTINGS_ENV] = json.dumps({"settings": values, "embed_uploads": embed_uploads})


def app_from_environment() -> FastAPI:
    """The application of one worker process, from the settings its parent put in the environment."""
    given = json.loads(os.environ[SETTINGS_ENV])
    values = dict(given["settings"])
    values["data_dir"] = Path(values["data_dir"])
    return create_app(Settings(**values), embed_uploads=bool(given["embed_uploads"]))
