"""Parsers on damaged input: truncated, corrupted and spliced real documents never crash the reader.

Whatever the damage, every document comes back either as a record or as an error for the quarantine, and every
record that does come back survives the store's JSON round trip.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from novum.ingest.reader import read_stream
from novum.model import Patent
from tests.conftest import FIXTURES, SHARED_DATA, fixture, shared
from tests.helpers import DEMO

SAMPLES = {
    "uspto-grant-v45": FIXTURES / "us-go-uspto/pkg/uspto/test-data/grant/v4-5-B2.xml",
    "uspto-sgml-v25": FIXTURES / "us-go-uspto/pkg/uspto/test-data/grant/v2-5-S1.xml",
    "uspto-pap-v15": FIXTURES / "us-go-uspto/pkg/uspto/test-data/application/v1-5-A1_1.xml",
    "greenbook": FIXTURES / "us-patentpublicdata/PatentDocument/resources/samples/greenbook/US03937375.greenbook",
    "uspto-brs": FIXTURES / "us-patentpublicdata/PatentDocument/resources/samples/css_brs/css_brs_sample.txt",
    "epo": FIXTURES / "ep-publication-server/pkg/eps/test-data/application/v1-4-A1.xml",
    "ep-fulltext": FIXTURES / "ep-fulltext-tsv/sampleEP0600000.txt",
    "cnipa-old": FIXTURES / "cn-jp-wipo/data/examples/cn_old1.xml",
    "cnipa-new": FIXTURES / "cn-jp-wipo/data/examples/cn_new1.xml",
    "st96": FIXTURES / "cn-jp-wipo/data/03-96-vii-example-instances/PatentPublication_Example.xml",
    "jsonl": DEMO / "us-patents-sample.jsonl.gz",
    "jsonl-gzip": DEMO / "us-patents-sample.jsonl.gz",
}


def _require(path: Path) -> Path:
    """The path, through conftest's helper for shared data: skipped without it, a failure in CI."""
    return shared(str(path.relative_to(SHARED_DATA))) if path.is_relative_to(SHARED_DATA) else path


def _load(name: str) -> bytes:
    path = _require(SAMPLES[name])
    data = path.read_bytes()
    if name == "jsonl":
        data = gzip.decompress(data)  # damage the records themselves, not the compression
    return data[:200_000]


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """Truncate, overwrite a span with junk, delete a span, or splice a copy of a span elsewhere."""
    size = len(data)
    action = draw(st.sampled_from(["truncate", "overwrite", "delete", "splice", "prefix"]))
    a = draw(st.integers(0, size))
    b = draw(st.integers(a, min(size, a + 2000)))
    if action == "truncate":
        return data[:a]
    if action == "overwrite":
        junk = draw(st.binary(min_size=1, max_size=64))
        return data[:a] + junk + data[a + len(junk) :]
    if action == "delete":
        return data[:a] + data[b:]
    if action == "splice":
        at = draw(st.integers(0, size))
        return data[:at] + data[a:b] + data[at:]
    return draw(st.binary(max_size=16)) + data


def check(data: bytes, filename: str) -> None:
    for document in read_stream(io.BytesIO(data), filename):
        assert (document.patent is None) != (document.error is None), document
        if document.patent is not None:
            assert Patent.from_dict(document.patent.to_dict()).to_dict() == document.patent.to_dict()
        else:
            assert document.position and document.error


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_damaged_documents_never_crash(name: str) -> None:
    original = _load(name)
    filename = SAMPLES[name].name.removesuffix(".gz") if name == "jsonl" else SAMPLES[name].name

    @settings(
        max_examples=40,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(damaged(original))
    def run(data: bytes) -> None:
        check(data, filename)

    run()


def test_truncated_weekly_file_keeps_the_complete_documents(tmp_path: Path) -> None:
    concatenated = fixture("us-go-uspto/pkg/uspto/test-data/test.xml")
    data = concatenated.read_bytes()
    cut = data[: len(data) - 5000]
    documents = list(read_stream(io.BytesIO(cut), "test.xml"))
    assert [d.patent is not None for d in documents] == [True, False]
    assert documents[1].position == "document 2 (line 871)"
    assert (documents[1].error or "").startswith("malformed XML")
