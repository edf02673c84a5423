"""Helpers for parser tests: read a real file through the same path the ingest pipeline uses."""

from __future__ import annotations

from pathlib import Path

from novum.ingest.formats.base import ParsedDocument
from novum.ingest.reader import read_file
from novum.model import Patent


def parse_file(path: Path) -> list[ParsedDocument]:
    """Every document in a file, good and bad, as the pipeline would see them."""
    return list(read_file(path))


def parse_patents(path: Path) -> list[Patent]:
    """The patents in a file; fails the test if any document in it could not be read."""
    documents = parse_file(path)
    errors = [f"{d.position}: {d.error}" for d in documents if d.error]
    assert not errors, errors
    return [d.patent for d in documents if d.patent is not None]


def parse_single(path: Path) -> Patent:
    patents = parse_patents(path)
    assert len(patents) == 1, f"expected one document in {path}, got {len(patents)}"
    return patents[0]
