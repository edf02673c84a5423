"""Fuzz properties shared by ``tests/test_fuzz.py`` (bounded, in CI) and ``bench/fuzz_bench.py`` (long runs).

Readers: any bytes under any file name come back as records or quarantine entries, never as an exception, and a
record that comes back can be stored and indexed. Query parser: any text parses or raises ``QuerySyntaxError``
with a message, never anything else.
"""

from __future__ import annotations

import gzip
import io
import json
from typing import Any

from hypothesis import strategies as st

from novum.errors import NovumError, QuerySyntaxError
from novum.index.lexical import LexicalIndex
from novum.ingest.reader import read_stream
from novum.model import Patent
from novum.search.query.parser import parse
from novum.search.structured import is_structured
from tests.helpers import DEMO, demo_lines

FILENAMES = ("doc.xml", "records.jsonl", "records.csv", "weekly.txt", "data.tsv", "x.greenbook", "doc.xml.gz", "a.bin")
SEEDS = [
    (DEMO / "xml" / "US8930553B2.xml").read_bytes()[:20_000],
    (DEMO / "xml" / "EP3404678B1.xml").read_bytes()[:20_000],
    (DEMO / "xml" / "US3937375.greenbook").read_bytes()[:8_000],
    "\n".join(demo_lines(3)).encode(),
    b"number,title,abstract,cpc\nUS9000001B2,A widget,A small widget,H04L9/32\n",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
RECORD_KEYS = ("number", "country", "doc_number", "kind", "titles", "abstracts", "claims", "description", "cpc",
               "ipc", "applicants", "priority_claims", "priority_date", "filing_date", "publication_date",
               "family_members", "citations", "language")  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real document or record file with a span overwritten, deleted or duplicated, or plain random bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=2000))
    data = draw(st.sampled_from(SEEDS))
    a = draw(st.integers(0, len(data)))
    b = draw(st.integers(a, min(len(data), a + 500)))
    action = draw(st.sampled_from(["overwrite", "delete", "duplicate", "truncate", "insert"]))
    junk = draw(st.binary(min_size=1, max_size=40))
    if action == "overwrite":
        return data[:a] + junk + data[a + len(junk) :]
    if action == "delete":
        return data[:a] + data[b:]
    if action == "duplicate":
        return data[:b] + data[a:b] + data[b:]
    if action == "truncate":
        return data[:a]
    return data[:a] + junk + data[a:]


@st.composite
def records(draw: st.DrawFn) -> bytes:
    """JSONL lines shaped like records, with values of any JSON type in the model's fields."""
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        keys = draw(st.lists(st.sampled_from(RECORD_KEYS), max_size=6, unique=True))
        record: dict[str, Any] = {"number": draw(st.sampled_from(["US9000001B2", "EP1234567A1", "x", "CN1"]))}
        record.update({k: draw(json_values) for k in keys})
        lines.append(json.dumps(record))
    return ("\n".join(lines) + "\n").encode()


def read_everything(data: bytes, filename: str, index: LexicalIndex) -> int:
    """The reader property: returns how many documents came back; raises if any property is broken."""
    if filename.endswith(".gz"):
        data = gzip.compress(data)
    count = 0
    for document in read_stream(io.BytesIO(data), filename):
        count += 1
        assert (document.patent is None) != (document.error is None), document
        if document.patent is None:
            assert document.position and document.error
            continue
        record = document.patent.to_dict()
        again = Patent.from_dict(json.loads(json.dumps(record)))
        assert again.to_dict() == record
        index._document(again)  # what indexing does with it: dates, classes, texts
    return count


def parse_anything(text: str) -> None:
    """The parser property: a parse tree, or a ``QuerySyntaxError`` that says what is wrong."""
    for step in (is_structured, parse):
        try:
            step(text)
        except QuerySyntaxError as exc:
            assert str(exc)
        except NovumError as exc:  # a refusal the library chose (a query too expensive) is not a crash
            assert str(exc)


QUERY_WORDS = ["AND", "OR", "NOT", "XOR", "ADJ2", "NEAR5", "WITH", "SAME", "3W", "2D", "S", "P", "(", ")", '"',
               "ti=", "ab=", "cpc=", "pd>=", "pd within", "prox/distance<3", "/low", "L1", "sem(", "*", "?", "#",
               "$3", "名称=", "申请人=", ".ti.", "TTL/", "@pd>=", "=", "<", ">", ",", "wireless", "2015",
               "H04L9/32"]  # fmt: skip
queries = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(QUERY_WORDS) | st.text(max_size=6), max_size=14).map(" ".join),
    st.lists(st.sampled_from(QUERY_WORDS), max_size=20).map("".join),
)
