"""Opaque cursors for paging through a whole result set: the offset of the next page, bound to the query.

A cursor from one query used with another is refused rather than silently paging the wrong result.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from novum.api.errors import ApiError


def query_key(params: dict[str, Any]) -> str:
    payload = json.dumps(params, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(payload).hexdigest()[:16]


def encode_cursor(offset: int, key: str) -> str:
    raw = json.dumps({"o": offset, "k": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, key: str) -> int:
    """The offset a cursor points at (0 without one)."""
    if not cursor:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset, owner = int(data["o"]), str(data["k"])
    except (ValueError, KeyError, TypeError):
        raise ApiError(400, "bad_cursor", "the cursor is not one this server issued") from None
    if owner != key or offset < 0:
        raise ApiError(400, "bad_cursor", "the cursor belongs to another query; start again without a cursor")
    return offset
