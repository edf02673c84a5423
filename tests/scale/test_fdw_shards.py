"""A coordinator and two shard nodes joined by postgres_fdw hash partitions answer kNN queries as one node does:
the same exact nearest neighbours, HNSW recall@10 against them, filters and ordering pushed down to the shards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from novum.index.embed import load_embedder
from novum.index.lexical import Filters
from novum.index.pgvector import DocAttributes, PgVectorIndex, VectorRow
from novum.store.pgnode import PgNode
from novum.store.sharding import ShardedTable, build_shard_indexes, setup_vector_shards, shard_counts
from tests.conftest import shared
from tests.scale.conftest import node_at

POOL = ["H04L9/32", "G06F21/60", "H04W12/06", "G06F16/24", "H04L67/10", "G06Q20/40", "H04N21/20", "G06N20/00"]


@pytest.fixture(scope="module")
def shard_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[PgNode]]:
    root = tmp_path_factory.mktemp("shards")
    nodes = [node_at(root / f"shard{i}") for i in range(2)]
    yield nodes
    for node in nodes:
        node.stop()


@pytest.fixture(scope="module")
def real_rows() -> tuple[list[VectorRow], np.ndarray]:
    """Real title embeddings of every 31st US patent and three noisy renumbered copies of each; 20 queries."""
    records: list[dict[str, str]] = []
    for path in sorted(shared("corpus/us-api-patents").glob("*.jsonl")):
        records.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    base, asked = records[::31], records[11::947]
    embedder = load_embedder("bge-small-en")
    vectors = embedder.embed_passages([r["title"] for r in base])
    rng = np.random.default_rng(5)
    rows: list[VectorRow] = []
    for copy in range(4):
        noisy = vectors + rng.normal(0, 0.02, vectors.shape).astype(np.float32) * (copy > 0)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        for i, source in enumerate(base):
            day = source["date"]
            attrs = DocAttributes.from_values(f"{int(day[:4]) - copy}-{day[4:6]}-{day[6:]}", None, "US", "B2",
                                              [POOL[(i + copy) % len(POOL)]], [])  # fmt: skip
            rows.append(VectorRow(len(rows), f"US{copy}{source['number']}B2", "title", attrs, noisy[i]))
    return rows, embedder.embed_queries([r["title"] for r in asked])


@pytest.fixture(scope="module")
def layout(
    shard_nodes: list[PgNode], pg_node: PgNode, real_rows: tuple[list[VectorRow], np.ndarray]
) -> Iterator[tuple[ShardedTable, str]]:
    import psycopg

    with psycopg.connect(pg_node.url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS t_fdw_coordinator WITH (FORCE)")
        admin.execute("CREATE DATABASE t_fdw_coordinator")
    coordinator = pg_node.url.replace("/postgres?", "/t_fdw_coordinator?", 1)
    placed = setup_vector_shards(coordinator, [n.url for n in shard_nodes], "dense_sharded", 384)
    assert (
        setup_vector_shards(coordinator, [n.url for n in shard_nodes], "dense_sharded", 384) == placed
    )  # again: no-op
    embedder = load_embedder("bge-small-en")
    with (
        PgVectorIndex(coordinator, embedder, table="dense_sharded") as through,
        PgVectorIndex(coordinator, embedder) as one,
    ):
        assert through.copy_rows(real_rows[0]) == one.copy_rows(real_rows[0]) == len(real_rows[0])
        one.build_index()
    build_shard_indexes(placed)
    yield placed, coordinator
    with psycopg.connect(pg_node.url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS t_fdw_coordinator WITH (FORCE)")


FILTERS = (Filters(), Filters(cpc=["H04L"]), Filters(cpc=["G06F21/"], before="2009-01-01"), Filters(ipc=["A61K"]))


def test_rows_are_spread_over_both_shards(layout: tuple[ShardedTable, str], real_rows: tuple[list, np.ndarray]) -> None:
    counts = shard_counts(layout[0])
    assert sum(counts) == len(real_rows[0]) and min(counts) > len(real_rows[0]) / 3


def test_coordinator_knn_equals_one_node(layout: tuple[ShardedTable, str], real_rows: tuple[list, np.ndarray]) -> None:
    placed, coordinator = layout
    embedder = load_embedder("bge-small-en")
    queries = real_rows[1]
    with (
        PgVectorIndex(coordinator, embedder, table=placed.table, read_only=True) as through,
        PgVectorIndex(coordinator, embedder, read_only=True) as one,
    ):
        found = total = 0
        for filters in FILTERS:
            for q in queries:
                expected = one.search_exact(q[None, :], filters, 10)
                exact = through.search_exact(q[None, :], filters, 10)
                assert [(h.number, h.passage_id) for h in exact] == [(h.number, h.passage_id) for h in expected]
                assert [h.score for h in exact] == pytest.approx([h.score for h in expected], abs=1e-5)
                through.exact_below = 0  # the shards walk their HNSW graphs (iterative scans) for every filter
                walked = through.search_vector(q[None, :], filters, 10)
                found += len({h.number for h in walked} & {h.number for h in expected})
                total += len(expected)
        assert total > 0 and found / total >= 0.95


def test_knn_runs_on_the_shards(layout: tuple[ShardedTable, str], real_rows: tuple[list, np.ndarray]) -> None:
    placed, coordinator = layout
    with PgVectorIndex(coordinator, load_embedder("bge-small-en"), table=placed.table, read_only=True) as through:
        plan = "\n".join(
            r[0] for r in through.conn.execute(
                "EXPLAIN VERBOSE SELECT id FROM dense_sharded WHERE cpc && '{H04L}' ORDER BY embedding <#> %s LIMIT 80",
                [real_rows[1][0]],
            )
        )  # fmt: skip
    remote = [line for line in plan.splitlines() if "Remote SQL" in line]
    assert len(remote) == 2 and all("ORDER BY" in line and "<#>" in line and "cpc &&" in line for line in remote)
    assert "Merge Append" in plan


def test_shard_nodes_are_separate_servers(shard_nodes: list[PgNode], pg_node: PgNode) -> None:
    assert len({Path(n.socket_dir) for n in [*shard_nodes, pg_node]}) == 3
