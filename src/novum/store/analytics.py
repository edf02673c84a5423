"""The store's side of landscapes and monitoring: records read without their full text, the corpus snapshot a
report records, and the plain SQL GROUP BY counts the landscape benchmark compares against.

Analytics themselves are pure functions over records (``novum.analytics``); this module only reads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from novum.model import Patent
from novum.store.sqlite import Store

# What a landscape reads of a record: everything but claims and description (the bulk of a record's bytes).
_HEAVY = ("claims", "description")


class AnalyticsReader:
    """Read-only access for analytics over a ``Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def records(
        self, numbers: Iterable[str] | None = None, batch: int = 2000, *, after: str = "", through: str | None = None
    ) -> Iterator[Patent]:
        """Records without claims and description: the given ones, or (``numbers=None``) all of them in number order,
        or those numbered after ``after`` up to and including ``through`` (one worker's range of a landscape)."""
        light = self.store.dialect.json_without("record", *_HEAVY)
        if numbers is not None:
            for row in self.store.select_in(f"SELECT {light} FROM documents WHERE number IN ({{marks}})", numbers):
                yield Patent.from_dict(json.loads(row[0]))
            return
        last = after
        upto = "" if through is None else " AND number <= ?"
        sql = f"SELECT number, {light} FROM documents WHERE number > ?{upto} ORDER BY number LIMIT ?"
        while True:
            bounds = (last,) if through is None else (last, through)
            rows = self.store.db.execute(sql, (*bounds, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield Patent.from_dict(json.loads(row[1]))
            last = rows[-1][0]

    def boundaries(self, parts: int) -> list[str]:
        """The numbers that split the store into ``parts`` ranges of about equal size (``parts - 1`` of them, fewer
        when the store is smaller): range i runs from after boundary i-1 up to and including boundary i."""
        (count,) = self.store.db.execute("SELECT count(*) FROM documents").fetchone()
        sql = "SELECT number FROM documents ORDER BY number LIMIT 1 OFFSET ?"
        offsets = sorted({int(count) * i // parts - 1 for i in range(1, parts)} - {-1})
        return [str(self.store.db.execute(sql, (offset,)).fetchone()[0]) for offset in offsets]

    def snapshot(self) -> dict[str, Any]:
        """What identifies the corpus a figure was computed on: size, newest dates, and a digest of the contents."""
        row = self.store.db.execute("SELECT count(*), max(publication_date), max(updated_at) FROM documents").fetchone()
        digest = hashlib.sha256()
        for (content,) in self.store.db.execute("SELECT content_hash FROM documents ORDER BY number"):
            digest.update(content.encode())
        return {
            "documents": int(row[0]),
            "latest_publication": row[1],
            "last_update": row[2],
            "content_digest": digest.hexdigest()[:16],
            "data_dir": str(self.store.data_dir),
        }

    def sql_counts(self) -> dict[str, dict[str, int]]:
        """The benchmark's baseline: the counts a landscape shows that plain SQL can give directly (by publication
        year, priority year, office, first IPC subclass, first CPC subclass, and families)."""

        def grouped(sql: str) -> dict[str, int]:
            return {str(r[0]): int(r[1]) for r in self.store.db.execute(sql)}

        return {
            "publication_year": grouped(
                "SELECT substr(publication_date, 1, 4), count(*) FROM documents GROUP BY 1 ORDER BY 1"
            ),
            "priority_year": grouped(
                "SELECT substr(coalesce(priority_date, filing_date), 1, 4), count(DISTINCT family_key)"
                " FROM documents GROUP BY 1 ORDER BY 1"
            ),
            "office": grouped("SELECT country, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC"),
            "ipc_subclass": grouped(
                "SELECT substr(ipc, 1, 4), count(*) FROM documents WHERE ipc != '' GROUP BY 1 ORDER BY 2 DESC"
            ),
            "cpc_subclass": grouped(
                "SELECT substr(cpc, 1, 4), count(*) FROM documents WHERE cpc != '' GROUP BY 1 ORDER BY 2 DESC"
            ),
            "applicant": grouped(
                f"SELECT upper({self.store.dialect.json_text('record', 'assignees', 0, 'name')}), count(*)"
                " FROM documents GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20"
            ),
        }
