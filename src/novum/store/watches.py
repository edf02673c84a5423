"""The store's side of watches: the watch rows, the percolator's document feed, the alert ledger, deliveries and
delivery attempts. Every statement on those tables lives here; ``novum.watch`` holds the logic.

The feed gives each stored document version a sequence number in the order the store received it. A watch's
watermark is the last sequence it evaluated, moved in the same transaction that writes its alerts, so a crash
between ingest and evaluation only delays alerts: the next run starts from the watermark. The ledger's unique key
(watch, family, reason) makes a second ingest of the same files, or a re-run, unable to repeat an alert.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from novum.store.sqlite import Store
from novum.watch.model import Alert, Attempt, Delivery, Watch

_WATCH_COLUMNS = (
    "id, name, owner, kind, spec, frequency, webhook, email, feed_token, secret, watermark, created_at, last_run_at,"
    " last_sent_at"
)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _watch(row: sqlite3.Row) -> Watch:
    return Watch(
        int(row["id"]), row["name"], row["owner"], row["kind"], json.loads(row["spec"]), row["frequency"],
        row["webhook"], row["email"], row["feed_token"], row["secret"], int(row["watermark"]), row["created_at"],
        row["last_run_at"], row["last_sent_at"],
    )  # fmt: skip


def _alert(row: sqlite3.Row, watch: str) -> Alert:
    return Alert(
        watch, row["family"], row["reason"], row["number"], row["title"], json.loads(row["detail"]), row["score"],
        int(row["seq"]), int(row["id"]), row["created_at"],
    )  # fmt: skip


class WatchTable:
    """Watch, feed, ledger and delivery rows of one ``Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    # --- the document feed ------------------------------------------------------------------------------------
    def sync_feed(self) -> int:
        """Give every stored document version not in the feed yet the next sequence numbers (in store order);
        returns how many were added. Idempotent: an unchanged document keeps its sequence."""
        rows = self.db.execute(
            "SELECT d.number, d.content_hash FROM documents d LEFT JOIN watch_feed f ON f.number = d.number"
            " WHERE f.number IS NULL OR f.content_hash != d.content_hash ORDER BY d.rowid"
        ).fetchall()
        if not rows:
            return 0
        with self.store.transaction():
            start = self.max_seq() + 1
            self.db.executemany(
                "INSERT INTO watch_feed (number, content_hash, seq) VALUES (?, ?, ?)"
                " ON CONFLICT (number) DO UPDATE SET content_hash = excluded.content_hash, seq = excluded.seq",
                [(r[0], r[1], start + i) for i, r in enumerate(rows)],
            )
        return len(rows)

    def max_seq(self) -> int:
        return int(self.db.execute("SELECT coalesce(max(seq), 0) FROM watch_feed").fetchone()[0])

    def feed(self, after: int, limit: int) -> list[tuple[int, str]]:
        """(sequence, number) of the documents after ``after``, oldest first."""
        rows = self.db.execute(
            "SELECT seq, number FROM watch_feed WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)
        ).fetchall()
        return [(int(r[0]), str(r[1])) for r in rows]

    def latest(self, limit: int) -> list[tuple[int, str]]:
        """The ``limit`` most recent documents of the feed, oldest first (what ``watch test`` previews on)."""
        rows = self.db.execute("SELECT seq, number FROM watch_feed ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
        return [(int(r[0]), str(r[1])) for r in reversed(rows)]

    # --- documents, as the matchers need them -------------------------------------------------------------------
    def citations_of(self, numbers: Iterable[str]) -> dict[str, list[tuple[str, str | None, str | None]]]:
        """Citing number → [(cited key, cited by, category)] from the store's citation links."""
        out: dict[str, list[tuple[str, str | None, str | None]]] = {}
        sql = "SELECT citing, cited_key, cited_by, category FROM citation_links WHERE citing IN ({marks})"
        for row in self.store.select_in(sql, numbers):
            out.setdefault(row[0], []).append((row[1], row[2], row[3]))
        return out

    def owner_names(self) -> list[tuple[str, list[str]]]:
        """(number, applicant and assignee names) of every stored document, for resolving an applicant's patents."""
        json_text = self.store.dialect.json_text
        rows = self.db.execute(
            f"SELECT number, {json_text('record', 'applicants')}, {json_text('record', 'assignees')} FROM documents"
        )
        out: list[tuple[str, list[str]]] = []
        for number, applicants, assignees in rows:
            names = [p.get("name", "") for p in [*json.loads(applicants or "[]"), *json.loads(assignees or "[]")]]
            out.append((number, [n for n in names if n]))
        return out

    def embedded_numbers(self, model: str, numbers: Iterable[str]) -> set[str]:
        """Which of these documents the model has embedded in their current version."""
        sql = (
            "SELECT e.number FROM embedded e JOIN documents d ON d.number = e.number"
            " WHERE e.model = ? AND e.content_hash = d.content_hash AND e.number IN ({marks})"
        )
        return {str(r[0]) for r in self.store.select_in(sql, numbers, model)}

    def passage_rows(self, model: str, numbers: Iterable[str], below: int) -> list[tuple[int, str, str]]:
        """(vector id, number, location) of the live passages of these documents that have a vector row."""
        sql = (
            "SELECT id, number, location FROM passages"
            " WHERE model = ? AND deleted = 0 AND id < ? AND number IN ({marks})"
        )
        return [(int(r[0]), str(r[1]), str(r[2])) for r in self.store.select_in(sql, numbers, model, below)]

    def passages_by_id(self, model: str, ids: Sequence[int]) -> list[tuple[int, str]]:
        """(vector id, number) of the given live passage ids (a calibration sample)."""
        sql = "SELECT id, number FROM passages WHERE model = ? AND deleted = 0 AND id IN ({marks})"
        return [(int(r[0]), str(r[1])) for r in self.store.select_in(sql, [str(i) for i in ids], model)]

    # --- watches ------------------------------------------------------------------------------------------------
    def add(self, watch: Watch) -> Watch:
        with self.store.transaction():
            cursor = self.db.execute(
                "INSERT INTO watches (name, owner, kind, spec, frequency, webhook, email, feed_token, secret,"
                " watermark, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (watch.name, watch.owner, watch.kind, json.dumps(watch.spec, ensure_ascii=False), watch.frequency,
                 watch.webhook, watch.email, watch.feed_token, watch.secret, watch.watermark, watch.created_at),
            )  # fmt: skip
        watch.id = int(cursor.lastrowid or 0)
        return watch

    def exists(self, name: str) -> bool:
        return self.db.execute("SELECT 1 FROM watches WHERE name = ?", (name,)).fetchone() is not None

    def get(self, name: str) -> Watch | None:
        row = self.db.execute(f"SELECT {_WATCH_COLUMNS} FROM watches WHERE name = ?", (name,)).fetchone()
        return _watch(row) if row is not None else None

    def all(self, owner: str | None = None) -> list[Watch]:
        if owner is None:
            rows = self.db.execute(f"SELECT {_WATCH_COLUMNS} FROM watches ORDER BY name").fetchall()
        else:
            rows = self.db.execute(
                f"SELECT {_WATCH_COLUMNS} FROM watches WHERE owner = ? ORDER BY name", (owner,)
            ).fetchall()
        return [_watch(r) for r in rows]

    def remove(self, name: str) -> bool:
        with self.store.transaction():
            cursor = self.db.execute("DELETE FROM watches WHERE name = ?", (name,))
        return cursor.rowcount > 0

    def counts(self) -> dict[int, tuple[int, int]]:
        """watch id → (alerts, pending deliveries)."""
        alerts = dict(self.db.execute("SELECT watch_id, count(*) FROM watch_alerts GROUP BY watch_id").fetchall())
        pending = dict(
            self.db.execute(
                "SELECT a.watch_id, count(*) FROM watch_deliveries d JOIN watch_alerts a ON a.id = d.alert_id"
                " WHERE d.state = 'pending' GROUP BY a.watch_id"
            ).fetchall()
        )
        return {int(k): (int(v), int(pending.get(k, 0))) for k, v in alerts.items()}

    # --- the ledger ---------------------------------------------------------------------------------------------
    def record(self, watch: Watch, alerts: list[Alert], watermark: int) -> list[Alert]:
        """Write the alerts the ledger has not seen (watch x family x reason), queue them on the watch's channels
        and move the watermark, in one transaction; returns the alerts that were new."""
        fresh: list[Alert] = []
        at = now_iso()
        channels = [(c, t) for c, t in (("webhook", watch.webhook), ("email", watch.email)) if t]
        with self.store.transaction():
            for alert in alerts:
                cursor = self.db.execute(
                    "INSERT INTO watch_alerts (watch_id, family, reason, number, title, detail, score, seq,"
                    " created_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                    (watch.id, alert.family, alert.reason, alert.number, alert.title,
                     json.dumps(alert.detail, ensure_ascii=False), alert.score, alert.seq, at),
                )  # fmt: skip
                if not cursor.rowcount:
                    continue
                alert.id, alert.created_at = int(cursor.lastrowid or 0), at
                fresh.append(alert)
                self.db.executemany(
                    "INSERT INTO watch_deliveries (alert_id, channel, target, state) VALUES (?, ?, ?, 'pending')",
                    [(alert.id, channel, target) for channel, target in channels],
                )
            self.db.execute(
                "UPDATE watches SET watermark = CASE WHEN watermark > ? THEN watermark ELSE ? END, last_run_at = ?"
                " WHERE id = ?",
                (watermark, watermark, at, watch.id),
            )
        watch.watermark = max(watch.watermark, watermark)
        return fresh

    def alerts(self, watch: Watch, limit: int = 100, offset: int = 0) -> list[Alert]:
        rows = self.db.execute(
            "SELECT * FROM watch_alerts WHERE watch_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            (watch.id, limit, offset),
        ).fetchall()
        return [_alert(r, watch.name) for r in rows]

    def alert_count(self, watch: Watch) -> int:
        return int(self.db.execute("SELECT count(*) FROM watch_alerts WHERE watch_id = ?", (watch.id,)).fetchone()[0])

    # --- deliveries ---------------------------------------------------------------------------------------------
    def due(self, watch: Watch, channel: str, at: str) -> list[Alert]:
        """The watch's alerts pending on a channel whose next attempt is due at ``at``, oldest first."""
        rows = self.db.execute(
            "SELECT a.* FROM watch_deliveries d JOIN watch_alerts a ON a.id = d.alert_id"
            " WHERE a.watch_id = ? AND d.channel = ? AND d.state = 'pending'"
            " AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?) ORDER BY a.id",
            (watch.id, channel, at),
        ).fetchall()
        return [_alert(r, watch.name) for r in rows]

    def delivered(self, watch: Watch, channel: str, alert_ids: list[int], attempts: int, at: str) -> None:
        with self.store.transaction():
            self.db.executemany(
                "UPDATE watch_deliveries SET state = 'sent', attempts = attempts + ?, sent_at = ?, last_error = NULL,"
                " next_attempt_at = NULL WHERE alert_id = ? AND channel = ?",
                [(attempts, at, i, channel) for i in alert_ids],
            )
            self.db.execute("UPDATE watches SET last_sent_at = ? WHERE id = ?", (at, watch.id))
        watch.last_sent_at = at

    def undelivered(
        self, channel: str, alert_ids: list[int], attempts: int, error: str, next_at: str, max_attempts: int
    ) -> None:
        """Count failed attempts; a delivery past ``max_attempts`` is ``failed`` (kept, shown, retried on request)."""
        with self.store.transaction():
            self.db.executemany(
                "UPDATE watch_deliveries SET attempts = attempts + ?, last_error = ?, next_attempt_at = ?,"
                " state = CASE WHEN attempts + ? >= ? THEN 'failed' ELSE 'pending' END"
                " WHERE alert_id = ? AND channel = ?",
                [(attempts, error, next_at, attempts, max_attempts, i, channel) for i in alert_ids],
            )

    def attempts_made(self, channel: str, alert_ids: list[int]) -> int:
        """The most attempts any of these deliveries has had so far (for the backoff of the next one)."""
        sql = "SELECT max(attempts) FROM watch_deliveries WHERE channel = ? AND alert_id IN ({marks})"
        found = [r[0] for r in self.store.select_in(sql, [str(i) for i in alert_ids], channel) if r[0] is not None]
        return int(max(found, default=0))

    def retry_failed(self, watch: Watch) -> int:
        """Put a watch's failed deliveries back in the queue (``novum watch run --retry-failed``)."""
        with self.store.transaction():
            cursor = self.db.execute(
                "UPDATE watch_deliveries SET state = 'pending', attempts = 0, next_attempt_at = NULL"
                " WHERE state = 'failed' AND alert_id IN (SELECT id FROM watch_alerts WHERE watch_id = ?)",
                (watch.id,),
            )
        return cursor.rowcount

    def deliveries(self, watch: Watch, limit: int = 200) -> list[Delivery]:
        rows = self.db.execute(
            "SELECT d.* FROM watch_deliveries d JOIN watch_alerts a ON a.id = d.alert_id WHERE a.watch_id = ?"
            " ORDER BY d.id DESC LIMIT ?",
            (watch.id, limit),
        ).fetchall()
        return [
            Delivery(int(r["alert_id"]), r["channel"], r["target"], r["state"], int(r["attempts"]), r["last_error"],
                     r["next_attempt_at"], r["sent_at"])
            for r in rows
        ]  # fmt: skip

    def log_attempt(self, watch: Watch, attempt: Attempt) -> None:
        with self.store.transaction():
            self.db.execute(
                "INSERT INTO watch_attempts (watch_id, channel, target, alerts, ok, status, error, at)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (watch.id, attempt.channel, attempt.target, attempt.alerts, int(attempt.ok), attempt.status,
                 attempt.error, attempt.at),
            )  # fmt: skip

    def attempts(self, watch: Watch, limit: int = 50) -> list[Attempt]:
        rows = self.db.execute(
            "SELECT * FROM watch_attempts WHERE watch_id = ? ORDER BY id DESC LIMIT ?", (watch.id, limit)
        ).fetchall()
        return [
            Attempt(r["channel"], r["target"], int(r["alerts"]), bool(r["ok"]), r["status"], r["error"], r["at"])
            for r in rows
        ]

    def stats(self) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM watches), (SELECT count(*) FROM watch_alerts),"
            " (SELECT count(*) FROM watch_deliveries WHERE state = 'pending'),"
            " (SELECT count(*) FROM watch_deliveries WHERE state = 'failed')"
        ).fetchone()
        return {"watches": row[0], "alerts": row[1], "pending": row[2], "failed": row[3]}
