"""``novum token`` and ``novum serve`` from the command line; the server started for real on loopback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from novum.cli.app import app
from novum.cli.serve_cmd import model_threads
from tests.helpers import demo_lines, ingest_paths, novum, write_lines


def test_token_create_list_revoke(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    created = json.loads(novum("token", "create", "ci-bot", "--scope", "write", "--data-dir", data, "-f", "json"))
    assert created["name"] == "ci-bot" and created["scope"] == "write" and created["token"].startswith("nvm_")
    listed = json.loads(novum("token", "list", "--data-dir", data, "-f", "json"))
    assert [(t["name"], t["scope"], t["revoked"]) for t in listed] == [("ci-bot", "write", False)]
    assert created["token"] not in json.dumps(listed)
    novum("token", "revoke", "ci-bot", "--data-dir", data)
    assert json.loads(novum("token", "list", "--data-dir", data, "-f", "json"))[0]["revoked"] is True


def test_no_auth_is_refused_off_loopback(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--no-auth", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "loopback" in result.output


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    ingest_paths(tmp_path / "d", write_lines(tmp_path / "a.jsonl", demo_lines(30)))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "novum", "serve", "--data-dir", str(tmp_path / "d"),
                               "--port", str(port), "--no-auth"], stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        hits = httpx.get(f"http://127.0.0.1:{port}/api/v1/search", params={"q": "data"}).json()["hits"]
        assert hits and hits[0]["rank"] == 1
        assert httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()["info"]["title"] == "novum"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_workers_share_the_cores_for_models() -> None:
    assert [model_threads(w, cores=2) for w in (1, 2, 3)] == [2, 1, 1]
    assert model_threads(4, cores=16) == 4


def test_http_is_parsed_by_httptools() -> None:
    """uvicorn picks its C parser when installed (a dependency): the pure-Python h11 cost twice the CPU per request."""
    from uvicorn.config import Config

    config = Config(app=lambda scope, receive, send: None, http="auto")
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
