"""The store's side of the dense index: which vector row is which passage, and which documents a model embedded.

``passages`` maps each row of a model's vector file to its document and location; ``embedded`` records the
content hash of the version a model embedded, so embedding resumes after an interruption and redoes changed
documents. The dense index (``novum.index.dense``) keeps the vectors; this module keeps the SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from novum.model import Patent
from novum.store.sqlite import Store


@dataclass(frozen=True, slots=True)
class PassageRow:
    id: int
    number: str
    location: str
    deleted: bool


class PassageTable:
    """The ``passages`` and ``embedded`` rows of one embedding model."""

    def __init__(self, store: Store, model: str) -> None:
        self.store = store
        self.model = model

    # --- reads --------------------------------------------------------------------------------------------------
    def next_id(self) -> int:
        """One past the highest committed passage id: how many vector rows the table names."""
        row = self.store.db.execute(
            "SELECT coalesce(max(id) + 1, 0) FROM passages WHERE model = ?", (self.model,)
        ).fetchone()
        return int(row[0])

    def rows(self, below: int | None = None) -> list[PassageRow]:
        """Every passage in id order (only ids under ``below`` when given: rows that have a vector)."""
        limit = self.next_id() if below is None else below
        rows = self.store.db.execute(
            "SELECT id, number, location, deleted FROM passages WHERE model = ? AND id < ? ORDER BY id",
            (self.model, limit),
        ).fetchall()
        return [PassageRow(int(r[0]), str(r[1]), str(r[2]), bool(r[3])) for r in rows]

    def live_ids(self, numbers: Iterable[str]) -> list[int]:
        """Ids of the passages of these documents that are not flagged deleted."""
        sql = "SELECT id FROM passages WHERE model = ? AND deleted = 0 AND number IN ({marks})"
        return [int(row[0]) for row in self.store.select_in(sql, numbers, self.model)]

    def pending(self, limit: int, after: str = "") -> list[Patent]:
        """Documents whose current version this model has not embedded, in number order after ``after``."""
        rows = self.store.db.execute(
            "SELECT d.number, d.record FROM documents d LEFT JOIN embedded e ON e.model = ? AND e.number = d.number"
            " WHERE d.number > ? AND (e.content_hash IS NULL OR e.content_hash != d.content_hash)"
            " ORDER BY d.number LIMIT ?",
            (self.model, after, limit),
        ).fetchall()
        return [Patent.from_dict(json.loads(r[1])) for r in rows]

    def pending_count(self) -> int:
        row = self.store.db.execute(
            "SELECT count(*) FROM documents d LEFT JOIN embedded e ON e.model = ? AND e.number = d.number"
            " WHERE e.content_hash IS NULL OR e.content_hash != d.content_hash",
            (self.model,),
        ).fetchone()
        return int(row[0])

    def embedded_numbers(self) -> set[str]:
        """Documents the model has embedded (any version)."""
        rows = self.store.db.execute("SELECT number FROM embedded WHERE model = ?", (self.model,))
        return {str(r[0]) for r in rows}

    def stale_numbers(self) -> set[str]:
        """Embedded documents whose record changed since (their vectors describe an older version)."""
        rows = self.store.db.execute(
            "SELECT e.number FROM embedded e JOIN documents d ON d.number = e.number"
            " WHERE e.model = ? AND e.content_hash != d.content_hash",
            (self.model,),
        )
        return {str(r[0]) for r in rows}

    def live_numbers(self) -> dict[str, int]:
        """Documents with live passages, and how many each has."""
        rows = self.store.db.execute(
            "SELECT number, count(*) FROM passages WHERE model = ? AND deleted = 0 GROUP BY number", (self.model,)
        )
        return {str(r[0]): int(r[1]) for r in rows}

    def duplicated(self) -> int:
        """Live passages that repeat another live passage of the same document and location (should be none)."""
        row = self.store.db.execute(
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM passages WHERE model = ? AND deleted = 0"
            " GROUP BY number, location HAVING count(*) > 1) AS repeated",
            (self.model,),
        ).fetchone()
        return int(row[0])

    def orphans(self) -> set[str]:
        """Numbers named by live passages or the embedded ledger that are not in the store."""
        rows = self.store.db.execute(
            "SELECT number FROM passages WHERE model = ? AND deleted = 0 AND number NOT IN (SELECT number FROM"
            " documents) UNION SELECT number FROM embedded WHERE model = ? AND number NOT IN (SELECT number FROM"
            " documents)",
            (self.model, self.model),
        )
        return {str(r[0]) for r in rows}

    # --- writes -------------------------------------------------------------------------------------------------
    def record(self, start: int, items: list[tuple[str, str]], embedded: list[tuple[str, str]]) -> list[int]:
        """In one transaction: flag the documents' old passages deleted, add ``items`` (number, location) as ids
        ``start``, ``start + 1``, ..., and note each (number, content hash) as embedded; returns the flagged ids."""
        with self.store.transaction():
            old = self.live_ids(number for number, _ in embedded)
            self.store.db.executemany(
                "UPDATE passages SET deleted = 1 WHERE model = ? AND id = ?", [(self.model, i) for i in old]
            )
            self.store.db.executemany(
                "INSERT INTO passages (model, id, number, location) VALUES (?, ?, ?, ?)",
                [(self.model, start + i, number, location) for i, (number, location) in enumerate(items)],
            )
            self.store.db.executemany(
                "INSERT INTO embedded (model, number, content_hash) VALUES (?, ?, ?)"
                " ON CONFLICT (model, number) DO UPDATE SET content_hash = excluded.content_hash",
                [(self.model, number, digest) for number, digest in embedded],
            )
        return old

    def forget_from(self, first_id: int) -> None:
        """Drop passages from ``first_id`` on (their vectors were lost) and the embedded marks of their documents,
        so those documents are embedded again."""
        with self.store.transaction():
            lost = self.store.db.execute(
                "SELECT DISTINCT number FROM passages WHERE model = ? AND id >= ?", (self.model, first_id)
            ).fetchall()
            self.store.db.executemany(
                "DELETE FROM embedded WHERE model = ? AND number = ?", [(self.model, r[0]) for r in lost]
            )
            self.store.db.execute("DELETE FROM passages WHERE model = ? AND id >= ?", (self.model, first_id))

    def drop(self) -> None:
        """Forget every passage and embedded mark of the model (``novum embed --rebuild``)."""
        with self.store.transaction():
            self.store.db.execute("DELETE FROM passages WHERE model = ?", (self.model,))
            self.store.db.execute("DELETE FROM embedded WHERE model = ?", (self.model,))
