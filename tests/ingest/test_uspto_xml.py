"""USPTO full-text XML (grants v4.0-v4.5, applications v4.0-v4.6) read through the real pipeline on real files."""

from __future__ import annotations

from collections import Counter

import pytest

from novum.model import Patent, PriorityClaim
from tests.conftest import fixture
from tests.parsing import parse_file, parse_patents, parse_single

GO = "us-go-uspto/pkg/uspto/test-data"
PPD = "us-patentpublicdata/PatentDocument/resources/samples"
GRANTS = [
    f"{GO}/grant/v4-0-B2.xml",
    f"{GO}/grant/US07062920-20060620.XML",  # v4.1
    f"{GO}/grant/v4-5-B1.xml",
    f"{GO}/grant/v4-5-B2.xml",
    f"{GO}/test.xml",
    f"{PPD}/xml2004/US06859910.xml",
    f"{PPD}/xml2004/US06970935.xml",
    f"{PPD}/xml2006/US07272630B2.xml",  # v4.2
    f"{PPD}/xml2014/US08926509.xml",
    f"{PPD}/xml2014/US08927118.xml",
    f"{PPD}/xml2014/US08930553.xml",
]
APPLICATIONS = [
    f"{GO}/application/v4-0-A1.xml",
    f"{GO}/application/v4-0-A2_1.xml",
    f"{GO}/application/v4-4-A1.xml",
    f"{GO}/application/v4-4-A2.xml",
    f"{GO}/application/v4-5-A1.xml",
    f"{GO}/application/v4-5-A2.xml",
    f"{GO}/application/US20220240350A1-20220728.XML",  # v4.6
    f"{GO}/application/US20220240351A1-20220728.XML",
    f"{GO}/application/US20230080311A1-20230316.XML",
    f"{PPD}/xmlApp2004/US20050004437A1.xml",
    f"{PPD}/xmlApp2004/US20050004974A1.xml",
    "cn-jp-wipo/data/examples/us_example1.xml",  # v4.4
    "cn-jp-wipo/data/examples/us_example2.xml",
    "cn-jp-wipo/data/examples/us_example3.xml",
    "cn-jp-wipo/data/examples/us_example4.xml",
]


def _by_cited(patent: Patent) -> Counter[tuple[str | None, bool]]:
    return Counter((c.cited_by, c.is_patent) for c in patent.citations)


@pytest.mark.parametrize("name", GRANTS + APPLICATIONS)
def test_every_uspto_xml_fixture_parses(name: str) -> None:
    documents = parse_file(fixture(name))
    assert documents
    for document in documents:
        assert document.error is None, document.error
        assert document.format == "uspto-xml"
        assert document.patent is not None and document.patent.country == "US"


def test_broken_production_file_is_recovered_with_the_reason() -> None:
    # A real 2006 weekly-file document with an unclosed <maths>: it is complete, so libxml2 recovers it, and the
    # warning kept with the record names the defect.
    (document,) = parse_file(fixture(f"{GO}/grant/US07057742-20060606.XML"))
    assert document.error is None and document.patent is not None
    assert document.patent.number == "US7057742B2"
    assert (document.warning or "").startswith("recovered from malformed XML") and "maths" in document.warning


def test_concatenated_weekly_file_yields_each_grant() -> None:
    patents = parse_patents(fixture(f"{GO}/test.xml"))
    assert [p.number for p in patents] == ["US11147202B2", "US11147203B2"]
    assert patents[1].titles == {"en": "Middle mounted implement tractor"}
    assert len(patents[1].claims) == 20
    assert Counter(c.cited_by for c in patents[1].citations) == {"examiner": 19}


