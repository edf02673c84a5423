"""CNIPA XML, old (``cn-patent-document``) and new (``business:PatentDocumentAndRelated``), on real publications."""

from __future__ import annotations

import pytest

from novum.ingest.formats.cnipa_old import looks_like_heading
from novum.ingest.xml import parse_xml
from novum.model import PriorityClaim
from tests.conftest import fixture
from tests.parsing import parse_file, parse_single

BASE = "cn-jp-wipo/data"
OLD = [
    "examples/cn_old1.xml",
    "examples/cn_old2.xml",
    "examples/cn_old3.xml",
    "examples/cn_old4.xml",
    "st36_wipo_examples/cn_old/200880114428_A.xml",
]
NEW = [
    "examples/cn_new1.xml",
    "examples/cn_new2.xml",
    "examples/cn_new3.xml",
    "st36_wipo_examples/cn_new/CN102015000481495CN00001152124630AFULZH20221021CN00D.XML",
]


@pytest.mark.parametrize("name", OLD + NEW)
def test_every_cnipa_fixture_parses(name: str) -> None:
    documents = parse_file(fixture(f"{BASE}/{name}"))
    assert len(documents) == 1
    assert documents[0].error is None
    assert documents[0].format == ("cnipa-old" if name in OLD else "cnipa-new")
    patent = documents[0].patent
    assert patent is not None and patent.country == "CN" and patent.language == "zh"
    assert patent.claims and patent.description and "zh" in patent.titles and "zh" in patent.abstracts


# --- old format ------------------------------------------------------------------------------------------------


def test_cn_old1_bibliography_and_parties() -> None:
    p = parse_single(fixture(f"{BASE}/examples/cn_old1.xml"))
    assert p.number == "CN104223352A"
    assert p.application_number == "201410408762.5"
    assert (p.publication_date, p.filing_date) == ("2014-12-24", "2014-08-19")
    assert p.priority_claims == [] and p.priority_date is None
    assert p.titles == {"zh": "一种甘草发酵所得烟用香料及其应用"}
    assert p.abstracts["zh"].startswith("本发明公开了一种甘草发酵所得烟用香料及其应用。")
    assert "2012.10.08" not in p.abstracts["zh"]  # the bio-deposit block is not abstract text
    assert p.ipc == ["A24B15/18", "C11B9/00", "C12P1/02", "C12R1/645"]
    assert [a.name for a in p.applicants] == ["云南中烟工业有限责任公司"]
    assert len(p.inventors) == 8
    assert (p.inventors[0].name, p.inventors[-1].name) == ("段焰青", "王文元")
    assert all(a.name != "谢嘉" for a in p.applicants + p.inventors)  # agents are not parties
    assert p.doc_type == "utility" and p.citations == []


def test_cn_old1_claims_and_description() -> None:
    p = parse_single(fixture(f"{BASE}/examples/cn_old1.xml"))
    assert len(p.claims) == 3
    first = p.claims[0]
    assert first.number == 1 and first.lang == "zh" and first.depends_on == []
    # "1." is stripped and the office's hard line wraps vanish inside Chinese text.
    assert first.text.startswith("一种甘草发酵所得烟用香料，其特征在于：将甘草片或甘草粉与水按1:5～1:50的质量比")
    assert p.claims[1].text.startswith("根据权利要求1所述的甘草发酵所得烟用香料")
    assert [c.depends_on for c in p.claims] == [[], [1], [1]]
    # 44 numbered paragraphs, 12 of which are printed headings ("技术领域", "实施例1"...).
    assert len(p.description) == 32
    para = p.description[0]
    assert (para.number, para.heading) == ("0002", "技术领域")
    assert para.text.startswith("本发明属于卷烟香精香料技术领域")
    assert {d.heading for d in p.description} >= {"技术领域", "背景技术", "发明内容", "具体实施方式"}
    assert not any(d.text == "技术领域" for d in p.description)


