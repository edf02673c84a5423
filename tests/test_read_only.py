"""A read never writes: every read command leaves the store, lexical index and vectors byte-for-byte unchanged, and a
model whose identity changed is reported with the command that fixes it instead of having its vectors dropped."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from novum.cli.app import app
from novum.index.dense import DenseIndex, ModelMismatchError
from novum.index.embed import load_embedder
from novum.ingest.embedding import existing_dense, open_dense
from novum.store.sqlite import Store
from tests.helpers import DEMO, demo_lines, novum, runner, write_lines

Snapshot = dict[str, tuple[str, int, int]]


def snapshot(data: Path) -> Snapshot:
    """sha256, size and modification time of every file of the store, the lexical index and the dense index."""
    out: Snapshot = {}
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        if path.name == "writer.lock":
            continue
        stat = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        out[str(path.relative_to(data))] = (digest, stat.st_size, stat.st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 real US grants from the demo corpus and the eight real USPTO/EPO publications bundled with the demo (with
    claims), ingested and embedded with bge-small-en."""
    root = tmp_path_factory.mktemp("readonly")
    lines = write_lines(root / "us.jsonl", demo_lines(40))
    novum("ingest", str(lines), str(DEMO / "xml"), "--data-dir", str(root / "data"))
    return root / "data"


