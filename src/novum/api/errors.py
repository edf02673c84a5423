"""One JSON error shape for every 4xx and 5xx: ``{"error": {"code", "message", "detail"}}``.

Library errors map to statuses here, once: an unknown number is a 404, a query syntax error a 400 whose detail
carries the column, a busy writer a 409, an index that needs rebuilding a 503 naming the command.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from novum.errors import NotFoundError, NovumError, QuerySyntaxError, StoreError
from novum.search.service import SearchParameterError

log = logging.getLogger("novum.api")

_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                 422: "invalid_request", 429: "rate_limited", 500: "internal", 503: "unavailable"}  # fmt: skip


class ApiError(Exception):
    """An error the API answers with directly."""

    def __init__(
        self, status: int, code: str, message: str, detail: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.headers = headers or {}


def error_body(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "detail": detail}}


def respond(status: int, code: str, message: str, detail: Any = None, headers: dict[str, str] | None = None
            ) -> JSONResponse:  # fmt: skip
    return JSONResponse(error_body(code, message, detail), status_code=status, headers=headers)


_NOT_READY = ("IndexNeedsRebuildError", "ModelMismatchError", "ModelNotAvailableError")


def from_library(exc: Exception) -> ApiError:
    """The API error for a library exception."""
    name = type(exc).__name__
    if isinstance(exc, NotFoundError):
        return ApiError(404, "not_found", str(exc))
    if isinstance(exc, QuerySyntaxError):
        column = getattr(exc, "column", None)
        code = "query_too_expensive" if name == "QueryTooExpensiveError" else "query_syntax"
        return ApiError(400, code, str(exc), {"column": column, "expected": _expected(str(exc))})
    if name == "BusyError":
        return ApiError(409, "busy", str(exc), headers={"Retry-After": "5"})
    if isinstance(exc, StoreError) or name in _NOT_READY:
        return ApiError(503, "unavailable", str(exc))
    if isinstance(exc, NovumError | SearchParameterError | ValueError):
        return ApiError(400, "bad_request", str(exc))
    raise exc


def _expected(message: str) -> str | None:
    """'expected a term after NEAR3 at column 15' → 'a term after NEAR3'."""
    if "expected " not in message:
        return None
    tail = message.split("expected ", 1)[1]
    return tail.split(" at column")[0].strip() or None


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return respond(exc.status, exc.code, exc.message, exc.detail, exc.headers)

    @app.exception_handler(NovumError)
    async def library_error(request: Request, exc: NovumError) -> JSONResponse:
        mapped = from_library(exc)
        return respond(mapped.status, mapped.code, mapped.message, mapped.detail, mapped.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return respond(exc.status_code, code, message, None, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg")} for e in exc.errors()
        ]
        first = problems[0] if problems else {"where": "request", "problem": "invalid"}
        return respond(422, "invalid_request", f"{first['where']}: {first['problem']}", problems)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return respond(500, "internal", "internal error; the server log has the details", None)
