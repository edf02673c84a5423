"""The dense index kept in PostgreSQL with pgvector: one table of passage vectors per model, an HNSW graph over it,
and the search filters as columns of the same table, so a filter is a ``WHERE`` clause of the kNN query.

Rows carry what the filters need (effective and publication dates as YYYYMMDD integers, office, kind, the classes
as every prefix of every symbol, strategic emerging industry codes), so no join is needed at query time. A class
prefix filter (``H04L9/``) is then array overlap (``&&``) with a GIN index, exactly ``symbol.startswith(prefix)``.

Selective filters: an HNSW walk that drops most candidates returns too few rows, so the search decides per query
from the planner's estimate of the allowed rows. Below ``exact_below`` it scores the allowed rows exactly (a
bitmap scan of the filter indexes plus a top-N sort); above, it walks the graph with pgvector's iterative scan
(``hnsw.iterative_scan = relaxed_order``, re-sorted), and should the walk still come back short (the estimate was
wrong, or ``hnsw.max_scan_tuples`` was reached), it answers exactly after all. Vectors are L2-normalised, so inner
product (``<#>``, ``vector_ip_ops``) is cosine similarity.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from psycopg import sql

from novum.analytics import sei
from novum.index.dense import PASSAGES_PER_DOC, DenseHit, DenseIndex
from novum.index.doctable import DocTable
from novum.index.embed import Embedder, Vectors
from novum.index.lexical import Filters, class_prefix
from novum.index.passages import DEFAULT_POLICY, PassagePolicy, passages
from novum.model import Patent
from novum.store.sqlite import Store

HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
EF_SEARCH = 100
EXACT_BELOW = 20_000  # estimated allowed passages under this are scored exactly (see docs/benchmarks.md)
MAX_SCAN_TUPLES = 40_000  # how far an iterative scan may walk before giving up (pgvector's default is 20,000)
COPY_COLUMNS = (
    "id", "number", "location", "effective", "published", "country", "kind", "cpc", "ipc", "sei", "embedding",
)  # fmt: skip
COPY_TYPES = ("int8", "text", "text", "int4", "int4", "text", "text", "text[]", "text[]", "text[]", "vector")


class SemanticIndex(Protocol):
    """What search needs of a dense index: the faiss ``DenseIndex`` and ``PgVectorIndex`` both satisfy it."""

    model: str
    embedder: Embedder

    def search(self, query: str, filters: Filters | None = None, limit: int = 10) -> list[DenseHit]: ...

    def search_vector(self, vector: Vectors, filters: Filters, limit: int) -> list[DenseHit]: ...

    def count(self) -> int: ...

    @property
    def docs(self) -> DocTable: ...

    def passage_vectors(self, number: str) -> list[tuple[str, Vectors]]: ...


@dataclass(frozen=True, slots=True)
class DocAttributes:
    """A document's filter values as the vector table stores them."""

    effective: int = 0  # YYYYMMDD; 0 when unknown (never passes a date cut-off, as in the faiss index)
    published: int = 0
    country: str = ""
    kind: str = ""
    cpc: list[str] = field(default_factory=list)  # every prefix of every symbol
    ipc: list[str] = field(default_factory=list)
    sei: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, patent: Patent) -> DocAttributes:
        return cls.from_values(patent.effective_date, patent.publication_date, patent.country, patent.kind or "",
                               patent.cpc, patent.ipc)  # fmt: skip

    @classmethod
    def from_values(
        cls, effective: str | None, published: str | None, country: str, kind: str, cpc: Sequence[str],
        ipc: Sequence[str],
    ) -> DocAttributes:  # fmt: skip
        return cls(_day(effective), _day(published), country.upper(), kind.upper(), _prefixes(cpc), _prefixes(ipc),
                   sei.index_terms(sei.codes(list(ipc), list(cpc))))  # fmt: skip


@dataclass(frozen=True, slots=True)
class VectorRow:
    id: int | None  # None: the table's identity column numbers it
    number: str
    location: str
    attributes: DocAttributes
    vector: np.ndarray


