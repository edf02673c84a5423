"""Hostile XML: entity bombs and external entities must neither expand, nor read files, nor reach the network."""

from __future__ import annotations

import io
import time

import pytest
from lxml import etree

from novum.ingest.reader import read_stream
from novum.ingest.xml import parse_xml, text_of

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""


def test_entity_bomb_is_refused_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        parse_xml(BILLION_LAUGHS)
    assert time.monotonic() - started < 1.0


def test_external_entity_does_not_read_local_files() -> None:
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE doc [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<doc>&secret;</doc>"""
    root = parse_xml(xxe)
    assert "root:" not in etree.tostring(root, encoding="unicode", method="text")


def test_external_dtd_is_not_fetched() -> None:
    remote = b"""<?xml version="1.0"?>
<!DOCTYPE doc SYSTEM "http://example.invalid/evil.dtd">
<doc>plain</doc>"""
    started = time.monotonic()
    assert text_of(parse_xml(remote)) == "plain"
    assert time.monotonic() - started < 1.0


def test_html_named_entities_keep_their_characters() -> None:
    root = parse_xml(b'<?xml version="1.0"?><!DOCTYPE p SYSTEM "x.dtd" [ ]><p>a &mdash; b &amp; c &lsquo;d&rsquo;</p>')
    assert text_of(root) == "a \u2014 b & c \u2018d\u2019"


def test_hostile_document_in_a_stream_is_quarantined_not_fatal() -> None:
    documents = list(read_stream(io.BytesIO(BILLION_LAUGHS), "bomb.xml"))
    assert len(documents) == 1
    assert documents[0].patent is None
    assert (documents[0].error or "").startswith("malformed XML: Maximum entity amplification")