def test_grant_v45_bibliography_claims_and_citations() -> None:
    p = parse_single(fixture(f"{PPD}/xml2014/US08930553.xml"))
    assert (p.number, p.doc_number, p.kind, p.doc_type, p.language) == ("US8930553B2", "8930553", "B2", "utility", "en")
    assert p.titles == {"en": "Managing mid-dialog session initiation protocol (SIP) messages"}
    assert (p.publication_date, p.filing_date, p.application_number) == ("2015-01-06", "2012-10-09", "13648029")
    assert p.priority_claims == [] and p.priority_date is None
    assert (p.abstract() or "").startswith("Processing mid-dialog SIP messages by receiving")
    assert p.ipc == ["G06F15/16"] and p.cpc == []
    assert [a.name for a in p.applicants] == ["International Business Machines Corporation"]
    assert (p.assignees[0].name, p.assignees[0].country, p.assignees[0].city) == (
        "International Business Machines Corporation",
        "US",
        "Armonk",
    )
    assert [(i.name, i.country, i.city) for i in p.inventors] == [
        ("Nitzan Nissim", "IL", "Rehovot"),
        ("Brian Pulito", "US", "Lexington"),
        ("Asaf Zinger", "IL", "Rehovot"),
    ]
    assert len(p.claims) == 8
    assert p.claims[0].text.startswith("A system for processing mid-dialog SIP messages, the system comprising:")
    assert p.claims[0].independent
    assert p.claims[4].text.startswith("The system according to claim 4 wherein the SIP container")
    assert p.claims[4].depends_on == [4]
    # 21 references: 10 patents and 5 papers cited by the applicant, 6 patents by the examiner.
    assert len(p.citations) == 21
    assert _by_cited(p) == {("applicant", True): 10, ("applicant", False): 5, ("examiner", True): 6}
    first = p.citations[0]
    assert (first.number, first.kind, first.date, first.name, first.cited_by, first.phase) == (
        "US7844851B2",
        "B2",
        "2010-11-01",
        "Cosmadopoulos et al.",
        "applicant",
        "examination",
    )
    examiner = [c.number for c in p.citations if c.cited_by == "examiner"]
    assert examiner[0] == "US20070220302A1"  # printed "2007/0140112"-style numbers become canonical
    assert p.citations[16].text is not None and p.citations[16].text.startswith("Rosenberg, J. “Reconsituting Call")
    assert len(p.description) == 37
    assert (p.description[0].number, p.description[0].heading) == ("0001", "FIELD OF THE INVENTION")
    assert p.description[0].text.startswith("The present invention relates to computer networks in general")
    assert (p.description[9].number, p.description[9].heading) == ("0010", "BRIEF DESCRIPTION OF THE DRAWINGS")
    assert p.description[9].text.startswith("FIG. 2B is a simplified flowchart illustration")


def test_grant_v45_cpc_and_examiner_literature() -> None:
    p = parse_single(fixture(f"{GO}/grant/v4-5-B1.xml"))
    assert p.number == "US9358892B1"
    assert p.cpc == ["B60L11/1809", "B60K35/00", "B60L11/1861", "G01C21/26", "B60K2350/1076", "B60W20/00"]
    assert p.ipc == ["B60L9/00", "B60L11/00", "B60L11/18", "G01C21/26", "B60K35/00", "B60W20/00"]
    assert _by_cited(p) == {("applicant", True): 14, ("examiner", True): 10, ("examiner", False): 4}
    assert (p.description[0].number, p.description[0].heading, p.description[0].text) == (
        "0001",
        "BACKGROUND",
        "1. Field",
    )
    assert len(p.claims) == 20 and p.claims[4].depends_on == [4]


def test_grant_v45_2021_with_main_and_further_cpc() -> None:
    p = parse_single(fixture(f"{GO}/grant/v4-5-B2.xml"))
    assert (p.number, p.publication_date, p.filing_date) == ("US11147202B2", "2021-10-19", "2018-12-26")
    assert p.cpc == ["A01B1/243", "B62B1/12", "B62B5/06", "B62B2202/70", "B62B2206/006"]
    assert p.ipc == ["A01B1/24", "B62B1/12", "B62B5/06"]
    assert _by_cited(p) == {("applicant", True): 27, ("examiner", True): 14}
    assert p.citations[0].number == "US554139A" and p.citations[0].date == "1896-02-01"
    assert [c.depends_on for c in p.claims[:4]] == [[], [1], [1], [3]]


def test_grant_v45_foreign_priority_and_markup_dependencies() -> None:
    p = parse_single(fixture(f"{PPD}/xml2014/US08927118.xml"))
    assert p.priority_claims == [PriorityClaim("JP", "2008-148514", "2008-06-05")]
    assert p.priority_date == "2008-06-05" and p.effective_date == "2008-06-05"
    assert len(p.claims) == 45
    assert p.claims[4].depends_on == [1]  # "...according to <claim-ref idref="CLM-00001">claim 1</claim-ref>"
    assert p.cpc[:2] == ["C07D493/04", "C07D487/04"]
    assert len(p.citations) == 104
    assert _by_cited(p) == {("applicant", True): 72, ("applicant", False): 28, ("examiner", True): 4}


