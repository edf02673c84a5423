"""EPO publication-server XML on the real go-epo-eps fixtures: one A and one B document per DTD version at least."""

from __future__ import annotations

from collections import Counter

import pytest

from novum.ingest.formats.epo import EpoPublicationServer
from novum.ingest.xml import parse_xml
from novum.model import Citation, Patent
from tests.conftest import fixture
from tests.parsing import parse_file, parse_single

EPS = "ep-publication-server/pkg/eps/test-data"
WELL_FORMED = [
    "application/v1-0-A1.xml", "application/v1-0-A2.xml", "application/v1-01-A1.xml", "application/v1-01-A2.xml",
    "application/v1-1-A1.xml", "application/v1-1-A2.xml", "application/v1-2-A2.xml", "application/v1-3-A1.xml",
    "application/v1-3-A2.xml", "application/v1-4-A2.xml", "application/v1-5-A1.xml", "application/v1-5-A2.xml",
    "application/v1-5-1-A1.xml", "application/v1-5-1-A1-1.xml", "application/v1-5-1-A2.xml",
    "grant/v1-0-B1.xml", "grant/v1-0-B2.xml", "grant/v1-1-B1.xml", "grant/v1-1-B2.xml", "grant/v1-2-B1.xml",
    "grant/v1-2-B2.xml", "grant/v1-3-B1.xml", "grant/v1-3-B2.xml", "grant/v1-4-B1.xml", "grant/v1-4-B2.xml",
    "grant/v1-5-B1.xml", "grant/v1-5-B2.xml", "grant/v1-5-1-B1.xml", "grant/v1-5-1-B2.xml",
]  # fmt: skip
# Not well-formed XML as published (bare "&" in an address; "<First Embodiment" in a heading): the reader repairs
# them, stores them and records how.
MALFORMED = [
    "application/v1-2-A1.xml", "application/v1-4-A1.xml", "application/v1-4-A1-1.xml",
    "application/v1-5-1-A1-2.xml",
]  # fmt: skip


def doc(name: str) -> Patent:
    return parse_single(fixture(f"{EPS}/{name}"))


def recovered(name: str) -> Patent:
    (document,) = parse_file(fixture(f"{EPS}/{name}"))
    assert document.patent is not None and document.warning, document.error
    return document.patent


def claim(patent: Patent, number: int, lang: str) -> tuple[list[int], str]:
    found = [c for c in patent.claims if c.number == number and c.lang == lang]
    assert len(found) == 1, found
    return found[0].depends_on, found[0].text


def claim_counts(patent: Patent) -> dict[str | None, int]:
    return dict(Counter(c.lang for c in patent.claims))


def citation_counts(patent: Patent) -> dict[tuple[str | None, str | None, bool], int]:
    return dict(Counter((c.phase, c.cited_by, c.is_patent) for c in patent.citations))


def numbers(citations: list[Citation], phase: str) -> list[str | None]:
    return [c.number for c in citations if c.phase == phase and c.is_patent]


# --- every file ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", WELL_FORMED)
def test_every_well_formed_fixture_parses(name: str) -> None:
    documents = parse_file(fixture(f"{EPS}/{name}"))
    assert len(documents) == 1
    assert documents[0].error is None, documents[0].error
    assert documents[0].format == "epo-publication-server"
    patent = documents[0].patent
    assert patent is not None and patent.country == "EP" and len(patent.doc_number) == 7
    assert patent.titles.keys() == {"de", "en", "fr"}
    assert patent.publication_date and patent.filing_date and patent.application_number


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_fixtures_are_repaired_with_a_warning(name: str) -> None:
    (document,) = parse_file(fixture(f"{EPS}/{name}"))
    expected = "recovered from malformed XML" if name.endswith("A1-2.xml") else "bare '&' escaped"
    assert (document.warning or "").startswith(expected)
    patent = recovered(name)
    assert patent.kind == "A1" and patent.titles.keys() == {"de", "en", "fr"}


