"""Several PostgreSQL nodes as one: a coordinator whose tables are hash-partitioned by publication number, each
partition a postgres_fdw foreign table on a shard node.

This is the layout Citus automates (``create_distributed_table``, see docs/scale-out.md), built from stock
PostgreSQL so tests and benchmarks can run it on one machine. Each shard holds a plain vector table with its own
HNSW graph and filter indexes; the coordinator's partitioned table routes writes by ``hash(number)`` and sends
queries to every shard. The servers are declared with ``extensions 'vector'``, so the vector distance operators,
the filters and the ``ORDER BY`` of a kNN query run on the shards and only each shard's nearest rows travel; the
coordinator merges them (a Merge Append) under the ``LIMIT``. A foreign-table session does not inherit the
coordinator's settings, so the shards' databases carry pgvector's iterative-scan settings themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from novum.index.pgvector import EF_SEARCH, HNSW_EF_CONSTRUCTION, HNSW_M, MAX_SCAN_TUPLES, create_indexes, create_table


@dataclass(frozen=True, slots=True)
class ShardedTable:
    """Where a sharded table lives: the coordinator's URL, the shards' URLs and the partition names."""

    coordinator: str
    shards: tuple[str, ...]
    table: str

    def partition(self, i: int) -> str:
        return f"{self.table}_p{i}"


def setup_vector_shards(
    coordinator: str, shards: list[str], table: str, dim: int, *, fetch_size: int = 100, batch_size: int = 1000
) -> ShardedTable:
    """Create (idempotently) a vector table on every shard and the coordinator's hash-partitioned table over them.

    ``fetch_size`` is how many rows a foreign scan asks for at a time (a kNN reads a few dozen per shard);
    ``batch_size`` how many rows an insert or COPY through the coordinator sends per round trip.
    """
    layout = ShardedTable(coordinator, tuple(shards), table)
    for i, url in enumerate(shards):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            create_table(conn, layout.partition(i), dim)
            database = conn.execute("SELECT current_database()").fetchone()
            name = sql.Identifier(str(database[0] if database else "postgres"))
            for setting, value in (("hnsw.iterative_scan", "relaxed_order"), ("hnsw.ef_search", str(EF_SEARCH)),
                                   ("hnsw.max_scan_tuples", str(MAX_SCAN_TUPLES))):  # fmt: skip
                conn.execute(
                    sql.SQL("ALTER DATABASE {} SET {} = {}").format(name, sql.SQL(setting), sql.Literal(value))
                )
    with psycopg.connect(coordinator, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
        create_table(conn, table, dim, partition_by="HASH (number)")
        for i, url in enumerate(shards):
            server = sql.Identifier(f"{table}_s{i}")
            target = conninfo_to_dict(url)
            options = {k: str(target[k]) for k in ("host", "port", "dbname") if target.get(k)}
            options.update(extensions="vector", fetch_size=str(fetch_size), batch_size=str(batch_size),
                           async_capable="true")  # fmt: skip
            exists = conn.execute("SELECT 1 FROM pg_foreign_server WHERE srvname = %s", (f"{table}_s{i}",)).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE SERVER {} FOREIGN DATA WRAPPER postgres_fdw OPTIONS ({})").format(
                    server, _options(options)))  # fmt: skip
                user = {"user": str(target.get("user") or "postgres")}
                if target.get("password"):
                    user["password"] = str(target["password"])
                mapping = sql.SQL("CREATE USER MAPPING IF NOT EXISTS FOR CURRENT_USER SERVER {} OPTIONS ({})")
                conn.execute(mapping.format(server, _options(user)))
            conn.execute(
                sql.SQL(
                    "CREATE FOREIGN TABLE IF NOT EXISTS {p} PARTITION OF {t}"
                    " FOR VALUES WITH (MODULUS {n}, REMAINDER {i}) SERVER {s} OPTIONS (table_name {remote})"
                ).format(
                    p=sql.Identifier(layout.partition(i)),
                    t=sql.Identifier(table),
                    n=sql.Literal(len(shards)),
                    i=sql.Literal(i),
                    s=server,
                    remote=sql.Literal(layout.partition(i)),
                )  # fmt: skip
            )
    return layout


def build_shard_indexes(layout: ShardedTable, *, m: int = HNSW_M, ef_construction: int = HNSW_EF_CONSTRUCTION) -> None:
    """Each shard's HNSW graph and filter indexes (after loading), then the coordinator's statistics of them."""
    for i, url in enumerate(layout.shards):
        with psycopg.connect(url, autocommit=True) as conn:
            create_indexes(conn, layout.partition(i), m=m, ef_construction=ef_construction)
    with psycopg.connect(layout.coordinator, autocommit=True) as conn:
        conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(layout.table)))


def shard_counts(layout: ShardedTable) -> list[int]:
    """Rows per shard, counted on the shards themselves."""
    out: list[int] = []
    for i, url in enumerate(layout.shards):
        with psycopg.connect(url) as conn:
            row = conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(layout.partition(i)))
            ).fetchone()
            out.append(int(row[0]) if row else 0)
    return out


def _options(values: dict[str, Any]) -> sql.Composable:
    return sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(k), sql.Literal(v)) for k, v in values.items())
