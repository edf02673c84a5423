"""Ingest as a background job: files uploaded to the server are saved under the data directory and read by a thread
that reports its progress in the ``jobs`` table, so any request (and any other server process) can follow it.

The job takes the data directory's writer lock like ``novum ingest``, so a command-line ingest and an upload never
write at the same time; a second upload waits its turn rather than failing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from novum.errors import NovumError
from novum.index.lexical import open_index
from novum.ingest import pipeline
from novum.ingest.embedding import EmbeddingWorker, configured_models
from novum.store.lock import writer_lock
from novum.store.platform import JobTable
from novum.store.sqlite import Store

UPLOADS = "uploads"
PROGRESS_EVERY = 0.5  # seconds between progress writes
LOCK_WAIT = 3600.0  # an upload waits this long for another writer
_SAFE_NAME = re.compile(r"[^\w.\-]+")


class UploadError(NovumError):
    """An uploaded file cannot be accepted (its name or size); the message names it."""


@dataclass(slots=True)
class Job:
    id: str
    kind: str
    state: str  # queued, running, done, failed
    owner: str | None
    detail: dict[str, Any]
    progress: dict[str, Any]
    error: str | None
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "state": self.state, "owner": self.owner, "detail": self.detail,
                "progress": self.progress, "error": self.error, "created_at": self.created_at,
                "updated_at": self.updated_at}  # fmt: skip


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def safe_upload_name(name: str) -> str:
    """The last path component of an uploaded file's name, with anything but letters, digits, '.', '-' and '_'
    replaced: an upload can never name a path outside its job's folder (``../../etc/passwd``, ``/abs``, ``C:\\``)."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = _SAFE_NAME.sub("_", base).lstrip(".")
    if not cleaned:
        raise UploadError(f"uploaded file name {name!r} has no usable characters")
    return cleaned[:200]


def upload_folder(data_dir: Path, job_id: str) -> Path:
    return Path(data_dir) / UPLOADS / job_id


def new_job_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S-") + secrets.token_hex(4)


def create_job(store: Store, kind: str, owner: str | None, detail: dict[str, Any], job_id: str | None = None) -> str:
    job_id = job_id or new_job_id()
    JobTable(store).insert(job_id, kind, owner, json.dumps(detail, ensure_ascii=False), _stamp())
    return job_id


def get_job(store: Store, job_id: str) -> Job | None:
    row = JobTable(store).get(job_id)
    if row is None:
        return None
    return Job(row["id"], row["kind"], row["state"], row["owner"], json.loads(row["detail"]),
               json.loads(row["progress"]), row["error"], row["created_at"], row["updated_at"])  # fmt: skip


def recent_jobs(store: Store, limit: int = 50) -> list[Job]:
    jobs = (get_job(store, row["id"]) for row in JobTable(store).recent(limit))
    return [job for job in jobs if job is not None]


def abandon_stale_jobs(store: Store) -> int:
    return JobTable(store).abandon_running(_stamp())


class IngestJob(threading.Thread):
    """Reads a job's uploaded files into the store, embeds them when the data directory uses embeddings, and keeps
    the job's row up to date. Errors end the job as failed with the message; the server keeps running."""

    def __init__(self, data_dir: Path, job_id: str, paths: list[Path], embed: bool = True) -> None:
        super().__init__(name=f"novum-ingest-{job_id}", daemon=True)
        self.data_dir = Path(data_dir)
        self.job_id = job_id
        self.paths = paths
        self.embed = embed
        self._last = 0.0

    def run(self) -> None:
        with Store(self.data_dir) as store:
            jobs = JobTable(store)
            try:
                jobs.update(self.job_id, _stamp(), state="waiting")
                with writer_lock(self.data_dir, f"upload {self.job_id}", wait=LOCK_WAIT):
                    jobs.update(self.job_id, _stamp(), state="running")
                    summary = self._ingest(store, jobs)
                jobs.update(self.job_id, _stamp(), state="done", progress=json.dumps(summary, ensure_ascii=False))
            except Exception as exc:  # the job fails, with its reason; the server goes on
                jobs.update(self.job_id, _stamp(), state="failed", error=f"{type(exc).__name__}: {exc}")

    def _ingest(self, store: Store, jobs: JobTable) -> dict[str, Any]:
        index = open_index(store)
        worker = EmbeddingWorker(self.data_dir, configured_models(self.data_dir)) if self.embed else None
        if worker is not None:
            worker.start()

        def report(progress: pipeline.Progress) -> None:
            now = time.monotonic()
            if now - self._last >= PROGRESS_EVERY:
                self._last = now
                figures = {**_counts(progress.counts), "source": Path(progress.source).name, "rate": progress.rate}
                jobs.update(self.job_id, _stamp(), progress=json.dumps(figures, ensure_ascii=False))

        ingester = pipeline.Ingester(store, index, on_progress=report)
        try:
            counts = ingester.run(self.paths)
        finally:
            if worker is not None:
                worker.finish()
        from novum.watch.service import after_ingest  # watches see uploads as they see `novum ingest`

        watched = after_ingest(store)  # never raises: failed deliveries are recorded and retried later
        return {**_counts(counts), "embedded": worker.embedded if worker else 0, "problems": ingester.problems[:200],
                "watches": {"new_alerts": watched.new_alerts, "errors": watched.errors}}  # fmt: skip


def _counts(counts: Any) -> dict[str, int]:
    names = ("read", "new", "updated", "unchanged", "quarantined", "repaired", "skipped_files")
    return {name: int(getattr(counts, name)) for name in names}
