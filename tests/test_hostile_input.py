"""Hostile input: bombs, traversal, links, bad bytes, deep nesting, huge fields and a 2 GB line are refused with
bounded memory, each quarantined with its file, position and reason, and the good documents beside them are kept.

Nothing large is written to disk: the 4 GiB of zeros is 64 gzip members of 64 MiB each (4 MB on disk), the 2 GB
line comes from a stream that makes its bytes as they are read.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from novum.ingest.limits import GiB, IngestLimits, MiB
from novum.ingest.pipeline import Ingester
from novum.ingest.reader import read_stream
from novum.store.sqlite import Store
from tests.helpers import DEMO, demo_lines, ingest_paths, record

GOOD_XML = (DEMO / "xml" / "US8930553B2.xml").read_bytes()


def zeros_gzip_member(size: int) -> bytes:
    """One gzip member holding ``size`` zero bytes (64 MiB compress to ~64 KB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(MiB)
    return b"".join(packer.compress(chunk) for _ in range(size // MiB)) + packer.flush()


@pytest.fixture(scope="module")
def zeros_64mib() -> bytes:
    return zeros_gzip_member(64 * MiB)


def quarantine(data: Path) -> list[tuple[str, str, str]]:
    with Store(data) as store:
        return [(q["source"], q["position"], q["reason"]) for q in store.stats()["quarantine"]]


def stored(data: Path) -> set[str]:
    with Store(data) as store:
        return store.numbers()


def peak_mib(run: object) -> float:
    tracemalloc.start()
    try:
        run()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1] / MiB
    finally:
        tracemalloc.stop()


def test_a_4mb_gzip_of_4gib_of_zeros_is_refused_early_with_bounded_memory(tmp_path: Path, zeros_64mib: bytes) -> None:
    good = gzip.compress("\n".join(demo_lines(2)).encode() + b"\n")
    bomb = tmp_path / "a-bomb.jsonl.gz"
    bomb.write_bytes(good + zeros_64mib * 64)  # 64 members of 64 MiB: 4 GiB of zeros after two real records
    assert bomb.stat().st_size < 5 * 1024 * 1024
    (tmp_path / "b-good.jsonl").write_text(record("US9000001B2", "Kept beside the bomb") + "\n")
    found: dict[str, object] = {}

    def ingest() -> None:
        found["result"] = ingest_paths(tmp_path / "data", tmp_path / "a-bomb.jsonl.gz", tmp_path / "b-good.jsonl")

    assert peak_mib(ingest) < 200  # the 16 MiB ratio floor, a MiB-sized read and the parsers; never gigabytes
    (counts, _) = found["result"]  # type: ignore[misc]
    assert (counts.new, counts.quarantined) == (3, 1)
    ((source, position, reason),) = quarantine(tmp_path / "data")
    assert source == str(bomb) and position == "line 3"
    assert reason.startswith("decompression bomb: ") and "ratio over 200:1" in reason
    assert "US9000001B2" in stored(tmp_path / "data")


def test_the_limits_are_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "records.jsonl.gz"
    source.write_bytes(gzip.compress("\n".join(demo_lines(50)).encode() + b"\n"))
    monkeypatch.setenv("NOVUM_MAX_EXPANDED_BYTES", "20000")
    assert IngestLimits.from_env().max_expanded_bytes == 20000
    counts, ingester = ingest_paths(tmp_path / "data", source)
    assert 0 < counts.new < 50 and counts.quarantined == 1
    assert "expands to more than 20,000 bytes (limit NOVUM_MAX_EXPANDED_BYTES)" in ingester.problems[0]
    with Store(tmp_path / "strict") as store:
        strict = Ingester(store, None, limits=IngestLimits(max_line_bytes=1000))
        strict.run([source])
        assert strict.counts.quarantined == 1 and "line longer than 1,000 bytes" in strict.problems[0]


def test_zip_bombs_traversal_absolute_paths_and_links_are_quarantined(tmp_path: Path) -> None:
    archive = tmp_path / "hostile.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("good/US8930553B2.xml", GOOD_XML)
        out.writestr("../../escape.xml", GOOD_XML)
        out.writestr("/etc/absolute.xml", GOOD_XML)
        link = zipfile.ZipInfo("link.xml")
        link.external_attr = 0o120777 << 16  # a symbolic link
        out.writestr(link, "/etc/passwd")
        out.writestr("zeros.xml", bytes(64 * MiB))
        out.writestr("nested.zip", _zip_of({"inner.jsonl": record("US9000002B2", "Nested and kept")}))
    counts, _ = ingest_paths(tmp_path / "data", archive)
    assert (counts.new, counts.quarantined) == (2, 4)
    reasons = {position: reason for _, position, reason in quarantine(tmp_path / "data")}
    assert reasons["member '../../escape.xml'"] == "path traversal in archive: '../../escape.xml'; refused"
    assert reasons["member '/etc/absolute.xml'"] == "absolute path in archive: '/etc/absolute.xml'; refused"
    assert reasons["member 'link.xml'"] == "symbolic link in archive; refused"
    assert reasons["member 'zeros.xml'"].startswith("decompression bomb: 67,108,864 bytes out of")
    assert stored(tmp_path / "data") == {"US8930553B2", "US9000002B2"}


def _zip_of(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, text in members.items():
            out.writestr(name, text)
    return buffer.getvalue()


def test_tar_links_traversal_and_bombs_are_quarantined(tmp_path: Path) -> None:
    archive = tmp_path / "hostile.tar.gz"
    with tarfile.open(archive, "w:gz") as out:
        _add(out, "good/US8930553B2.xml", GOOD_XML)
        for name in ("../escape.xml", "/abs.xml"):
            _add(out, name, GOOD_XML)
        for kind, name in ((tarfile.SYMTYPE, "sym.xml"), (tarfile.LNKTYPE, "hard.xml")):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, "/etc/passwd"
            out.addfile(info)
        _add(out, "zeros.xml", bytes(64 * MiB))
        _add(out, "after-the-bomb.jsonl", record("US9000003B2", "Not read").encode())
    counts, _ = ingest_paths(tmp_path / "data", archive)
    reasons = {position: reason for _, position, reason in quarantine(tmp_path / "data")}
    assert reasons == {
        "member '../escape.xml'": "path traversal in archive: '../escape.xml'; refused",
        "member '/abs.xml'": "absolute path in archive: '/abs.xml'; refused",
        "member 'sym.xml'": "link in archive (to '/etc/passwd'); refused",
        "member 'hard.xml'": "link in archive (to '/etc/passwd'); refused",
        "member 'zeros.xml'": reasons["member 'zeros.xml'"],
    }
    assert (
        "decompression bomb" in reasons["member 'zeros.xml'"]
        and "the rest was not read" in reasons["member 'zeros.xml'"]
    )
    assert stored(tmp_path / "data") == {"US8930553B2"} and counts.quarantined == 5


def _add(out: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    out.addfile(info, io.BytesIO(data))


def test_a_damaged_archive_is_quarantined_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "broken.zip").write_bytes(_zip_of({"a.jsonl": record("US9000004B2", "x")})[:-30])
    (tmp_path / "good.jsonl").write_text(record("US9000005B2", "Kept") + "\n")
    counts, ingester = ingest_paths(tmp_path / "data", tmp_path / "broken.zip", tmp_path / "good.jsonl")
    assert stored(tmp_path / "data") == {"US9000005B2"}
    assert counts.quarantined == 1 and "broken.zip" in ingester.problems[0]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<us-patent-grant>&lol4;</us-patent-grant>
"""


def test_bad_documents_inside_a_file_are_quarantined_and_their_neighbours_kept(tmp_path: Path) -> None:
    deep = b'<?xml version="1.0"?>\n' + b"<a>" * 5000 + b"</a>" * 5000 + b"\n"
    nul = GOOD_XML.replace(b"<invention-title", b"<invention-title\x00", 1)
    weekly = tmp_path / "weekly.xml"
    weekly.write_bytes(GOOD_XML + BILLION_LAUGHS + deep + nul + (DEMO / "xml" / "US11147202B2.xml").read_bytes())
    lines = [
        record("US9000006B2", "Good first").encode(),
        b'{"number": "US9000007B2", "titles": {"en": "caf\xe9 \xff\xfe"}}',  # not UTF-8
        b'{"number": "US9000008B2",\x00 "titles": {}}',  # a raw NUL byte
        b"[" * 100_000 + b"]" * 100_000,  # nested past any parser's recursion limit
        json.dumps({"number": "US9000009B2", "abstracts": {"en": "word " * 2_000_000}}).encode(),  # a 10 MB field
        record("US9000010B2", "Good last").encode(),
    ]
    records = tmp_path / "records.jsonl"
    records.write_bytes(b"\n".join(lines) + b"\n")
    counts, ingester = ingest_paths(tmp_path / "data", weekly, records)
    assert (counts.new, counts.quarantined) == (5, 6)
    where = {(Path(s).name, p): r for s, p, r in quarantine(tmp_path / "data")}
    assert set(where) == {
        ("weekly.xml", "document 2 (line 505)"),
        ("weekly.xml", "document 3 (line 510)"),
        ("weekly.xml", "document 4 (line 512)"),
        ("records.jsonl", "line 2"),
        ("records.jsonl", "line 3"),
        ("records.jsonl", "line 4"),
    }, where
    assert where[("records.jsonl", "line 4")] == "invalid JSON: nested too deeply"
    assert stored(tmp_path / "data") == {"US8930553B2", "US11147202B2", "US9000006B2", "US9000009B2", "US9000010B2"}
    with Store(tmp_path / "data") as store:
        assert len(store.get("US9000009B2").abstracts["en"]) == 10_000_000


class LazyLine(io.RawIOBase):
    """A good record, then one line of ``size`` bytes made as it is read, then another good record."""

    def __init__(self, size: int) -> None:
        self.parts: Iterator[bytes] = iter(())
        self.size = size
        self.chunk = b"a" * MiB
        self.queue = [record("US9000011B2", "Before the long line").encode() + b"\n", b'{"number": "US1", "t": "']
        self.left = size
        self.tail = [b'"}\n', record("US9000012B2", "After the long line").encode() + b"\n"]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.queue:
            data = self.queue.pop(0)
        elif self.left > 0:
            data = self.chunk[: min(len(self.chunk), self.left, len(buffer))]
            self.left -= len(data)
        elif self.tail:
            data = self.tail.pop(0)
        else:
            return 0
        size = min(len(data), len(buffer))
        buffer[:size] = data[:size]
        if size < len(data):
            self.queue.insert(0, data[size:])
        return size


def test_a_2gb_single_line_is_refused_without_holding_it(tmp_path: Path) -> None:
    found: list[object] = []
    stream = io.BufferedReader(LazyLine(2 * GiB))
    peak = peak_mib(lambda: found.extend(read_stream(stream, "long.jsonl")))
    assert peak < 400  # the 128 MiB line cap and the MiB-sized reads, never 2 GB
    first, refused = found
    assert first.patent is not None and first.patent.number == "US9000011B2"  # type: ignore[attr-defined]
    assert refused.position == "line 2"  # type: ignore[attr-defined]
    assert refused.error.startswith("line longer than 134,217,728 bytes")  # type: ignore[attr-defined]
