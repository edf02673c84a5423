"""The WIPO ST.36 example folder: which reader takes each file, and the generic xx-patent-document reader."""

from __future__ import annotations

import pytest

from novum.ingest.formats.cnipa_new import CnipaNewFormat
from novum.ingest.formats.cnipa_old import CnipaOldFormat
from novum.ingest.formats.jpo import JpoFormat
from novum.ingest.formats.wipo_st36 import WipoSt36Format
from novum.ingest.registry import xml_formats
from novum.ingest.xml import parse_xml
from novum.ingest.xmlstream import parse_one
from novum.model import PriorityClaim
from tests.conftest import fixture
from tests.parsing import parse_file

BASE = "cn-jp-wipo/data/st36_wipo_examples"
MINE = (WipoSt36Format(), CnipaOldFormat(), CnipaNewFormat(), JpoFormat())


@pytest.mark.parametrize(
    ("name", "reader"),
    [
        ("cn_old/200880114428_A.xml", "cnipa-old"),
        ("cn_new/CN102015000481495CN00001152124630AFULZH20221021CN00D.XML", "cnipa-new"),
        ("jp_old/2021193879.xml", "jpo"),
    ],
)
def test_office_examples_go_to_their_office_reader(name: str, reader: str) -> None:
    documents = parse_file(fixture(f"{BASE}/{name}"))
    assert [(d.format, d.error) for d in documents] == [(reader, None)]


@pytest.mark.parametrize("name", ["st36aexample/DOC00001.xml", "st36bexample/DOC00001.xml"])
def test_ep_examples_are_left_to_the_epo_reader(name: str) -> None:
    path = fixture(f"{BASE}/{name}")
    root = parse_xml(path.read_bytes())
    assert not any(reader.accepts(root) for reader in MINE)  # ep-patent-document: EPO's SDOBI layout
    documents = parse_file(path)
    assert documents[0].format == "epo-publication-server"
    assert documents[0].error is None and documents[0].patent is not None
    assert documents[0].patent.country == "EP"


@pytest.mark.parametrize("name", ["st36aexample/toc.xml", "st36bexample/toc.xml"])
def test_tables_of_contents_are_unknown_documents(name: str) -> None:
    documents = parse_file(fixture(f"{BASE}/{name}"))
    assert len(documents) == 1
    assert documents[0].patent is None
    assert documents[0].error == "unknown document type: root element <Application-body>"


@pytest.mark.parametrize(
    ("root", "accepted"),
    [
        ("patent-document", True),
        ("wo-patent-document", True),
        ("kr-patent-document", True),
        ("cn-patent-document", False),
        ("ep-patent-document", False),
        ("us-patent-grant", False),
        ("Application-body", False),
    ],
)
def test_generic_reader_roots(root: str, accepted: bool) -> None:
    assert WipoSt36Format().accepts(parse_xml(f"<{root}/>".encode())) is accepted


# A pamphlet shaped after the ST.36 model DTD (no real WO pamphlet is among the fixtures).
PAMPHLET = """<?xml version="1.0" encoding="UTF-8"?>
<wo-patent-document lang="en" country="WO" doc-number="2019135546" kind="A1" date-publ="20190711">
  <bibliographic-data lang="en">
    <publication-reference><document-id><country>WO</country><doc-number>2019135546</doc-number>
      <kind>A1</kind><date>20190711</date></document-id></publication-reference>
    <application-reference><document-id><country>KR</country><doc-number>PCT/KR2018/016728</doc-number>
      <date>20181227</date></document-id></application-reference>
    <priority-claims>
      <priority-claim sequence="2"><country>KR</country><doc-number>10-2018-0000831</doc-number>
        <date>20180104</date></priority-claim>
      <priority-claim sequence="1"><country>KR</country><doc-number>10-2018-0000830</doc-number>
        <date>20180103</date></priority-claim>
    </priority-claims>
    <classifications-ipcr><classification-ipcr><text>G01F  17/00  (2006.01)</text></classification-ipcr>
      <classification-ipcr><section>A</section><class>61</class><subclass>B</subclass>
        <main-group>5</main-group><subgroup>107</subgroup></classification-ipcr></classifications-ipcr>
    <invention-title lang="en">Detachable volume measuring device</invention-title>
    <invention-title lang="fr">Dispositif amovible de mesure de volume</invention-title>
    <parties>
      <applicants><applicant sequence="1"><addressbook><orgname>CG Bio Co., Ltd.</orgname>
        <address><city>Seongnam-si</city><country>KR</country></address></addressbook></applicant></applicants>
      <inventors><inventor sequence="1"><addressbook><first-name>Inho</first-name><last-name>Kim</last-name>
        <address><country>KR</country></address></addressbook></inventor></inventors>
    </parties>
    <references-cited>
      <citation><patcit num="1"><document-id><country>US</country><doc-number>2015/0005123</doc-number>
        <kind>A1</kind></document-id></patcit><category>X</category><category>Y</category></citation>
      <citation><nplcit num="2"><text>Smith, Breast volume, 2010</text></nplcit><category>A</category></citation>
    </references-cited>
  </bibliographic-data>
  <abstract lang="en"><p num="0000">A volume measuring device is provided.</p></abstract>
  <description lang="en">
    <heading>Technical Field</heading>
    <p num="0001">The present invention relates to a tissue expander.</p>
    <heading>Background Art</heading>
    <p num="0002">Breast augmentation is common.</p>
  </description>
  <claims lang="en">
    <claim id="c-en-0001" num="0001"><claim-text>1. A volume measuring device comprising a housing.</claim-text></claim>
    <claim id="c-en-0002" num="0002"><claim-text>2. The device of <claim-ref idref="c-en-0001">claim 1</claim-ref>,
      wherein the housing is detachable.</claim-text></claim>
  </claims>
</wo-patent-document>
"""


def test_generic_st36_pamphlet() -> None:
    document = parse_one(PAMPHLET.encode(), "document 1", list(xml_formats()))
    assert document.error is None and document.format == "wipo-st36"
    p = document.patent
    assert p is not None
    assert p.number == "WO2019135546A1"
    assert (p.publication_date, p.filing_date, p.application_number) == (
        "2019-07-11",
        "2018-12-27",
        "PCT/KR2018/016728",
    )
    assert p.priority_claims[1] == PriorityClaim("KR", "10-2018-0000830", "2018-01-03")
    assert p.priority_date == "2018-01-03"
    assert p.titles == {"en": "Detachable volume measuring device", "fr": "Dispositif amovible de mesure de volume"}
    assert p.abstracts == {"en": "A volume measuring device is provided."}
    assert p.ipc == ["G01F17/00", "A61B5/107"]
    assert [(a.name, a.country, a.city) for a in p.applicants] == [("CG Bio Co., Ltd.", "KR", "Seongnam-si")]
    assert [i.name for i in p.inventors] == ["Inho Kim"]
    assert [(c.number, c.text) for c in p.claims] == [
        (1, "A volume measuring device comprising a housing."),
        (2, "The device of claim 1, wherein the housing is detachable."),
    ]
    assert p.claims[1].depends_on == [1]
    assert [(d.number, d.heading) for d in p.description] == [("0001", "Technical Field"), ("0002", "Background Art")]
    patent, npl = p.citations
    assert (patent.number, patent.category, patent.phase) == ("US20150005123A1", "X,Y", "search-report")
    assert (npl.text, npl.category, npl.is_patent) == ("Smith, Breast volume, 2010", "A", False)
    assert p.language == "en"
