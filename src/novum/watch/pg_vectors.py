"""A PostgreSQL store's passage vectors for watches: the model's pgvector table read as the faiss file is read.

Watch evaluation embeds nothing: it reads the vectors ingest (``novum embed``, ``novum spark embed``) already wrote.
Over a PostgreSQL store those live in ``dense_<model>`` (``novum.index.pgvector``) and the ``embedded`` ledger
marks them under ``pgvector:<model>``; this class offers what ``novum.watch.semantic.PassageVectors`` offers over
a vector file (documents' passages, a calibration sample), so the percolator and calibration work on either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from psycopg import sql

from novum.index.pgvector import table_name
from novum.ingest.pg_embedding import ledger_model
from novum.watch.semantic import DocumentVectors


class PgPassageVectors:
    """One model's pgvector table, read-only, with the ledger name its embeddings are marked under."""

    def __init__(self, url: str, model: str) -> None:
        self.model = model
        self.ledger = ledger_model(model)
        self.table = sql.Identifier(table_name(model))
        self.conn: psycopg.Connection[Any] = psycopg.connect(url, autocommit=True)
        register_vector(self.conn)
        row = self.conn.execute(  # a vector column's type modifier is its dimension
            "SELECT atttypmod FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = 'embedding'",
            (table_name(model),),
        ).fetchone()
        self.dim = int(row[0]) if row else 0

    def close(self) -> None:
        self.conn.close()

    def __del__(self) -> None:  # opened per watch run and per batch; never leave psycopg a connection to warn about
        conn = getattr(self, "conn", None)
        if conn is not None and not conn.closed:
            conn.close()

    @property
    def rows(self) -> int:
        row = self.conn.execute(sql.SQL("SELECT count(*) FROM {}").format(self.table)).fetchone()
        return int(row[0]) if row else 0

    def documents(self, numbers: Iterable[str]) -> DocumentVectors:
        """The passage vectors of these documents, grouped per document in number order, passages in write order."""
        wanted = sorted(set(numbers))
        rows = self.conn.execute(
            sql.SQL("SELECT number, location, embedding FROM {} WHERE number = ANY(%s) ORDER BY number, id").format(
                self.table
            ),
            (wanted,),
        ).fetchall() if wanted else []  # fmt: skip
        if not rows:
            return DocumentVectors([], np.zeros(0, dtype=np.int64), [], np.zeros((0, self.dim), dtype=np.float32))
        matrix = np.stack([np.asarray(r[2].to_numpy(), dtype=np.float32) for r in rows])
        numbers_out: list[str] = []
        starts: list[int] = []
        for i, row in enumerate(rows):
            if not numbers_out or numbers_out[-1] != row[0]:
                numbers_out.append(str(row[0]))
                starts.append(i)
        return DocumentVectors(numbers_out, np.array(starts, dtype=np.int64), [str(r[1]) for r in rows], matrix)

    def sample_numbers(self, rng: np.random.Generator, size: int) -> list[str]:
        """A uniform sample of the embedded documents (at most ``size``), in number order."""
        rows = self.conn.execute(sql.SQL("SELECT DISTINCT number FROM {} ORDER BY number").format(self.table))
        everyone = [str(r[0]) for r in rows.fetchall()]
        if not everyone:
            return []
        chosen = rng.choice(len(everyone), size=min(len(everyone), size), replace=False)
        return [everyone[int(i)] for i in sorted(chosen)]