def test_missing_number_is_a_clear_error() -> None:
    root = parse_xml(b'<ep-patent-document lang="en"><SDOBI><B100><B130>A1</B130></B100></SDOBI></ep-patent-document>')
    with pytest.raises(ValueError, match="no publication number"):
        EpoPublicationServer().to_patent(root)


# --- DTD v1.0 -----------------------------------------------------------------------------------------------------


def test_v1_0_a1() -> None:
    p = doc("application/v1-0-A1.xml")
    assert (p.number, p.language, p.doc_type) == ("EP1325900A1", "en", "utility")
    assert (p.publication_date, p.filing_date, p.priority_date) == ("2003-07-09", "2001-09-05", "2000-09-08")
    assert p.application_number == "01963450.0"
    assert [(c.country, c.number, c.date) for c in p.priority_claims] == [("JP", "2000273711", "2000-09-08")]
    assert p.titles["en"] == "PROCESS FOR PRODUCING FLUOROALKANOL"
    assert p.titles["de"] == "VERFAHREN ZUR HERSTELLUNG VON FLUORALKANOL"
    assert p.abstracts["en"].startswith("A process for producing a fluoroalkanol which can easily be industrially")
    assert claim_counts(p) == {"en": 7}
    assert claim(p, 3, "en")[0] == [1, 2]
    assert claim(p, 7, "en")[0] == [1, 2, 3, 4, 5, 6]  # "any one of Claims 1 to 6"
    assert p.ipc == ["C07C29/44", "C07C31/38"]  # old B511/B512 lines " 7C 07C  29/44   A"
    assert p.cpc == []
    assert [(a.name, a.country, a.city) for a in p.applicants] == [("ASAHI GLASS COMPANY LTD.", "JP", "Tokyo 100-8405")]
    assert [i.name for i in p.inventors] == ["Toshihiko TOHMA", "Akihiro WADA"]
    assert p.assignees == [] and p.citations == []
    assert len(p.description) == 38
    assert (p.description[1].number, p.description[1].heading) == ("0002", "BACKGROUND ART")
    assert p.description[1].text.startswith("A fluoroalkanol is useful as an intermediate")
    assert p.family_members == ["WO2002020444"]  # B871 prints it as WO02020444


def test_v1_0_a2_german() -> None:
    p = doc("application/v1-0-A2.xml")
    assert (p.number, p.language, p.publication_date, p.priority_date) == (
        "EP1326188A2",
        "de",
        "2003-07-09",
        "2001-11-03",
    )
    assert p.titles["en"] == "Method and system for establishing the usage costs for the use of an apparatus"
    assert claim_counts(p) == {"de": 19}
    assert claim(p, 3, "de")[0] == [1, 2]  # "nach einem der Ansprüche 1 oder 2"
    assert p.ipc == ["G06F17/60"]
    assert [a.name for a in p.applicants] == ["Phoenix Contact GmbH & Co. KG"]
    assert [i.name for i in p.inventors] == ["Bibelhausen, Volker, Dipl.-Ing."]  # a title: left as printed
    assert len(p.description) == 48 and p.description[0].heading is None


def test_v1_0_b1_citations_and_three_claim_languages() -> None:
    p = doc("grant/v1-0-B1.xml")
    assert (p.number, p.publication_date, p.filing_date, p.priority_date) == (
        "EP1442058B1", "2006-07-19", "2002-11-18", "2001-11-16",
    )  # fmt: skip
    assert p.priority_claims[0].number == "331477 P"
    assert claim_counts(p) == {"en": 3, "de": 3, "fr": 3}
    assert claim(p, 2, "fr")[0] == [1] and "selon la revendication 1" in claim(p, 2, "fr")[1]
    assert claim(p, 1, "en")[1].startswith("An NTP-peptide consisting of an amino acid sequence")
    assert p.abstracts == {}  # B documents carry no abstract
    assert [a.name for a in p.applicants] == [a.name for a in p.assignees] == ["NYMOX CORPORATION"]
    assert citation_counts(p) == {("examination", "examiner", True): 2, ("examination", "examiner", False): 2}
    assert numbers(p.citations, "examination") == ["WO2003008444A", "US5948634A"]  # WO-A-03/008444, US-A- 5 948 634
    assert p.citations[2].text and p.citations[2].text.startswith('LASSERRE C ET AL.: "A Novel Gene (HIP)')
    assert p.ipc == ["C07K14/47", "A61K38/17"]
    assert len(p.description) == 127 and p.description[0].heading == "1. Field of the Invention"


