"""The EPO "full-text data for text analytics" TSV layout, on the three publications of parseEPO's sample file."""

from __future__ import annotations

import io

from novum.ingest.formats.ep_fulltext import EpFullTextTsv
from novum.ingest.reader import read_stream
from tests.conftest import fixture
from tests.parsing import parse_file, parse_patents

SAMPLE = "ep-fulltext-tsv/sampleEP0600000.txt"


def test_sample_file_parses_into_three_publications() -> None:
    documents = parse_file(fixture(SAMPLE))
    assert [(d.position, d.format, d.error) for d in documents] == [
        ("lines 1-7", "ep-fulltext-tsv", None),
        ("lines 8-14", "ep-fulltext-tsv", None),
        ("lines 15-21", "ep-fulltext-tsv", None),
    ]
    assert [d.patent.number for d in documents if d.patent] == ["EP0600083A1", "EP0600102A1", "EP0600103A1"]
    assert documents[0].raw.count(b"\n") == 7  # the rows of one publication are its raw record


def test_english_publication() -> None:
    p = parse_patents(fixture(SAMPLE))[0]
    assert (p.country, p.doc_number, p.kind, p.publication_date) == ("EP", "0600083", "A1", "1994-06-08")
    assert (p.language, p.doc_type) == ("en", "utility")
    assert p.titles == {
        "de": "VORRICHTUNG ZUM FÖRDERN UND ORIENTIEREN VON PAPIERBOGEN",
        "en": "DEVICE FOR CONVEYING AND ARRANGING PAPER SHEET",
        "fr": "DISPOSITIF D'ACHEMINEMENT ET DE POSITIONNEMENT DE FEUILLES DE PAPIER",
    }
    assert list(p.abstracts) == ["en"]
    assert p.abstracts["en"].startswith(
        "A device for conveying and arranging paper sheets provided with a low-friction"
    )
    assert p.abstracts["en"].endswith("is turned to extend longer-than-it-is-wide with a minimum rotation.")
    # One claim whose parts are separated by <br/>: the words on either side must not run together.
    assert [(c.number, c.lang, c.depends_on) for c in p.claims] == [(1, "en", [])]
    assert "advancing direction; and a spiral contact having" in p.claims[0].text
    assert len(p.description) == 36
    assert (p.description[0].number, p.description[0].heading) == ("0001", "Field of Technology")
    assert p.description[0].text.startswith("This invention relates to a paper sheet conveying and arranging apparatus")
    assert (p.description[1].number, p.description[1].heading) == ("0002", "Background Technology")
    assert (p.description[-1].number, p.description[-1].heading) == ("0036", "Preferred Embodiment of the Invention")
    # Nothing the TSV layout does not carry is invented.
    assert p.filing_date is None and p.application_number is None and p.priority_claims == []
    assert p.ipc == [] and p.cpc == [] and p.applicants == [] and p.inventors == [] and p.citations == []


def test_german_publications_and_claim_dependencies() -> None:
    _, second, third = parse_patents(fixture(SAMPLE))
    assert (second.number, second.language) == ("EP0600102A1", "de")
    assert second.titles["en"].startswith("Fitting for tiltable and into a parallel plane movable")
    assert list(second.abstracts) == ["de"]
    assert [c.depends_on for c in second.claims] == [[], [1], [1, 2], [1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5]]
    assert second.claims[1].text.startswith("Beschlag nach Anspruch 1, dadurch gekennzeichnet")
    assert len(second.description) == 18 and second.description[0].heading is None
    assert second.description[1].text.startswith("Ein Beschlag dieser Art ist aus dem deutschen Gbm 91 16 309 bekannt.")
    assert (third.number, third.titles["fr"]) == (
        "EP0600103A1",
        "Pivot positionnable à droite ou à gauche pour dispositifs déflecteurs",
    )
    assert len(third.claims) == 6 and len(third.description) == 16
    assert third.claims[3].depends_on == [1, 3]  # "nach den Ansprüchen 1 und 3"
    assert third.claims[4].depends_on == [1, 2, 3, 4]  # "nach einem der voranstehenden Ansprüche"
    assert third.claims[5].depends_on == [1, 2, 3, 4, 5]


def test_sniff_accepts_the_layout_and_nothing_else() -> None:
    reader = EpFullTextTsv()
    head = fixture(SAMPLE).read_bytes()[:4096]
    assert reader.sniff(head, "EP0600000.txt")
    assert not reader.sniff(b"number\ttitle\tabstract\nUS1\tA widget\tText\n", "x.tsv")
    assert not reader.sniff(b'{"number": "EP0600083A1"}\n', "x.jsonl")


def test_bad_rows_are_quarantined_without_losing_neighbours() -> None:
    data = (
        b"EP\t0600083\tA1\t1994-06-08\ten\tTITLE\tA title\n"
        b'EP\t0600083\tA1\t1994-06-08\ten\tCLAIM\t<claim num="0001"><claim-text>A thing & more.</claim-text></claim>\n'
        b"EP\t0600084\tA1\n"
        b'EP\t0600083\tA1\t1994-06-08\ten\tDESCR\t<p num="0001">See <patcit dnum="US5401234A"><text>US 5401234'
        b"</text></patcit>.</p>\n"
        b"EP\t0600085\tB1\t1994-06-08\tfr\tTITLE\tUn titre\n"
    )
    documents = list(read_stream(io.BytesIO(data), "sample.txt"))
    assert [(d.position, d.error is None) for d in documents] == [
        ("lines 1-4", True),
        ("line 3", False),
        ("line 5", True),
    ]
    first = documents[0].patent
    assert first is not None and [p.text for p in first.description] == ["See US 5401234."]
    assert [(c.number, c.cited_by, c.phase) for c in first.citations] == [("US5401234A", "applicant", "description")]
    assert first.claims[0].text == "A thing & more."  # a bare "&" is escaped rather than fatal
    assert "7 tab-separated columns" in (documents[1].error or "")
    assert documents[2].patent is not None and documents[2].patent.titles == {"fr": "Un titre"}