def test_grant_provisional_application_counts_as_priority() -> None:
    p = parse_single(fixture(f"{PPD}/xml2014/US08926509.xml"))
    assert p.priority_claims == [PriorityClaim("US", "60968023", "2007-08-24")]
    assert p.priority_date == "2007-08-24"
    assert len(p.claims) == 31 and len(p.description) == 306
    assert _by_cited(p) == {
        ("applicant", True): 117,
        ("applicant", False): 29,
        ("examiner", True): 13,
        ("examiner", False): 1,
    }


def test_grant_v40_applicant_inventors_and_five_digit_paragraphs() -> None:
    p = parse_single(fixture(f"{GO}/grant/v4-0-B2.xml"))
    assert (p.number, p.publication_date, p.filing_date, p.application_number) == (
        "US6857133B2",
        "2005-02-22",
        "2002-05-07",
        "10141259",
    )
    assert p.titles["en"] == "Method and apparatus for manufacturing and installing water resistant cover on a limb"
    # v4.0 lists inventors only as applicants with app-type="applicant-inventor".
    assert [(i.name, i.country, i.city) for i in p.inventors] == [("David V. Reynolds", "US", "Phoenix")]
    assert [a.name for a in p.applicants] == ["David V. Reynolds"]
    assert p.assignees == []
    assert p.ipc == ["A41D13/00"]
    assert len(p.claims) == 6
    assert p.claims[0].text.startswith("A method for producing a water-resistant unit, comprising the steps of (a)")
    assert [c.depends_on for c in p.claims] == [[], [], [2], [3], [4], []]
    assert _by_cited(p) == {("examiner", True): 8}
    assert p.citations[0].number == "US3820200A" and p.citations[0].name == "Myers"
    assert len(p.description) == 57
    assert p.description[0].number == "00002" and p.description[0].heading is None
    assert p.description[0].text == "This invention pertains to water resistant coverings."


def test_grant_v41_cited_by_other_stays_unknown() -> None:
    p = parse_single(fixture(f"{GO}/grant/US07062920-20060620.XML"))
    assert p.number == "US7062920B2"
    assert p.ipc == ["F23R3/60"]
    assert [a.name for a in p.assignees] == ["General Electric Company"]
    assert len(p.inventors) == 5 and p.inventors[0].name == "Marie Ann McMasters"
    # "cited by other" does not say who cited the document.
    assert _by_cited(p) == {(None, True): 10, ("examiner", True): 3}
    assert len(p.claims) == 15 and p.claims[1].depends_on == [1]
    assert (p.description[9].number, p.description[9].heading) == ("0010", "BRIEF DESCRIPTION OF THE DRAWINGS")


def test_grant_v42_references_and_old_parties() -> None:
    p = parse_single(fixture(f"{PPD}/xml2006/US07272630B2.xml"))
    assert p.number == "US7272630B2" and p.publication_date == "2007-09-18"
    assert len(p.citations) == 116
    assert _by_cited(p) == {(None, True): 73, (None, False): 38, ("examiner", True): 5}
    assert [i.name for i in p.inventors] == ["John R. Douceur", "Marvin M. Theimer", "Atul Adya", "William J. Bolosky"]
    assert [(a.name, a.country, a.city) for a in p.assignees] == [("Microsoft Corporation", "US", "Redmond")]
    assert len(p.claims) == 17 and len(p.description) == 171


def test_application_v46_regional_priorities_and_canceled_claims() -> None:
    p = parse_single(fixture(f"{GO}/application/US20230080311A1-20230316.XML"))
    assert (p.number, p.kind, p.doc_type) == ("US20230080311A1", "A1", "utility")
    assert p.titles == {"en": "Method of improving methyltransferase activity"}
    assert (p.publication_date, p.filing_date, p.application_number) == ("2023-03-16", "2022-09-14", "17931943")
    assert p.priority_claims == [
        PriorityClaim("EP", "16185466.6", "2016-08-24"),
        PriorityClaim("EP", "17167508.5", "2017-04-21"),
    ]
    assert p.priority_date == "2016-08-24"
    assert p.cpc[:2] == ["C12N9/1007", "C12Y201/01004"] and len(p.cpc) == 10
    assert p.ipc == ["C12N9/10", "C12N1/36", "C12N9/88", "C12N15/10"]
    assert [(a.name, a.country) for a in p.applicants] == [("Danmarks Tekniske Universitet", "DK")]
    assert [i.name for i in p.inventors] == ["Hao Luo", "Anne Sofie Laerke Hansen"]
    assert p.citations == []
    assert len(p.claims) == 39
    assert (p.claims[0].number, p.claims[0].text) == (1, "(canceled)")
    assert (p.claims[20].number, p.claims[20].depends_on) == (21, [20])
    assert len(p.description) == 174 and p.description[9].heading == "SUMMARY OF THE INVENTION"


