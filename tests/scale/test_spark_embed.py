"""`novum spark embed`: real grants embedded on the Spark cluster's executors (one onnxruntime thread per task) into
the pgvector table, against the single-process `novum embed` of the same documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from pgvector.psycopg import register_vector

from novum.index.pgvector import table_name
from novum.ingest.embedding import embed_pending, open_dense
from novum.ingest.pipeline import Ingester
from novum.spark.embed import ledger_model, spark_embed
from novum.spark.ingest import StoreSpec
from novum.store.sqlite import Store
from tests.conftest import fixture

MODEL = "bge-small-en"
FILES = ("grant/v4-5-B1.xml", "grant/v4-0-B2.xml", "application/v4-5-A1.xml")


def _pg_vectors(url: str) -> dict[tuple[str, str], np.ndarray]:
    with psycopg.connect(url) as conn:
        register_vector(conn)
        rows = conn.execute(f"SELECT number, location, embedding FROM {table_name(MODEL)}").fetchall()
    found = {(str(n), str(loc)): np.asarray(v.to_numpy(), dtype=np.float32) for n, loc, v in rows}
    assert len(found) == len(rows)  # no passage twice
    return found


def test_spark_embed_matches_single_process_and_resumes(spark: Any, pg_database: str, tmp_path: Path) -> None:
    paths = [fixture(f"us-go-uspto/pkg/uspto/test-data/{name}") for name in FILES]
    with Store(tmp_path / "single") as store:
        Ingester(store, None).run(paths)
        dense = open_dense(store, [MODEL])[0]
        assert embed_pending(dense) == len(FILES)
        vectors = dense.vectors()
        keys = zip(dense.passage_number, dense.passage_location, strict=True)
        expected = {key: np.array(vectors[i]) for i, key in enumerate(keys)}

    spec = StoreSpec(str(tmp_path / "data"), pg_database)
    with spec.open() as store:
        Ingester(store, None).run(paths)
    # one chunk, the batch `novum embed` made: the int8 model quantises activations per batch
    result = spark_embed(spark, spec, MODEL)
    assert (result.pending, result.documents, result.tasks) == (3, 3, 1)
    assert result.passages == len(expected)
    found = _pg_vectors(pg_database)
    assert found.keys() == expected.keys()
    for key, vector in expected.items():
        np.testing.assert_allclose(found[key], vector, atol=1e-5, err_msg=str(key))

    again = spark_embed(spark, spec, MODEL)
    assert (again.pending, again.documents, again.passages) == (0, 0, 0)

    # a run that died after writing a document's passages but before marking it: the next run redoes that one only
    lost = sorted({number for number, _ in expected})[0]
    with spec.open() as store, store.transaction():
        store.db.execute("DELETE FROM embedded WHERE model = ? AND number = ?", (ledger_model(MODEL), lost))
    resumed = spark_embed(spark, spec, MODEL)
    assert (resumed.pending, resumed.documents) == (1, 1)
    assert _pg_vectors(pg_database).keys() == expected.keys()
