"""Real titles are free text: brackets, parentheses and "3D" in them never turn a search into a syntax error,
while deliberate query-language marks still report theirs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from novum.errors import QuerySyntaxError
from novum.index.lexical import LexicalIndex
from novum.search.service import SearchParams, run_search
from novum.search.structured import is_structured
from novum.store.sqlite import Store
from tests.conftest import shared
from tests.helpers import demo_lines, ingest_paths, write_lines

TRICKY = [
    "Imidazo [1,2-a]pyridine compounds, synthesis thereof, and methods of using same",
    "Operating system supporting mixed 2D, stereoscopic 3D and multi-view 3D displays",
    "Augmented reality (AR) target updating method, and terminal and server employing same",
    "Selective ligands for the dopamine 3 (D) receptor and methods of using the same",
    "System (and method) for data",
    "temperature < 100 degrees",
]


def test_no_real_title_is_a_syntax_error() -> None:
    titles = []
    for path in sorted(shared("corpus/us-api-patents").glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            titles.extend(str(json.loads(line)["title"]) for line in handle if line.strip())
    assert len(titles) == 18_880
    failures = []
    for title in titles:
        try:
            is_structured(title)
        except QuerySyntaxError as exc:
            failures.append((title, str(exc)))
    assert failures == []


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("titles")
    ingest_paths(root / "data", write_lines(root / "a.jsonl", demo_lines(200)))
    return root / "data"


@pytest.mark.parametrize("title", TRICKY)
def test_tricky_titles_search_as_free_text(data_dir: Path, title: str) -> None:
    with Store(data_dir) as store:
        page = run_search(store, LexicalIndex(data_dir), SearchParams(title), lambda: [])
    assert page.syntax in ("text", "query") and page.total >= 0


@pytest.mark.parametrize("query", ["battery NEAR3", "ti=(drone", "L9 AND wireless"])
def test_deliberate_query_language_still_reports_its_errors(data_dir: Path, query: str) -> None:
    with Store(data_dir) as store, pytest.raises(QuerySyntaxError):
        run_search(store, LexicalIndex(data_dir), SearchParams(query), lambda: [])
