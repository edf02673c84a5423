"""What a running server is allowed to do: where its data is, whether it checks tokens, and its limits."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    auth: bool = True  # False only with --no-auth on a loopback address
    rate_per_minute: int = 600  # requests per token (or per client address when anonymous)
    max_body_bytes: int = 1_000_000  # JSON and form bodies
    max_upload_bytes: int = 512_000_000  # POST /api/v1/ingest and the upload page
    query_timeout_s: float = 15.0  # every search, chart and export page
    max_parallel_queries: int = 8  # queries running at once; more wait their turn
    secure_cookies: bool = False  # set behind an HTTPS reverse proxy

    def check(self, host: str) -> None:
        if not self.auth and not is_loopback(host):
            raise ValueError(f"--no-auth is only allowed on a loopback address (127.0.0.1, ::1), not {host!r}")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
