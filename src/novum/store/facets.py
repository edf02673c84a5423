"""The store's side of search facets: the few columns a facet counts, read for a set of documents.

Year, office and classes are plain columns (cheap for thousands of documents). The applicant is inside the JSON
record, which must be read whole (full-text records run to hundreds of kilobytes), so it is read only for the
documents asked for."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from novum.store.sqlite import Store

_COLUMNS = (
    "SELECT number, coalesce(publication_date, filing_date), country, cpc, ipc FROM documents WHERE number IN ({marks})"
)


@dataclass(frozen=True, slots=True)
class FacetRow:
    number: str
    date: str | None
    country: str
    cpc: str  # space-separated symbols
    ipc: str
    applicant: str | None  # None when not read (see ``FacetReader.rows``) or when the record names none


class FacetReader:
    """Read-only facet columns over a ``Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def rows(self, numbers: Iterable[str], applicants_of: Iterable[str] = ()) -> Iterator[FacetRow]:
        """The rows of ``numbers``; the first applicant (else assignee) only for the numbers in ``applicants_of``."""
        wanted = list(numbers)
        json_text = self.store.dialect.json_text
        first = f"{json_text('record', 'applicants', 0, 'name')}, {json_text('record', 'assignees', 0, 'name')}"
        applicant = f"SELECT number, coalesce({first}) FROM documents WHERE number IN ({{marks}})"
        names = {str(r[0]): r[1] for r in self.store.select_in(applicant, list(applicants_of))}
        for row in self.store.select_in(_COLUMNS, wanted):
            number = str(row[0])
            yield FacetRow(number, row[1], str(row[2]), str(row[3] or ""), str(row[4] or ""), names.get(number))
