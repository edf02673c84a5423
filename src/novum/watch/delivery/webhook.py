"""Webhook delivery: one JSON POST per watch and run carrying its due alerts, signed with HMAC-SHA256.

The receiver checks ``X-Novum-Signature: sha256=<hex>``, the HMAC-SHA256 of the exact body bytes under the watch's
secret (shown by ``novum watch show``), and may use ``X-Novum-Delivery`` (the same on every retry of one batch) to
drop a batch it already accepted. A 2xx answer is success; anything else, a timeout or a refused connection is a
failed attempt, retried with exponential backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any

from novum.watch.model import Alert, Watch

SIGNATURE_HEADER = "X-Novum-Signature"
DELIVERY_HEADER = "X-Novum-Delivery"


def sign(secret: str, body: bytes) -> str:
    """The header value for a body: ``sha256=`` and the hex HMAC."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """What a receiver does (tests use it too): recompute and compare in constant time."""
    return header is not None and hmac.compare_digest(sign(secret, body), header)


def payload(watch: Watch, alerts: list[Alert], sent_at: str) -> bytes:
    body: dict[str, Any] = {
        "watch": watch.name,
        "kind": watch.kind,
        "watches": watch.describe(),
        "sent_at": sent_at,
        "alerts": [a.to_dict() for a in alerts],
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


def post(url: str, body: bytes, signature: str, delivery: str, timeout: float) -> tuple[int | None, str | None]:
    """One POST; returns (HTTP status or None, error or None)."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "novum-watch",
            SIGNATURE_HEADER: signature,
            DELIVERY_HEADER: delivery,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) checked at add)
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, f"{type(exc).__name__}: {reason}"
    if 200 <= status < 300:
        return status, None
    return status, f"HTTP {status}"
