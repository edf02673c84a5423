"""Chinese publications from CNIPA are searchable in Chinese: segmented text, filters and snippets work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from novum.index.lexical import Filters, LexicalIndex
from novum.search.prior_art import SearchRequest, search
from novum.store.sqlite import Store
from tests.conftest import fixture
from tests.helpers import ingest_paths


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    examples = fixture("cn-jp-wipo/data/examples")
    root = tmp_path_factory.mktemp("zh")
    counts, ingester = ingest_paths(root / "data", *sorted(examples.glob("cn_*.xml")))
    assert (counts.new, counts.quarantined) == (7, 0), ingester.problems
    return root / "data"


def hits(data_dir: Path, query: str, **filters: object) -> list[str]:
    with Store(data_dir) as store:
        found = search(store, LexicalIndex(data_dir), SearchRequest(query, Filters(**filters), limit=5))  # type: ignore[arg-type]
    return [h.number for h in found]


def test_title_words_find_the_document(data_dir: Path) -> None:
    assert hits(data_dir, "甘草发酵")[0] == "CN104223352A"
    assert hits(data_dir, "显示设备 栅线")[0] == "CN113781974A"
    assert hits(data_dir, "人造草坪 填充材料 筛选")[0] == "CN104245143A"


def test_words_inside_claims_and_description_are_found(data_dir: Path) -> None:
    # "长孢洛德酵母" appears in the abstract and description of CN104223352A only
    assert hits(data_dir, "长孢洛德酵母") == ["CN104223352A"]


def test_filters_apply_to_chinese_documents(data_dir: Path) -> None:
    assert hits(data_dir, "甘草发酵", ipc=["A24B"]) == ["CN104223352A"]
    assert hits(data_dir, "甘草发酵", ipc=["G09G"]) == []
    assert hits(data_dir, "显示设备", before="2014-01-01") == []


def test_chinese_snippet_is_unsegmented_and_marked(data_dir: Path) -> None:
    with Store(data_dir) as store:
        hit = search(store, LexicalIndex(data_dir), SearchRequest("甘草发酵", limit=1))[0]
    assert hit.snippet is not None
    assert "**甘草**" in hit.snippet
    assert re.search(r"[\u4e00-\u9fff]\**\s+\**[\u4e00-\u9fff]", hit.snippet) is None  # segmentation spaces removed
