"""Servers the watch tests talk to, started by the tests on 127.0.0.1 and stopped after them: a real SMTP server
(aiosmtpd) that keeps every message, and an HTTP receiver that records every POST and can be told to fail."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from novum.index.lexical import open_index
from novum.ingest.pipeline import Ingester
from novum.store.sqlite import Store
from tests.conftest import fixture
from tests.helpers import DEMO


@dataclass
class Received:
    """One POST as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """The webhook receiver: ``fail`` answers 500 to the next N requests (then 200)."""

    url: str
    requests: list[Received] = field(default_factory=list)
    fail: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with state.lock:
                state.requests.append(Received(self.path, {k: v for k, v in self.headers.items()}, body))
                failing = state.fail > 0
                state.fail -= failing
            self.send_response(500 if failing else 200)
            self.end_headers()
            self.wfile.write(b"no" if failing else b"ok")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


class _Keep:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's naming)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@dataclass
class Smtp:
    url: str
    handler: _Keep


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    handler = _Keep()
    with socket.socket() as probe:  # aiosmtpd needs a concrete port (it connects to it to check it started)
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield Smtp(f"smtp://127.0.0.1:{controller.port}", handler)
    controller.stop()


def ingest(folder: Path, *paths: Path) -> None:
    with Store(folder) as store:
        Ingester(store, open_index(store)).run(list(paths))


US_GO = "us-go-uspto/pkg/uspto/test-data"
EPO = "ep-publication-server/pkg/eps/test-data"


@pytest.fixture(scope="session")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The eight real publications of data/demo/xml, stored (no embeddings): the state before new documents."""
    folder = tmp_path_factory.mktemp("watch-base")
    ingest(folder, DEMO / "xml")
    return folder


@pytest.fixture
def store_dir(base_store: Path, tmp_path: Path) -> Path:
    """A private copy of the base store for one test."""
    target = tmp_path / "data"
    shutil.copytree(base_store, target)
    return target


@pytest.fixture(scope="session")
def new_documents() -> list[Path]:
    """Real publications that are not in the base store: USPTO grants/applications and EPO A/B documents."""
    return [fixture(US_GO), fixture(EPO)]
