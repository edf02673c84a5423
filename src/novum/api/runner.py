"""Running library calls from async routes: in a worker thread, a bounded number at once, under a time limit.

A query past its limit answers 503 at once; its thread is abandoned and finishes in the background (Python cannot
stop a thread), while the concurrency limit keeps such stragglers from piling up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread
from fastapi import Request

from novum.api.errors import ApiError, from_library
from novum.errors import NovumError

T = TypeVar("T")


async def run_limited(request: Request, call: Callable[[], T], what: str = "query") -> T:
    settings = request.app.state.settings
    limiter: anyio.CapacityLimiter = request.app.state.query_slots
    try:
        with anyio.fail_after(settings.query_timeout_s):
            return await anyio.to_thread.run_sync(call, limiter=limiter, abandon_on_cancel=True)
    except TimeoutError:
        raise ApiError(
            503, "timeout", f"the {what} ran past the time limit of {settings.query_timeout_s:g} s; narrow it"
            " (a field, a class, a date range) or ask for fewer hits", headers={"Retry-After": "10"},
        ) from None  # fmt: skip
    except (NovumError, ValueError) as exc:
        raise from_library(exc) from exc
