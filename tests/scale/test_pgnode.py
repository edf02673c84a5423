"""The local PostgreSQL node has what the PostgreSQL backend needs: pgvector and postgres_fdw."""

from __future__ import annotations

import psycopg

from novum.store.pgnode import PgNode


def test_node_has_pgvector_and_postgres_fdw(pg_database: str, pg_node: PgNode) -> None:
    with psycopg.connect(pg_database, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS vector")
        db.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
        versions = dict(db.execute("SELECT extname, extversion FROM pg_extension").fetchall())
        assert versions["vector"] == "0.8.6" and "postgres_fdw" in versions
        assert db.execute("SELECT '[1,2]'::vector <-> '[1,3]'::vector").fetchone() == (1.0,)
    assert pg_node.socket_dir.startswith(str(pg_node.path.parent)) or pg_node.socket_dir
