"""USPTO APS "Greenbook" text (grants 1976-2001) on real records, single and concatenated."""

from __future__ import annotations

from pathlib import Path

import pytest

from novum.ingest.formats.greenbook import Greenbook
from novum.model import PriorityClaim
from tests.conftest import fixture
from tests.parsing import parse_file, parse_single

GB = "us-patentpublicdata/PatentDocument/resources/samples/greenbook"
FILES = [f"{GB}/US03932709.greenbook", f"{GB}/US03937375.greenbook", f"{GB}/US04347903.greenbook"]


@pytest.mark.parametrize("name", FILES)
def test_every_greenbook_fixture_parses(name: str) -> None:
    (document,) = parse_file(fixture(name))
    assert document.error is None, document.error
    assert document.format == "uspto-greenbook"
    assert document.position == "patent 1 (line 1)"


def test_greenbook_record_fields() -> None:
    p = parse_single(fixture(f"{GB}/US03937375.greenbook"))
    # WKU "039373754" carries a check digit; pre-2001 utility grants are kind A.
    assert (p.number, p.doc_number, p.kind, p.doc_type, p.language) == ("US3937375A", "3937375", "A", "utility", "en")
    assert p.titles == {"en": "Bumper support for a boat loader"}
    # APN "5184541" is serial 518454 plus check digit, in series code (SRC) 5.
    assert (p.publication_date, p.filing_date, p.application_number) == ("1976-02-10", "1974-10-29", "05518454")
    assert p.priority_claims == [] and p.priority_date is None
    assert p.ipc == ["B60R9/00"]  # ICL "B60R  900"
    assert [(i.name, i.country, i.city) for i in p.inventors] == [("Everette E. Daniels", "US", "Des Moines")]
    assert p.assignees == [] and p.applicants == []
    assert (p.abstract() or "").startswith(
        "A unit mountable on a rear bumper of a vehicle, and which does not interfere"
    )
    assert len(p.citations) == 5
    first = p.citations[0]
    assert (first.number, first.country, first.date, first.name, first.cited_by) == (
        "US2542907",
        "US",
        "1951-02-01",
        "Dayton et al.",
        None,
    )
    assert [c.number for c in p.claims] == [1, 2, 3]
    assert p.claims[0].text.startswith("In a bumper support for a boat loader, the combination of a pair of")
    assert p.claims[1].text.startswith("The combination as set forth in claim 1, wherein")
    assert [c.depends_on for c in p.claims] == [[], [1], [2]]
    assert len(p.description) == 21
    assert all(par.number is None and par.heading is None for par in p.description)
    assert p.description[0].text == "This invention relates generally to automotive accessories."
    assert p.description[-1].text.startswith("While various changes may be made in the detail construction")


def test_greenbook_priority_foreign_inventors_and_assignee() -> None:
    p = parse_single(fixture(f"{GB}/US04347903.greenbook"))
    assert (p.number, p.publication_date, p.filing_date) == ("US4347903A", "1982-09-07", "1980-03-10")
    assert p.titles["en"] == "Electronic reading balance"
    assert p.priority_claims == [PriorityClaim("JP", "53/84696", "1978-07-10")]
    assert p.priority_date == "1978-07-10"
    assert p.ipc == ["G01G19/04", "G01G23/10", "G06F7/28"]
    assert len(p.inventors) == 8
    assert (p.inventors[0].name, p.inventors[0].country, p.inventors[0].city) == ("Shozo Yano", "JP", "Kyoto")
    assert [(a.name, a.country, a.city) for a in p.assignees] == [("Shimadzu Corporation", "JP", "Kyoto")]
    assert [c.name for c in p.citations] == ["Ozaki et al.", "Dlugos", "Hall, Jr. et al."]
    assert [c.depends_on for c in p.claims] == [[], [1], [1]]
    assert p.description[0].heading == "BACKGROUND OF THE INVENTION"


def test_greenbook_headings_tables_and_many_claims() -> None:
    p = parse_single(fixture(f"{GB}/US03932709.greenbook"))
    assert p.number == "US3932709A"
    assert [(a.name, a.country, a.city) for a in p.assignees] == [
        ("General Teletronics Incorporated", "US", "San Francisco")
    ]
    assert p.ipc == ["H04M11/00"]
    assert len(p.claims) == 17
    assert p.claims[0].text.startswith("An electronic communications terminal comprising: a. keyboard means")
    assert p.claims[1].depends_on == [1]
    assert len(p.description) == 143
    assert p.description[0].heading == "CROSS REFERENCE TO RELATED APPLICATION"
    assert p.description[0].text.startswith("This application is a continuation-in-part of our earlier filed")
    table = p.description[135]
    assert table.heading == "DETAILED DESCRIPTION OF THE INVENTION" and table.text.startswith("TABLE 1")


def test_a_file_of_many_patents_and_a_broken_record(tmp_path: Path) -> None:
    records = [fixture(name).read_bytes() for name in FILES]
    broken = b"".join(line for line in records[1].splitlines(keepends=True) if not line.startswith(b"WKU "))
    weekly = tmp_path / "pftaps19760113_wk02.txt"
    weekly.write_bytes(b"HHHHHT APS1 weekly header\n" + records[0] + broken + records[2])
    documents = parse_file(weekly)
    second = 2 + len(records[0].splitlines())
    third = second + len(broken.splitlines())
    assert [d.position for d in documents] == [
        "patent 1 (line 2)",
        f"patent 2 (line {second})",
        f"patent 3 (line {third})",
    ]
    assert documents[0].patent is not None and documents[0].patent.number == "US3932709A"
    assert documents[1].patent is None and documents[1].error == "uspto-greenbook: no publication number"
    assert documents[1].raw == broken
    assert documents[2].patent is not None and documents[2].patent.number == "US4347903A"


def test_sniff_tells_greenbook_from_other_text() -> None:
    reader = Greenbook()
    assert reader.sniff(fixture(FILES[0]).read_bytes()[:65536], "US03932709.greenbook")
    brs = fixture("us-patentpublicdata/PatentDocument/resources/samples/css_brs/css_brs_sample.txt")
    assert not reader.sniff(brs.read_bytes()[:65536], brs.name)
    assert not reader.sniff(b'<?xml version="1.0"?><PATDOC/>', "x.xml")
