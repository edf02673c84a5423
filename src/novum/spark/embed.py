"""``novum spark embed``: the store's pending documents embedded in parallel on Spark executors, the vectors written
to the model's pgvector table (``novum.index.pgvector``), where PostgreSQL-backed search reads them.

Which documents are pending is kept in the store's ``embedded`` ledger (number and content hash of the version that
was embedded) under the model name ``pgvector:<model>``, apart from the faiss files' ledger of the same model. The
driver lists the pending numbers and cuts them into chunks (``CHUNK_DOCUMENTS``); a task embeds a chunk's current
records with the same embedder and passage policy as ``novum embed`` (one onnxruntime thread per task: Spark runs
one task per core), replaces the documents' passages in the vector table and then marks them in the ledger. A run
killed midway leaves its finished chunks marked; the next run embeds the rest, and a document whose marks were lost
is re-embedded with its old passages replaced, never duplicated. Re-running after a complete run embeds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from novum.errors import NovumError
from novum.index.embed import load_embedder
from novum.index.passages import DEFAULT_POLICY
from novum.index.pgvector import PgVectorIndex
from novum.ingest.embedding import BATCH_DOCUMENTS, POLICIES
from novum.ingest.pg_embedding import ledger_model  # shared with `novum embed`: one ledger, nothing embedded twice
from novum.spark.ingest import StoreSpec
from novum.store.sqlite import Store, content_hash

# A task's chunk is the single-process embed's batch (32 documents in number order): the int8 model quantises its
# activations per batch, so the same batches are what make Spark's vectors equal to `novum embed`'s.
CHUNK_DOCUMENTS = BATCH_DOCUMENTS
DEFAULT_MODEL = "bge-small-en"


@dataclass(slots=True)
class SparkEmbedResult:
    """What a run embedded: documents and passages written, the tasks it took, what was pending before."""

    model: str
    pending: int
    documents: int
    passages: int
    tasks: int


def pending_numbers(store: Store, model: str) -> list[str]:
    """Documents whose current version has no pgvector embedding by ``model``, in number order."""
    rows = store.db.execute(
        "SELECT d.number FROM documents d LEFT JOIN embedded e ON e.model = ? AND e.number = d.number"
        " WHERE e.content_hash IS NULL OR e.content_hash != d.content_hash ORDER BY d.number",
        (ledger_model(model),),
    ).fetchall()
    return [str(row[0]) for row in rows]


def open_vectors(spec: StoreSpec, model: str) -> PgVectorIndex:
    """The model's pgvector table in the store's database (created on first use)."""
    if spec.database_url is None:
        raise NovumError(
            "novum spark embed writes vectors to PostgreSQL (pgvector): give --database-url or set NOVUM_DATABASE_URL;"
            " an embedded SQLite store is embedded by `novum embed`"
        )
    return PgVectorIndex(spec.database_url, load_embedder(model), POLICIES.get(model, DEFAULT_POLICY))


def embed_partition(spec: StoreSpec, model: str, chunks: Iterable[list[str]]) -> Iterator[tuple[int, int]]:
    """An executor's task: embed each chunk's current records, write their passages, mark them in the ledger."""
    with spec.open() as store, open_vectors(spec, model) as vectors:
        for numbers in chunks:
            patents = list(store.get_many(numbers).values())  # a document deleted since the listing is skipped
            written = vectors.add(patents)
            marks = [(ledger_model(model), p.number, content_hash(p.to_dict())) for p in patents]
            with store.transaction():
                store.db.executemany(
                    "INSERT INTO embedded (model, number, content_hash) VALUES (?, ?, ?)"
                    " ON CONFLICT (model, number) DO UPDATE SET content_hash = excluded.content_hash",
                    marks,
                )
            yield len(patents), written


def spark_embed(
    session: object, spec: StoreSpec, model: str = DEFAULT_MODEL, *, chunk: int = CHUNK_DOCUMENTS, index: bool = True
) -> SparkEmbedResult:
    """Embed every pending document of the store with ``model`` on the session's executors.

    The driver creates the vector table before the tasks start (so they do not race to create it) and, with
    ``index``, builds its HNSW and filter indexes after the last chunk (skipped when they exist).
    """
    with spec.open() as store:
        numbers = pending_numbers(store, model)
    with open_vectors(spec, model) as vectors:
        pass
    chunks = [numbers[start : start + chunk] for start in range(0, len(numbers), chunk)]
    documents = passages = 0
    if chunks:
        context = session.sparkContext  # type: ignore[attr-defined]
        rdd = context.parallelize(chunks, len(chunks))
        for done, written in rdd.mapPartitions(lambda part: embed_partition(spec, model, part)).collect():
            documents += done
            passages += written
    if index:
        with open_vectors(spec, model) as vectors:
            vectors.build_index()
    return SparkEmbedResult(model, len(numbers), documents, passages, len(chunks))