def test_v1_0_b2_opposed_patent() -> None:
    p = doc("grant/v1-0-B2.xml")
    assert (p.number, p.kind, p.publication_date) == ("EP0874807B2", "B2", "2006-08-02")
    assert [(c.country, c.number, c.date) for c in p.priority_claims] == [
        ("CH", "338895", "1995-11-29"), ("CH", "45196", "1996-02-21"),
    ]  # fmt: skip
    assert p.priority_date == "1995-11-29"
    assert claim_counts(p) == {"en": 5, "de": 5, "fr": 5}
    assert claim(p, 5, "en")[0] == [4] and claim(p, 3, "de")[0] == [2]
    assert numbers(p.citations, "examination") == [
        "EP0460575A", "EP0463488A", "EP0472300A", "EP0535928A", "WO1995034526A",
    ]  # fmt: skip
    assert [i.name for i in p.inventors] == ["Jean-Marie ASSERCQ", "Richard BREITSCHUH", "Werner PFAFF"]
    assert p.family_members == ["WO1997019912"]


def test_v1_01_bibliographic_only() -> None:
    a1, a2 = doc("application/v1-01-A1.xml"), doc("application/v1-01-A2.xml")
    assert (a1.number, a1.application_number, a1.filing_date) == ("EP1679948A1", "04768329.7", "2004-09-02")
    assert a1.titles["fr"] == "GARNITURES POUR TAPIS TRANSPORTEURS"
    assert a1.claims == [] and a1.description == [] and a1.abstracts == {}
    assert a1.ipc == ["A01D17/10"]
    # Applicants may be organisations, so "Rankin, David" stays as printed; inventors are always people.
    assert [a.name for a in a1.applicants] == ["Rankin, David", "Shanks, Anne"]
    assert [(i.name, i.city) for i in a1.inventors][0] == ("David Rankin", "Bangor BT19 7QT, County Down")
    assert (a2.number, a2.priority_claims[0].country, a2.family_members) == ("EP1680538A2", "US", ["WO2005045109"])


# --- DTD v1.1 -----------------------------------------------------------------------------------------------------


def test_v1_1_a1_first_ep_publication() -> None:
    p = doc("application/v1-1-A1.xml")
    assert (p.number, p.language, p.publication_date, p.filing_date) == (
        "EP0000002A1",
        "de",
        "1978-12-20",
        "1978-06-01",
    )
    assert p.titles["en"] == "Tetrahydrofurane derivatives, processes for their preparation and their use as herbicides"
    # num="" on every claim: the number comes from the printed "1.)", which is stripped from the text.
    assert claim_counts(p) == {"de": 6}
    assert claim(p, 1, "de")[1].startswith("Tetrahydrofuran-Derivate der Formel in welcher")
    assert claim(p, 3, "de")[0] == [1] and claim(p, 2, "de")[0] == []
    assert p.ipc == ["C07D307/12", "C07D407/12", "C07D307/42", "A01N43/08"]  # B511, B512 x2, B513
    assert p.citations == []  # empty B560
    assert len(p.description) == 65 and p.description[-1].number == "0067"