def test_cn_old2_pct_national_phase_with_priorities() -> None:
    p = parse_single(fixture(f"{BASE}/examples/cn_old2.xml"))
    assert p.number == "CN104245143A"
    assert p.application_number == "201480000986.0"
    assert len(p.priority_claims) == 6
    assert p.priority_claims[0] == PriorityClaim("KR", "10-2013-0033547", "2013-03-28")
    assert p.priority_claims[-1] == PriorityClaim("KR", "10-2013-0138117", "2013-11-14")
    assert p.priority_date == "2013-03-28"
    assert [a.name for a in p.applicants] == ["可隆科技特株式会社", "盛源立赛科株式会社"]
    assert p.ipc == ["B03B5/04", "B03B5/32", "B03B5/62", "B07B13/04"]
    assert len(p.claims) == 43
    # Multi-part claims: all claim-text blocks are joined, without the wrap whitespace.
    assert p.claims[0].text.startswith("一种用于对包含于人造草坪的填充材料进行重复利用的筛选方法，该方法为用于")
    assert "包括：第1次筛选步骤" in p.claims[0].text
    assert p.claims[2].depends_on == [2]
    assert p.claims[24].depends_on == list(range(1, 25))  # "根据权利要求1至权利要求24中的任意一项"
    assert p.claims[25].depends_on == []  # claim 26: the apparatus
    assert p.claims[42].depends_on == list(range(26, 43))
    assert len(p.description) == 172
    assert p.description[10].heading == "本发明要解决的技术问题"  # an underlined sub-heading paragraph


def test_cn_old3_and_old4_dependencies_and_domestic_priority() -> None:
    p3 = parse_single(fixture(f"{BASE}/examples/cn_old3.xml"))
    assert p3.number == "CN104245682A" and p3.titles["zh"] == "马来酸伊索拉定的制造方法"
    assert p3.claims[2].depends_on == [1, 2]  # "如权利要求1或2所述"
    assert [a.name for a in p3.applicants] == ["日本新药株式会社"]
    assert len(p3.description) == 41
    assert "[化1]" in [d.text for d in p3.description]  # a formula label, not a heading
    p4 = parse_single(fixture(f"{BASE}/examples/cn_old4.xml"))
    assert p4.number == "CN104223590A"
    # CNIPA's domestic priority (INID 66) sits under cn-related-documents.
    assert p4.priority_claims == [PriorityClaim("CN", "201320854096.9", "2013-12-24")]
    assert p4.priority_date == "2013-12-24"
    assert p4.claims[8].depends_on == [1, 2, 3]  # "根据权利要求1、2、3所述"
    assert len(p4.claims) == 10 and len(p4.description) == 30


def test_cn_old_st36_example_long_document() -> None:
    p = parse_single(fixture(f"{BASE}/st36_wipo_examples/cn_old/200880114428_A.xml"))
    assert p.number == "CN103492414A"
    assert (p.publication_date, p.filing_date) == ("2014-01-01", "2008-10-29")
    assert p.application_number == "200880114428.1"
    assert p.priority_claims == [PriorityClaim("US", "60/984,910", "2007-11-02")]
    assert p.titles["zh"] == "抗HEPCIDIN抗体及其用途"
    assert p.ipc == ["C07K16/18"]
    assert [a.name for a in p.applicants] == ["伊莱利利公司"]
    assert p.inventors[0].name == "Y·A·蔡" and len(p.inventors) == 8
    assert len(p.claims) == 44
    assert p.claims[0].text.startswith("选择性结合人hepcidin-25的抗体")
    assert p.claims[2].depends_on == [1, 2]  # "权利要求1-2中任一项"
    assert len(p.description) == 3195


def test_heading_shape() -> None:
    p = parse_xml(b"<p num='1'>x</p>")
    assert looks_like_heading(p, "技术领域") and looks_like_heading(p, "实施例1")
    assert not looks_like_heading(p, "本发明涉及一种脚型量具。")
    assert not looks_like_heading(p, "[化1]") and not looks_like_heading(p, "表1 检测结果")


# --- new format ------------------------------------------------------------------------------------------------


