"""Firms as documents: each applicant's stored portfolio as one BM25 document, for ranking firms for a patent.

Expert finding knows two models (Balog et al., SIGIR 2006): the *document* model ranks a firm by its documents
among the patent's nearest neighbours (novum's k-NN voting, ``novum.match.firms.rank_firms``), the *profile* model
by one document made of all the firm's texts. A firm whose patents each match the query weakly but together use its
words is found only by the profile; ``novum match patent`` fuses the two (measured in ``bench/match_bench.py``).

The index sits beside the lexical index (``<data dir>/firms``) and is written in the same sync: the portfolio
texts live in a small SQLite table so that a firm's document can be rewritten when one of its patents arrives or
changes, and like every index it is rebuilt from the store by ``novum reindex``.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from novum.match.firms import firm_key, owners, subclasses
from novum.model import Patent
from novum.normalize.text import segment

FIRMS_DIR = "firms"
SCHEMA_VERSION = 1
_PROFILES = "profiles.sqlite"
# A firm's document holds at most this many of its patents, the latest (every firm of the US API corpus fits: the
# largest holds 1,038); ``patents`` still counts them all.
PORTFOLIO_CAP = 2_000


@dataclass(frozen=True, slots=True)
class FirmEntry:
    """What one patent gives its owners' profiles: its words, the names it spells them with, its subclasses."""

    number: str
    names: dict[str, str]  # firm key -> the spelling on this patent
    text: str
    classes: tuple[str, ...]
    date: str  # publication date, else the effective date (ISO), else ""

    @classmethod
    def of(cls, patent: Patent) -> FirmEntry:
        names: dict[str, str] = {}
        for name in owners(patent):
            names.setdefault(firm_key(name), name)
        names.pop("", None)
        text = segment(" ".join(part for part in (patent.title(), patent.abstract()) if part))  # Chinese as words
        date = patent.publication_date or patent.effective_date or ""
        return cls(patent.number, names, text, tuple(sorted(subclasses(patent))), date)

    def stored(self, key: str) -> dict[str, Any]:
        """What the firm ``key``'s portfolio keeps of this patent."""
        return {"name": self.names[key], "text": self.text, "classes": list(self.classes), "date": self.date}


def _most_recent(portfolio: dict[str, dict[str, Any]], cap: int) -> dict[str, dict[str, Any]]:
    """The ``cap`` latest patents of a portfolio (by publication date, then number): a firm with tens of thousands
    of patents is described by its recent work, and its document stays small enough to rewrite at every sync."""
    if len(portfolio) <= cap:
        return portfolio
    latest = sorted(portfolio, key=lambda number: (str(portfolio[number]["date"]), number), reverse=True)[:cap]
    return {number: portfolio[number] for number in latest}