def test_v1_1_b1_and_b2() -> None:
    b1 = doc("grant/v1-1-B1.xml")
    assert (b1.number, b1.publication_date, b1.priority_date) == ("EP1019261B1", "2003-07-09", "1997-09-30")
    assert claim_counts(b1) == {"en": 29, "de": 29, "fr": 29}
    assert claim(b1, 2, "en")[0] == [1]
    assert numbers(b1.citations, "examination") == [
        "EP0361708A",
        "DE4434328A",
        "DE3122720C",
        "US4265337A",
        "US5340202A",
    ]
    assert citation_counts(b1) == {("examination", "examiner", True): 5, ("examination", "examiner", False): 1}
    assert b1.ipc == ["B60L7/26", "B66F9/24", "B60T8/26"]
    assert [i.name for i in b1.inventors] == ["Nicholas J. SHERMAN"]  # "SHERMAN, Nicholas, J."
    b2 = doc("grant/v1-1-B2.xml")
    assert (b2.number, b2.priority_claims, b2.priority_date) == ("EP0546210B2", [], None)
    assert claim_counts(b2) == {"en": 32, "de": 32, "fr": 32}
    assert claim(b2, 3, "en")[0] == [2]
    assert citation_counts(b2) == {("examination", "examiner", True): 2, ("examination", "examiner", False): 3}
    assert [a.name for a in b2.assignees] == ["CONSOLIDATED ENGINEERING COMPANY, INC."]


# --- DTD v1.2 -----------------------------------------------------------------------------------------------------


def test_v1_2_a1_recovered_unnumbered_claims() -> None:
    p = recovered("application/v1-2-A1.xml")
    assert (p.number, p.publication_date, p.filing_date, p.priority_claims) == (
        "EP1921219A1",
        "2008-05-14",
        "2006-11-08",
        [],
    )
    # Claims carry num="" and a bold "1." prefix; the office printed "5." twice, which is kept as printed.
    assert [c.number for c in p.claims] == [1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10]
    assert p.claims[0].text.startswith("Sound damping and fire resistant insulating panel characterized in that")
    assert claim(p, 9, "en")[0] == [8]
    assert [(c.number, c.cited_by, c.phase) for c in p.citations] == [
        ("ES2115900", "applicant", "description"), ("ES1060278U", "applicant", "description"),
    ]  # fmt: skip
    assert [a.name for a in p.applicants] == ["Lloveras Calvo, Juan"]
    assert [i.name for i in p.inventors] == ["Juan Lloveras Calvo"]


def test_v1_2_a2() -> None:
    p = doc("application/v1-2-A2.xml")
    assert (p.number, p.language, p.titles["de"], p.titles["en"]) == (
        "EP1873405A2",
        "de",
        "Spanplattenschraube",
        "Chipboard screw",
    )
    assert [c.number for c in p.priority_claims] == ["102006031298", "102006031299"]
    assert claim_counts(p) == {"de": 17}
    assert claim(p, 1, "de")[1].startswith("Spanplattenschraube, mit 1.1 einem Schraubenkopf (1)")  # not a number
    assert claim(p, 4, "de")[0] == [3]
    assert p.ipc == ["F16B25/10", "F16B35/06"]
    assert numbers(p.citations, "description") == ["DE9216791"]


def test_v1_2_b1_and_b2() -> None:
    b1 = doc("grant/v1-2-B1.xml")
    assert (b1.number, b1.publication_date, b1.filing_date) == ("EP0610335B1", "2008-01-02", "1992-10-16")
    assert claim_counts(b1) == {"en": 14, "de": 14, "fr": 14}
    assert claim(b1, 13, "en")[0] == [1]
    assert numbers(b1.citations, "examination") == ["EP0367306A", "WO1991006571A", "WO1992004445A"]
    assert citation_counts(b1)[("examination", "examiner", False)] == 8
    assert b1.inventors[0].name == "Bruce L. ROGERS" and b1.inventors[4].name == "Mei-Chang KUO"
    b2 = doc("grant/v1-2-B2.xml")
    assert (b2.number, b2.publication_date) == ("EP0430402B2", "2008-03-05")
    assert claim_counts(b2) == {"en": 4, "de": 4, "fr": 4}
    assert claim(b2, 3, "fr")[0] == [1, 2]
    assert numbers(b2.citations, "examination") == ["WO1990005789A"]
    assert numbers(b2.citations, "description")[:3] == ["US4683195A", "US4683202A", "US4800159A"]
    assert len(b2.description) == 303


