"""Every real fixture under ../shared/data/fixtures, ingested as one folder the way a user would.

Every patent publication parses (five published with defects are repaired, and say so); what is quarantined is
exactly what is not a patent publication, plus the one deliberately malformed sample.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from novum.store.sqlite import Store
from tests.conftest import FIXTURES, shared
from tests.helpers import ingest_paths


def test_whole_fixture_tree(tmp_path: Path) -> None:
    shared("fixtures")
    counts, _ = ingest_paths(tmp_path / "data", FIXTURES)
    # 99 publications + PatentsView's 468; unchanged: test.xml repeats v4-5-B2.xml, and 81 PatentsView grants
    # appear in both a full weekly file and its ".small" excerpt
    assert (counts.new, counts.unchanged, counts.repaired) == (567, 82, 5)
    with Store(tmp_path / "data") as store:
        stats = store.stats()
    assert stats["by_format"] == {
        "epo-publication-server": 35, "uspto-xml": 494, "uspto-sgml": 6, "jpo": 5, "cnipa-old": 5, "uspto-pap": 5,
        "cnipa-new": 4, "uspto-brs": 6, "uspto-greenbook": 3, "ep-fulltext-tsv": 3, "wipo-st96": 1,
    }  # fmt: skip
    assert sorted(r["number"] for r in stats["repaired"]) == [
        "EP0560858A1", "EP1921219A1", "EP2055205A1", "EP3889521A1", "US7057742B2"
    ]  # fmt: skip
    quarantined = Counter(_kind(q["source"], q["reason"]) for q in stats["quarantine"])
    assert quarantined == {
        "USPTO file-wrapper papers (XML4IP), not publications": 13,
        "WIPO ST.96 design / GI / trademark examples": 3,
        "CPC scheme files": 2,
        "PAP sample with an XHTML DOCTYPE (deliberately malformed)": 1,
        "a JSON element map": 1,
        "sequence listings (sequence-cwu), not publications": 14,
        "PatentsView's parser test file, not a publication": 1,
    }


def _kind(source: str, reason: str) -> str:
    if "sample_XML4IP.ZIP!" in source and "unknown document type" in reason:
        return "USPTO file-wrapper papers (XML4IP), not publications"
    if "03-96-vii-example-instances" in source and "unknown document type" in reason:
        return "WIPO ST.96 design / GI / trademark examples"
    if ("cpcMaster" in source or "cpc-scheme" in source) and "unknown document type" in reason:
        return "CPC scheme files"
    if source.endswith("US20010000044A1.xml") and "DOCTYPE declares <simple>" in reason:
        return "PAP sample with an XHTML DOCTYPE (deliberately malformed)"
    if "<sequence-cwu>" in reason:
        return "sequence listings (sequence-cwu), not publications"
    if source.endswith("us-patentsview-db/xml/basic.xml") and "root element <a>" in reason:
        return "PatentsView's parser test file, not a publication"
    if source.endswith("cn_old_element_diff.json") and "must be a list" in reason:
        return "a JSON element map"
    return f"unexpected: {source}: {reason}"