def table_name(model: str) -> str:
    """The vector table of a model: ``dense_`` and the model name in lower-case letters, digits and underscores."""
    return "dense_" + re.sub(r"[^a-z0-9]+", "_", model.lower()).strip("_")


class PgVectorIndex:
    """Passage vectors of one embedding model in a PostgreSQL table (or a partitioned one spread over nodes).

    ``conninfo`` is a URL; the index keeps one connection (searches from several threads take turns on it).
    ``read_only`` indexes never create or change anything.
    """

    def __init__(
        self, conninfo: str, embedder: Embedder, policy: PassagePolicy = DEFAULT_POLICY, *, read_only: bool = False,
        table: str | None = None, exact_below: int = EXACT_BELOW, ef_search: int = EF_SEARCH,
        passages_per_doc: int = PASSAGES_PER_DOC, store: Store | None = None,
    ) -> None:  # fmt: skip
        self.embedder = embedder
        self.model = embedder.name
        self.dim = embedder.dim
        self.policy = policy
        self.read_only = read_only
        self.table = table or table_name(self.model)
        self.exact_below = exact_below
        self.ef_search = ef_search
        self.passages_per_doc = passages_per_doc  # over-fetch, so one document's passages do not crowd out others
        self.store = store  # the record store, for ``docs`` (semantic search counts the documents a filter allows)
        self._docs: DocTable | None = None
        self.conn = psycopg.connect(conninfo, autocommit=True)
        if not read_only:
            self.conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(self.conn)
        if not read_only:
            create_table(self.conn, self.table, self.dim)
        self.last_plan = ""  # "exact", "hnsw" or "hnsw+exact": how the last search was answered

    def close(self) -> None:
        self.conn.close()

    def __del__(self) -> None:
        # Search paths open these lazily (``existing_dense``) and may drop them unclosed; closing here keeps psycopg
        # from warning about a connection deleted while open.
        conn = getattr(self, "conn", None)
        if conn is not None and not conn.closed:
            conn.close()

    def __enter__(self) -> PgVectorIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ------------------------------------------------------------------------------------------------
    def copy_rows(self, rows: Iterable[VectorRow]) -> int:
        """Bulk-load rows with one binary COPY; returns how many were written."""
        self._writable()
        written = copy_rows(self.conn, self.table, rows)
        self.conn.execute(
            sql.SQL("SELECT setval(pg_get_serial_sequence({t}, 'id'), greatest(1, (SELECT max(id) FROM {i})))").format(
                t=sql.Literal(self.table), i=sql.Identifier(self.table)
            )
        )
        return written

    def load_dense(self, dense: DenseIndex, filter_rows: Iterable[Sequence[Any]]) -> int:
        """Copy a faiss index's live passages (its ``vectors.f32`` rows, same passage ids) into the table.

        ``filter_rows`` are the store's ``filter_rows()`` (number, effective, published, country, kind, cpc, ipc):
        the filter values of each passage's document. Passages flagged deleted are not copied.
        """
        attributes = {
            str(r[0]): DocAttributes.from_values(r[1], r[2], str(r[3]), str(r[4]), str(r[5]).split(), str(r[6]).split())
            for r in filter_rows
        }
        vectors = dense.vectors()

        def rows() -> Iterator[VectorRow]:
            for pid, number in enumerate(dense.passage_number):
                if dense.deleted[pid]:
                    continue
                yield VectorRow(pid, number, dense.passage_location[pid], attributes.get(number, DocAttributes()),
                                vectors[pid])  # fmt: skip

        return self.copy_rows(rows())

    def add(self, patents: list[Patent]) -> int:
        """Embed these documents' passages and store them, replacing the passages of an earlier version."""
        self._writable()
        items = [(patent, p) for patent in patents for p in passages(patent, self.policy)]
        vectors = self.embedder.embed_passages([p.text for _, p in items]) if items else np.zeros((0, self.dim))
        with self.conn.transaction():
            self.conn.execute(
                sql.SQL("DELETE FROM {} WHERE number = ANY(%s)").format(sql.Identifier(self.table)),
                ([p.number for p in patents],),
            )
            attrs = {patent.number: DocAttributes.of(patent) for patent in patents}
            copy_rows(
                self.conn, self.table,
                (VectorRow(None, p.number, p.location, attrs[patent.number], v)
                 for (patent, p), v in zip(items, vectors, strict=True)),
            )  # fmt: skip
        return len(items)

    def build_index(self, *, m: int = HNSW_M, ef_construction: int = HNSW_EF_CONSTRUCTION) -> None:
        """Create the HNSW graph and the filter indexes (after a bulk load: building once is faster than growing)."""
        self._writable()
        create_indexes(self.conn, self.table, m=m, ef_construction=ef_construction)

    def _writable(self) -> None:
        if self.read_only:
            raise RuntimeError(f"the {self.model} pgvector index was opened read-only (for searching)")

    # --- searching ----------------------------------------------------------------------------------------------
    @property
    def docs(self) -> DocTable:
        """The store's documents as filter masks, as the faiss index offers them (semantic search's totals)."""
        if self.store is None:
            raise RuntimeError("this PgVectorIndex was opened without its store; pass store= to count documents")
        if self._docs is None:
            self._docs = DocTable(self.store)
        return self._docs

    def count(self) -> int:
        row = self.conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(self.table))).fetchone()
        return int(row[0]) if row else 0

    def passage_vectors(self, number: str) -> list[tuple[str, Vectors]]:
        """A stored document's passages (location, vector) in the order they were written."""
        rows = self.conn.execute(
            sql.SQL("SELECT location, embedding FROM {} WHERE number = %s ORDER BY id").format(
                sql.Identifier(self.table)
            ),
            (number,),
        ).fetchall()
        return [(str(r[0]), np.asarray(r[1].to_numpy(), dtype=np.float32)) for r in rows]

    def allowed_documents(self, filters: Filters) -> int:
        """How many embedded documents the filters allow (semantic search's result size)."""
        where, params = where_clause(filters)
        query = sql.SQL("SELECT count(DISTINCT number) FROM {} WHERE {}").format(sql.Identifier(self.table), where)
        row = self.conn.execute(query, params).fetchone()
        return int(row[0]) if row else 0

    def estimate(self, filters: Filters) -> int:
        """The planner's estimate of the passages the filters allow (a millisecond, no rows read)."""
        where, params = where_clause(filters)
        query = sql.SQL("EXPLAIN (FORMAT JSON) SELECT 1 FROM {} WHERE {}").format(sql.Identifier(self.table), where)
        row = self.conn.execute(query, params).fetchone()
        plan = row[0] if row else [{"Plan": {"Plan Rows": 0}}]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])

    def search(self, query: str, filters: Filters | None = None, limit: int = 10) -> list[DenseHit]:
        """Documents ranked by their best passage's cosine similarity to the query, filtered inside the query."""
        return self.search_vector(self.embedder.embed_queries([query]), filters or Filters(), limit)

    def search_vector(self, vector: Vectors, filters: Filters, limit: int) -> list[DenseHit]:
        want = limit * self.passages_per_doc
        if not filters.is_empty() and self.estimate(filters) < self.exact_below:
            self.last_plan = "exact"
            return self._best_per_document(self.nearest(vector, filters, want, exact=True), limit)
        rows = self.nearest(vector, filters, want, exact=False)
        self.last_plan = "hnsw"
        if len(rows) < want and not filters.is_empty():  # the walk ran out before finding enough allowed rows
            rows = self.nearest(vector, filters, want, exact=True)
            self.last_plan = "hnsw+exact"
        return self._best_per_document(rows, limit)

    def search_exact(self, vector: Vectors, filters: Filters, limit: int) -> list[DenseHit]:
        """The exact answer (every allowed passage scored): the baseline recall is measured against."""
        want = limit * self.passages_per_doc
        return self._best_per_document(self.nearest(vector, filters, want, exact=True), limit)

    def nearest(
        self, vector: Vectors, filters: Filters, want: int, *, exact: bool
    ) -> list[tuple[int, str, str, float]]:
        """The ``want`` allowed passages nearest the vector: (id, number, location, cosine similarity)."""
        return nearest(self.conn, self.table, vector, filters, want, exact=exact, ef_search=self.ef_search)

    @staticmethod
    def _best_per_document(rows: list[tuple[int, str, str, float]], limit: int) -> list[DenseHit]:
        best: dict[str, DenseHit] = {}
        for pid, number, location, score in rows:
            if number not in best:
                best[number] = DenseHit(number, score, location, pid)
        return sorted(best.values(), key=lambda h: -h.score)[:limit]


