"""Dense search in pgvector: filtered kNN recall against exact search (1% selectivity included) on real
embeddings, the faiss index's vectors copied across, and the pgvector index used by search in place of faiss."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from novum.index.embed import load_embedder
from novum.index.lexical import Filters, LexicalIndex
from novum.index.pgvector import DocAttributes, PgVectorIndex, SemanticIndex, VectorRow, graph_megabytes
from novum.ingest.embedding import embed_pending, existing_dense, open_dense
from novum.search.prior_art import SearchRequest, search, search_page
from novum.store.sqlite import Store
from tests.conftest import shared
from tests.helpers import demo_lines, ingest_paths, record, write_lines

POOL = ["H04L9/32", "G06F21/60", "H04W12/06", "G06F16/24", "H04L67/10", "G06Q20/40", "H04N21/20", "G06N20/00"]
COPIES = 6  # each real vector, then five renumbered copies with Gaussian noise (sigma 0.02) and dates 2 years earlier


def _records() -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for path in sorted(shared("corpus/us-api-patents").glob("*.jsonl")):
        out.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return out


@pytest.fixture(scope="module")
def corpus() -> tuple[list[VectorRow], np.ndarray]:
    """Real title embeddings (bge-small-en) of every 16th US patent, plus noisy renumbered copies; 30 queries."""
    records = _records()
    base, asked = records[::16], records[5::631]
    embedder = load_embedder("bge-small-en")
    vectors = embedder.embed_passages([r["title"] for r in base])
    queries = embedder.embed_queries([r["title"] for r in asked])
    rng = np.random.default_rng(3)
    rows: list[VectorRow] = []
    for copy in range(COPIES):
        noisy = vectors + rng.normal(0, 0.02, vectors.shape).astype(np.float32) * (copy > 0)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        for i, source in enumerate(base):
            day = source["date"]
            effective = f"{int(day[:4]) - 2 * copy}-{day[4:6]}-{day[6:]}"
            attrs = DocAttributes.from_values(effective, effective, "US", "B2", [POOL[(i + copy) % len(POOL)]], [])
            rows.append(VectorRow(None, f"US{copy}{source['number']}B2", "title", attrs, noisy[i]))
    return rows, queries


@pytest.fixture(scope="module")
def pg_index(corpus: tuple[list[VectorRow], np.ndarray], pg_node: object) -> Iterator[PgVectorIndex]:
    import psycopg

    url = pg_node.url  # type: ignore[attr-defined]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS t_pgvector_recall WITH (FORCE)")
        admin.execute("CREATE DATABASE t_pgvector_recall")
    index = PgVectorIndex(url.replace("/postgres?", "/t_pgvector_recall?", 1), load_embedder("bge-small-en"))
    assert index.copy_rows(corpus[0]) == len(corpus[0])
    index.build_index()
    yield index
    index.close()
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS t_pgvector_recall WITH (FORCE)")


def one_percent(rows: list[VectorRow]) -> Filters:
    """A class prefix (1/4 of the rows) and the date cut-off that together keep about 1% of the rows."""
    dates = sorted(r.attributes.effective for r in rows if any(s.startswith("H04L") for s in r.attributes.cpc))
    cut = str(dates[len(rows) // 100])
    return Filters(cpc=["H04L"], before=f"{cut[:4]}-{cut[4:6]}-{cut[6:]}")


def allowed(rows: list[VectorRow], filters: Filters) -> set[str]:
    day = int((filters.before or "9999-12-31").replace("-", ""))
    prefixes = tuple(filters.cpc) or ("",)
    return {r.number for r in rows if 0 < r.attributes.effective < day and any(
        s.startswith(prefixes) for s in r.attributes.cpc or [""])}  # fmt: skip


def recall(index: PgVectorIndex, queries: np.ndarray, filters: Filters) -> float:
    found = 0
    for q in queries:
        exact = {h.number for h in index.search_exact(q[None, :], filters, 10)}
        got = {h.number for h in index.search_vector(q[None, :], filters, 10)}
        found += len(exact & got)
    return found / (10 * len(queries))


def test_one_percent_filter_is_selective(corpus: tuple[list[VectorRow], np.ndarray]) -> None:
    rows = corpus[0]
    share = len(allowed(rows, one_percent(rows))) / len(rows)
    assert 0.007 <= share <= 0.013, share


@pytest.mark.parametrize("exact_below", [0, 20_000])  # 0: the HNSW walk (iterative scan) answers every filter
def test_filtered_recall_against_exact(
    pg_index: PgVectorIndex, corpus: tuple[list[VectorRow], np.ndarray], exact_below: int
) -> None:
    rows, queries = corpus
    pg_index.exact_below = exact_below
    for filters in (Filters(), Filters(cpc=["H04L"]), Filters(cpc=["G06F21/"], before="2008-01-01"), one_percent(rows)):
        assert recall(pg_index, queries, filters) >= 0.95, filters
        permitted = allowed(rows, filters)
        for q in queries[:5]:
            hits = pg_index.search_vector(q[None, :], filters, 10)
            assert len(hits) == 10 and {h.number for h in hits} <= permitted
    pg_index.exact_below = 20_000


def test_plan_follows_selectivity(pg_index: PgVectorIndex, corpus: tuple[list[VectorRow], np.ndarray]) -> None:
    rows, queries = corpus
    pg_index.exact_below = 500  # the 1% filter allows about 70 rows, the class alone about 1,770
    pg_index.search_vector(queries[:1], one_percent(rows), 10)
    assert pg_index.last_plan == "exact"
    pg_index.search_vector(queries[:1], Filters(cpc=["H04L"]), 10)
    assert pg_index.last_plan in ("hnsw", "hnsw+exact")
    pg_index.exact_below = 20_000


@pytest.fixture(scope="module")
def embedded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pgv-store")
    lines = [*demo_lines(40), *demo_lines(1, start=1991)]
    lines.append(
        record("EP1000001A1", "Wind turbine rotor blade with de-icing heater", "Heating mats in the leading edge.",
               cpc=["F03D80/40"], priority_claims=[{"date": "1999-03-01"}], publication_date="2001-05-02")
    )  # fmt: skip
    ingest_paths(root / "data", write_lines(root / "docs.jsonl", lines))
    with Store(root / "data") as store:
        (dense,) = open_dense(store)
        assert embed_pending(dense) == 42
    return root / "data"


def test_faiss_vectors_move_to_pgvector_and_search_alike(embedded_store: Path, pg_database: str) -> None:
    with Store(embedded_store) as store:
        (dense,) = existing_dense(store)
        index = PgVectorIndex(pg_database, dense.embedder, store=store)
        assert index.copy_rows([]) == 0
        assert index.load_dense(dense, store.filter_rows()) == dense.count()
        index.build_index()
        some: SemanticIndex = index
        for filters in (Filters(), Filters(cpc=["F03D"]), Filters(before="2012-01-01"), Filters(cpc=["G06F"])):
            for query in ("wind turbine blade icing", "encrypted file access control", "wireless network"):
                mine = [(h.number, h.passage_id, h.location) for h in some.search(query, filters, 5)]
                theirs = [(h.number, h.passage_id, h.location) for h in dense.search(query, filters, 5)]
                assert mine == theirs, (query, filters)
        # drop-in: the prior-art search runs on the pgvector index where it took the faiss one
        request = SearchRequest("rotor blade heating against ice", Filters(), 3, True, "hybrid")
        hits = search(store, LexicalIndex(embedded_store, read_only=True), request, [index])  # type: ignore[list-item]
        assert hits[0].number == "EP1000001A1" and hits[0].passage
        for filters in (Filters(), Filters(before="2012-01-01")):  # semantic mode also counts the allowed documents
            request = SearchRequest("encrypted file access control", filters, 5, True, "semantic")
            lexical = LexicalIndex(embedded_store, read_only=True)
            mine_page = search_page(store, lexical, request, [index])  # type: ignore[list-item]
            theirs_page = search_page(store, lexical, request, [dense])
            assert [h.number for h in mine_page.hits] == [h.number for h in theirs_page.hits]
            assert mine_page.total == theirs_page.total > 0
        index.close()


def test_add_replaces_a_documents_passages(pg_database: str) -> None:
    from novum.model import Patent

    index = PgVectorIndex(pg_database, load_embedder("bge-small-en"))
    patent = Patent("EP", "1000001", "A1", titles={"en": "Wind turbine rotor blade with de-icing heater"},
                    abstracts={"en": "Heating mats in the leading edge."}, cpc=["F03D80/40"])  # fmt: skip
    first = index.add([patent])
    assert first >= 1 and index.count() == first
    assert index.add([patent]) == first and index.count() == first  # the new version's passages replace the old
    hits = index.search("ice on wind turbine blades", Filters(cpc=["F03D80/"]), 3)
    assert [h.number for h in hits] == ["EP1000001A1"]
    assert index.search("ice on wind turbine blades", Filters(cpc=["H04L"]), 3) == []
    index.close()


def test_the_graph_build_gets_memory_for_the_whole_graph() -> None:
    """maintenance_work_mem for an HNSW build: 2.5 KB per 384-d row (about 2.1 KB measured), never under 1 GB."""
    assert graph_megabytes(0, 384) == 1024
    assert graph_megabytes(200_000, 384) == 1024
    assert graph_megabytes(1_000_000, 384) == 2442  # the 1M benchmark's graph (2.0 GB measured) fits
    assert graph_megabytes(1_000_000, 768) == 4883
