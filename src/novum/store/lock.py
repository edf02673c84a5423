"""One writer at a time per data directory: ``ingest``, ``embed`` and ``reindex`` hold ``writer.lock``.

SQLite would serialise the transactions of two writers, but the lexical index and the vector files are written
outside it, and two ingests interleaving their index commits would waste work and fight over tantivy's own lock.
The lock is an advisory ``flock`` on a file in the data directory: the kernel releases it when the holder exits,
even on ``kill -9``, so a crash never leaves a stale lock behind. Readers never take it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from novum.errors import NovumError

LOCK_NAME = "writer.lock"
WAIT_ENV = "NOVUM_WRITER_WAIT"  # seconds a second writer waits for the first before giving up (default 0)


class BusyError(NovumError):
    """Another process is writing to the data directory."""


def default_wait() -> float:
    value = os.environ.get(WAIT_ENV, "0")
    try:
        return max(0.0, float(value))
    except ValueError:
        raise NovumError(f"{WAIT_ENV}={value!r} is not a number of seconds") from None


@contextmanager
def writer_lock(data_dir: Path, command: str, wait: float | None = None) -> Iterator[None]:
    """Hold the data directory's writer lock for the block; wait up to ``wait`` seconds (default: $NOVUM_WRITER_WAIT,
    else 0) for another writer, then raise ``BusyError`` naming it."""
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    deadline = time.monotonic() + (default_wait() if wait is None else wait)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BusyError(_busy_message(folder, path)) from None
                time.sleep(0.1)
        who = {"pid": os.getpid(), "command": command, "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(who).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def holder(data_dir: Path) -> dict[str, object] | None:
    """Who holds the writer lock now (pid, command, since), or ``None`` when nobody writes."""
    path = Path(data_dir) / LOCK_NAME
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(path) or {"pid": None, "command": "unknown", "since": None}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text() or "null")
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _busy_message(folder: Path, path: Path) -> str:
    info = _read(path) or {}
    who = f"`novum {info.get('command', '?')}` (pid {info.get('pid', '?')}, since {info.get('since', '?')})"
    return (
        f"the data directory {folder} is busy: {who} is writing to it. Wait for it to finish, or set"
        f" {WAIT_ENV}=SECONDS to wait for it"
    )
