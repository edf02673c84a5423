"""Sending a watch's due alerts on its channels, with retries, and recording every attempt.

Within one call a batch is tried ``attempts`` times with exponential backoff (``backoff`` seconds, doubled each
time); if all fail, the deliveries stay queued with the error and become due again later (``scheduler.next_retry``)
until ``max_attempts`` tries in all, after which they are ``failed`` and kept for inspection (``novum watch show``;
``novum watch run --retry-failed`` queues them again). A failure is recorded, never raised: delivery cannot fail
the ingest or the run that called it.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from novum.store.watches import WatchTable
from novum.watch import scheduler
from novum.watch.delivery import email as mail
from novum.watch.delivery import webhook
from novum.watch.model import Alert, Attempt, Watch, WatchError


@dataclass(slots=True)
class DeliverySettings:
    """How to deliver; ``from_env`` reads ``NOVUM_SMTP_URL`` and ``NOVUM_SMTP_FROM``."""

    smtp_url: str | None = None
    smtp_from: str = "novum@localhost"
    timeout: float = 10.0
    attempts: int = 3  # tries per call
    backoff: float = 0.5  # seconds before the second try, doubled after each
    max_attempts: int = 8  # tries in all before a delivery is marked failed
    retry_base: float = scheduler.RETRY_BASE_SECONDS
    cap: int = mail.DEFAULT_CAP
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    @classmethod
    def from_env(cls, **overrides: Any) -> DeliverySettings:
        settings = cls(smtp_url=os.environ.get("NOVUM_SMTP_URL") or None,
                       smtp_from=os.environ.get("NOVUM_SMTP_FROM") or "novum@localhost")  # fmt: skip
        for name, value in overrides.items():
            setattr(settings, name, value)
        return settings


@dataclass(slots=True)
class DeliveryResult:
    """What one channel of one watch did in a call."""

    watch: str
    channel: str
    target: str
    alerts: int
    ok: bool
    tries: int
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "watch": self.watch,
            "channel": self.channel,
            "target": self.target,
            "alerts": self.alerts,
            "ok": self.ok,
            "tries": self.tries,
            "error": self.error,
        }


def deliver(
    table: WatchTable, watch: Watch, settings: DeliverySettings, now: dt.datetime | None = None, *, force: bool = False
) -> list[DeliveryResult]:
    """Send the watch's due alerts on each of its channels (respecting its frequency unless ``force``)."""
    now = now or dt.datetime.now(dt.UTC)
    if not force and not scheduler.is_due(watch, now):
        return []
    results: list[DeliveryResult] = []
    for channel, target in (("webhook", watch.webhook), ("email", watch.email)):
        if not target:
            continue
        alerts = table.due(watch, channel, now.isoformat(timespec="seconds"))
        if alerts:
            results.append(_send(table, watch, channel, target, alerts, settings, now))
    return results


def _send(
    table: WatchTable, watch: Watch, channel: str, target: str, alerts: list[Alert], settings: DeliverySettings,
    now: dt.datetime,
) -> DeliveryResult:  # fmt: skip
    at = now.isoformat(timespec="seconds")
    body = webhook.payload(watch, alerts, at) if channel == "webhook" else b""
    delivery_id = uuid.uuid4().hex
    error: str | None = None
    tries = 0
    for tries in range(1, max(settings.attempts, 1) + 1):
        status: int | None = None
        try:
            if channel == "webhook":
                status, error = webhook.post(target, body, webhook.sign(watch.secret, body), delivery_id,
                                             settings.timeout)  # fmt: skip
            else:
                if not settings.smtp_url:
                    raise WatchError("no SMTP server configured (set NOVUM_SMTP_URL, e.g. smtp://localhost:25)")
                mail.send(mail.digest(watch, alerts, settings.smtp_from, settings.cap), settings.smtp_url,
                          settings.timeout)  # fmt: skip
                error = None
        except (OSError, smtplib.SMTPException, WatchError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        table.log_attempt(watch, Attempt(channel, target, len(alerts), error is None, status, error,
                                         dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))  # fmt: skip
        if error is None:
            break
        if tries < settings.attempts:
            settings.sleep(settings.backoff * 2 ** (tries - 1))
    ids = [a.id for a in alerts if a.id is not None]
    if error is None:
        table.delivered(watch, channel, ids, tries, at)
        return DeliveryResult(watch.name, channel, target, len(alerts), True, tries)
    retry = scheduler.next_retry(table.attempts_made(channel, ids) + tries, now, settings.retry_base)
    table.undelivered(channel, ids, tries, error, retry, settings.max_attempts)
    return DeliveryResult(watch.name, channel, target, len(alerts), False, tries, error)
