"""Sharded tantivy: the PatSnap benchmark corpus split over three shards gives the single index's top 10 (same
documents, same BM25 scores) for the benchmark's topics and for short title queries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from novum.eval.datasets import patsnap_citations, patsnap_free_text
from novum.index.lexical import Filters, LexicalHit, LexicalIndex, open_index
from novum.index.shards import ShardedLexicalIndex, shard_of
from novum.ingest.pipeline import Ingester
from novum.store.sqlite import Store
from tests.conftest import shared


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, LexicalIndex, ShardedLexicalIndex]]:
    root = tmp_path_factory.mktemp("shards")
    store = Store(root / "data")
    single = open_index(store)
    Ingester(store, single).run([shared("bench/patsnap/patsnap-corpus")])
    sharded = ShardedLexicalIndex([root / f"shard{i}" for i in range(3)])
    patents = list(store.iter_patents())
    assert len(sharded.add(patents)) == len(patents) == single.count() == sharded.count()
    yield store, single, sharded
    sharded.close()
    store.close()


def same_ranking(single: list[LexicalHit], sharded: list[LexicalHit]) -> None:
    """Same scores rank by rank, and the same documents except where two scores tie (their order is arbitrary)."""
    assert len(single) == len(sharded)
    for a, b in zip(single, sharded, strict=True):
        assert b.score == pytest.approx(a.score, rel=1e-4), (a, b)
    edge = single[-1].score if single else 0.0  # documents tied with the last one: either may be cut off
    assert {h.number for h in single if abs(h.score - edge) > 1e-4 * edge} == {
        h.number for h in sharded if abs(h.score - edge) > 1e-4 * edge
    }


def test_documents_spread_over_every_shard(indexes: tuple[Store, LexicalIndex, ShardedLexicalIndex]) -> None:
    _, single, sharded = indexes
    sizes = [s.count() for s in sharded.shards]
    assert min(sizes) > single.count() / 5 and shard_of("EP0049154B2", 3) == shard_of("EP0049154B2", 3)
    # a shard only answers searches: no firm documents are kept beside it (a firm's portfolio would be split)
    assert all(s.firms is None and not (s.path.parent / "firms").exists() for s in sharded.shards)


def test_benchmark_topics_rank_as_in_one_index(indexes: tuple[Store, LexicalIndex, ShardedLexicalIndex]) -> None:
    store, single, sharded = indexes
    root = shared("bench")
    topics = [*patsnap_citations(store, root).topics, *patsnap_free_text(store, root).topics]
    assert len(topics) >= 20
    naive_wrong = 0
    for topic in topics:
        filters = Filters(before=topic.before, exclude=topic.exclude)
        expected, total = single.search_counted(topic.text, filters, 10)
        result = sharded.search_counted(topic.text, filters, 10)
        assert result.exact and result.total == total
        same_ranking(expected, result.hits)  # a long text: the first hits scored again at k1 4.0, b 0.9 by both
        first_pass = sharded.search_counted(topic.text, filters, 10, second_pass=False)
        same_ranking(single.search(topic.text, filters, 10, second_pass=False), first_pass.hits)
        local = sorted((h for s in sharded.shards for h in s.search(topic.text, filters, 10)), key=lambda h: -h.score)
        naive_wrong += [h.number for h in local[:10]] != [h.number for h in expected]
    assert naive_wrong > 0  # merging shard-local scores as they are would have ranked some topics differently


def test_short_queries_and_class_filters_rank_as_in_one_index(
    indexes: tuple[Store, LexicalIndex, ShardedLexicalIndex],
) -> None:
    store, single, sharded = indexes
    titles = [p.title() or "" for p in list(store.iter_patents())[::97]]
    assert len(titles) >= 20
    for title in titles:
        for filters in (Filters(), Filters(ipc=["H01L"])):
            expected = single.search(title, filters, 10)
            same_ranking(expected, sharded.search(title, filters, 10))


def test_read_only_shards_search_without_writing(
    indexes: tuple[Store, LexicalIndex, ShardedLexicalIndex], tmp_path: Path
) -> None:
    _, single, sharded = indexes
    folders = [s.path.parent for s in sharded.shards]
    reader = ShardedLexicalIndex(folders, read_only=True)
    assert reader.count() == single.count()
    query = "semiconductor wafer"
    assert [h.number for h in reader.search(query)] == [h.number for h in sharded.search(query)]
    reader.close()
    empty = ShardedLexicalIndex([tmp_path / "a", tmp_path / "b"], read_only=True)
    assert empty.search(query) == [] and not (tmp_path / "a").exists()
    empty.close()