# --- SQL, shared with the multi-node layout (novum.store.sharding) -------------------------------------------------
def create_table(conn: psycopg.Connection[Any], table: str, dim: int, *, partition_by: str = "") -> None:
    """The vector table (``partition_by``: e.g. ``HASH (number)`` for a coordinator's partitioned table)."""
    ident = "" if partition_by else "GENERATED BY DEFAULT AS IDENTITY"
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {t} (id bigint {ident} NOT NULL, number text NOT NULL, location text NOT NULL,"
            " effective integer NOT NULL DEFAULT 0, published integer NOT NULL DEFAULT 0,"
            " country text NOT NULL DEFAULT '', kind text NOT NULL DEFAULT '',"
            " cpc text[] NOT NULL DEFAULT '{{}}', ipc text[] NOT NULL DEFAULT '{{}}',"
            " sei text[] NOT NULL DEFAULT '{{}}',"
            " embedding vector({dim}) NOT NULL) {part}"
        ).format(
            t=sql.Identifier(table),
            ident=sql.SQL(ident),
            dim=sql.Literal(dim),
            part=sql.SQL(f"PARTITION BY {partition_by}" if partition_by else ""),
        )
    )


def create_indexes(conn: psycopg.Connection[Any], table: str, *, m: int, ef_construction: int) -> None:
    """HNSW (inner product on unit vectors) plus the btree/GIN indexes the exact path's bitmap scans use."""
    t = sql.Identifier(table)
    conn.execute(sql.SQL("SET maintenance_work_mem = {}").format(sql.Literal(build_memory(conn, table))))
    for name, using in (
        ("hnsw", sql.SQL("hnsw (embedding vector_ip_ops) WITH (m = {}, ef_construction = {})").format(
            sql.Literal(m), sql.Literal(ef_construction))),
        ("number", sql.SQL("btree (number)")), ("effective", sql.SQL("btree (effective)")),
        ("published", sql.SQL("btree (published)")), ("country", sql.SQL("btree (country, kind)")),
        ("cpc", sql.SQL("gin (cpc)")), ("ipc", sql.SQL("gin (ipc)")), ("sei", sql.SQL("gin (sei)")),
    ):  # fmt: skip
        conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} USING {}").format(
            sql.Identifier(f"{table}_{name}"), t, using))  # fmt: skip
    conn.execute(sql.SQL("ANALYZE {}").format(t))


