"""WIPO ST.96 V6_0 PatentPublication on WIPO's own example instance (a USPTO grant, US 8,936,998 B2).

The same folder holds ST.96 trademark, design and geographical-indication examples: they are not patents and must
reach the quarantine as "unknown document type".
"""

from __future__ import annotations

from collections import Counter

import pytest

from novum.ingest.formats.wipo_st96 import St96PatentPublication
from novum.ingest.xml import parse_xml
from novum.model import Citation, Party, Patent, PriorityClaim
from tests.conftest import fixture
from tests.parsing import parse_file, parse_single

EXAMPLES = "cn-jp-wipo/data/03-96-vii-example-instances"


@pytest.fixture(scope="module")
def doc() -> Patent:
    return parse_single(fixture(f"{EXAMPLES}/PatentPublication_Example.xml"))


def test_patent_publication_parses() -> None:
    (document,) = parse_file(fixture(f"{EXAMPLES}/PatentPublication_Example.xml"))
    assert document.error is None and document.format == "wipo-st96"


@pytest.mark.parametrize(
    ("name", "root"),
    [
        ("DesignApplication_Example.xml", "DesignApplication"),
        ("GIApplication_Example.xml", "GIApplication"),
        ("TrademarkApplication_Example.xml", "TrademarkApplication"),
    ],
)
def test_non_patent_instances_stay_unrecognised(name: str, root: str) -> None:
    (document,) = parse_file(fixture(f"{EXAMPLES}/{name}"))
    assert document.patent is None
    assert document.error == f"unknown document type: root element <{root}>"


def test_bibliographic_data(doc: Patent) -> None:
    assert (doc.number, doc.country, doc.doc_number, doc.kind) == ("US8936998B2", "US", "8936998", "B2")
    assert (doc.publication_date, doc.filing_date, doc.priority_date) == ("2015-01-20", "2013-03-12", "2007-11-08")
    assert doc.application_number == "13797521"
    assert doc.priority_claims == [PriorityClaim("JP", "2007-290922", "2007-11-08")]
    assert (doc.language, doc.doc_type, doc.family_id) == ("en", "utility", None)
    assert doc.titles == {"en": "Manufcaturing method for room-temperature substrate bonding"}  # sic
    assert doc.abstracts["en"].startswith("A device is provided with: a first substrate mainly containing silicon")
    assert doc.abstracts["en"].endswith("different from the main component of the second substrate.")


def test_classifications(doc: Patent) -> None:
    assert doc.ipc == ["H01L21/30", "H01L21/302", "H01L21/324", "H01L21/20", "H01L23/00", "H01L31/0203"]
    assert len(doc.cpc) == 26
    assert doc.cpc[:5] == ["H01L21/2007", "H01L24/28", "H01L24/31", "H01L24/83", "H01L24/75"]
    assert doc.cpc[-2:] == ["H01L2924/3512", "H01L2924/00"]  # the combination set's two symbols
    # Field-of-search symbols ("B81C 2203/0109") and US national classes (438/455) are not the document's classes.
    assert "B81C2203/0109" not in doc.cpc and not any(s.startswith("438") for s in doc.cpc)


def test_parties(doc: Patent) -> None:
    people = ["Jun Utsumi", "Takayuki Goto", "Kensuke Ide", "Hideki Takagi", "Masahiro Funayama"]
    assert [p.name for p in doc.inventors] == people
    assert [p.name for p in doc.applicants] == people
    assert doc.assignees == [
        Party("Mitsubishi Heavy Industries, Ltd."),
        Party("National Institute of Advanced Industrial Science and Technology"),
    ]
    # Examiners and the attorney are not applicants, assignees or inventors.
    assert not any("Jackson" in p.name or "Birch" in p.name for p in doc.applicants + doc.assignees + doc.inventors)


def test_citations(doc: Patent) -> None:
    assert len(doc.citations) == 30
    assert Counter((c.is_patent, c.cited_by) for c in doc.citations) == {
        (True, "applicant"): 15, (True, "examiner"): 2, (False, "applicant"): 10, (False, "examiner"): 3,
    }  # fmt: skip
    assert doc.citations[0] == Citation(
        number="US6054363A", country="US", doc_number="6054363", kind="A", date="2000-04-01",
        name="Sakaguchi et al.", cited_by="applicant",
    )  # fmt: skip
    assert doc.citations[4].number == "US20040235266A1" and doc.citations[4].cited_by == "examiner"
    jp = [c.number for c in doc.citations if c.country == "JP"]
    assert jp[:4] == ["JP63101085A", "JP6166550A", "JP10200079A", "JP2000056265A"]  # "2000-56265" padded
    assert len(jp) == 10
    npl = [c for c in doc.citations if c.text]
    assert npl[0].text == "Gary S. May, Fundamantals of Semiconductor Fabrication,2004, John Wiley and Sons, pp. 41-45."
    assert (npl[3].text or "").startswith("C. Tudryn, \u201cCharacterization of Anodic Bonding\u201d")
    assert all(c.category is None and c.phase is None for c in doc.citations)  # the example gives neither


def test_claims(doc: Patent) -> None:
    assert len(doc.claims) == 10
    assert doc.claims[0].text.startswith("A device manufacture method, comprising: sputtering a first surface")
    assert not doc.claims[0].text.startswith("1.")
    assert "silicon dioxide; and preparing a bonded substrate" in doc.claims[0].text  # nested ClaimText joined
    assert {c.number: c.depends_on for c in doc.claims} == {
        1: [], 2: [1], 3: [2], 4: [3], 5: [2], 6: [1], 7: [6], 8: [], 9: [], 10: [9],
    }  # fmt: skip
    assert [c.number for c in doc.claims if c.independent] == [1, 8, 9]
    assert {c.lang for c in doc.claims} == {"en"}


def test_description(doc: Patent) -> None:
    assert len(doc.description) == 70
    first = doc.description[0]
    assert (first.number, first.heading) == ("0001", None)
    assert first.text.startswith("This application is a Divisional of co-pending U.S. patent application Ser. No.")
    assert "Ser. No. 12/741,916 filed on Jul. 13, 2010" in first.text
    assert (doc.description[1].number, doc.description[1].heading) == ("0002", "TECHNICAL FIELD")
    p21 = doc.description[20]
    assert (p21.number, p21.heading) == ("0021", "DISCLOSURE OF INVENTION")
    assert p21.text.startswith("Examples of preferred material of the bonding functional intermediate layer include")
    assert doc.description[28].heading == "BRIEF DESCRIPTION OF DRAWINGS"
    assert doc.description[28].text.startswith("FIG. 1 is a cross-sectional view")
    assert doc.description[-1].number == "0070"
    assert doc.description[-1].heading == "BEST MODE FOR CARRYING OUT THE INVENTION"
    assert "SiO2" in doc.description[-1].text  # <Sub>2</Sub> stays inside the word


def test_accepts_only_st96_patent_publications() -> None:
    reader = St96PatentPublication()
    assert not reader.accepts(parse_xml(b"<PatentPublication xmlns='urn:other'><x/></PatentPublication>"))
    assert not reader.accepts(parse_xml(b"<TrademarkApplication/>"))
    bare = parse_xml(
        b"<pat:PatentPublication xmlns:pat='http://www.wipo.int/standards/XMLSchema/ST96/Patent'>"
        b"<pat:BibliographicData/></pat:PatentPublication>"
    )
    assert reader.accepts(bare)
    with pytest.raises(ValueError, match="no publication number"):
        reader.to_patent(bare)