# --- DTD v1.3 -----------------------------------------------------------------------------------------------------


def test_v1_3_a1_and_a2() -> None:
    a1 = doc("application/v1-3-A1.xml")
    assert (a1.number, a1.priority_claims[0].country, a1.ipc) == ("EP1981358A1", "EP", ["A23L1/29"])
    assert [i.name for i in a1.inventors] == ["Ferdinand HASCHKE", "Corinne Renée MAGLIOLA"]
    a2 = doc("application/v1-3-A2.xml")
    assert (a2.number, a2.publication_date, a2.priority_date) == ("EP2007181A2", "2008-12-24", "2006-04-07")
    assert a2.titles["en"] == "CONTROLLER FOR INDUSTRIAL ROBOT"
    assert claim_counts(a2) == {"en": 3} and claim(a2, 3, "en")[0] == [1, 2]
    assert a2.abstracts["en"].startswith("a robot controller ensures the maintenance work property")
    assert a2.ipc == ["H05K5/02", "B25J13/06"]
    assert [i.name for i in a2.inventors][0] == "Yoshitaka OHFUCHI"  # "c/o KABUSHIKI KAISHA..." dropped
    assert numbers(a2.citations, "description") == ["JP58181591A", "JP4365581A"]
    assert len(a2.description) == 15 and a2.description[1].heading == "BACKGROUND ART"


def test_v1_3_b1_and_b2() -> None:
    b1 = doc("grant/v1-3-B1.xml")
    assert (b1.number, b1.filing_date, b1.priority_date) == ("EP1654642B1", "2004-07-01", "2003-08-01")
    assert claim_counts(b1) == {"en": 32, "de": 32, "fr": 32}
    assert claim(b1, 4, "de")[0] == [3]
    assert numbers(b1.citations, "examination") == ["WO2001092999A", "WO1998035291A"]
    # The reference list's dnum "WO0244858A2" is a two-digit-year PCT number.
    assert numbers(b1.citations, "description") == ["US545396A", "WO2002044858A2", "US583301A"]
    b2 = doc("grant/v1-3-B2.xml")
    assert (b2.number, claim_counts(b2)) == ("EP1497510B2", {"en": 1, "de": 1, "fr": 1})
    assert b2.titles == {"de": "FUSSBODEN", "en": "FLOORING", "fr": "PLANCHER"}
    assert citation_counts(b2) == {("examination", "examiner", True): 14, ("description", "applicant", True): 6}
    assert "DE29618318U1" in numbers(b2.citations, "examination")


# --- DTD v1.4 -----------------------------------------------------------------------------------------------------


def test_v1_4_a1_recovered() -> None:
    p = recovered("application/v1-4-A1.xml")
    assert (p.number, p.publication_date, p.filing_date, p.priority_date) == (
        "EP2055205A1", "2009-05-06", "2008-10-27", "2007-11-01",
    )  # fmt: skip
    assert p.titles["de"] == "Haarspange" and claim_counts(p) == {"en": 6}
    assert claim(p, 2, "en")[0] == [1]
    assert p.ipc == ["A45D8/20", "A45D8/34"]
    old = recovered("application/v1-4-A1-1.xml")
    assert (old.number, old.publication_date, old.family_members) == ("EP0560858A1", "1993-09-22", ["WO1992010306"])
    assert [c.number for c in old.priority_claims] == ["19900026298", "19910009072"]