def build_memory(conn: psycopg.Connection[Any], table: str) -> str:
    """maintenance_work_mem for an HNSW build of the table as it is now (see ``graph_megabytes``)."""
    row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
    typmod = conn.execute(
        "SELECT atttypmod FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'embedding'", (table,)
    ).fetchone()
    dim = int(typmod[0]) if typmod and int(typmod[0]) > 0 else 384  # a vector column's typmod is its dimension
    return f"{graph_megabytes(int(row[0]) if row else 0, dim)}MB"


def graph_megabytes(rows: int, dim: int) -> int:
    """Room for a whole HNSW graph at m 16: about 2.1 KB per 384-d row measured, 2.5 KB allowed, scaled by the
    dimension; at least 1 GB. pgvector finishes a graph that outgrows maintenance_work_mem on disk, much more
    slowly (its documentation's advice); the server's memory is the operator's limit, so it is not capped here."""
    return max(1024, -(-rows * 2560 * dim // 384 // 2**20))


def copy_rows(conn: psycopg.Connection[Any], table: str, rows: Iterable[VectorRow]) -> int:
    """One binary COPY of the rows (rows without an id get the identity column's next value)."""
    written = 0
    batch: list[VectorRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 5000:
            written += _copy(conn, table, batch)
            batch = []
    return written + (_copy(conn, table, batch) if batch else 0)


def _copy(conn: psycopg.Connection[Any], table: str, rows: list[VectorRow]) -> int:
    with_id = rows[0].id is not None
    columns = COPY_COLUMNS if with_id else COPY_COLUMNS[1:]
    types = COPY_TYPES if with_id else COPY_TYPES[1:]
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT BINARY)").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor() as cur, cur.copy(statement) as copy:
        copy.set_types(list(types))
        for row in rows:
            a = row.attributes
            values = (row.number, row.location, a.effective, a.published, a.country, a.kind, a.cpc, a.ipc, a.sei,
                      np.asarray(row.vector, dtype=np.float32))  # fmt: skip
            copy.write_row((row.id, *values) if with_id else values)
    return len(rows)


def where_clause(filters: Filters) -> tuple[sql.Composable, list[Any]]:
    """The filters as a SQL condition over the vector table's columns, and its parameters."""
    parts: list[sql.Composable] = []
    params: list[Any] = []
    for column, iso in (("effective", filters.before), ("published", filters.published_before)):
        if iso:
            parts.append(sql.SQL("{c} > 0 AND {c} < %s").format(c=sql.Identifier(column)))
            params.append(_day(iso))
    for column, prefixes in (("cpc", filters.cpc), ("ipc", filters.ipc)):
        if prefixes:
            parts.append(sql.SQL("{} && %s::text[]").format(sql.Identifier(column)))
            params.append([class_prefix(p) for p in prefixes])
    for column, values in (("country", filters.country), ("kind", filters.kind)):
        if values:
            parts.append(sql.SQL("{} = ANY(%s::text[])").format(sql.Identifier(column)))
            params.append([v.upper() for v in values])
    if filters.sei:
        parts.append(sql.SQL("sei && %s::text[]"))
        params.append([sei.check_code(code) for code in filters.sei])
    if filters.exclude:
        parts.append(sql.SQL("number <> ALL(%s::text[])"))
        params.append(list(filters.exclude))
    if filters.only is not None:
        parts.append(sql.SQL("number = ANY(%s::text[])"))
        params.append(list(filters.only))
    return (sql.SQL(" AND ").join(parts) if parts else sql.SQL("true")), params


def nearest(
    conn: psycopg.Connection[Any], table: str, vector: Vectors, filters: Filters, want: int, *, exact: bool,
    ef_search: int = EF_SEARCH,
) -> list[tuple[int, str, str, float]]:  # fmt: skip
    """The ``want`` nearest allowed passages. ``exact`` orders by an expression the HNSW index cannot serve, so
    the planner scores every allowed row; otherwise the graph is walked iteratively and the walk re-sorted."""
    where, params = where_clause(filters)
    query_vector = np.asarray(vector, dtype=np.float32).reshape(-1)
    order = sql.SQL("(embedding <#> %s) + 0" if exact else "embedding <#> %s")
    query = sql.SQL(
        "WITH hits AS MATERIALIZED (SELECT id, number, location, embedding <#> %s AS distance FROM {t} WHERE {w}"
        " ORDER BY {o} LIMIT %s) SELECT id, number, location, distance FROM hits ORDER BY distance, id"
    ).format(t=sql.Identifier(table), w=where, o=order)
    with conn.transaction():
        if not exact:
            conn.execute(sql.SQL("SET LOCAL hnsw.ef_search = {}").format(sql.Literal(max(ef_search, min(want, 1000)))))
            conn.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            conn.execute(sql.SQL("SET LOCAL hnsw.max_scan_tuples = {}").format(sql.Literal(MAX_SCAN_TUPLES)))
        rows = conn.execute(query, [query_vector, *params, query_vector, want]).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2]), -float(r[3])) for r in rows]


def _prefixes(symbols: Iterable[str]) -> list[str]:
    """Every prefix of every symbol: a prefix filter becomes array overlap, which a GIN index answers."""
    out: set[str] = set()
    for symbol in symbols:
        out.update(symbol[:i] for i in range(1, len(symbol) + 1))
    return sorted(out)


def _day(iso: str | None) -> int:
    return int(iso.replace("-", "")) if iso else 0