@dataclass(frozen=True, slots=True)
class FirmHit:
    """A firm the profile model ranks: its key, BM25 score, usual spelling, subclasses and patent count."""

    key: str
    score: float
    name: str
    classes: tuple[str, ...]
    patents: int


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    builder.add_text_field("name", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("classes", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("patents", stored=True)
    builder.add_text_field("text", tokenizer_name="novum_en")
    return builder.build()


class FirmIndex:
    """The firm documents in ``<data dir>/firms``. ``read_only`` opens for ranking: nothing is created or changed,
    and a missing index reads as empty (``missing`` says so, so a caller can name ``novum reindex``). Opened for
    writing, a missing or old-layout index is created empty, and ``created`` says so: every patent must be added
    again."""

    def __init__(self, data_dir: Path, *, read_only: bool = False) -> None:
        from novum.index.lexical import english_analyzer

        self.path = Path(data_dir) / FIRMS_DIR
        self.read_only = read_only
        marker = self.path / "novum-schema-version"
        stale = marker.exists() and marker.read_text().strip() != str(SCHEMA_VERSION)
        usable = (self.path / "meta.json").exists() and not stale
        self.schema = _schema()
        self.missing = read_only and not usable
        self.created = not read_only and not usable
        if read_only:
            self.index = tantivy.Index(self.schema, path=str(self.path)) if usable else tantivy.Index(self.schema)
        else:
            if stale:
                shutil.rmtree(self.path)
            self.path.mkdir(parents=True, exist_ok=True)
            self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
            marker.write_text(str(SCHEMA_VERSION))
        self.analyzer = english_analyzer()
        self.index.register_tokenizer("novum_en", english_analyzer())

    # --- writing ------------------------------------------------------------------------------------------------
    def add(self, entries: Sequence[FirmEntry]) -> int:
        """Put patents into their owners' documents (a patent seen before replaces its old entry, the last of a
        number given twice counts) in one commit; returns how many firm documents were rewritten."""
        latest = {entry.number: entry for entry in entries}
        if not latest:
            return 0
        touched: dict[str, list[FirmEntry]] = defaultdict(list)
        for entry in latest.values():
            for key in entry.names:
                touched[key].append(entry)
        numbers = set(latest)
        with closing(self._profiles()) as db, db:
            rewritten = sorted(set(touched) | self._previous_owners(db, numbers, touched))
            writer = self.index.writer(heap_size=64_000_000, num_threads=1)
            for key in rewritten:
                row = db.execute("SELECT entries FROM firm WHERE key = ?", (key,)).fetchone()
                portfolio: dict[str, dict[str, Any]] = json.loads(row[0]) if row else {}
                for number in numbers & portfolio.keys():
                    del portfolio[number]
                for entry in touched.get(key, []):
                    portfolio[entry.number] = entry.stored(key)
                portfolio = _most_recent(portfolio, PORTFOLIO_CAP)
                db.executemany(
                    "INSERT OR IGNORE INTO owner (number, key) VALUES (?, ?)",
                    [(entry.number, key) for entry in touched.get(key, [])],
                )
                writer.delete_documents_by_term("key", key)
                if portfolio:
                    db.execute("INSERT OR REPLACE INTO firm (key, entries) VALUES (?, ?)", (key, json.dumps(portfolio)))
                    (patents,) = db.execute("SELECT COUNT(*) FROM owner WHERE key = ?", (key,)).fetchone()
                    writer.add_document(self._document(key, portfolio, patents))
                else:
                    db.execute("DELETE FROM firm WHERE key = ?", (key,))
            writer.commit()
            writer.wait_merging_threads()
        self.index.reload()
        return len(rewritten)

    def reset(self) -> None:
        """Drop every firm (``novum reindex`` then re-adds them from the store)."""
        writer = self.index.writer(heap_size=64_000_000, num_threads=1)
        writer.delete_all_documents()
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        with closing(self._profiles()) as db, db:
            db.execute("DELETE FROM firm")
            db.execute("DELETE FROM owner")

    def _profiles(self) -> sqlite3.Connection:
        if self.read_only:
            raise RuntimeError("this FirmIndex was opened read-only (for ranking); open it writable to change it")
        db = sqlite3.connect(self.path / _PROFILES)
        db.execute("CREATE TABLE IF NOT EXISTS firm (key TEXT PRIMARY KEY, entries TEXT NOT NULL)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS owner (number TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (number, key))"
        )
        db.execute("CREATE INDEX IF NOT EXISTS owner_by_key ON owner (key)")
        return db

    def _read_profiles(self) -> sqlite3.Connection:
        return sqlite3.connect(f"{(self.path / _PROFILES).as_uri()}?mode=ro", uri=True)

    @staticmethod
    def _previous_owners(db: sqlite3.Connection, numbers: set[str], touched: dict[str, list[FirmEntry]]) -> set[str]:
        """Firms that held one of these patents before and no longer do (a corrected or reassigned record); the
        owner rows of these patents are cleared, to be written again for their present owners."""
        present = {(key, entry.number) for key, owned in touched.items() for entry in owned}
        moved: set[str] = set()
        for number in sorted(numbers):
            for (key,) in db.execute("SELECT key FROM owner WHERE number = ?", (number,)).fetchall():
                if (key, number) not in present:
                    moved.add(key)
            db.execute("DELETE FROM owner WHERE number = ?", (number,))
        return moved

    @staticmethod
    def _document(key: str, portfolio: dict[str, dict[str, Any]], patents: int) -> tantivy.Document:
        spellings = Counter(str(entry["name"]) for entry in portfolio.values())
        doc = tantivy.Document()
        doc.add_text("key", key)
        doc.add_text("name", spellings.most_common(1)[0][0])
        for symbol in sorted({str(c) for entry in portfolio.values() for c in entry["classes"]}):
            doc.add_text("classes", symbol)
        doc.add_integer("patents", patents)
        doc.add_text("text", " ".join(str(entry["text"]) for entry in portfolio.values()))
        return doc

    # --- reading ------------------------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.index.searcher().num_docs)

    def stored_portfolios(self) -> tuple[set[str], set[str]]:
        """The firm keys and the patent numbers the portfolio table holds, read without writing anything."""
        if self.missing or not (self.path / _PROFILES).exists():
            return set(), set()
        with closing(self._read_profiles()) as db:
            keys = {key for (key,) in db.execute("SELECT key FROM firm")}
            numbers = {number for (number,) in db.execute("SELECT DISTINCT number FROM owner")}
        return keys, numbers

    def numbers_of(self, key: str) -> list[str]:
        """Every stored patent of one firm (its document may hold only the latest), read without writing."""
        if self.missing or not (self.path / _PROFILES).exists():
            return []
        with closing(self._read_profiles()) as db:
            return [n for (n,) in db.execute("SELECT number FROM owner WHERE key = ? ORDER BY number", (key,))]

    # --- ranking ------------------------------------------------------------------------------------------------
    def rank(self, text: str, limit: int = 100, exclude: Iterable[str] = ()) -> list[FirmHit]:
        """Firms whose portfolios best match ``text`` by BM25: each distinct term of the text once, weighted
        1 + ln(count), as the lexical index reads a long text; ``exclude`` are firm keys left out."""
        counts = Counter(str(term) for term in self.analyzer.analyze(segment(text)))
        if not counts:
            return []
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for term, count in counts.items():
            query = tantivy.Query.term_query(self.schema, "text", term)
            weight = 1.0 + math.log(count)
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, weight) if count > 1 else query))
        for key in exclude:
            clauses.append((tantivy.Occur.MustNot, tantivy.Query.term_query(self.schema, "key", key)))
        searcher = self.index.searcher()
        hits: list[FirmHit] = []
        for score, address in searcher.search(tantivy.Query.boolean_query(clauses), limit=limit).hits:
            stored = searcher.doc(address)
            hits.append(FirmHit(
                stored["key"][0], float(score), stored["name"][0], tuple(stored.get_all("classes")),
                int(stored["patents"][0]),
            ))  # fmt: skip
        return hits