def test_cn_new1_divisional_with_priority() -> None:
    p = parse_single(fixture(f"{BASE}/examples/cn_new1.xml"))
    assert p.number == "CN113781974A"
    assert p.application_number == "202111286633.X"  # the "original" (printed) form, not 102021001286633
    assert (p.publication_date, p.filing_date) == ("2021-12-10", "2017-04-24")
    # Each priority appears in original and standard form; only the printed one is kept.
    assert p.priority_claims == [PriorityClaim("KR", "10-2016-0063019", "2016-05-23")]
    assert p.titles == {"zh": "显示设备"}
    assert p.ipc == ["G09G3/36", "G09G3/3208", "G09G3/34"]
    assert [(a.name, a.country, a.city) for a in p.applicants] == [("三星显示有限公司", "KR", None)]
    assert [i.name for i in p.inventors] == ["金驲柱", "田武经", "李安洙"]
    assert len(p.claims) == 17
    assert p.claims[0].text.startswith("显示设备，包括：显示面板，所述显示面板包括：")
    assert p.claims[1].depends_on == [1] and p.claims[4].depends_on == [4]
    assert len(p.description) == 205
    assert (p.description[0].number, p.description[0].heading) == ("0001", None)
    assert p.description[0].text == "相关申请的交叉引用"
    para = p.description[2]
    assert (para.number, para.heading, para.text) == (
        "0003",
        "技术领域",
        "本文中描述的一个或多个实施方式涉及显示设备。",
    )
    assert p.description[-1].number == "0205" and p.description[-1].heading == "具体实施方式"


def test_cn_new2_parties_and_classes() -> None:
    p = parse_single(fixture(f"{BASE}/examples/cn_new2.xml"))
    assert p.number == "CN113783949A"
    assert p.application_number == "202110991218.8"
    assert (p.publication_date, p.filing_date) == ("2021-12-10", "2021-08-26")
    assert p.priority_claims == []
    assert p.titles["zh"] == "一种基于合约管理的跨链去中心化方法"
    assert p.abstracts["zh"].startswith("本发明公开了一种基于合约管理的跨链去中心化方法")
    assert p.ipc == ["H04L29/08", "H04L29/06", "H04L9/32", "G06Q40/04", "G06F16/27"]
    assert [(a.name, a.country, a.city) for a in p.applicants] == [("浙商银行股份有限公司", "CN", "杭州市")]
    assert [i.name for i in p.inventors] == ["陈嘉俊", "臧铖", "郭东升"]
    assert len(p.claims) == 10
    assert all(c.depends_on == [1] for c in p.claims[1:])
    assert len(p.description) == 95
    assert [d.heading for d in p.description[:3]] == ["技术领域", "背景技术", "发明内容"]
    assert p.description[0].text.startswith("本发明涉及区块链技术领域")


def test_cn_new3_pct_national_phase() -> None:
    p = parse_single(fixture(f"{BASE}/examples/cn_new3.xml"))
    assert p.number == "CN113784721A"
    assert p.application_number == "202180002433.9"
    assert len(p.priority_claims) == 8
    assert p.priority_claims[0] == PriorityClaim("US", "62/982,670", "2020-02-27")
    assert p.priority_claims[-1] == PriorityClaim("US", "63/146,456", "2021-02-05")
    assert p.priority_date == "2020-02-27"
    assert p.ipc == ["A61K31/7076", "A61P31/14", "C07H19/207"]
    assert [i.name for i in p.inventors] == ["J-P·索玛迪西", "A·莫萨"]
    assert len(p.claims) == 111
    assert p.claims[10].depends_on == list(range(1, 11))
    assert len(p.description) == 1227


def test_cn_new_st36_example() -> None:
    p = parse_single(fixture(f"{BASE}/{NEW[3]}"))
    assert p.number == "CN115212463A"
    assert p.application_number == "201510481495.9"
    assert (p.publication_date, p.filing_date) == ("2022-10-21", "2015-08-07")
    assert p.titles["zh"] == "一种医用放射治疗装置"
    assert p.ipc == ["A61N5/00"]
    assert [a.name for a in p.applicants] == ["北京大基康明医疗设备有限公司"]
    assert len(p.claims) == 12 and p.claims[4].depends_on == [1, 2, 3, 4]
    assert len(p.description) == 98