def test_v1_4_a2() -> None:
    p = doc("application/v1-4-A2.xml")
    assert (p.number, p.language, p.titles["fr"]) == (
        "EP2136607A2",
        "de",
        "Procédé de fonctionnement d'une lampe manuelle à batterie",
    )
    assert claim_counts(p) == {"de": 15}
    assert claim(p, 15, "de")[0] == [1, 2, 3, 4, 5, 6]
    assert numbers(p.citations, "description") == ["DE9412976U1", "DE2446958B2", "DE9314151U1"]
    assert [i.name for i in p.inventors] == ["Jochen Gräber", "Mattias Diebold", "Roland Frantz"]


def test_v1_4_b1_and_b2() -> None:
    b1 = doc("grant/v1-4-B1.xml")
    assert (b1.number, b1.publication_date, b1.priority_date) == ("EP0449582B1", "2009-10-21", "1990-03-27")
    assert claim_counts(b1) == {"en": 12, "de": 12, "fr": 12} and claim(b1, 9, "en")[0] == [7]
    assert b1.description[0].heading is None and len(b1.description) == 74
    # The reference list spells structured literature out; every part is kept apart.
    npl = [c.text for c in b1.citations if c.phase == "description" and not c.is_patent]
    assert npl == [
        "M. Suzuki et al. An optical-heterodyne alignment technique for quarter-micron x-ray lithography "
        "Journal of Vacuum Science & Technology: Part B 7 6 1971 1976"
    ]
    b2 = doc("grant/v1-4-B2.xml")
    assert [c.number for c in b2.priority_claims] == ["326958 P", "334316 P", "354939 P"]
    assert claim(b2, 3, "de")[0] == [1, 2]  # "nach einem der vorangegangenen Ansprüche"
    assert claim(b2, 3, "en")[0] == [1, 2]  # "according to any preceding claim"
    assert numbers(b2.citations, "examination")[0] == "EP0444678A1"
    assert citation_counts(b2)[("description", "applicant", True)] == 6
    assert b2.ipc == ["C07D498/06", "A61K31/5383", "C07D265/00", "C07D221/00"]


# --- DTD v1.5 -----------------------------------------------------------------------------------------------------


def test_v1_5_a1_and_a2() -> None:
    a1 = doc("application/v1-5-A1.xml")
    assert (a1.number, a1.publication_date, a1.filing_date, a1.priority_date) == (
        "EP3782854A1", "2021-02-24", "2018-10-29", "2018-04-20",
    )  # fmt: skip
    assert claim_counts(a1) == {"en": 12} and claim(a1, 11, "en")[0] == list(range(1, 11))
    assert [a.name for a in a1.applicants] == [
        "BOE TECHNOLOGY GROUP CO., LTD.", "Chengdu BOE Optoelectronics Technology Co., Ltd.",
    ]  # fmt: skip
    assert (a1.description[1].number, a1.description[1].heading) == ("0002", "Field")
    cited = [c for c in a1.citations if c.phase == "description"]
    assert [(c.number, c.date) for c in cited] == [("CN201810358967", "2018-04-20")]
    a2 = doc("application/v1-5-A2.xml")
    assert (a2.number, len(a2.ipc), a2.ipc[0]) == ("EP3814387A2", 21, "C08F8/48")
    assert [c.number for c in a2.priority_claims] == ["201810777", "201810788"]


def test_v1_5_b1_and_b2() -> None:
    b1 = doc("grant/v1-5-B1.xml")
    assert (b1.number, b1.publication_date, b1.filing_date, b1.priority_claims) == (
        "EP3404678B1",
        "2021-06-30",
        "2017-05-17",
        [],
    )
    assert claim_counts(b1) == {"en": 12, "de": 12, "fr": 12} and claim(b1, 10, "en")[0] == [7, 8, 9]
    assert numbers(b1.citations, "examination") == ["EP3109871A1", "FR84247E", "GB693448A", "US20080197955A1"]
    assert numbers(b1.citations, "description") == ["EP3109871A1", "US20080197955A1", "GB693448A"]
    b2 = doc("grant/v1-5-B2.xml")
    assert (b2.number, b2.language, b2.titles["de"]) == ("EP2743087B2", "de", "Druckmaschine mit Verkleidung")
    assert claim_counts(b2) == {"de": 13, "en": 13, "fr": 13}
    assert claim(b2, 7, "de")[0] == [5]
    assert numbers(b2.citations, "examination")[1] == "DE102009041527A1"  # "DE-A1-102009 041 527"


