"""PatSnap XML export on the 2,244-record evaluation corpus, read in place from ../shared (never copied here)."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

from novum.ingest.formats.patsnap import PatsnapFormat
from novum.ingest.reader import read_stream
from novum.ingest.xml import parse_xml
from novum.model import Citation, Party, Patent, PriorityClaim
from tests.conftest import shared
from tests.parsing import parse_file, parse_single

CORPUS = "bench/patsnap/patsnap-corpus"


def corpus_files() -> list[Path]:
    return sorted(shared(CORPUS).glob("*.xml"))


def record(name: str) -> Patent:
    return parse_single(shared(f"{CORPUS}/{name}"))


@pytest.fixture(scope="module")
def corpus() -> dict[str, Patent]:
    out: dict[str, Patent] = {}
    errors: list[str] = []
    for path in corpus_files():
        documents = parse_file(path)
        assert len(documents) == 1, path.name
        if documents[0].error or documents[0].patent is None:
            errors.append(f"{path.name}: {documents[0].error}")
            continue
        assert documents[0].format == "patsnap"
        out[path.name] = documents[0].patent
    assert not errors, errors[:20]
    return out


def test_every_record_parses(corpus: dict[str, Patent]) -> None:
    assert len(corpus) == 2244
    assert Counter(p.country for p in corpus.values()) == {"US": 2051, "EP": 97, "WO": 95, "GB": 1}
    years = sorted(p.publication_date[:4] for p in corpus.values() if p.publication_date)
    assert len(years) == 2244 and (years[0], years[-1]) == ("1971", "2013")


def test_corpus_totals(corpus: dict[str, Patent]) -> None:
    patents = list(corpus.values())
    assert sum(bool(p.abstracts) for p in patents) == 2233
    assert sum(bool(p.ipc) for p in patents) == 2230
    assert sum(1 for p in patents if p.kind) == 1679  # 565 US grants carry no kind code in the export
    assert not any(p.cpc for p in patents)  # UPC is not CPC
    assert not any(p.family_id for p in patents)
    assert sum(1 for p in patents for c in p.citations if c.is_patent) == 52645
    assert sum(1 for p in patents for c in p.citations if c.text) == 12172
    assert sum(1 for p in patents for c in p.citations if c.cited_by == "examiner") == 568
    assert sum(1 for p in patents for c in p.citations if c.cited_by == "applicant") == 28
    assert Counter(p.doc_type for p in patents) == {"utility": 2040, None: 193, "reissue": 11}


def test_file_names_match_content(corpus: dict[str, Patent]) -> None:
    for name, patent in corpus.items():
        stem = name.removesuffix(".xml")
        assert patent.number.startswith(stem.replace("USR", "USRE")), name


def test_first_record_ep0049154b2() -> None:
    p = record("EP0049154B2.xml")
    assert (p.number, p.country, p.doc_number, p.kind) == ("EP0049154B2", "EP", "0049154", "B2")
    assert p.application_number == "EP1981304493"
    assert (p.filing_date, p.publication_date, p.priority_date) == ("1981-09-29", "1995-02-15", "1980-11-04")
    assert p.priority_claims == [PriorityClaim("US", "203834", "1980-11-04")]
    assert p.titles == {"en": "In place gas cleaning of diffusion elements"}
    assert p.abstracts == {}
    assert p.ipc == ["B08B5/00", "C02F3/20"]
    assert p.assignees == [Party("WATER POLLUTION CONTROL CORPORATION", "US")]  # "[IID: ...], address" split off
    assert [i.name for i in p.inventors] == ["FRANK L. SCHMIT", "DAVID T. REDMON", "LLOYD EWING"]
    patents = [c for c in p.citations if c.is_patent]
    npl = [c for c in p.citations if not c.is_patent]
    assert patents == [Citation(number="EP0047956A", country="EP", doc_number="0047956", kind="A")]
    assert len(npl) == 24 and all(c.cited_by is None for c in npl)
    assert npl[0].text == "Houck, Survey for ASCE/EPA p. 27 March 1988"
    assert npl[6].text == 'Franklin "Purging diffuser plates with chlorine", Water Works & Sewerage, June 1939'
    assert p.family_members == [
        "CA1172780A1", "AU7576481A", "EP0049154B1", "EP0049154A1", "AU546921B2", "DE3176257D1", "US4382867",
        "DK429081A",
    ]  # fmt: skip
    assert p.family_id is None and p.doc_type is None


def test_middle_record_us7598074() -> None:
    p = record("US7598074.xml")
    assert (p.number, p.kind, p.doc_type) == ("US7598074B2", "B2", "utility")
    assert p.application_number == "US10804746"
    assert (p.filing_date, p.publication_date, p.priority_date) == ("2004-03-19", "2009-10-06", "2003-03-20")
    assert p.priority_claims == [PriorityClaim("JP", "2003077565", "2003-03-20")]
    assert p.titles["en"].startswith("System and method for cleaning contaminated matter comprising dioxins")
    assert p.abstracts["en"].startswith("A reaction tank (5) holds crushed cells comprising a pellicle")
    assert p.ipc == ["A62D3/00", "C02F3/34", "A62D3/02", "B09C1/10", "B09B3/00"]
    assert p.cpc == []
    assert p.assignees == [
        Party("TAKASAGO THERMAL ENGINEERING CO., LTD.", "JP", "TOKYO"),
        Party("ENGINEERING ADVANCEMENT ASSOCIATION OF JAPAN", "JP", "Tokyo"),
    ]
    assert p.inventors[0] == Party("SADAYORI HOSHINA", "JP", "Tokyo")
    assert [i.city for i in p.inventors] == ["Tokyo", "Ebina", "Toride", "Sagamihara"]
    patents = [c.number for c in p.citations if c.is_patent]
    assert len(patents) == 16
    assert patents[:3] == ["US5563066", "US6723242", "US6190903"] and patents[-1] == "JP2002172364"
    npl = [c for c in p.citations if c.text]
    assert len(npl) == 4 and all(c.cited_by is None for c in npl)  # "cited by other" names nobody
    assert (npl[0].text or "").endswith("Appl. No. 2004-08553 with English translation")
    assert p.family_members == ["US20050208642A1"]  # the record's own US7598074 is left out


def test_last_record_wo2012167924a1() -> None:
    p = record("WO2012167924A1.xml")
    assert (p.number, p.kind, p.application_number) == ("WO2012167924A1", "A1", "PCT/EP2012/002408")
    assert (p.filing_date, p.publication_date, p.priority_date) == ("2012-06-06", "2012-12-13", "2011-06-07")
    assert p.priority_claims == [PriorityClaim("EP", "11305701.2", "2011-06-07")]
    assert p.titles == {"en": "A PERSONAL INFORMATION DISPLAY SYSTEM AND ASSOCIATED METHOD"}
    assert p.abstracts["en"].startswith("A system for identification and/or authentication of a user")
    assert p.ipc == ["G06F3/48"]
    assert p.assignees == [Party("AMADEUS S.A.S.", "FR")]
    assert p.inventors == [
        Party("BENJAMIN BEZINE", "FR"), Party("BENJAMIN RUFFIER", "FR"), Party("RICHARD SAVORNIN", "FR"),
        Party("INGOLF-TOBIAS ROTHE", "DE"),
    ]  # fmt: skip
    assert p.citations == [] and p.family_members == []


def test_cited_by_is_not_a_citation() -> None:
    p = record("US7794607.xml")  # "Cited By": US7922933 | US7976725 | US7927508 | US7927509
    numbers = {c.number for c in p.citations}
    assert not numbers & {"US7922933", "US7976725", "US7927508", "US7927509"}


def test_reissue_number_and_npl_markers() -> None:
    p = record("USR34586.xml")
    assert (p.number, p.doc_number, p.kind, p.doc_type) == ("USRE34586E", "RE34586", "E", "reissue")
    assert p.priority_claims == [PriorityClaim("GB", "8710685", "1987-05-06")]
    q = record("US7837874.xml")  # no kind code in the export: none is invented
    assert (q.number, q.kind) == ("US7837874", None)
    npl = [c for c in q.citations if c.text]
    assert [c.cited_by for c in npl] == [None, None, "examiner"]
    assert npl[0].text == (
        "International Search Report, Aug. 4, 2006, for International Application No. PCT/JP2006/309510"
    )
    # only the trailing marker counts: "(foreign language copy cited by applicant on IDS). cited by examiner ."
    assert (npl[2].text or "").endswith("(foreign language copy cited by applicant on IDS)")


def test_bilingual_title_and_joined_assignees() -> None:
    p = record("EP0813450A1.xml")
    assert p.titles == {"en": "DISPERSION WATER NOZZLE", "zh": "分散水喷嘴"}
    q = record("US7384558.xml")  # "BAXTER INTERNATIONAL INC. (DEERFIELD, IL), BAXTER HEALTHCARE S.A." / "Zurich, CH"
    assert q.assignees == [
        Party("BAXTER INTERNATIONAL INC.", None, "DEERFIELD"),
        Party("BAXTER HEALTHCARE S.A.", "CH", "Zurich"),
    ]


def test_people_among_wo_applicants_are_reordered() -> None:
    p = record("WO2007028984A1.xml")  # no inventor field: the applicants list holds the people
    assert [a.name for a in p.assignees] == ["UNIVERSITY OF DUNDEE", "PAUL A. CAMPBELL", "PAUL A. PRENTICE"]
    assert {a.country for a in p.assignees} == {"GB"}


def test_priority_dates_that_are_not_dates_stay_empty() -> None:
    p = record("US7997232.xml")  # the export prints "0200-11-28"
    assert p.priority_claims == [PriorityClaim("TW", "96145251A", None)] and p.priority_date is None


@pytest.mark.parametrize(
    "xml",
    [
        b"<doc><str name='title'>Solr record</str><int name='id'>1</int></doc>",  # a Solr doc, not PatSnap's
        b"<doc><field name='Patent Number'>US1</field></doc>",  # Lucene/other <doc> layouts
        b"<doc><str>US1</str></doc>",
        b"<doc xmlns='urn:other'><str name='Patent Number'>US1</str></doc>",
        b"<doc>text</doc>",
    ],
)
def test_other_doc_roots_are_not_claimed(xml: bytes) -> None:
    assert not PatsnapFormat().accepts(parse_xml(xml))
    (document,) = read_stream(io.BytesIO(b'<?xml version="1.0"?>\n' + xml), "other.xml")
    assert document.error and "unknown document type" in document.error


def test_record_without_number_is_refused() -> None:
    root = parse_xml(b"<doc><str name='Document Types'>US | USB</str><str name='Title'>x</str></doc>")
    assert PatsnapFormat().accepts(root)
    with pytest.raises(ValueError, match="no publication number"):
        PatsnapFormat().to_patent(root)
