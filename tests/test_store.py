"""The SQLite system of record: migrations, number resolution, repaired documents."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from novum.errors import NotFoundError, StoreError
from novum.store.migrations import MIGRATIONS
from novum.store.sqlite import Store
from tests.conftest import fixture
from tests.helpers import demo_lines, ingest_paths, record, write_lines


def test_a_version_1_store_is_migrated_in_place(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "novum.db")
    db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    record_json = json.dumps({"country": "EP", "doc_number": "1000001", "kind": "A1"})
    db.execute(
        "INSERT INTO documents (number, country, doc_number, family_key, record, content_hash, ingested_at,"
        " updated_at) VALUES ('EP1000001A1', 'EP', '1000001', 'n:EP1000001A1', ?, 'x', 'now', 'now')",
        (record_json,),
    )
    db.commit()
    db.close()
    with Store(tmp_path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.get("EP 1 000 001 A1").number == "EP1000001A1"
        assert store.provenance("EP1000001A1")["warning"] is None


def test_a_store_from_a_newer_novum_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "novum.db")
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="schema version 99, newer than this novum understands"):
        Store(tmp_path)


def test_wal_mode(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_resolve_prefers_the_exact_kind(tmp_path: Path) -> None:
    lines = [record("EP1000001A1", "first"), record("EP1000001B1", "granted"), record("US5000000A", "old")]
    ingest_paths(tmp_path / "d", write_lines(tmp_path / "r.jsonl", lines))
    with Store(tmp_path / "d") as store:
        assert store.resolve("EP1000001B1") == "EP1000001B1"
        assert store.resolve("EP 1000001") == "EP1000001A1"  # no kind given: the first publication
        assert store.resolve("EP1000001B2") == "EP1000001A1"  # an unknown kind still finds the family's number
        assert store.resolve("5000000") == "US5000000A"
        with pytest.raises(NotFoundError, match="not in the store"):
            store.resolve("CN1")
        with pytest.raises(NotFoundError, match="not a publication number"):
            store.resolve("hello")


def test_repaired_documents_are_stored_with_their_warning(tmp_path: Path) -> None:
    broken = fixture("us-go-uspto/pkg/uspto/test-data/grant/US07057742-20060606.XML")
    counts, _ = ingest_paths(tmp_path / "d", broken, write_lines(tmp_path / "ok.jsonl", demo_lines(2)))
    assert (counts.new, counts.repaired, counts.quarantined) == (3, 1, 0)
    with Store(tmp_path / "d") as store:
        warning = store.provenance("US7057742B2")["warning"]
        assert warning.startswith("recovered from malformed XML") and "maths" in warning
        assert [r["number"] for r in store.stats()["repaired"]] == ["US7057742B2"]
        assert store.raw("US7057742B2") == broken.read_bytes()  # the original bytes, defect included


def test_resolve_finds_a_document_under_every_public_spelling(tmp_path: Path) -> None:
    stored = ["DE4240017A1", "KR1020050012345A", "USRE43633E", "JP1985002468B2", "BRPI0507004A", "WO2001098623A1"]
    ingest_paths(tmp_path / "d", write_lines(tmp_path / "r.jsonl", [record(n, n) for n in stored]))
    spellings = {
        "DE4240017A1": ["DE000004240017A1", "DE 4240017 A1", "de4240017"],
        "KR1020050012345A": ["KR20050012345A", "KR 10-2005-0012345 A"],
        "USRE43633E": ["RE43633", "US43633E", "US RE43,633 E", "USRE043633E"],
        "JP1985002468B2": ["JPS602468B2", "JP S60-2468 B2"],
        "BRPI0507004A": ["BR PI 0507004 A"],
        "WO2001098623A1": ["WO200198623A1", "WO 2001/98623", "WO002001098623A1"],
    }
    with Store(tmp_path / "d") as store:
        assert sorted(store.numbers()) == sorted(stored)  # one key per document, the canonical one
        for number, forms in spellings.items():
            for form in forms:
                assert store.resolve(form) == number, form


def test_resolve_finds_keys_stored_before_the_padding_rule(tmp_path: Path) -> None:
    ingest_paths(tmp_path / "d", write_lines(tmp_path / "r.jsonl", [record("DE4240017A1", "padded")]))
    with Store(tmp_path / "d") as store:  # what an older novum stored for DEPATISnet's spelling
        store.db.execute("PRAGMA foreign_keys = OFF")  # the raw copy keeps the new key; only the lookup is tested
        store.db.execute("UPDATE documents SET number = 'DE000004240017A1', doc_number = '000004240017'")
        assert store.resolve("DE4240017A1") == "DE000004240017A1"
        assert store.resolve("DE000004240017A1") == "DE000004240017A1"
        assert store.resolve("DE 4240017") == "DE000004240017A1"
