"""A bug is not bad data: a TypeError or AttributeError in a format reader fails loudly, while bad data in a record
(a ValueError, or a JSON field of the wrong type) still goes to the quarantine with its neighbours kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from lxml import etree

from novum.ingest import registry
from novum.ingest.formats.base import ParsedDocument, StreamFormat, XmlFormat, mapped
from novum.model import Patent
from novum.store.sqlite import Store
from tests.helpers import DEMO, demo_lines, ingest_paths, record, write_lines


class BrokenXml(XmlFormat):
    """Reads <broken-doc>: a reader with a bug (it dereferences an element that is not there)."""

    name = "broken-xml"
    description = "test reader with a bug"
    roots = ("broken-doc",)

    def to_patent(self, root: etree._Element) -> Patent:
        title = root.find("title")
        return Patent(country="US", doc_number=root.findtext("number") or "", titles={"en": title.text})  # type: ignore[union-attr]


class PickyXml(XmlFormat):
    """Reads <picky-doc>: refuses documents without a number, the way a correct reader reports bad data."""

    name = "picky-xml"
    description = "test reader that reports bad data"
    roots = ("picky-doc",)

    def to_patent(self, root: etree._Element) -> Patent:
        number = root.findtext("number")
        if not number:
            raise ValueError("no publication number")
        return Patent(country="US", doc_number=number, titles={"en": root.findtext("title") or ""})


class BrokenStream(StreamFormat):
    """Reads *.broken files and calls a method that does not exist on the second record."""

    name = "broken-stream"
    description = "test stream reader with a bug"

    def sniff(self, head: bytes, filename: str) -> bool:
        return filename.endswith(".broken")

    def parse(self, stream: BinaryIO, filename: str) -> Iterator[ParsedDocument]:
        for number, line in enumerate(stream, start=1):
            text = line.decode().strip()
            yield mapped(f"line {number}", line, self.name, lambda t=text: Patent("US", t.upper_case()))  # type: ignore[attr-defined]


@pytest.fixture()
def with_test_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    xml, stream = registry._discover()
    monkeypatch.setattr(registry, "_discover", lambda: ((*xml, BrokenXml(), PickyXml()), (*stream, BrokenStream())))


def test_an_attribute_error_in_an_xml_reader_propagates(tmp_path: Path, with_test_readers: None) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes((DEMO / "xml" / "US8930553B2.xml").read_bytes())
    broken = tmp_path / "z-broken.xml"
    broken.write_bytes(b'<?xml version="1.0"?>\n<broken-doc><number>9000001</number></broken-doc>\n')
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'text'"):
        ingest_paths(tmp_path / "data", good, broken)
    with Store(tmp_path / "data") as store:
        assert store.stats()["quarantined"] == 0  # nothing was blamed on the data


def test_a_type_error_in_a_stream_reader_propagates(tmp_path: Path, with_test_readers: None) -> None:
    source = tmp_path / "records.broken"
    source.write_text("1234567\n")
    with pytest.raises(AttributeError, match="upper_case"):
        ingest_paths(tmp_path / "data", source)


def test_a_value_error_is_bad_data_and_is_quarantined(tmp_path: Path, with_test_readers: None) -> None:
    source = tmp_path / "picky.xml"
    source.write_bytes(
        b'<?xml version="1.0"?>\n<picky-doc><number>9000001</number><title>Kept</title></picky-doc>\n'
        b'<?xml version="1.0"?>\n<picky-doc><title>No number</title></picky-doc>\n'
        b'<?xml version="1.0"?>\n<picky-doc><number>9000003</number><title>Also kept</title></picky-doc>\n'
    )
    counts, ingester = ingest_paths(tmp_path / "data", source)
    assert (counts.new, counts.quarantined) == (2, 1)
    assert ingester.problems == [f"{source}, document 2 (line 3): picky-xml: no publication number"]


def test_jsonl_fields_of_the_wrong_type_are_bad_data(tmp_path: Path) -> None:
    bad = [
        json.dumps({"number": "US9000010B2", "claims": ["1. A widget."]}),
        json.dumps({"number": "US9000011B2", "titles": "A widget"}),
        json.dumps({"number": "US9000012B2", "claims": [{"number": "one", "text": "A widget."}]}),
        json.dumps({"number": "US9000013B2", "applicants": [{"name": "ACME", "shoe_size": 9}]}),
        json.dumps({"number": "US9000014B2", "filing_date": "last tuesday"}),
        json.dumps({"number": "US9000015B2", "cpc": "H04L9/32"}),
        json.dumps({"number": ["US9000016B2"]}),
        json.dumps({**json.loads(demo_lines(1)[0]), "title": 42}),
    ]
    lines = [record("US9000001B2", "Good before"), *bad, record("US9000002B2", "Good after")]
    counts, ingester = ingest_paths(tmp_path / "data", write_lines(tmp_path / "mixed.jsonl", lines))
    assert (counts.new, counts.quarantined) == (2, len(bad))
    reasons = [p.split(": ", 1)[1] for p in ingester.problems]
    assert reasons[:6] == [
        "unusable record: claims[0] must be an object, not str",
        "unusable record: field 'titles' must be an object of strings (language → text)",
        "unusable record: field 'claims[0].number' must be an integer",
        "unusable record: applicants[0] has unknown field(s) 'shoe_size'",
        "unusable record: field 'filing_date' is not a date in the form YYYY-MM-DD: 'last tuesday'",
        "unusable record: field 'cpc' must be a list, not str",
    ]
    assert "line 9: unusable record: field 'title' must be a string, not int" in ingester.problems[-1]
    with Store(tmp_path / "data") as store:
        assert sorted(store.numbers()) == ["US9000001B2", "US9000002B2"]
