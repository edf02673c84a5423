"""The ingest pipeline: archives, bad input, idempotence, resuming after a kill, export round trips."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from novum.index.lexical import LexicalIndex
from novum.ingest.pipeline import Ingester
from novum.store.sqlite import Store
from tests.helpers import demo_lines, ingest_paths, record, write_lines


def test_folders_and_archives(tmp_path: Path) -> None:
    lines = demo_lines(50)
    src = tmp_path / "in"
    (src / "nested").mkdir(parents=True)
    write_lines(src / "a.jsonl", lines[0:10])
    (src / "b.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines[10:20]) + "\n").encode()))
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("deep/e.jsonl", "\n".join(lines[20:30]))
    with zipfile.ZipFile(src / "c.zip", "w") as archive:
        archive.writestr("d.jsonl", "\n".join(lines[30:40]))
        archive.writestr("inner.zip", inner.getvalue())
        archive.writestr("README.md", "not patent data")
    payload = ("\n".join(lines[40:50]) + "\n").encode()
    with tarfile.open(src / "nested" / "f.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo("g.jsonl")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    counts, _ = ingest_paths(tmp_path / "data", src)
    assert (counts.read, counts.new, counts.quarantined, counts.skipped_files) == (50, 50, 0, 1)
    with Store(tmp_path / "data") as store:
        assert store.count() == 50
        provenance = store.provenance(store.resolve(json.loads(lines[0])["number"]))
        assert provenance["source"].endswith("a.jsonl") and provenance["position"] == "line 1"
        inner_doc = json.loads(lines[20])["number"]
        assert store.provenance(store.resolve(inner_doc))["source"].endswith("c.zip!inner.zip!deep/e.jsonl")
    assert LexicalIndex(tmp_path / "data").count() == 50


def test_bad_records_are_quarantined_and_their_neighbours_kept(tmp_path: Path) -> None:
    good = demo_lines(3)
    src = tmp_path / "in"
    src.mkdir()
    write_lines(
        src / "mixed.jsonl", [good[0], '{"number": "US1", "title": ', good[1], '{"title": "no number"}', good[2]]
    )
    (src / "empty.xml").write_bytes(b"")
    (src / "binary.dat").write_bytes(bytes(range(256)) * 10)
    (src / "latin1.xml").write_bytes('<?xml version="1.0" encoding="UTF-8"?><a>caf\xe9</a>'.encode("latin-1"))
    counts, ingester = ingest_paths(tmp_path / "data", src)
    assert (counts.new, counts.quarantined) == (3, 5)
    problems = "\n".join(ingester.problems)
    assert "mixed.jsonl, line 2: invalid JSON" in problems
    assert "mixed.jsonl, line 4: unusable record: no publication number" in problems
    assert "empty.xml, file: empty file" in problems
    assert "binary.dat, file: unknown format" in problems
    assert "latin1.xml, document 1 (line 1): malformed XML" in problems
    with Store(tmp_path / "data") as store:
        stats = store.stats()
        assert stats["quarantined"] == 5
        assert stats["quarantine_reasons"]["malformed XML"] == 1
        assert {q["position"] for q in stats["quarantine"] if q["source"].endswith("mixed.jsonl")} == {
            "line 2",
            "line 4",
        }


def test_ingesting_twice_changes_nothing(tmp_path: Path) -> None:
    src = write_lines(tmp_path / "a.jsonl", demo_lines(40))
    first, _ = ingest_paths(tmp_path / "data", src)
    second, _ = ingest_paths(tmp_path / "data", src)
    assert (first.new, first.unchanged) == (40, 0)
    assert (second.read, second.new, second.updated, second.unchanged) == (40, 0, 0, 40)
    src.write_text(src.read_text())  # same content, new modification time: read again, still nothing changes
    third, _ = ingest_paths(tmp_path / "data", src)
    assert (third.new, third.updated, third.unchanged) == (0, 0, 40)


def test_changed_record_is_an_update(tmp_path: Path) -> None:
    lines = demo_lines(5)
    src = write_lines(tmp_path / "a.jsonl", lines)
    ingest_paths(tmp_path / "data", src)
    changed = json.loads(lines[2])
    changed["title"] = "A corrected title about quantum repeaters"
    lines[2] = json.dumps(changed)
    write_lines(src, lines)
    counts, _ = ingest_paths(tmp_path / "data", src)
    assert (counts.updated, counts.unchanged) == (1, 4)
    with Store(tmp_path / "data") as store:
        assert store.get(changed["number"]).title() == "A corrected title about quantum repeaters"
        hits = LexicalIndex(tmp_path / "data").search("quantum repeaters")
        assert [h.number for h in hits] == [store.resolve(changed["number"])]


def test_killed_ingest_resumes_without_loss_or_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_lines(tmp_path / "a.jsonl", demo_lines(60))
    real_upsert = Store.upsert
    calls = {"n": 0}

    def dying_upsert(self: Store, documents: list) -> object:  # type: ignore[type-arg]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # what Ctrl-C does mid-run
        return real_upsert(self, documents)

    monkeypatch.setattr(Store, "upsert", dying_upsert)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(tmp_path / "data", src, batch_size=10)
    with Store(tmp_path / "data") as store:
        assert store.count() == 20  # two batches committed, the third rolled back
        assert store.source_done(str(src), "any") is None
    monkeypatch.setattr(Store, "upsert", real_upsert)
    counts, _ = ingest_paths(tmp_path / "data", src, batch_size=10)
    assert (counts.new, counts.unchanged) == (40, 20)
    with Store(tmp_path / "data") as store:
        assert store.count() == 60
        assert store.pending_count() == 0
    assert LexicalIndex(tmp_path / "data").count() == 60


def test_documents_stored_but_not_indexed_are_indexed_on_the_next_run(tmp_path: Path) -> None:
    src = write_lines(tmp_path / "a.jsonl", demo_lines(15))
    with Store(tmp_path / "data") as store:
        Ingester(store, index=None).run([src])  # as if killed before the index step
        assert store.pending_count() == 15
    counts, _ = ingest_paths(tmp_path / "data", src)
    assert counts.unchanged == 15
    assert LexicalIndex(tmp_path / "data").count() == 15


def test_raw_source_bytes_are_kept(tmp_path: Path) -> None:
    lines = demo_lines(2)
    ingest_paths(tmp_path / "data", write_lines(tmp_path / "a.jsonl", lines))
    with Store(tmp_path / "data") as store:
        number = store.resolve(json.loads(lines[1])["number"])
        assert store.raw(number) == (lines[1] + "\n").encode()


def test_normalised_records_keep_every_field(tmp_path: Path) -> None:
    line = record(
        "EP1234567B1",
        "Rotor blade",
        "A blade.",
        filing_date="2001-02-03",
        cpc=["F03D1/06"],
        claims=[{"number": 1, "text": "A blade."}, {"number": 2, "text": "The blade of claim 1.", "depends_on": [1]}],
        citations=[{"number": "US5000000A", "cited_by": "examiner", "category": "X"}],
        family_id="42",
    )
    ingest_paths(tmp_path / "data", write_lines(tmp_path / "r.jsonl", [line]))
    with Store(tmp_path / "data") as store:
        patent = store.get("EP 1 234 567 B1")
    expected = json.loads(line)
    assert patent.to_dict() == {**expected, "country": "EP", "doc_number": "1234567", "kind": "B1"}
