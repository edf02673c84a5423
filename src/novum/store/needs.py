"""The needs register and open-licence offers: the technology-transfer tables (migration 7).

A need is a firm's problem in its own words; an offer is a patent's licensor and terms as a licensing platform
lists them. Both are re-importable: the same firm and text (or the same number and licensor) is one row, so
importing a spreadsheet twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from novum.store.sqlite import Store, citation_key


@dataclass(slots=True)
class Need:
    """A registered need. ``id`` is assigned by the store (``None`` before it is added)."""

    firm: str
    text: str
    contact: str | None = None
    industry: str | None = None
    id: int | None = None
    source: str | None = None
    position: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "firm": self.firm, "contact": self.contact, "industry": self.industry,
                "text": self.text, "source": self.source, "position": self.position}  # fmt: skip


@dataclass(slots=True)
class LicenceOffer:
    """An open-licence offer for a publication: who licenses it and on what terms (all as the listing says)."""

    number: str
    licensor: str = ""
    terms: str | None = None
    exclusive: bool | None = None
    territory: str | None = None
    fee: str | None = None
    contact: str | None = None
    url: str | None = None
    valid_until: str | None = None  # ISO date
    source: str | None = None
    position: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in _OFFER_COLUMNS}
        out.update(source=self.source, position=self.position)
        return out


_OFFER_COLUMNS = ("number", "licensor", "terms", "exclusive", "territory", "fee", "contact", "url", "valid_until")


@dataclass(slots=True)
class Added:
    """What an add or import did: rows new to the register and rows it already held."""

    new: int = 0
    unchanged: int = 0


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class NeedsRegister:
    """Reads and writes the ``needs`` and ``licence_offers`` tables of a store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    # --- needs --------------------------------------------------------------------------------------------------
    def add(self, needs: Iterable[Need]) -> Added:
        """Add needs in one transaction; a need already registered (same firm and text) is left as it is."""
        added = Added()
        now = _now()
        with self.store.transaction():
            for need in needs:
                cursor = self.db.execute(
                    "INSERT INTO needs (firm, contact, text, industry, source, position, created_at)"
                    " VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                    (need.firm, need.contact, need.text, need.industry, need.source, need.position, now),
                )
                if cursor.rowcount:
                    added.new += 1
                    need.id = cursor.lastrowid
                else:
                    added.unchanged += 1
                    row = self.db.execute(
                        "SELECT id FROM needs WHERE firm = ? AND text = ?", (need.firm, need.text)
                    ).fetchone()
                    need.id = int(row[0])
        return added

    def needs(self, industry: str | None = None, firm: str | None = None) -> list[Need]:
        sql = "SELECT * FROM needs WHERE 1=1"
        params: list[object] = []
        if industry:
            sql += " AND lower(industry) = lower(?)"
            params.append(industry)
        if firm:
            sql += " AND lower(firm) LIKE lower(?)"
            params.append(f"%{firm}%")
        return [_need(row) for row in self.db.execute(sql + " ORDER BY id", params)]

    def get(self, need_id: int) -> Need | None:
        row = self.db.execute("SELECT * FROM needs WHERE id = ?", (need_id,)).fetchone()
        return _need(row) if row else None

    def remove(self, need_id: int) -> bool:
        with self.store.transaction():
            return bool(self.db.execute("DELETE FROM needs WHERE id = ?", (need_id,)).rowcount)

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM needs").fetchone()[0])

    # --- offers -------------------------------------------------------------------------------------------------
    def add_offers(self, offers: Iterable[LicenceOffer]) -> Added:
        """Add or update offers (an offer for the same number and licensor is replaced by the newer listing)."""
        added = Added()
        now = _now()
        with self.store.transaction():
            for offer in offers:
                values = [getattr(offer, name) for name in _OFFER_COLUMNS]
                values[3] = None if offer.exclusive is None else int(offer.exclusive)
                old = self.db.execute(
                    "SELECT terms, exclusive, territory, fee, contact, url, valid_until FROM licence_offers"
                    " WHERE number = ? AND licensor = ?",
                    (offer.number, offer.licensor),
                ).fetchone()
                if old is not None and tuple(old) == tuple(values[2:]):
                    added.unchanged += 1
                    continue
                added.new += old is None
                added.unchanged += old is not None
                self.db.execute(
                    "INSERT INTO licence_offers (number, licensor, terms, exclusive, territory, fee,"
                    " contact, url, valid_until, source, position, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT (number, licensor) DO UPDATE SET terms = excluded.terms,"
                    " exclusive = excluded.exclusive, territory = excluded.territory, fee = excluded.fee,"
                    " contact = excluded.contact, url = excluded.url, valid_until = excluded.valid_until,"
                    " source = excluded.source, position = excluded.position, created_at = excluded.created_at",
                    (*values, offer.source, offer.position, now),
                )
        return added

    def offers(self, numbers: Iterable[str] | None = None) -> list[LicenceOffer]:
        """Offers for these publications (every offer when ``numbers`` is None)."""
        if numbers is None:
            rows: Iterable[sqlite3.Row] = self.db.execute("SELECT * FROM licence_offers ORDER BY number, licensor")
        else:
            rows = self.store.select_in("SELECT * FROM licence_offers WHERE number IN ({marks})", numbers)
        return [_offer(row) for row in rows]


def citing_documents(store: Store, members: Iterable[str]) -> set[str]:
    """Stored documents citing any of these publications (by the citation key, any kind), the members left out."""
    wanted = list(members)
    keys = {k for k in (citation_key(None, None, n) for n in wanted) if k}
    sql = "SELECT DISTINCT citing FROM citation_links WHERE cited_key IN ({marks})"
    return {row[0] for row in store.select_in(sql, keys)} - set(wanted)


def _need(row: sqlite3.Row) -> Need:
    return Need(row["firm"], row["text"], row["contact"], row["industry"], row["id"], row["source"], row["position"])


def _offer(row: sqlite3.Row) -> LicenceOffer:
    exclusive = row["exclusive"]
    return LicenceOffer(
        row["number"], row["licensor"], row["terms"], None if exclusive is None else bool(exclusive),
        row["territory"], row["fee"], row["contact"], row["url"], row["valid_until"], row["source"], row["position"],
    )  # fmt: skip
