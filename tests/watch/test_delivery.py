"""Delivery to servers the tests start on 127.0.0.1: signed webhooks (with retries and kept failures), SMTP digests
(HTML + plain, "and N more"), the Atom feed, and an ingest that a dead webhook or SMTP server cannot fail."""

from __future__ import annotations

import datetime as dt
import json
import socket
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from novum.store.sqlite import Store
from novum.store.watches import WatchTable
from novum.watch import service
from novum.watch.delivery import DeliverySettings
from novum.watch.delivery.atom import atom_feed
from novum.watch.delivery.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, sign, verify
from novum.watch.model import Alert, Watch, WatchError
from tests.helpers import novum
from tests.watch.conftest import Receiver, Smtp, ingest

QUERY = "wireless OR charging OR battery"  # 13 of the new fixture documents match


def quick(**overrides: object) -> DeliverySettings:
    settings = DeliverySettings(attempts=3, backoff=0.0, timeout=5.0, sleep=lambda _: None)
    for name, value in overrides.items():
        setattr(settings, name, value)
    return settings


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_webhook_is_signed_and_sent_once(store_dir: Path, new_documents: list[Path], receiver: Receiver) -> None:
    with Store(store_dir) as store:
        watch = service.add_watch(store, "charging", query=QUERY, webhook_url=receiver.url)
    ingest(store_dir, *new_documents)
    with Store(store_dir) as store:
        report = service.run_watches(store, settings=quick())
        assert [(d.channel, d.ok, d.alerts, d.tries) for d in report.deliveries] == [("webhook", True, 13, 1)]
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.path == "/hook"
    assert request.headers["Content-Type"] == "application/json"
    assert verify(watch.secret, request.body, request.headers[SIGNATURE_HEADER])
    assert not verify("another secret", request.body, request.headers[SIGNATURE_HEADER])
    body = json.loads(request.body)
    assert body["watch"] == "charging" and len(body["alerts"]) == 13
    torch = next(a for a in body["alerts"] if a["number"] == "EP2136607A2")
    assert torch["why"] == "matched battery" and torch["reason"] == "query"
    ingest(store_dir, *new_documents)  # the same files again: nothing new, nothing sent
    with Store(store_dir) as store:
        assert service.run_watches(store, settings=quick()).deliveries == []
        assert {d.state for d in WatchTable(store).deliveries(watch)} == {"sent"}
    assert len(receiver.requests) == 1


def test_webhook_is_retried_with_backoff_after_the_receiver_fails(
    store_dir: Path, new_documents: list[Path], receiver: Receiver
) -> None:
    with Store(store_dir) as store:
        service.add_watch(store, "charging", query=QUERY, webhook_url=receiver.url)
    ingest(store_dir, *new_documents)
    receiver.fail = 2
    waits: list[float] = []
    with Store(store_dir) as store:
        report = service.run_watches(store, settings=quick(backoff=0.25, sleep=waits.append))
        assert [(d.ok, d.tries) for d in report.deliveries] == [(True, 3)]
        attempts = service.show_watch(store, "charging").attempts
        assert [(a.ok, a.status) for a in reversed(attempts)] == [(False, 500), (False, 500), (True, 200)]
        assert attempts[-1].error == "HTTP 500 Internal Server Error"
    assert waits == [0.25, 0.5]
    assert len(receiver.requests) == 3
    assert len({r.body for r in receiver.requests}) == 1  # the same batch, byte for byte
    assert len({r.headers[DELIVERY_HEADER] for r in receiver.requests}) == 1