# --- DTD v1.5.1 ---------------------------------------------------------------------------------------------------


def test_v1_5_1_a1_with_cpc() -> None:
    p = doc("application/v1-5-1-A1.xml")
    assert (p.number, p.publication_date, p.filing_date, p.priority_date) == (
        "EP3882239A1", "2021-09-22", "2019-11-14", "2018-11-15",
    )  # fmt: skip
    assert p.titles["de"] == "1,3,4-OXADIAZOLON-VERBINDUNGEN UND MEDIZIN"
    assert claim_counts(p) == {"en": 14} and claim(p, 10, "en")[0] == [9]
    assert claim(p, 1, "en")[1].startswith("A 1,3,4-oxadiazolone compound of the formula [1]:")
    assert p.cpc[:3] == ["C07D271/113", "C07D413/04", "Y02A50/30"]
    assert len(p.ipc) == 14 and p.ipc[0] == "C07D271/113"
    assert [i.name for i in p.inventors][0] == "KAMITANI Hirotaka"  # no comma: as printed
    assert citation_counts(p) == {("description", "applicant", True): 6, ("description", "applicant", False): 102}
    assert len(p.description) == 671 and p.description[-1].number == "0671"


def test_v1_5_1_a1_bibliographic_and_recovered() -> None:
    p = doc("application/v1-5-1-A1-1.xml")
    assert (p.number, p.publication_date, p.priority_claims[0].number) == (
        "EP4090146A1",
        "2022-11-23",
        "202062962762 P",
    )
    assert p.cpc == [
        "B60K17/28", "B60W30/1888", "F16D48/06", "F16D2500/10437", "F16D2300/18", "F16D2500/3026", "B60W10/30",
        "B60W2420/42", "B60W2420/50",
    ]  # fmt: skip
    assert p.ipc == ["A01B71/02", "B60K28/04", "B60K25/06"]
    assert [a.name for a in p.applicants] == ["Zimeno, Inc. DBA Monarch Tractor"]
    assert p.inventors[1].name == "Rama Venkata Surya Kumar VARMA BHUPATIRAJU"
    q = recovered("application/v1-5-1-A1-2.xml")
    assert (q.number, claim_counts(q), len(q.cpc)) == ("EP3889521A1", {"en": 17}, 15)
    assert claim(q, 7, "en")[0] == [6]


def test_v1_5_1_a2() -> None:
    p = doc("application/v1-5-1-A2.xml")
    assert (p.number, p.filing_date, p.priority_date) == ("EP3882354A2", "2018-02-01", "2017-02-03")
    assert claim_counts(p) == {"en": 15} and claim(p, 7, "en")[0] == [6]
    assert p.cpc[:2] == ["C12N9/88", "C12N9/1051"] and p.ipc == ["C12P19/56", "C12N9/10"]
    assert p.inventors[1].name == "Stephanie Sue GALANIE"
    assert citation_counts(p) == {("description", "applicant", True): 141, ("description", "applicant", False): 55}
    assert len(p.description) == 530 and p.description[0].heading is None


