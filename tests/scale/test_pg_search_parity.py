"""Search over PostgreSQL answers as the embedded backend does, on the PatSnap benchmark topics.

One slice of the PatSnap corpus (every document the citation and free-text topics name: 309 real EP/US documents)
is ingested into a SQLite store and into a PostgreSQL store. Lexical search through ``novum.search.service`` gives
the same top 10 on both for all 110 topics. For dense search, the documents of the first citation topics are
embedded once (faiss, as ``novum embed`` does on SQLite) and the same vectors are copied into the PostgreSQL store's
pgvector table (``load_dense``), where search finds them by itself (``existing_dense``): semantic and hybrid
search give the same top 10 as on SQLite, and pgvector's HNSW path reaches recall@10 within 0.02 of exact. The CLI
searches both stores once. ``novum embed`` on a PostgreSQL store writes pgvector rows under the ledger key
``novum spark embed`` uses, and a read-only search opens nothing when no vectors exist.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest
from pgvector.psycopg import register_vector

from novum.corpus import Corpus
from novum.eval.datasets import Topic, patsnap_citations, patsnap_free_text, source_numbers
from novum.index.embed import Vectors, load_embedder
from novum.index.lexical import Filters, open_index
from novum.index.pgvector import PgVectorIndex, table_name
from novum.ingest.embedding import existing_dense, open_dense
from novum.ingest.pg_embedding import ledger_model
from novum.ingest.pipeline import Ingester
from novum.match.engine import Matcher
from novum.search.service import SearchParams, find_similar, run_search
from novum.spark.embed import pending_numbers
from novum.store.sqlite import Store, content_hash
from novum.watch import semantic, service
from novum.watch.pg_vectors import PgPassageVectors
from tests.conftest import shared
from tests.helpers import novum

MODEL = "bge-small-en"
DENSE_TOPICS = 16  # citation topics whose documents are embedded (embedding is the slow part on a 2-core machine)


def slice_files(dest: Path) -> Path:
    """Copy the corpus files every benchmark topic names (topic, cited and judged documents) into ``dest``."""
    root = shared("bench/patsnap")
    ids: set[str] = set()
    for line in (root / "qrels-dev.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            topic, _, doc, _ = line.split()
            ids |= {topic, doc}
    for judged in (root / "cs3245-hw4").glob("q*-qrels*ve.txt"):
        ids |= set(judged.read_text(encoding="utf-8").split())
    dest.mkdir(parents=True)
    for path in sorted((root / "patsnap-corpus").iterdir()):
        if path.stem in ids:
            shutil.copy(path, dest / path.name)
    return dest


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, pg_node: Any) -> Iterator[tuple[Store, Store, list[Topic]]]:
    """(SQLite store, PostgreSQL store, benchmark topics); the first DENSE_TOPICS topics' documents embedded."""
    root = tmp_path_factory.mktemp("pg-parity")
    files = slice_files(root / "corpus")
    with psycopg.connect(pg_node.url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS pg_parity WITH (FORCE)")
        admin.execute("CREATE DATABASE pg_parity")
    url = pg_node.url.replace("/postgres?", "/pg_parity?", 1)
    lite, pg = Store(root / "lite"), Store(root / "pg", url)
    try:
        for store in (lite, pg):
            counts = Ingester(store, open_index(store)).run([files])
            assert counts.quarantined == 0 and store.count() == 309
        bench = shared("bench")
        citations = patsnap_citations(lite, bench)
        topics = [*citations.topics, *patsnap_free_text(lite, bench).topics]
        assert len(topics) == 110
        wanted = {n for t in citations.topics[:DENSE_TOPICS] for n in (*t.exclude, *citations.qrels[t.id])}
        (dense,) = open_dense(lite, [MODEL])
        ordered = sorted(wanted)
        for start in range(0, len(ordered), 32):  # `novum embed`'s batches
            dense.add(list(lite.get_many(ordered[start : start + 32]).values()))
        dense.save()
        with PgVectorIndex(url, dense.embedder) as vectors:
            assert vectors.load_dense(dense, pg.filter_rows()) == dense.count() >= len(wanted)
            vectors.build_index()
        marks = [(ledger_model(MODEL), p.number, content_hash(p.to_dict())) for p in pg.get_many(wanted).values()]
        with pg.transaction():  # copied vectors are marked as `novum embed` marks what it embeds
            pg.db.executemany("INSERT INTO embedded (model, number, content_hash) VALUES (?, ?, ?)", marks)
        yield lite, pg, topics
    finally:
        lite.close()
        pg.close()
        with psycopg.connect(pg_node.url, autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS pg_parity WITH (FORCE)")


@pytest.fixture
def query_vectors(monkeypatch: pytest.MonkeyPatch) -> dict[str, Vectors]:
    """Each query embedded once and reused by both backends (the model is shared: ``load_embedder`` caches it)."""
    embedder = load_embedder(MODEL)
    original = embedder.embed_queries
    seen: dict[str, Vectors] = {}

    def embed_queries(texts: list[str]) -> Vectors:
        missing = [t for t in texts if t not in seen]
        if missing:
            seen.update(zip(missing, original(missing), strict=True))
        return np.stack([seen[t] for t in texts])

    monkeypatch.setattr(embedder, "embed_queries", embed_queries)
    return seen


def params(topic: Topic, mode: str) -> SearchParams:
    filters = Filters(before=topic.before, exclude=topic.exclude)
    return SearchParams(topic.text, syntax="text", mode=mode, filters=filters, collapse=False, record=False)


def top(store: Store, topic: Topic, mode: str) -> list[tuple[str, float]]:
    page = run_search(store, open_index(store), params(topic, mode), lambda: existing_dense(store))
    return [(h.number, h.score) for h in page.hits]


def near_ties(store: Store, topic: Topic) -> set[str]:
    """Documents whose semantic score is within 1e-5 of their neighbour's (near-duplicates, often one family):
    float rounding (faiss vs pgvector) may order them either way, which moves their fused hybrid scores."""
    (dense,) = existing_dense(store)
    hits = dense.search(topic.text, Filters(before=topic.before, exclude=topic.exclude), 50)
    return {h.number for a, b in zip(hits, hits[1:], strict=False) if abs(a.score - b.score) < 1e-5 for h in (a, b)}


def same_top(lite: list[tuple[str, float]], pg: list[tuple[str, float]]) -> None:
    """Same documents with the same scores, rank by rank (documents tied on a score may swap)."""
    assert len(lite) == len(pg)
    for (_, a), (_, b) in zip(lite, pg, strict=True):
        assert b == pytest.approx(a, rel=1e-4, abs=1e-5)
    assert {n for n, _ in lite} == {n for n, _ in pg}


def test_lexical_top10_matches_on_every_topic(stores: tuple[Store, Store, list[Topic]]) -> None:
    lite, pg, topics = stores
    assert pg.url is not None and lite.url is None
    nonempty = 0
    for topic in topics:
        expected = top(lite, topic, "lexical")
        same_top(expected, top(pg, topic, "lexical"))
        nonempty += bool(expected)
    assert nonempty >= 100


def test_dense_search_reads_pgvector_and_matches(
    stores: tuple[Store, Store, list[Topic]], query_vectors: dict[str, Vectors]
) -> None:
    lite, pg, topics = stores
    (searching,) = existing_dense(pg)
    assert isinstance(searching, PgVectorIndex) and searching.read_only
    assert not (pg.data_dir / "dense" / MODEL / "vectors.f32").exists()  # PostgreSQL search needs no faiss file
    dense_topics = topics[:DENSE_TOPICS]
    recalls = []
    for topic in dense_topics:
        # semantic: the same scores rank by rank, and the same documents but for swaps of near-equal scores
        expected, found = top(lite, topic, "semantic"), top(pg, topic, "semantic")
        assert expected and len(expected) == len(found), topic.id
        for (_, a), (_, b) in zip(expected, found, strict=True):
            assert b == pytest.approx(a, abs=1e-5)
        recalls.append(len({n for n, _ in expected} & {n for n, _ in found}) / len(expected))
        # hybrid: the same fused scores, up to the cosines' float rounding (faiss and pgvector agree within 1e-5 on a
        # cosine; hybrid scales each list over its span), for every document whose semantic rank cannot flip with it
        ties = near_ties(lite, topic)
        expected, found = top(lite, topic, "hybrid"), top(pg, topic, "hybrid")
        assert expected and len(expected) == len(found), topic.id
        mine, theirs = dict(expected), dict(found)
        for number in (mine.keys() | theirs.keys()) - ties:
            assert theirs.get(number) == pytest.approx(mine.get(number), abs=1e-4), (topic.id, number)
    assert np.mean(recalls) >= 0.98, recalls
    # pgvector's graph walk (forced, as on a table too big to score exactly) against exact scoring
    searching.exact_below = 0
    recalls = []
    for topic in dense_topics:
        vector = searching.embedder.embed_queries([topic.text])
        for filters in (Filters(), Filters(before=topic.before, exclude=topic.exclude)):
            truth = {h.number for h in searching.search_exact(vector, filters, 10)}
            walked = {h.number for h in searching.search_vector(vector, filters, 10)}
            recalls.append(len(truth & walked) / max(len(truth), 1))
    assert np.mean(recalls) >= 0.98
    searching.close()


def test_cli_search_on_postgres_matches_sqlite(
    stores: tuple[Store, Store, list[Topic]], query_vectors: dict[str, Vectors]
) -> None:
    lite, pg, topics = stores
    topic = topics[0]
    assert pg.url is not None
    args = ["search", topic.text, "--syntax", "text", "--before", topic.before or "", "--no-history",
            "--format", "json"]  # fmt: skip
    on_sqlite = json.loads(novum(*args, "--data-dir", str(lite.data_dir), env={"NOVUM_DATABASE_URL": ""}))
    on_postgres = json.loads(novum(*args, "--data-dir", str(pg.data_dir), env={"NOVUM_DATABASE_URL": pg.url}))
    assert on_postgres == on_sqlite and on_sqlite
    assert any(h.get("passage") for h in on_postgres)  # hybrid by default: the semantic side found passages


def test_server_corpus_similar_and_matching_read_pgvector(
    stores: tuple[Store, Store, list[Topic]], query_vectors: dict[str, Vectors], monkeypatch: pytest.MonkeyPatch
) -> None:
    lite, pg, topics = stores
    assert pg.url is not None
    monkeypatch.setenv("NOVUM_DATABASE_URL", pg.url)
    corpus = Corpus(pg.data_dir)  # what `novum serve` shares between requests
    try:
        (served,) = corpus.dense()
        assert isinstance(served, PgVectorIndex) and served.read_only
        assert corpus.dense()[0] is served  # kept open between requests
        assert set(corpus.models()) == {MODEL}
        topic = topics[0]
        page = run_search(corpus.store(), corpus.index(), params(topic, "hybrid"), corpus.dense)
        assert [(h.number, h.score) for h in page.hits] == top(pg, topic, "hybrid")
        number = topic.exclude[0]  # an embedded document: `novum similar` and matching read its stored vectors
        on_pg = find_similar(corpus.store(), corpus.index(), number, corpus.dense, limit=5, mode="semantic")[1]
        on_lite = find_similar(lite, open_index(lite), number, lambda: existing_dense(lite), limit=5, mode="semantic")
        assert [h.number for h in on_pg] and len(on_pg) == len(on_lite[1])
        for a, b in zip(on_lite[1], on_pg, strict=True):
            assert b.score == pytest.approx(a.score, abs=1e-5)
        (faiss_index,) = existing_dense(lite)
        mine = Matcher(corpus.store(), corpus.index(), corpus.dense()).stored_vectors(number, served)
        theirs = Matcher(lite, open_index(lite), [faiss_index]).stored_vectors(number, faiss_index)
        assert mine.by_ref.keys() == theirs.by_ref.keys() and mine.by_ref
        for ref, vector in theirs.by_ref.items():
            np.testing.assert_allclose(mine.by_ref[ref], vector, atol=1e-6)
    finally:
        corpus.close()


def test_semantic_watch_reads_pgvector_and_alerts_as_on_sqlite(
    stores: tuple[Store, Store, list[Topic]], query_vectors: dict[str, Vectors], monkeypatch: pytest.MonkeyPatch
) -> None:
    lite, pg, topics = stores
    monkeypatch.setattr(semantic, "MIN_SAMPLE", 20)  # the slice embeds ~33 documents; the mechanism is the same
    assert isinstance(semantic.open_vectors(pg), PgPassageVectors)
    text = (topics[0].text.split(".")[0])[:200].replace('"', "")
    reports = []
    for store in (lite, pg):
        watch = service.add_watch(store, "close-to-topic", query=f'sem("{text}")', closeness=0.9)
        (target,) = watch.spec["vectors"]
        assert target["calibration"]["sample"] >= 20
        reports.append((target["threshold"], service.trial_watch(store, "close-to-topic", last=400).alerts))
    (lite_threshold, lite_alerts), (pg_threshold, pg_alerts) = reports
    assert pg_threshold == pytest.approx(lite_threshold, abs=2e-4)
    assert lite_alerts and [a.number for a in pg_alerts] == [a.number for a in lite_alerts]


def test_novum_embed_on_postgres_writes_pgvector_under_the_spark_ledger(tmp_path: Path, pg_database: str) -> None:
    files = sorted(shared("bench/patsnap/patsnap-corpus").iterdir())[:5]
    for folder, chosen in (("corpus", files[:3]), ("more", files[3:])):
        (tmp_path / folder).mkdir()
        for path in chosen:
            shutil.copy(path, tmp_path / folder / path.name)
    lite, pg = tmp_path / "lite", tmp_path / "pg"
    with Store(pg, pg_database) as store:
        assert existing_dense(store) == []  # nothing embedded: search opens nothing and creates nothing
        assert store.db.execute("SELECT to_regclass(?)", (table_name(MODEL),)).fetchone() == (None,)
    env = {"NOVUM_DATABASE_URL": pg_database}
    novum("ingest", str(tmp_path / "corpus"), "--data-dir", str(pg), "--no-embed", env=env)
    assert "embedded 3 documents" in novum("embed", "--data-dir", str(pg), env=env)
    assert "embedded 0 documents" in novum("embed", "--data-dir", str(pg), env=env)  # resumable: nothing pending
    assert not (pg / "dense" / MODEL / "vectors.f32").exists()
    unset = {"NOVUM_DATABASE_URL": ""}  # the same batch of three: the int8 model quantises activations per batch
    novum("ingest", str(tmp_path / "corpus"), "--data-dir", str(lite), "--no-embed", env=unset)
    assert "embedded 3 documents" in novum("embed", "--data-dir", str(lite), env=unset)
    with Store(lite) as store:
        (dense,) = existing_dense(store)
        expected = {(n, loc): np.asarray(v) for n, loc, v in _faiss_rows(dense)}
    with psycopg.connect(pg_database) as conn:
        register_vector(conn)
        rows = conn.execute(f"SELECT number, location, embedding FROM {table_name(MODEL)}").fetchall()
    found = {(str(n), str(loc)): np.asarray(v.to_numpy(), dtype=np.float32) for n, loc, v in rows}
    assert found.keys() == expected.keys() and len(rows) == len(found)
    for key, vector in expected.items():
        np.testing.assert_allclose(found[key], vector, atol=1e-5, err_msg=str(key))
    # ingest's own embedding step writes there too
    novum("ingest", str(tmp_path / "more"), "--data-dir", str(pg), env=env)
    assert "embedded 0 documents" in novum("embed", "--data-dir", str(pg), env=env)
    with Store(pg, pg_database) as store:
        assert pending_numbers(store, MODEL) == []  # `novum spark embed` would embed none of them again
        marks = store.db.execute("SELECT count(*) FROM embedded WHERE model = ?", (ledger_model(MODEL),)).fetchone()
        assert marks == (5,)
        newest = store.get(source_numbers(store)[files[4].stem])
        (searching,) = existing_dense(store)
        assert isinstance(searching, PgVectorIndex)
        assert newest.number in {h.number for h in searching.search(newest.title() or "", limit=3)}
        searching.close()
    assert not (pg / "dense" / MODEL / "vectors.f32").exists()
    # a model's rebuild drops its pgvector rows and marks (the ledger spark embed reads too) and embeds again
    before = _table_rows(pg_database)
    assert "embedded 5 documents" in novum("embed", "--rebuild", MODEL, "--data-dir", str(pg), env=env)
    assert _table_rows(pg_database) == before


def _table_rows(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table_name(MODEL)}").fetchone()
    return int(row[0]) if row else 0


def _faiss_rows(dense: Any) -> Iterator[tuple[str, str, Any]]:
    vectors = dense.vectors()
    for pid, number in enumerate(dense.passage_number):
        if not dense.deleted[pid]:
            yield number, dense.passage_location[pid], vectors[pid]
