"""When a watch's alerts go out: ``immediate`` on every run, ``daily`` and ``weekly`` as one digest once the
period since the last delivery (or since the watch was created) has passed. Evaluation itself is never held back:
alerts enter the ledger and the Atom feed at once, only webhook and e-mail wait for the period.

``novum watch run`` is what a cron job or systemd timer calls (every few minutes is fine: a run with nothing new
reads one row per watch); ``novum ingest`` runs the same evaluation on what it has just stored.
"""

from __future__ import annotations

import datetime as dt

from novum.watch.model import FREQUENCIES, Watch

RETRY_BASE_SECONDS = 60.0  # a failed delivery is due again after 1, 2, 4, 8 ... minutes (capped at a day)
RETRY_CAP_SECONDS = 86_400.0


def parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def is_due(watch: Watch, now: dt.datetime) -> bool:
    """Whether the watch's channels may send now, given its frequency."""
    period = FREQUENCIES[watch.frequency]
    if period == 0:
        return True
    since = parse_time(watch.last_sent_at or watch.created_at)
    return (now - since).total_seconds() >= period


def next_retry(attempts: int, now: dt.datetime, base: float = RETRY_BASE_SECONDS) -> str:
    """When a delivery that has failed ``attempts`` times in all is tried again (exponential backoff)."""
    delay = min(base * 2 ** max(attempts - 1, 0), RETRY_CAP_SECONDS)
    return (now + dt.timedelta(seconds=delay)).isoformat(timespec="seconds")