def test_application_v46_claims_after_a_canceled_range() -> None:
    p = parse_single(fixture(f"{GO}/application/US20220240350A1-20220728.XML"))
    # <claim num="01-18">1.-18. (Cancelled)</claim> stands for claims 1 to 18, each cancelled.
    assert [c.number for c in p.claims] == list(range(1, 37))
    assert {c.text for c in p.claims[:18]} == {"(Cancelled)"} and not any(c.depends_on for c in p.claims[:18])
    assert p.claims[18].text.startswith("A flexible heater suitable for embedding in a wearable, comprising:")
    assert p.claims[19].depends_on == [19]
    assert p.cpc == ["H05B1/0272", "A41D13/0051", "H05B3/34", "H05B3/145"]
    assert len(p.inventors) == 5 and p.inventors[0].name == "Arnoldo RETA"


def test_application_v44_inventor_applicant_and_provisional() -> None:
    p = parse_single(fixture(f"{GO}/application/v4-4-A2.xml"))
    assert (p.number, p.publication_date) == ("US20150075015A2", "2015-03-19")
    assert p.priority_claims == [PriorityClaim("US", "61372662", "2010-08-11")]
    assert [a.name for a in p.applicants] == ["Thomas J. Bucco"]
    assert [(i.name, i.country, i.city) for i in p.inventors] == [("Thomas J. Bucco", "US", "Setauket")]
    assert [c.number for c in p.claims] == list(range(1, 42))  # "1-18. (canceled)", then claims 19 to 41
    assert p.claims[17].text == "(canceled)" and p.claims[18].text.startswith("A")
    assert p.cpc == ["B26B21/521"] and p.ipc == ["B26B21/52"]


def test_application_v45_applicant_differs_from_inventor() -> None:
    p = parse_single(fixture(f"{GO}/application/v4-5-A2.xml"))
    assert p.number == "US20220160114A2"
    assert [(a.name, a.country, a.city) for a in p.applicants] == [("BEVIS GEAR INC.", "CA", "VANCOUVER")]
    assert [i.name for i in p.inventors] == ["Matthew Bevis"]
    assert p.cpc == ["A45F3/047", "A45F3/02"]
    assert [c.depends_on for c in p.claims[:3]] == [[], [1], [2]]


def test_application_v40_foreign_priority() -> None:
    p = parse_single(fixture(f"{PPD}/xmlApp2004/US20050004437A1.xml"))
    assert (p.number, p.publication_date, p.filing_date) == ("US20050004437A1", "2005-01-06", "2004-04-23")
    assert p.titles["en"] == "Simulation device for playful evaluation and display of blood sugar levels"
    assert p.priority_claims == [PriorityClaim("CH", "1974/01", "2001-10-26")]
    assert p.ipc == ["A61B5/00"]
    assert [(i.name, i.country) for i in p.inventors] == [("Heiner Kaufmann", "CH"), ("Thomas Vering", "CH")]
    assert len(p.claims) == 10 and p.claims[3].depends_on == [3]
    assert len(p.description) == 30
    assert p.description[0].heading == "CROSS-REFERENCE TO RELATED APPLICATION(S)"


def test_application_v44_from_the_wipo_examples() -> None:
    p = parse_single(fixture("cn-jp-wipo/data/examples/us_example1.xml"))
    assert (p.number, p.filing_date) == ("US20210049351A1", "2018-04-13")
    assert [(a.name, a.country, a.city) for a in p.applicants] == [("NEC Corporation", "JP", "Minato-ku, Tokyo")]
    assert p.cpc[0] == "G06K9/00335" and p.ipc == ["G06K9/00", "G06K9/62", "G06N20/00"]
    assert len(p.claims) == 15 and len(p.description) == 169
    assert p.description[0].heading == "TECHNICAL FIELD"
