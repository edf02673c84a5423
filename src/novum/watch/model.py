"""What a watch is, what an alert says, and the checks that refuse a bad watch when it is added (not when it fires).

A watch is one of four kinds: a saved ``search`` (free text or the query language, ``sem(...)`` included, with
filters), a ``portfolio`` (publications whose citations, family and independent claims are watched), a
``competitor`` (an applicant's name, cleaned, and/or classes) and an ``industry`` (the monitor's surge and
new-entrant signals of a named industry). Its ``spec`` is the kind's parameters as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from novum.errors import NovumError

KINDS = ("search", "portfolio", "competitor", "industry")
FREQUENCIES = {"immediate": 0, "daily": 86_400, "weekly": 7 * 86_400}  # seconds between deliveries


class WatchError(NovumError):
    """A watch that cannot be added or used: the message names the watch and the reason."""


class WatchNotFoundError(WatchError):
    """No watch of that name."""


@dataclass(slots=True)
class Watch:
    """A stored watch. ``watermark`` is the last document sequence (``watch_feed.seq``) it has evaluated."""

    id: int
    name: str
    owner: str
    kind: str
    spec: dict[str, Any]
    frequency: str
    webhook: str | None
    email: str | None
    feed_token: str
    secret: str
    watermark: int
    created_at: str
    last_run_at: str | None = None
    last_sent_at: str | None = None

    @property
    def semantic(self) -> bool:
        """Whether evaluating it needs passage vectors of the new documents."""
        return bool(self.spec.get("vectors"))

    def describe(self) -> str:
        """One line saying what the watch watches."""
        spec = self.spec
        if self.kind == "search":
            return f"search {spec['query']!r}"
        if self.kind == "portfolio":
            numbers = spec.get("numbers", [])
            head = ", ".join(numbers[:3]) + (f" and {len(numbers) - 3} more" if len(numbers) > 3 else "")
            owner = f" (applicant {spec['applicant']})" if spec.get("applicant") else ""
            return f"portfolio of {len(numbers)}{owner}: {head}"
        if self.kind == "competitor":
            parts = [f"applicant {spec['applicant']!r}"] if spec.get("applicant") else []
            parts += [f"{scheme} {' '.join(spec[scheme])}" for scheme in ("cpc", "ipc") if spec.get(scheme)]
            return "competitor " + " or ".join(parts)
        return f"industry {spec['industry']} (surge and new-entrant signals)"

    def to_dict(self, *, secrets: bool = False) -> dict[str, Any]:
        """JSON-ready; the webhook secret and feed token only when ``secrets`` (the owner's own view)."""
        spec = {k: v for k, v in self.spec.items() if k != "vectors"}
        if self.spec.get("vectors"):
            spec["vectors"] = [{"label": v["label"], "threshold": v["threshold"]} for v in self.spec["vectors"]]
        out: dict[str, Any] = {
            "name": self.name,
            "owner": self.owner,
            "kind": self.kind,
            "watches": self.describe(),
            "spec": spec,
            "frequency": self.frequency,
            "webhook": self.webhook,
            "email": self.email,
            "watermark": self.watermark,
            "created_at": self.created_at,
            "last_run_at": self.last_run_at,
            "last_sent_at": self.last_sent_at,
        }
        if secrets:
            out["feed_token"] = self.feed_token
            out["webhook_secret"] = self.secret
        return out


@dataclass(slots=True)
class Alert:
    """One alert of the ledger: a document of a family fired a watch for one reason, with why.

    ``reason`` is the ledger key (``query``, ``cites:US8799651``, ``family:US8799651B2``, ``close:US8799651B2``,
    ``applicant``, ``class``, ``signal:surge:cpc:H04L:2024``); ``detail`` says what matched (the clause and its
    evidence, the cited patent, the closest claim and its score)."""

    watch: str
    family: str
    reason: str
    number: str
    title: str | None
    detail: dict[str, Any]
    score: float | None = None
    seq: int = 0
    id: int | None = None
    created_at: str | None = None

    @property
    def summary(self) -> str:
        """The why in one line, for digests and feeds."""
        text = self.detail.get("why")
        return str(text) if text else self.reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "watch": self.watch,
            "number": self.number,
            "title": self.title,
            "family": self.family,
            "reason": self.reason,
            "why": self.summary,
            "detail": self.detail,
            "score": None if self.score is None else round(self.score, 4),
            "created_at": self.created_at,
        }


@dataclass(slots=True)
class Delivery:
    """An alert's state on one channel (``pending`` until sent; ``failed`` after the last allowed attempt)."""

    alert_id: int
    channel: str
    target: str
    state: str
    attempts: int
    last_error: str | None
    next_attempt_at: str | None
    sent_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "channel": self.channel,
            "target": self.target,
            "state": self.state,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "next_attempt_at": self.next_attempt_at,
            "sent_at": self.sent_at,
        }


@dataclass(slots=True)
class Attempt:
    """One try at delivering a batch of alerts (kept for inspection, failures included)."""

    channel: str
    target: str
    alerts: int
    ok: bool
    status: int | None
    error: str | None
    at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "target": self.target,
            "alerts": self.alerts,
            "ok": self.ok,
            "status": self.status,
            "error": self.error,
            "at": self.at,
        }


@dataclass(slots=True)
class WatchDetail:
    """What ``novum watch show`` prints: the watch, its alerts (newest first), deliveries and recent attempts."""

    watch: Watch
    alerts: list[Alert] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    total_alerts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "watch": self.watch.to_dict(secrets=True),
            "total_alerts": self.total_alerts,
            "alerts": [a.to_dict() for a in self.alerts],
            "deliveries": [d.to_dict() for d in self.deliveries],
            "attempts": [a.to_dict() for a in self.attempts],
        }


def check_url(url: str, what: str) -> str:
    """An http(s) URL with a host, else ``WatchError``: a ``file:``, ``ftp:`` or ``javascript:`` target is refused."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WatchError(f"{what} {url!r} is not an http(s) URL (only http:// and https:// are accepted)")
    return url.strip()


def check_email(address: str) -> str:
    """A plausible single address (``local@domain``); anything else is refused at add time."""
    text = address.strip()
    local, _, domain = text.partition("@")
    if not local or "." not in domain or any(c in text for c in " ,;<>\r\n"):
        raise WatchError(f"e-mail address {address!r} is not one address of the form name@example.org")
    return text


def check_frequency(value: str) -> str:
    if value not in FREQUENCIES:
        raise WatchError(f"frequency {value!r} is not one of {', '.join(FREQUENCIES)}")
    return value
