"""The store's side of search facets: the few columns a facet counts, read for a set of documents without their
full text (the JSON record is only touched for the first applicant's name)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from novum.store.sqlite import Store

_SQL = (
    "SELECT number, coalesce(publication_date, filing_date), country, cpc, ipc,"
    " coalesce(json_extract(record, '$.applicants[0].name'), json_extract(record, '$.assignees[0].name'))"
    " FROM documents WHERE number IN ({marks})"
)


@dataclass(frozen=True, slots=True)
class FacetRow:
    number: str
    date: str | None
    country: str
    cpc: str  # space-separated symbols
    ipc: str
    applicant: str | None


class FacetReader:
    """Read-only facet columns over a ``Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def rows(self, numbers: Iterable[str]) -> Iterator[FacetRow]:
        for row in self.store.select_in(_SQL, numbers):
            yield FacetRow(str(row[0]), row[1], str(row[2]), str(row[3] or ""), str(row[4] or ""), row[5])
