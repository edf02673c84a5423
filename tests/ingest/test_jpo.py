"""JPO ``jp-official-gazette`` XML on real 公開/公表 publications."""

from __future__ import annotations

import pytest

from novum.ingest.formats.jpo import citation_from_text
from novum.model import PriorityClaim
from novum.normalize.claimrefs import referenced_claims
from tests.conftest import fixture
from tests.parsing import parse_file, parse_single

BASE = "cn-jp-wipo/data"
FILES = [
    "examples/jp_example1.xml",
    "examples/jp_example2.xml",
    "examples/jp_example3.xml",
    "examples/jp_example4.xml",
    "st36_wipo_examples/jp_old/2021193879.xml",
]


@pytest.mark.parametrize("name", FILES)
def test_every_jpo_fixture_parses(name: str) -> None:
    documents = parse_file(fixture(f"{BASE}/{name}"))
    assert len(documents) == 1
    assert documents[0].error is None and documents[0].format == "jpo"
    patent = documents[0].patent
    assert patent is not None and patent.country == "JP" and patent.kind == "A" and patent.language == "ja"
    assert patent.claims and patent.description and "ja" in patent.titles and "ja" in patent.abstracts


def test_jp_example1_bibliography() -> None:
    p = parse_single(fixture(f"{BASE}/examples/jp_example1.xml"))
    assert p.number == "JP2021044377A"  # kind from kind-of-st16, not the label "公開特許公報(A)"
    assert p.application_number == "2019165329"
    assert (p.publication_date, p.filing_date) == ("2021-03-18", "2019-09-11")
    assert p.priority_claims == [] and p.priority_date is None
    assert p.titles == {"ja": "ウェーハの加工方法"}
    assert p.abstracts["ja"].startswith("【課題】品質を低下させることなくデバイスチップを形成する。【解決手段】")
    assert p.ipc == ["H01L21/301", "H01L21/67", "H01L21/683", "B23K26/53"]
    assert [a.name for a in p.applicants] == ["株式会社ディスコ"]  # agents (代理人) are left out
    assert len(p.inventors) == 10
    assert (p.inventors[0].name, p.inventors[-1].name) == ("原田 成規", "大前 巻子")
    assert p.doc_type == "utility"


def test_jp_example1_claims_description_citations() -> None:
    p = parse_single(fixture(f"{BASE}/examples/jp_example1.xml"))
    assert len(p.claims) == 6
    assert p.claims[0].text.startswith(
        "複数のデバイスが、分割予定ラインによって区画された表面の各領域に形成されたウェーハを"
    )
    assert p.claims[0].lang == "ja"
    assert [c.depends_on for c in p.claims] == [[], [1], [1], [1], [4], [1]]  # "請求項１記載の" in full-width
    # The amended description in jp:written-amendment-group is not read a second time.
    assert len(p.description) == 81
    first = p.description[0]
    assert (first.number, first.heading) == ("0001", "技術分野")
    assert first.text.startswith("本発明は、複数のデバイスが分割予定ラインによって区画された")
    assert [(d.number, d.heading) for d in p.description[6:9]] == [
        ("0007", "背景技術"),
        ("0008", "特許文献"),
        ("0009", "発明が解決しようとする課題"),
    ]
    assert [(c.number, c.country, c.doc_number, c.kind, c.phase, c.cited_by) for c in p.citations] == [
        ("JP6151557", "JP", "6151557", None, "description", None),
        ("JP3076179", "JP", "3076179", None, "description", None),
    ]
    assert p.citations[0].text == "特許第６１５１５５７号公報"


def test_jp_example2_priority_and_heading_element() -> None:
    p = parse_single(fixture(f"{BASE}/examples/jp_example2.xml"))
    assert p.number == "JP2021044249A"
    assert p.priority_claims == [PriorityClaim("US", "62/359,703", "2016-07-07")]
    assert p.priority_date == "2016-07-07"
    assert p.titles["ja"] == "リチウムイオン電池のリサイクル方法"
    assert p.ipc == ["H01M10/54", "B09B3/00"]
    assert len(p.claims) == 20 and p.claims[2].depends_on == [2]
    assert len(p.description) == 212
    # An explicit <heading> inside the description names the paragraphs after it.
    detailed = [d for d in p.description if d.heading == "発明の詳細な説明"]
    assert detailed[0].number == "0030" and detailed[0].text.startswith("一般定義")


def test_jp_example3_or_dependency() -> None:
    p = parse_single(fixture(f"{BASE}/examples/jp_example3.xml"))
    assert p.number == "JP2021041306A"
    assert p.claims[2].depends_on == [1, 2]  # "請求項１または２に記載の"
    assert [c.number for c in p.citations] == ["JP6020757"]
    assert len(p.claims) == 8 and len(p.description) == 70
    assert "実施例" in {d.heading for d in p.description}


def test_jp_example4_pct_translation() -> None:
    p = parse_single(fixture(f"{BASE}/examples/jp_example4.xml"))
    assert p.number == "JP2021509175A"  # 公表特許公報 (kind-of-jp="T"), ST.16 kind A
    assert (p.publication_date, p.filing_date) == ("2021-03-18", "2018-12-27")
    assert p.priority_claims == [
        PriorityClaim("KR", "10-2018-0000830", "2018-01-03"),
        PriorityClaim("KR", "10-2018-0000831", "2018-01-03"),
    ]
    assert p.ipc == ["G01F17/00", "G01F1/44", "A61B5/107"]
    assert [a.name for a in p.applicants] == ["シージー バイオ カンパニー，リミテッド"]
    assert [i.name for i in p.inventors] == ["キム インホ", "ユ ボヨン", "ホン スンギ", "チョ ヨンユン"]
    assert len(p.claims) == 20
    assert p.claims[6].depends_on == [] and p.claims[7].depends_on == [7]
    assert len(p.description) == 190
    assert p.citations == []  # the search reports are page images only


def test_jp_old_era_citation_and_ranges() -> None:
    p = parse_single(fixture(f"{BASE}/st36_wipo_examples/jp_old/2021193879.xml"))
    assert p.number == "JP2021193879A"
    assert p.application_number == "2020100059"
    assert (p.publication_date, p.filing_date) == ("2021-12-27", "2020-06-09")
    assert [a.name for a in p.applicants] == ["日本水産株式会社"]
    assert len(p.claims) == 15
    assert p.claims[2].depends_on == [1, 2]  # "請求項１又は２"
    assert p.claims[10].depends_on == [6, 7, 8, 9, 10]  # "請求項６〜１０のいずれか一項"
    assert [c.depends_on for c in p.claims[11:]] == [[], [], [], []]
    assert len(p.description) == 56
    cited = p.citations
    assert len(cited) == 1
    assert (cited[0].country, cited[0].doc_number, cited[0].kind, cited[0].number) == ("JP", "H8-9932", "A", None)


def test_citation_wording() -> None:
    assert citation_from_text("特開２０１５−１２３４５号公報").number == "JP2015012345A"
    assert citation_from_text("米国特許第７１２３４５６号明細書").number == "US7123456"
    assert citation_from_text("国際公開第２０１９/１３５５４６号").number == "WO2019135546"
    unknown = citation_from_text("何かの文献")
    assert unknown.number is None and unknown.text == "何かの文献"


def test_japanese_claim_wording_is_read() -> None:
    assert referenced_claims("請求項１乃至３のいずれかに記載の", 5) == [1, 2, 3]
    assert referenced_claims("請求項２又は３に記載の", 5) == [2, 3]
