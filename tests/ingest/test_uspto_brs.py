"""USPTO CSS BRS tagged text (EAST/WEST exports) on the real six-grant sample, whole and damaged."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from novum.ingest.formats.greenbook import Greenbook
from novum.ingest.formats.uspto_brs import UsptoBrs
from novum.model import Citation, Patent, PriorityClaim
from tests.conftest import fixture
from tests.parsing import parse_file, parse_patents

SAMPLES = "us-patentpublicdata/PatentDocument/resources/samples"
BRS = f"{SAMPLES}/css_brs/css_brs_sample.txt"
GREENBOOK = [f"{SAMPLES}/greenbook/US03932709.greenbook", f"{SAMPLES}/greenbook/US03937375.greenbook"]
STARTS = [1, 700, 1930, 2542, 3281, 4237]  # the summary line ahead of each record's boundary


def _by(patent: Patent) -> Counter[tuple[str, str | None]]:
    return Counter(("npl" if c.text else c.country or "?", c.cited_by) for c in patent.citations)


@pytest.fixture(scope="module")
def patents() -> list[Patent]:
    return parse_patents(fixture(BRS))


def test_the_sample_gives_six_documents_without_errors() -> None:
    documents = parse_file(fixture(BRS))
    assert [d.error for d in documents] == [None] * 6
    assert {d.format for d in documents} == {"uspto-brs"}
    assert [d.position for d in documents] == [f"document {i} (line {n})" for i, n in enumerate(STARTS, start=1)]
    assert documents[0].raw.startswith(b"09204581\tB2\t20151201\t13676098\t43247\nMethod for performing")
    patents = [d.patent for d in documents if d.patent]
    assert [p.number for p in patents] == [f"US920458{i}B2" for i in range(1, 7)]
    assert [len(p.claims) for p in patents] == [20, 20, 18, 17, 20, 16]  # the NCL field of each record
    assert {(p.language, p.doc_type, p.publication_date) for p in patents} == {("en", "utility", "2015-12-01")}


def test_mediatek_grant_with_a_provisional(patents: list[Patent]) -> None:
    p = patents[0]
    assert (p.country, p.doc_number, p.kind) == ("US", "9204581", "B2")
    assert p.titles == {
        "en": "Method for performing chip level electromagnetic interference reduction, and associated apparatus"
    }
    assert (p.publication_date, p.filing_date, p.application_number) == ("2015-12-01", "2012-11-14", "13676098")
    # COND us-provisional-application: the benefit claimed counts as a priority, as in the USPTO XML reader.
    assert p.priority_claims == [PriorityClaim("US", "61559247", "2011-11-14")]
    assert p.priority_date == "2011-11-14"
    assert p.family_members == ["US20130120958A1"]  # PDID, the application's own pre-grant publication
    assert (p.cpc, p.ipc) == (["H05K9/0066"], ["H05K9/00"])
    assert [(a.name, a.country, a.city) for a in p.applicants] == [("MEDIATEK INC.", "TW", "Hsin-Chu")]
    assert [(a.name, a.country, a.city) for a in p.assignees] == [
        ("MEDIATEK INC.", "TW", "Science-Based Industrial Park, Hsin-Chu")
    ]
    assert [(i.name, i.country, i.city) for i in p.inventors] == [
        ("Long-Kun Yu", "TW", "New Taipei"),
        ("Kuo-Liang Deng", "TW", "Miaoli County"),
    ]
    assert (p.abstract() or "").startswith("A method for performing chip level electromagnetic interference (EMI)")
    assert p.claims[0].number == 1 and p.claims[0].depends_on == []
    assert p.claims[0].text.startswith(
        "A method for performing chip level electromagnetic interference (EMI) reduction,"
    )
    assert (p.claims[4].number, p.claims[4].depends_on) == (5, [4])
    assert (p.claims[11].number, p.claims[11].depends_on) == (12, [11])
    assert p.claims[10].text.startswith("An apparatus for performing") and p.claims[10].depends_on == []
    assert p.claims[-1].text.endswith(
        "whereby radiation of at least one signal path outside the at least one chip is reduced."
    )
    # Six US publications by the examiner, five foreign patents and one search report by the applicant.
    assert _by(p) == Counter(
        {
            ("US", "examiner"): 6,
            ("CN", "applicant"): 3,
            ("CN", "examiner"): 1,
            ("JP", "applicant"): 1,
            ("npl", "applicant"): 1,
        }
    )
    assert p.citations[0] == Citation(
        number="US20030169838A1", country="US", doc_number="20030169838", kind="A1", date="2003-09-01",
        name="Greenstreet et al.", cited_by="examiner", phase="examination",
    )  # fmt: skip
    assert p.citations[6].number == "CN1402605A" and p.citations[6].cited_by == "examiner"
    # FRGP prints no kind; "201045940" is JP 2010-045940, its serial padded to six digits like every JP year number
    assert p.citations[10].number == "JP2010045940" and p.citations[10].kind is None
    assert p.citations[-1].text == (
        '"International Search Report" mailed on Feb. 28, 2013 for International application No. '
        "PCT/CN2012/084589, International filing date:Nov. 14, 2012."
    )
    assert len(p.description) == 45
    first = p.description[0]
    assert (first.heading, first.number) == ("CROSS REFERENCE TO RELATED APPLICATIONS", None)
    assert first.text.startswith("This application claims the benefit of U.S. Provisional Application No. 61/559,247")
    assert p.description[1].heading == "BACKGROUND"  # a new section does not inherit the last heading
    assert p.description[1].text.startswith("The present invention relates to electromagnetic interference (EMI)")
    assert [d.heading for d in p.description].count("BRIEF DESCRIPTION OF THE DRAWINGS") == 15


def test_boeing_divisional_with_npl(patents: list[Patent]) -> None:
    p = patents[1]
    assert (p.number, p.titles["en"]) == ("US9204582B2", "Electronic device protection")
    assert (p.publication_date, p.filing_date, p.application_number) == ("2015-12-01", "2014-12-19", "14577134")
    assert p.priority_claims == [] and p.priority_date is None  # division and CIP parents are no priority claims
    assert p.cpc == ["H05K9/0086", "H01Q15/006", "H01Q15/0013"]
    assert p.ipc == ["H05K9/00", "H01Q15/00"]
    assert [(i.name, i.country, i.city) for i in p.inventors] == [("Tai A. Lam", "US", "Kent")]
    assert [(a.name, a.country, a.city) for a in p.assignees] == [("The Boeing Company", "US", "Chicago")]
    assert p.claims[0].text.startswith("A method, comprising: permitting a first signal having a first")
    assert (p.claims[3].number, p.claims[3].depends_on) == (4, [3])
    assert len(p.citations) == 38
    assert _by(p) == Counter(
        {
            ("US", "applicant"): 23,
            ("US", "examiner"): 4,
            ("DE", "applicant"): 1,
            ("EP", "applicant"): 1,
            ("npl", "applicant"): 9,
        }
    )
    assert [c.number for c in p.citations if c.cited_by == "examiner"] == [
        "US20020058490A1", "US20060214885A1", "US20080198100A1", "US20080238822A1",
    ]  # fmt: skip
    assert [c.number for c in p.citations if c.country in ("DE", "EP")] == ["DE69219993T2", "EP1137102A2"]
    assert (p.citations[-1].text or "").startswith('Yang, Z. et al., "Oxide Electronics Utilizing Ultrafast')
    assert (p.citations[-1].text or "").endswith("pp. 337-369.")
    assert len(p.description) == 80
    assert (p.description[0].heading, p.description[1].heading) == ("CLAIM OF PRIORITY", "FIELD OF THE DISCLOSURE")


def test_fuji_foreign_priority_and_japanese_references(patents: list[Patent]) -> None:
    p = patents[5]
    assert (p.number, p.titles["en"]) == ("US9204586B2", "Electronic-circuit assembling process")
    assert (p.publication_date, p.filing_date) == ("2015-12-01", "2011-06-07")
    assert p.priority_claims == [PriorityClaim("JP", "2010-133232", "2010-06-10")]
    assert p.priority_date == "2010-06-10"
    assert p.cpc == ["H05K13/0452", "H05K13/08", "Y10T29/49124"]
    assert p.ipc == ["H05K13/04", "H05K13/08"]
    assert [(a.name, a.country, a.city) for a in p.assignees] == [("FUJI MACHINE MFG. CO., LTD.", "JP", "Chiryu")]
    assert [i.name for i in p.inventors] == ["Daisuke Kato", "Hiroyuki Haneda"]
    assert [a.name for a in p.applicants] == ["Daisuke Kato", "Hiroyuki Haneda"]
    assert len(p.claims) == 16
    assert p.claims[0].text.startswith("An electronic-circuit assembling process for assembling an electronic circuit")
    assert (p.claims[11].number, p.claims[11].depends_on) == (12, [9])
    assert _by(p) == Counter(
        {("US", "examiner"): 4, ("CN", "applicant"): 1, ("JP", "applicant"): 10, ("JP", "examiner"): 1,
         ("WO", "examiner"): 1, ("WO", "applicant"): 1, ("npl", "applicant"): 3}
    )  # fmt: skip
    foreign = {c.doc_number: c for c in p.citations if c.country in ("JP", "WO")}
    # "A-2003-283199" puts the kind first; an era-year number ("A-6-143669", Heisei 6) is kept as printed.
    assert foreign["2003283199"].number == "JP2003283199A"
    assert (foreign["A-6-143669"].number, foreign["A-6-143669"].kind) == (None, None)
    # FRPN "WO 2009/087872" under FRCO "WO" and FRPN "2009087872" name the same publication.
    assert [c.number for c in p.citations if c.country == "WO"] == ["WO2009087872A1", "WO2009087872A1"]
    assert len(p.description) == 243
    assert p.description[0].heading == "CROSS REFERENCE TO RELATED APPLICATION"


def test_a_damaged_record_is_quarantined_where_it_stands(tmp_path: Path) -> None:
    lines = fixture(BRS).read_bytes().splitlines(keepends=True)
    third = slice(STARTS[2] - 1, STARTS[3] - 1)
    removed = {b"WKU 09204583\n", b"DWKU 9204583\n", b"DID US 9204583 B2\n"}
    damaged = [line for line in lines[third] if line not in removed]
    assert len(damaged) == len(lines[third]) - 3
    path = tmp_path / "brs_damaged.txt"
    path.write_bytes(b"".join([*lines[: third.start], *damaged, *lines[third.stop :]]))
    documents = parse_file(path)
    assert len(documents) == 6
    broken = documents[2]
    assert (broken.position, broken.patent) == ("document 3 (line 1930)", None)
    assert broken.error == "uspto-brs: no publication number"
    assert broken.raw == b"".join(damaged)
    assert [d.patent.number for d in documents if d.patent] == [
        "US9204581B2", "US9204582B2", "US9204584B2", "US9204585B2", "US9204586B2",
    ]  # fmt: skip
    assert documents[3].position == f"document 4 (line {STARTS[3] - 3})"


def test_records_without_summary_lines_split_on_the_boundary(tmp_path: Path) -> None:
    lines = fixture(BRS).read_bytes().splitlines(keepends=True)
    heads = {n - 1 for n in STARTS} | {n for n in STARTS}  # 0-based summary and title lines
    path = tmp_path / "brs_bare.txt"
    path.write_bytes(b"".join(line for i, line in enumerate(lines) if i not in heads))
    documents = parse_file(path)
    assert [d.error for d in documents] == [None] * 6
    assert [d.position for d in documents][:2] == ["document 1 (line 1)", "document 2 (line 698)"]
    assert [d.patent.number for d in documents if d.patent][-1] == "US9204586B2"


def test_sniffers_keep_brs_and_greenbook_apart() -> None:
    brs = UsptoBrs()
    head = fixture(BRS).read_bytes()[:65536]
    assert brs.sniff(head, "css_brs_sample.txt")
    assert not Greenbook().sniff(head, "css_brs_sample.txt")
    for name in GREENBOOK:
        assert not brs.sniff(fixture(name).read_bytes()[:65536], Path(name).name)
    xml = fixture(f"{SAMPLES}/xml2014/US08926509.xml")
    assert not brs.sniff(xml.read_bytes()[:65536], xml.name)
    assert not brs.sniff(b"*** BRS DOCUMENT BOUNDARY ***\nsome free text\n", "notes.txt")