def test_v1_5_1_b1() -> None:
    p = doc("grant/v1-5-1-B1.xml")
    assert (p.number, p.publication_date, p.filing_date, p.priority_date) == (
        "EP3383757B1", "2021-07-07", "2016-08-29", "2015-09-25",
    )  # fmt: skip
    assert p.application_number == "16849316.1"
    assert claim_counts(p) == {"en": 8, "de": 8, "fr": 8}
    assert claim(p, 7, "de")[0] == [5] and claim(p, 8, "fr")[0] == [2]
    # B560 lists US-A1- 2007 204 872 twice; it is kept once.
    assert numbers(p.citations, "examination") == [
        "WO2014114885A1", "CN202128028U", "FR2973005A1", "US20070204872A1", "US20120279876A1", "US6382450B1",
    ]  # fmt: skip
    assert all(c.cited_by == "examiner" for c in p.citations if c.phase == "examination")
    assert numbers(p.citations, "description") == ["US20070204872A1", "FR2973005A1"]
    assert p.ipc == ["B65D51/18", "B65D43/02", "B65D51/32", "A45D34/00", "A45D40/00"]
    assert [(i.name, i.country) for i in p.inventors] == [("Christophe JACOB", "FR"), ("Herve BOUIX", "US")]
    assert [(a.name, a.country, a.city) for a in p.assignees] == [("ELC Management LLC", "US", "Melville, NY 11747")]
    assert (p.description[2].number, p.description[2].heading) == ("0003", "Summary")
    assert p.description[2].text.startswith("Related art includes US 2007/204872 A1 which discloses")
    assert p.family_members == ["WO2017053015"]


def test_v1_5_1_b2_german_with_reissue_citation() -> None:
    p = doc("grant/v1-5-1-B2.xml")
    assert (p.number, p.language, p.publication_date) == ("EP2716170B2", "de", "2021-09-22")
    assert [c.lang for c in p.claims][:1] == ["de"] and claim_counts(p) == {"de": 4, "en": 4, "fr": 4}
    assert claim(p, 3, "en")[0] == [2]
    assert numbers(p.citations, "examination")[-1] == "USRE36154E"  # "US-E- R E36 154"
    assert p.cpc == ["A24C5/20"] and p.ipc == ["A24C5/20"]


# --- markup the fixtures do not carry -----------------------------------------------------------------------------

_CODED = b"""<ep-patent-document lang="en" country="EP" doc-number="1234567" kind="A1" date-publ="20200101">
<SDOBI><B100><B110>1234567</B110><B130>A1</B130><B140><date>20200101</date></B140></B100></SDOBI>
<claims lang="en"><claim id="c-en-0001" num="0001"><claim-text>A widget.</claim-text></claim>
<claim id="c-en-0002" num="0002"><claim-text>The widget of <claim-ref idref="c-en-0001">claim 1</claim-ref>.
</claim-text></claim></claims>
<search-report-data><srep-for-pub><srep-citations>
<citation id="sr-cit0001"><patcit id="sr-pcit0001" dnum="US6089831A"><document-id><country>US</country>
<doc-number>6089831</doc-number><kind>A</kind><name>ALT MATHIAS ET AL</name><date>20000718</date></document-id>
</patcit><rel-passage><passage>column 3</passage></rel-passage><category>X</category><category>Y</category>
<rel-claims>1</rel-claims></citation>
<citation id="sr-cit0002"><nplcit id="sr-ncit0001"><text>SMITH: "Widgets", 1999</text></nplcit>
<category>A</category></citation>
</srep-citations></srep-for-pub></search-report-data></ep-patent-document>"""


def test_coded_search_report_and_claim_refs() -> None:
    p = EpoPublicationServer().to_patent(parse_xml(_CODED))
    assert [(c.number, c.depends_on) for c in p.claims] == [(1, []), (2, [1])]
    assert [(c.number, c.name, c.date, c.category, c.cited_by, c.phase) for c in p.citations] == [
        ("US6089831A", "ALT MATHIAS ET AL", "2000-07-18", "X,Y", "examiner", "search-report"),
        (None, None, None, "A", "examiner", "search-report"),
    ]
    assert p.citations[1].text == 'SMITH: "Widgets", 1999'
