"""The 18,880-patent US corpus in ../shared: every record reads; first, middle and last records pinned."""

from __future__ import annotations

from collections import Counter

from novum.ingest.reader import read_file
from tests.conftest import shared


def test_every_record_reads_with_real_values() -> None:
    folder = shared("corpus/us-api-patents")
    documents = [d for path in sorted(folder.glob("*.jsonl")) for d in read_file(path)]
    assert len(documents) == 18_880
    assert [d.error for d in documents if d.error] == []
    patents = [d.patent for d in documents if d.patent]
    assert len({p.number for p in patents}) == 18_880
    assert Counter(p.country for p in patents) == {"US": 18_880}
    assert sum(1 for p in patents if not p.abstracts) == 151
    assert Counter(p.doc_number[:2] for p in patents if not p.doc_number.isdigit()) == {"RE": 19, "H2": 3, "PP": 2}

    first, middle, last = patents[0], patents[9440], patents[-1]
    assert (first.number, first.title(), first.filing_date) == (
        "US8830831",
        "Architecture for balancing workload",
        "2010-01-04",
    )
    assert first.kind is None and first.publication_date is None  # the corpus gives neither: nothing is invented
    assert [(a.name, a.country, a.city) for a in first.assignees] == [
        ("Netcracker Technology Solutions Inc.", "US", "Cincinnati")
    ]
    assert (middle.number, middle.title(), middle.filing_date) == (
        "US8959438",
        "Media control pane in browser",
        "2012-09-06",
    )
    assert documents[9440].position == "line 4412"
    assert (last.number, last.filing_date, last.assignees[0].name) == ("US9386303", "2013-12-31", "PERSONIFY, INC.")
    assert (last.abstract() or "").startswith("Embodiments disclose systems and methods for transmitting")
    assert len(last.description) == 3
