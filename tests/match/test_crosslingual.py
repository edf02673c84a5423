"""A Chinese need finds English patents and an English need finds Chinese ones (CNIPA fixtures, multilingual-e5),
and the explanation still points at the passage that answers across the languages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from novum.index.lexical import open_index_for_reading
from novum.ingest.embedding import embed_pending, existing_dense, open_dense, set_models
from novum.match.engine import Matcher, MatchOptions
from novum.store.needs import Need, NeedsRegister
from novum.store.sqlite import Store
from tests.conftest import fixture
from tests.helpers import ingest_paths, record, write_lines


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    examples = fixture("cn-jp-wipo/data/examples")
    root = tmp_path_factory.mktemp("match-zh-en")
    set_models(root / "d", ["e5-small-multilingual"])
    english = write_lines(root / "en.jsonl", [
        record("US9000001B2", "Display device with gate lines and data lines between pixel columns",
               "A display panel in which pixels are arranged in rows and columns, gate lines connect to pixels.",
               kind="B2", filing_date="2015-03-02"),
        record("US9000002B2", "Tobacco flavouring obtained by fermenting licorice with yeast",
               "A flavour for cigarettes produced by fermenting licorice root with a yeast strain.",
               kind="B2", filing_date="2016-07-11"),
        record("US9000003B2", "Rotor blade for a wind turbine", "A blade with a heated leading edge.", kind="B2"),
    ])  # fmt: skip
    ingest_paths(root / "d", english, examples / "cn_old1.xml", examples / "cn_new1.xml", examples / "cn_old2.xml")
    with Store(root / "d") as store:
        (dense,) = open_dense(store)
        embed_pending(dense)
    return root / "d"


@pytest.fixture
def matcher(data_dir: Path) -> Iterator[Matcher]:
    with Store(data_dir) as store:
        yield Matcher(store, open_index_for_reading(store), existing_dense(store))


def test_chinese_need_finds_english_patents(matcher: Matcher) -> None:
    result = matcher.match_need("卷烟用的香料，通过酵母发酵甘草得到", MatchOptions(country=["US"], limit=2))
    assert result.mode == "hybrid" and result.matches[0].number == "US9000002B2"
    evidence = result.matches[0].explanation.evidence  # type: ignore[union-attr]
    assert evidence[0].passage == "abstract" and evidence[0].lexical == 0.0 and (evidence[0].semantic or 0) > 0.2
    display = matcher.match_need("显示面板的栅线和像素", MatchOptions(country=["US"], limit=1))
    assert display.matches[0].number == "US9000001B2"


def test_english_need_finds_chinese_patents(matcher: Matcher) -> None:
    flavour = matcher.match_need("tobacco flavour from fermented licorice", MatchOptions(country=["CN"], limit=1))
    assert flavour.matches[0].number == "CN104223352A"
    screen = matcher.match_need("display device with pixels and gate lines", MatchOptions(country=["CN"], limit=1))
    assert screen.matches[0].number == "CN113781974A"
    assert screen.matches[0].readiness.status == "application"


def test_a_chinese_registered_need_is_found_for_an_english_patent(matcher: Matcher) -> None:
    NeedsRegister(matcher.store).add(
        [Need("某烟草公司", "需要一种用甘草发酵制备的卷烟香料"), Need("Windco", "de-icing rotor blades")]
    )
    market = matcher.match_patent("US9000002B2")
    assert [m.need.firm for m in market.needs][:1] == ["某烟草公司"]