def test_unreachable_webhook_is_kept_queued_then_failed(store_dir: Path, new_documents: list[Path]) -> None:
    url = f"http://127.0.0.1:{dead_port()}/hook"
    with Store(store_dir) as store:
        watch = service.add_watch(store, "charging", query=QUERY, webhook_url=url)
    ingest(store_dir, *new_documents)
    with Store(store_dir) as store:
        settings = quick(attempts=2, max_attempts=4)
        first = service.run_watches(store, settings=settings)
        assert [(d.ok, d.tries) for d in first.deliveries] == [(False, 2)]
        assert "ConnectionRefused" in (first.deliveries[0].error or "") or "refused" in (
            first.deliveries[0].error or ""
        )
        queued = WatchTable(store).deliveries(watch)
        assert {(d.state, d.attempts) for d in queued} == {("pending", 2)}
        retry_at = dt.datetime.fromisoformat(queued[0].next_attempt_at or "")
        # not due yet: a run now sends nothing; after the backoff it tries again and gives up at max_attempts
        assert service.run_watches(store, settings=settings).deliveries == []
        later = retry_at + dt.timedelta(seconds=1)
        again = service.run_watches(store, settings=settings, now=later)
        assert [(d.ok, d.tries) for d in again.deliveries] == [(False, 2)]
        assert {(d.state, d.attempts) for d in WatchTable(store).deliveries(watch)} == {("failed", 4)}
        assert len([a for a in WatchTable(store).attempts(watch) if not a.ok]) == 4
        assert WatchTable(store).retry_failed(watch) == 13
        assert {d.state for d in WatchTable(store).deliveries(watch)} == {"pending"}


def test_email_digest_html_and_plain_with_and_n_more(store_dir: Path, new_documents: list[Path], smtp: Smtp) -> None:
    with Store(store_dir) as store:
        service.add_watch(store, "charging", query=QUERY, email="analyst@example.org")
    ingest(store_dir, *new_documents)
    with Store(store_dir) as store:
        settings = quick(smtp_url=smtp.url, smtp_from="novum@example.org", cap=5)
        report = service.run_watches(store, settings=settings)
        assert [(d.channel, d.ok, d.alerts) for d in report.deliveries] == [("email", True, 13)]
        assert service.run_watches(store, settings=settings).deliveries == []
    assert len(smtp.handler.messages) == 1
    assert smtp.handler.envelopes == [("novum@example.org", ["analyst@example.org"])]
    message = smtp.handler.messages[0]
    assert message["Subject"] == "novum: 13 new alerts for watch charging"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    text, markup = plain.get_content(), html.get_content()
    assert "... and 8 more" in text and "and 8 more" in markup
    assert text.count("\n- ") == 5 and markup.count("<li>") == 5
    assert "matched" in text and "<b>" in markup


def test_daily_watch_waits_for_its_period(store_dir: Path, new_documents: list[Path], smtp: Smtp) -> None:
    with Store(store_dir) as store:
        service.add_watch(store, "daily", query=QUERY, email="analyst@example.org", frequency="daily")
    ingest(store_dir, *new_documents)
    with Store(store_dir) as store:
        settings = quick(smtp_url=smtp.url)
        now = dt.datetime.now(dt.UTC)
        assert service.run_watches(store, settings=settings, now=now).new_alerts == 13  # recorded at once ...
        assert smtp.handler.messages == []  # ... but mailed only once a day has passed
        report = service.run_watches(store, settings=settings, now=now + dt.timedelta(days=1, minutes=1))
        assert [d.alerts for d in report.deliveries] == [13]
    assert len(smtp.handler.messages) == 1


def test_ingest_is_not_failed_by_dead_webhook_or_smtp(store_dir: Path, new_documents: list[Path]) -> None:
    with Store(store_dir) as store:
        watch = service.add_watch(store, "charging", query=QUERY, webhook_url=f"http://127.0.0.1:{dead_port()}/x",
                                  email="analyst@example.org")  # fmt: skip
    env = {"NOVUM_SMTP_URL": f"smtp://127.0.0.1:{dead_port()}"}
    out = novum("ingest", *map(str, new_documents), "--no-embed", "--data-dir", str(store_dir), env=env)
    assert "new alerts" in out
    with Store(store_dir) as store:
        assert store.count() == 8 + 49
        assert WatchTable(store).alert_count(watch) == 13
        tries = WatchTable(store).attempts(watch)
        assert sorted(a.channel for a in tries) == ["email", "webhook"]  # one quick try each during ingest
        assert not any(a.ok for a in tries)
        assert {d.state for d in WatchTable(store).deliveries(watch)} == {"pending"}


