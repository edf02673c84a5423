"""USPTO grants 2001-2004 in ST.32 v2.4/v2.5 XML (``PATDOC``), utility and design, on real files."""

from __future__ import annotations

from collections import Counter

import pytest

from novum.ingest.formats._uspto_common import packed_ipc
from novum.model import PriorityClaim
from tests.conftest import fixture
from tests.parsing import parse_file, parse_single

SGML = "us-patentpublicdata/PatentDocument/resources/samples/sgml"
GO = "us-go-uspto/pkg/uspto/test-data/grant"
FILES = [
    f"{SGML}/US06336130.xml",
    f"{SGML}/US06337117.xml",
    f"{SGML}/USD435854S1.xml",  # a v2.4 design grant
    f"{GO}/v2-5-B1.xml",
    f"{GO}/v2-5-B2.xml",
    f"{GO}/v2-5-S1.xml",
]


@pytest.mark.parametrize("name", FILES)
def test_every_sgml_fixture_parses(name: str) -> None:
    (document,) = parse_file(fixture(name))
    assert document.error is None, document.error
    assert document.format == "uspto-sgml"


def test_utility_grant_bibliography_claims_and_citations() -> None:
    p = parse_single(fixture(f"{SGML}/US06336130.xml"))
    assert (p.number, p.kind, p.doc_type, p.language) == ("US6336130B1", "B1", "utility", "en")
    assert p.titles == {"en": "Arrangement for improving availability of services in a communication system"}
    assert (p.publication_date, p.filing_date, p.application_number) == ("2002-01-01", "1999-10-05", "09413215")
    assert p.priority_claims == [PriorityClaim("NO", "971605", "1997-04-08")]
    assert p.priority_date == "1997-04-08"
    assert p.ipc == ["G06F15/16", "G06F13/00"]  # packed "G06F 1516" and "G06F 1300"
    assert [(i.name, i.country, i.city) for i in p.inventors] == [("Thanh Van Do", "NO", "Oslo")]
    assert [(a.name, a.country, a.city) for a in p.assignees] == [
        ("Telefonaktiebolaget LM Ericsson (publ)", "SE", "Stockholm")
    ]
    assert (p.abstract() or "").startswith("A communications systems, e.g., a telecommunications")
    # Five US patents marked CITED-BY-EXAMINER; a WO document and three papers marked CITED-BY-OTHER.
    assert Counter((c.cited_by, c.is_patent) for c in p.citations) == {
        ("examiner", True): 5,
        (None, True): 1,
        (None, False): 3,
    }
    first = p.citations[0]
    assert (first.number, first.date, first.name, first.cited_by) == ("US5825759A", "1998-10-01", "Liu", "examiner")
    assert (p.citations[5].country, p.citations[5].date) == ("WO", "1996-08-01")
    assert p.citations[-1].text is not None and p.citations[-1].text.startswith("Telektronikk, vol. 90, No. 2, 1994")
    assert len(p.claims) == 22
    assert p.claims[0].text.startswith("An arrangement in a network including a plurality of mobile terminals")
    assert p.claims[1].text.startswith("The arrangement in claim 1, wherein")
    assert [c.depends_on for c in p.claims[:5]] == [[], [1], [1], [1], [4]]
    assert len(p.description) == 42
    assert (p.description[0].number, p.description[0].heading) == ("00002", None)
    assert p.description[0].text.startswith("This is a continuation of PCT application No. PCT/NO98/00107")
    assert (p.description[9].number, p.description[9].heading) == ("00011", "BACKGROUND")


def test_design_grant() -> None:
    p = parse_single(fixture(f"{SGML}/USD435854S1.xml"))
    assert (p.number, p.doc_number, p.kind, p.doc_type) == ("USD435854S", "D435854", "S", "design")
    assert (p.publication_date, p.filing_date, p.application_number) == ("2001-01-02", "1999-01-06", "29116510")
    assert p.titles == {"en": "Disc cartridge"}
    assert p.ipc == []  # B511 "1402" is a Locarno class
    assert len(p.inventors) == 8 and p.inventors[0].name == "Hiroyoshi Takagi"
    assert [a.name for a in p.assignees] == [
        "Hitachi Maxell, Ltd.",
        "Sanyo Electric Co.,Ltd.",
        "Olympus Optical Co., Ltd.",
    ]
    assert len(p.citations) == 10 and all(c.cited_by == "examiner" for c in p.citations)
    assert (p.citations[0].number, p.citations[0].name) == ("USD271298", "Fujimoto")  # printed "D. 271298"
    assert [(c.number, c.text) for c in p.claims] == [
        (1, "The ornamental design for a disc cartridge, as shown and described.")
    ]
    assert len(p.description) == 1 and p.description[0].text.startswith("FIG. 1 is a front, top and right side")
    assert p.abstracts == {}


def test_v25_design_with_priority() -> None:
    p = parse_single(fixture(f"{GO}/v2-5-S1.xml"))
    assert (p.number, p.doc_type) == ("USD452599S1", "design")
    assert p.priority_claims == [PriorityClaim("DE", "400 02 946", "2000-03-22")]
    assert Counter((c.cited_by, c.is_patent) for c in p.citations) == {("examiner", True): 3, ("examiner", False): 1}
    assert len(p.claims) == 1 and len(p.description) == 7


def test_range_of_claim_references_is_completed() -> None:
    p = parse_single(fixture(f"{GO}/v2-5-B1.xml"))
    assert p.number == "US6334226B1"
    assert p.priority_claims == [
        PriorityClaim("JP", "9-290033", "1997-10-22"),
        PriorityClaim("JP", "10-95065", "1998-04-07"),
    ]
    assert p.ipc == ["E03C1/04"]  # printed "E03C 104" with the alignment blank lost
    # "any one of claims <CLREF>1</CLREF> to <CLREF>3</CLREF>"
    assert p.claims[3].depends_on == [1, 2, 3]
    assert len(p.claims) == 31 and len(p.citations) == 14


def test_cited_by_other_and_literature() -> None:
    p = parse_single(fixture(f"{GO}/v2-5-B2.xml"))
    assert (p.number, p.kind, p.publication_date) == ("US6530116B2", "B2", "2003-03-11")
    assert p.ipc == ["A47L5/14"]
    assert Counter((c.cited_by, c.is_patent) for c in p.citations) == {
        (None, True): 26,
        ("examiner", True): 7,
        (None, False): 4,
    }
    assert p.description[0].heading == "FIELD OF THE INVENTION"
    assert len(p.claims) == 20 and p.claims[3].depends_on == [3]


@pytest.mark.parametrize(
    ("printed", "symbol"),
    [
        ("G06F 1516", "G06F15/16"),
        ("A47L  514", "A47L5/14"),
        ("B60R  900", "B60R9/00"),
        ("A61K 31195", "A61K31/195"),
        ("C07D48704", "C07D487/04"),
        ("E03C 104", "E03C1/04"),
        ("H04L 12/28", "H04L12/28"),
        ("1402", None),
    ],
)
def test_packed_ipc_layout(printed: str, symbol: str | None) -> None:
    assert packed_ipc(printed) == symbol
