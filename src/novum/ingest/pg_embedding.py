"""Embedding into pgvector when the store is PostgreSQL: what ``novum embed`` and ``novum ingest`` write there.

A PostgreSQL store keeps its vectors beside its records, in the model's ``dense_<model>`` table, where every server
and worker reads them; faiss files in one data directory would be seen by one machine only. The ledger is the
store's ``embedded`` table under ``pgvector:<model>``, the key ``novum spark embed`` uses, so the two commands
share one notion of "pending" and never embed a document twice. Batches and passage policy are those of the faiss
path (``novum.ingest.embedding``), so the vectors are the same.
"""

from __future__ import annotations

from psycopg import sql

from novum.index.embed import Embedder
from novum.index.passages import DEFAULT_POLICY, PassagePolicy
from novum.index.pgvector import PgVectorIndex, table_name
from novum.model import Patent
from novum.store.passages import PassageTable
from novum.store.sqlite import Store, content_hash


def ledger_model(model: str) -> str:
    """The name the ``embedded`` ledger keeps pgvector embeddings of ``model`` under (as ``novum spark embed``)."""
    return f"pgvector:{model}"


def has_vectors(store: Store, model: str) -> bool:
    """Whether the store's database holds the model's vector table (asked without creating anything)."""
    if store.url is None:
        return False
    row = store.db.execute("SELECT to_regclass(?) IS NOT NULL", (table_name(model),)).fetchone()
    return bool(row and row[0])


class PgEmbedding:
    """One model's pending documents embedded into its pgvector table and marked in the ledger, batch by batch.

    It offers what ``embed_pending`` drives (``model``, ``pending``, ``pending_count``, ``add``, ``save``), as the
    faiss ``DenseIndex`` does. Opening it creates the vector table (it is a writer).
    """

    def __init__(self, store: Store, embedder: Embedder, policy: PassagePolicy = DEFAULT_POLICY) -> None:
        if store.url is None:
            raise ValueError("pgvector embedding needs a PostgreSQL store (NOVUM_DATABASE_URL)")
        self.store = store
        self.model = embedder.name
        self.vectors = PgVectorIndex(store.url, embedder, policy)
        self.ledger = PassageTable(store, ledger_model(self.model))

    def pending(self, limit: int = 64, after: str = "") -> list[Patent]:
        return self.ledger.pending(limit, after)

    def pending_count(self) -> int:
        return self.ledger.pending_count()

    def add(self, patents: list[Patent]) -> int:
        """Replace these documents' passages in the table, then mark them (a crash between re-embeds, never
        duplicates: ``add`` deletes a document's old passages first)."""
        written = self.vectors.add(patents)
        marks = [(self.ledger.model, p.number, content_hash(p.to_dict())) for p in patents]
        with self.store.transaction():
            self.store.db.executemany(
                "INSERT INTO embedded (model, number, content_hash) VALUES (?, ?, ?)"
                " ON CONFLICT (model, number) DO UPDATE SET content_hash = excluded.content_hash",
                marks,
            )
        return written

    def save(self) -> None:
        """Build the HNSW and filter indexes once the table has rows (kept up to date by later inserts)."""
        self.vectors.build_index()

    def drop(self) -> None:
        """Delete every vector and ledger mark of the model: the write behind ``novum embed --rebuild``."""
        self.vectors.conn.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(self.vectors.table)))
        with self.store.transaction():
            self.store.db.execute("DELETE FROM embedded WHERE model = ?", (self.ledger.model,))

    def close(self) -> None:
        self.vectors.close()
