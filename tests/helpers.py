"""Small builders shared by the store, pipeline, search and CLI tests."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from typer.testing import CliRunner

from novum.cli.app import app
from novum.index.lexical import LexicalIndex
from novum.ingest.pipeline import Ingester
from novum.store.sqlite import IngestCounts, Store

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data" / "demo"
DEMO_JSONL = DEMO / "us-patents-sample.jsonl.gz"

runner = CliRunner()


def novum(*args: str, env: dict[str, str] | None = None) -> str:
    """Run the CLI in-process, fail the test on a non-zero exit, return what it printed."""
    result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def demo_lines(count: int, start: int = 0) -> list[str]:
    """Real records (API-Evangelist layout) from the demo sample shipped in the repo."""
    with gzip.open(DEMO_JSONL, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    return lines[start : start + count]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(number: str, title: str, abstract: str = "", **extra: object) -> str:
    """A normalised JSONL record, for filter mechanics that the real corpus cannot show (classes, families)."""
    data: dict[str, object] = {"number": number, "titles": {"en": title}}
    if abstract:
        data["abstracts"] = {"en": abstract}
    data.update(extra)
    return json.dumps(data, ensure_ascii=False)


def ingest_paths(data_dir: Path, *paths: Path, batch_size: int = 500) -> tuple[IngestCounts, Ingester]:
    with Store(data_dir) as store:
        ingester = Ingester(store, LexicalIndex(data_dir), batch_size=batch_size)
        counts = ingester.run(list(paths))
    return counts, ingester
