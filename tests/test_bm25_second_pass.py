"""The BM25 second pass of long-text queries (``novum.index.bm25``), on real records of the demo sample: tantivy's
explanations read back give its own scores, and a long text's first hits come in the order of BM25 at the chosen
k1 and b."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import tantivy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from novum.index import bm25
from novum.index.lexical import LexicalIndex
from novum.store.sqlite import Store
from tests.helpers import demo_lines, ingest_paths, write_lines


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, LexicalIndex]]:
    root = tmp_path_factory.mktemp("bm25")
    counts, _ = ingest_paths(root / "data", write_lines(root / "demo.jsonl", demo_lines(300)))
    assert counts.new == 300
    store = Store(root / "data")
    yield store, LexicalIndex(root / "data", read_only=True)
    store.close()


@pytest.fixture(scope="module")
def abstracts(demo: tuple[Store, LexicalIndex]) -> list[str]:
    store, _ = demo
    texts = [p.abstract() or "" for p in store.iter_patents()]
    return [t for t in texts if len(t.split()) >= 60]


def explained(index: LexicalIndex, query: tantivy.Query, address: tantivy.DocAddress, k1: float, b: float) -> float:
    score = bm25.explained_score(json.loads(query.explain(index.index.searcher(), address).to_json()), k1, b)
    assert score is not None
    return score


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_explanations_give_back_tantivys_own_scores(
    demo: tuple[Store, LexicalIndex], abstracts: list[str], data: st.DataObject
) -> None:
    _, index = demo
    words = data.draw(st.sampled_from(abstracts)).split()
    start = data.draw(st.integers(0, len(words) - 60))
    query = index.document_query(" ".join(words[start : start + data.draw(st.integers(60, 150))]))
    assume(query is not None)  # a stretch of mostly stop words is read by the parser, not as a document
    assert query is not None
    searcher = index.index.searcher()
    for score, address in searcher.search(query, limit=5).hits:
        assert explained(index, query, address, 1.2, 0.75) == pytest.approx(score, rel=1e-4)


def test_a_long_text_ranks_its_first_hits_at_the_chosen_k1_and_b(
    demo: tuple[Store, LexicalIndex], abstracts: list[str]
) -> None:
    _, index = demo
    searcher = index.index.searcher()
    reordered = 0
    for text in abstracts[:15]:
        query = index.document_query(text)
        assert query is not None
        first = searcher.search(query, limit=bm25.RESCORE_DEPTH + 10).hits
        hits = index.search(text, limit=bm25.RESCORE_DEPTH + 10)
        assert [h.number for h in hits[bm25.RESCORE_DEPTH :]] == [
            searcher.doc(a)["number"][0] for _, a in first[bm25.RESCORE_DEPTH :]
        ]  # what matches, and the order after the first hits, stay tantivy's
        head = {searcher.doc(a)["number"][0]: a for _, a in first[: bm25.RESCORE_DEPTH]}
        assert {h.number for h in hits[: bm25.RESCORE_DEPTH]} == set(head)
        for hit in hits[: bm25.RESCORE_DEPTH]:
            assert hit.score == pytest.approx(explained(index, query, head[hit.number], bm25.K1, bm25.B), rel=1e-6)
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)
        reordered += [h.number for h in hits[: bm25.RESCORE_DEPTH]] != list(head)
        # hybrid search fuses the first pass: asked without the second, the index gives tantivy's own order
        plain = index.search(text, limit=bm25.RESCORE_DEPTH, second_pass=False)
        assert [h.number for h in plain] == list(head)
        assert [h.score for h in plain] == pytest.approx([float(s) for s, _ in first[: bm25.RESCORE_DEPTH]])
    assert reordered >= 5  # the pass changes the order for most long texts


def test_short_queries_keep_tantivys_scores(demo: tuple[Store, LexicalIndex]) -> None:
    _, index = demo
    query = index.text_query("encrypted file access")
    assert index.document_query("encrypted file access") is None and query is not None
    expected = [float(score) for score, _ in index.index.searcher().search(query, limit=10).hits]
    assert [h.score for h in index.search("encrypted file access", limit=10)] == pytest.approx(expected)


def test_the_second_pass_scales_the_rest_below_and_keeps_the_order_it_cannot_read(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hits = [(10.0, "a"), (8.0, "b"), (6.0, "c"), (3.0, "d")]
    again = {"a": 1.0, "b": 4.0, "c": 2.0}
    assert bm25.second_pass(hits, again.get, depth=3) == [(4.0, "b"), (2.0, "c"), (1.0, "a"), (0.5, "d")]
    with caplog.at_level(logging.WARNING, logger="novum.index.bm25"):
        assert bm25.second_pass(hits, lambda item: None, depth=3) == hits
    assert "names no term statistics" in caplog.text
    assert bm25.explained_score({"description": "Const", "value": 1.0}) is None