@pytest.fixture()
def fresh(data_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the module's data directory, for tests that damage it."""
    shutil.copytree(data_dir, tmp_path / "data")
    return tmp_path / "data"


def numbers(data: Path) -> list[str]:
    with Store(data) as store:
        return sorted(store.numbers())


def test_the_data_directory_has_all_three_parts(data_dir: Path) -> None:
    files = snapshot(data_dir)
    assert "novum.db" in files and "lexical/novum-schema-version" in files
    assert "dense/bge-small-en/vectors.f32" in files and "dense/bge-small-en/meta.json" in files
    assert any(name.startswith("lexical/") and name.endswith(".idx") for name in files)


def test_no_read_command_changes_any_file(data_dir: Path, tmp_path: Path) -> None:
    first, second = "US11147202B2", "US8930553B2"
    assert {first, second} <= set(numbers(data_dir))
    d = ["--data-dir", str(data_dir)]
    commands = [
        ["search", "network security", "--no-history", *d],
        ["search", "network security", "--no-history", "--mode", "lexical", "-f", "json", *d],
        ["search", "encrypted file access", "--no-history", "--mode", "semantic", *d],
        ["search", "encrypted file access", "--no-history", "--mode", "hybrid", "--cpc", "H04L", *d],
        ["search", "ti=network AND ab=data", "--no-history", *d],
        ["similar", first, *d],
        ["similar", first, "--mode", "lexical", *d],
        ["show", first, *d],
        ["show", first, "--format", "json", *d],
        ["show", first, "--raw", *d],
        ["export", *d],
        ["export", "--format", "csv", "-o", str(tmp_path / "out.csv"), *d],
        ["claims", first, *d],
        ["claims", first, "--format", "json", *d],
        ["chart", first, "--against", second, *d],
        ["chart", first, "--top", "2", "-f", "json", "-o", str(tmp_path / "chart.json"), *d],
        ["stats", *d],
        ["stats", "--format", "json", *d],
        ["history", *d],
    ]
    before = snapshot(data_dir)
    for command in commands:
        result = runner.invoke(app, command)
        assert result.exit_code == 0, (command, result.output)
        assert snapshot(data_dir) == before, f"`novum {' '.join(command[:2])}` changed the data directory"


def test_a_changed_model_identity_is_reported_not_dropped(fresh: Path) -> None:
    meta_file = fresh / "dense" / "bge-small-en" / "meta.json"
    meta = json.loads(meta_file.read_text())
    assert meta["identity"]["weights"].startswith("sha256:") and meta["identity"]["pooling"] == "cls"
    meta["identity"]["weights"] = "sha256:0000 (1 bytes)"  # as if the vectors were made by other weights
    meta_file.write_text(json.dumps(meta))
    before = snapshot(fresh)
    result = runner.invoke(app, ["search", "network", "--no-history", "--mode", "hybrid", "--data-dir", str(fresh)])
    assert isinstance(result.exception, ModelMismatchError)
    message = str(result.exception)
    assert "weights 'sha256:0000 (1 bytes)'" in message and "run `novum embed --rebuild bge-small-en`" in message
    assert snapshot(fresh) == before  # nothing dropped, nothing rewritten
    # the write path refuses too: only the explicit rebuild drops vectors
    embed = runner.invoke(app, ["embed", "--data-dir", str(fresh)])
    assert isinstance(embed.exception, ModelMismatchError) and snapshot(fresh) == before
    novum("embed", "--rebuild", "bge-small-en", "--data-dir", str(fresh))
    assert json.loads(meta_file.read_text())["identity"]["weights"].startswith("sha256:")
    with Store(fresh) as store:
        (dense,) = existing_dense(store)
        assert dense.pending_count() == 0 and len(set(dense.passage_number)) == len(numbers(fresh)) == 48
    assert "US" in novum("search", "network", "--no-history", "--mode", "hybrid", "--data-dir", str(fresh))


def test_a_changed_passage_policy_or_package_version_is_a_mismatch(fresh: Path) -> None:
    meta_file = fresh / "dense" / "bge-small-en" / "meta.json"
    original = json.loads(meta_file.read_text())
    changes = (("policy", "PassagePolicy(max_paragraphs=3)"), ("identity", {**original["identity"], "package": "x"}))
    for key, value in changes:
        meta_file.write_text(json.dumps({**original, key: value}))
        with Store(fresh) as store, pytest.raises(ModelMismatchError, match="novum embed --rebuild bge-small-en"):
            existing_dense(store)


def test_meta_written_before_identities_is_read_and_upgraded_by_the_next_write(fresh: Path) -> None:
    meta_file = fresh / "dense" / "bge-small-en" / "meta.json"
    meta = json.loads(meta_file.read_text())
    legacy = {k: v for k, v in meta.items() if k != "identity"}
    meta_file.write_text(json.dumps(legacy))
    before = snapshot(fresh)
    novum("search", "network", "--no-history", "--mode", "semantic", "--data-dir", str(fresh))
    assert snapshot(fresh) == before
    novum("embed", "--data-dir", str(fresh))
    assert json.loads(meta_file.read_text()) == meta


def test_half_written_vectors_are_ignored_by_a_reader_and_trimmed_by_a_writer(fresh: Path) -> None:
    vectors = fresh / "dense" / "bge-small-en" / "vectors.f32"
    size = vectors.stat().st_size
    with open(vectors, "ab") as handle:  # a writer killed after appending vectors, before committing their rows
        handle.write(np.ones((3, 384), dtype=np.float32).tobytes())
    before = snapshot(fresh)
    with Store(fresh) as store:
        (dense,) = existing_dense(store)
        assert dense.vectors().shape[0] * 384 * 4 == size
        assert dense.search("network security", limit=3)
        with pytest.raises(RuntimeError, match="read-only"):
            dense.add([])
    assert snapshot(fresh) == before
    with Store(fresh) as store:
        open_dense(store)
    assert vectors.stat().st_size == size


def test_a_reader_opening_a_model_never_embedded_creates_nothing(fresh: Path) -> None:
    with Store(fresh) as store:
        before = snapshot(fresh)
        dense = DenseIndex(store, load_embedder("bge-small-en"), read_only=True)
        assert dense.count() > 0
        assert snapshot(fresh) == before
    shutil.rmtree(fresh / "dense")
    with Store(fresh) as store:
        assert existing_dense(store) == []
        assert not (fresh / "dense").exists()


def test_a_plain_lexical_search_leaves_the_schema_marker_alone(fresh: Path) -> None:
    marker = fresh / "lexical" / "novum-schema-version"
    stamp = marker.stat().st_mtime_ns
    novum("search", "network", "--no-history", "--mode", "lexical", "--data-dir", str(fresh))
    assert marker.stat().st_mtime_ns == stamp
