"""USPTO pre-grant publications 2001-2004 (PAP v1.5) read through the real pipeline on real files."""

from __future__ import annotations

import pytest

from novum.model import PriorityClaim
from tests.conftest import fixture
from tests.parsing import parse_file, parse_single

PAP = "us-patentpublicdata/PatentDocument/resources/samples/pap"
GO = "us-go-uspto/pkg/uspto/test-data/application"
GOOD = [
    f"{PAP}/US20010000943A1.xml",
    f"{PAP}/US20010009014A1.xml",
    f"{GO}/v1-5-A1_1.xml",
    f"{GO}/v1-5-A1_2.xml",
]
MALFORMED = f"{PAP}/US20010000044A1.xml"


@pytest.mark.parametrize("name", GOOD)
def test_every_pap_fixture_parses(name: str) -> None:
    (document,) = parse_file(fixture(name))
    assert document.error is None, document.error
    assert document.format == "uspto-pap"


def test_malformed_sample_is_quarantined_naming_the_problem() -> None:
    # The sample has no XML declaration and an XHTML DOCTYPE ("simple") on a PAP root.
    (document,) = parse_file(fixture(MALFORMED))
    assert document.patent is None
    assert document.format == "uspto-pap"
    assert document.error is not None
    assert "DOCTYPE" in document.error and "<simple>" in document.error
    assert "patent-application-publication" in document.error
    assert document.raw.startswith(b"<!DOCTYPE simple")


def test_pap_bibliography_claims_and_description() -> None:
    p = parse_single(fixture(f"{PAP}/US20010000943A1.xml"))
    assert (p.number, p.doc_number, p.kind, p.doc_type, p.language) == (
        "US20010000943A1",
        "20010000943",
        "A1",
        "utility",
        "en",
    )
    assert p.titles == {"en": "Organic electroluminescence device and method of manufacturing same"}
    assert (p.publication_date, p.filing_date, p.application_number) == ("2001-05-10", "2000-12-04", "09727454")
    assert p.priority_claims == [PriorityClaim("JP", "11-097727", "1999-04-05")]
    assert p.priority_date == "1999-04-05"
    assert p.ipc == ["H01J1/62"] and p.cpc == []
    assert (p.abstract() or "").startswith("An organic ELECTROLUMINESCENCE device exhibiting")
    assert [(i.name, i.country, i.city) for i in p.inventors] == [
        ("Kenichi Fukuoka", "JP", "Sodegaura-shi"),
        ("Mitsura Eida", "JP", "Sodegaura-shi"),
    ]
    assert [a.name for a in p.applicants] == ["Kenichi Fukuoka", "Mitsura Eida"]  # authority-applicant INV
    assert [a.name for a in p.assignees] == ["IDEMITSU KOSAN CO., LTD."]
    assert p.citations == []
    assert len(p.claims) == 13
    assert p.claims[0].text.startswith("An organic electroluminescence device containing an organic layer formed")
    # <dependent-claim-reference depends_on="CLM-00002">
    assert [c.depends_on for c in p.claims[:5]] == [[], [1], [2], [2], [2]]
    assert len(p.description) == 405
    first = p.description[0]
    assert (first.number, first.heading) == ("0001", "CROSS REFERENCE TO RELATED APPLICATION")
    assert first.text == (
        "This is a continuation application of PCT International Application of PCT/JP00/02182 filed on Apr. 4, 2000."
    )
    tenth = p.description[9]
    assert (tenth.number, tenth.heading) == ("0010", "DISCLOSURE OF THE INVENTION")
    assert tenth.text.startswith("(1) One embodiment of the present invention provides an organic")


def test_pap_provisional_priority_and_name_suffix() -> None:
    p = parse_single(fixture(f"{PAP}/US20010009014A1.xml"))
    assert (p.number, p.publication_date, p.filing_date) == ("US20010009014A1", "2001-07-19", "2001-02-05")
    assert p.priority_claims == [PriorityClaim("US", "60128037", "1999-04-06")]
    assert [(i.name, i.country, i.city) for i in p.inventors] == [
        ("James A. Savage III", "US", "San Jose"),
        ("Sophie Muller", "US", "Palo Alto"),
    ]
    assert p.ipc == ["G06F15/16"]
    assert len(p.claims) == 55
    assert [c.depends_on for c in p.claims[:7]] == [[], [1], [2], [2], [4], [5], [5]]
    assert len(p.description) == 132 and p.description[0].heading == "RELATED APPLICATION DATA"


def test_pap_foreign_priority_with_spaced_number() -> None:
    p = parse_single(fixture(f"{GO}/v1-5-A1_2.xml"))
    assert (p.number, p.application_number) == ("US20010000002A1", "09726341")
    assert p.priority_claims == [PriorityClaim("DE", "197 33 454", "1997-08-02")]
    assert p.ipc == ["D21C11/12"]
    assert len(p.inventors) == 4 and p.inventors[0].name == "Wolfgang Ruf"
    assert len(p.claims) == 33 and p.claims[2].depends_on == [2]
    assert len(p.description) == 113


def test_pap_bibliographic_only_document() -> None:
    p = parse_single(fixture(f"{GO}/v1-5-A1_1.xml"))
    assert p.number == "US20010000001A1"
    assert p.titles["en"].startswith("Solvent mixture for use in a vapor degreaser")
    assert p.ipc == ["B08B3/00"]
    assert [i.name for i in p.inventors] == ["Lawrence A. Clark", "James L. Priest"]
    assert p.claims == [] and p.description == []
    assert p.abstract() is not None