def test_atom_feed_with_token(store_dir: Path, new_documents: list[Path]) -> None:
    with Store(store_dir) as store:
        watch = service.add_watch(store, "charging", query=QUERY)
    ingest(store_dir, *new_documents)
    with Store(store_dir) as store:
        service.run_watches(store)
        with pytest.raises(WatchError, match="feed token"):
            service.watch_feed(store, "charging", "wrong")
        with pytest.raises(WatchError, match="feed token"):
            service.watch_feed(store, "charging", None)
        body = service.watch_feed(store, "charging", watch.feed_token, "https://novum.example.org/")
    root = ET.fromstring(body)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = root.findall("a:entry", ns)
    assert len(entries) == 13
    ids = [e.findtext("a:id", namespaces=ns) for e in entries]
    assert len(set(ids)) == 13 and all(i and i.startswith("urn:novum:watch:charging:alert:") for i in ids)
    titles = [e.findtext("a:title", namespaces=ns) for e in entries]
    assert "EP2136607A2: Method for operating a battery powered torch" in titles
    link = entries[0].find("a:link", ns)
    assert link is not None and link.get("href", "").startswith("https://novum.example.org/patents/")


def test_cli_add_list_show_test_run_remove(store_dir: Path, new_documents: list[Path], receiver: Receiver) -> None:
    data = ["--data-dir", str(store_dir)]
    added = json.loads(novum("watch", "add", "charging", "--query", QUERY, "--webhook", receiver.url, *data,
                             "--format", "json"))  # fmt: skip
    assert added["kind"] == "search" and len(added["webhook_secret"]) == 64
    novum("watch", "add", "soil", "--cpc", "A01B", "--every", "weekly", *data)
    listed = json.loads(novum("watch", "list", *data, "--format", "json"))
    assert [(w["name"], w["kind"], w["frequency"]) for w in listed] == [
        ("charging", "search", "immediate"),
        ("soil", "competitor", "weekly"),
    ]
    trial = json.loads(novum("watch", "test", "charging", "--last", "8", *data, "--format", "json"))
    assert trial["documents"] == 8  # a dry run over the stored demo publications: nothing recorded
    assert sorted(a["number"] for a in trial["alerts"]) == ["US20010000943A1", "US8930553B2"]
    ingest(store_dir, *new_documents)
    ran = json.loads(novum("watch", "run", *data, "--format", "json"))
    assert ran["new_alerts"] == 15 and ran["documents"] == 49
    shown = json.loads(novum("watch", "show", "charging", *data, "--format", "json"))
    assert shown["total_alerts"] == 13 and len(shown["alerts"]) == 13
    assert {d["state"] for d in shown["deliveries"]} == {"sent"}
    assert len(receiver.requests) == 1
    feed = novum("watch", "feed", "soil", *data)
    assert feed.count("<entry>") == 2
    novum("watch", "remove", "soil", *data)
    assert [w["name"] for w in json.loads(novum("watch", "list", *data, "--format", "json"))] == ["charging"]


@settings(max_examples=150, deadline=None)
@given(title=st.text(max_size=60), why=st.text(max_size=60), reason=st.text(min_size=1, max_size=20))
def test_atom_feed_is_well_formed_for_any_text(title: str, why: str, reason: str) -> None:
    watch = Watch(
        1, "w", "", "search", {"query": "x"}, "immediate", None, None, "t", "s", 0, "2026-01-01T00:00:00+00:00"
    )
    alert = Alert("w", "n:US1", reason, "US1", title, {"why": why}, None, 1, 7, "2026-01-02T00:00:00+00:00")
    root = ET.fromstring(atom_feed(watch, [alert]))
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) == 1


@settings(max_examples=150, deadline=None)
@given(secret=st.text(min_size=1, max_size=40), body=st.binary(max_size=200), flip=st.integers(min_value=0))
def test_signature_detects_any_change(secret: str, body: bytes, flip: int) -> None:
    signature = sign(secret, body)
    assert verify(secret, body, signature)
    if body:
        changed = bytearray(body)
        changed[flip % len(body)] ^= 1
        assert not verify(secret, bytes(changed), signature)
