"""The firm documents beside the lexical index (``novum.index.firms``): written in the ingest's sync, one document
per firm holding all its patents, rewritten when a patent changes owner, rebuilt when lost, never written by a
read; and ``match patent`` fusing them with the neighbours' votes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from novum.index import firms as firm_index
from novum.index.consistency import check, stored_counts
from novum.index.firms import FirmEntry, FirmHit, FirmIndex
from novum.index.lexical import open_index, open_index_for_reading
from novum.ingest.pipeline import reindex, sync_index
from novum.match import engine
from novum.match.engine import Matcher
from novum.match.firms import FirmMatch, applicant_type, firm_key, fuse_firms, owners
from novum.model import Party, Patent
from novum.store.sqlite import Store
from tests.conftest import fixture
from tests.helpers import demo_lines, ingest_paths, write_lines

VIRTUALISATION = "virtual machine hypervisor migrating memory pages between hosts"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    counts, ingester = ingest_paths(tmp_path / "d", write_lines(tmp_path / "s.jsonl", demo_lines(300)))
    assert (counts.new, counts.quarantined) == (300, 0), ingester.problems
    return tmp_path / "d"


def test_one_document_per_firm_with_all_its_patents(data_dir: Path) -> None:
    rows = [json.loads(line) for line in demo_lines(300)]
    portfolios = Counter(firm_key(r["owner"]) for r in rows if r["owner"].strip())
    # 183: "Hewlett-Packard Development Company, L. P." and "..., L.P." are one firm
    assert len(portfolios) == 183 and portfolios["MICROSOFT"] == 18 and portfolios["RED HAT"] == 6
    firms = FirmIndex(data_dir, read_only=True)
    assert firms.count() == 183
    hits = firms.rank(VIRTUALISATION, 5)
    assert [(h.key, h.name, h.patents) for h in hits[:4]] == [
        ("FRAMEHAWK", "Framehawk, LLC", 1), ("CITRIX SYSTEMS", "Citrix Systems, Inc.", 1),
        ("RED HAT", "Red Hat, Inc.", 6), ("MICROSOFT", "Microsoft Corporation", 18),
    ]  # fmt: skip
    assert hits[0].score > hits[1].score > hits[2].score and hits[0].classes == ()  # the API corpus has no classes
    left_out = firms.rank(VIRTUALISATION, 5, exclude=["FRAMEHAWK", "RED HAT"])
    assert [h.key for h in left_out[:2]] == ["CITRIX SYSTEMS", "MICROSOFT"]
    assert firms.rank("the of and", 5) == []  # stop words only: nothing to rank on


def test_a_patent_that_changes_owner_moves_between_documents(data_dir: Path, tmp_path: Path) -> None:
    line = next(json.loads(x) for x in demo_lines(300) if json.loads(x)["number"] == "08392497")
    assert line["owner"] == "Framehawk, LLC"
    line["owner"] = "Red Hat, Inc."  # a corrected record of the same patent
    ingest_paths(data_dir, write_lines(tmp_path / "fix.jsonl", [json.dumps(line)]))
    firms = FirmIndex(data_dir, read_only=True)
    assert firms.count() == 182  # Framehawk's only patent left it, so its document is gone
    top = firms.rank(VIRTUALISATION, 3)
    assert (top[0].key, top[0].patents) == ("RED HAT", 7)
    assert "FRAMEHAWK" not in {h.key for h in firms.rank(VIRTUALISATION, 200)}


def test_a_lost_firm_index_is_rebuilt_by_the_next_sync_and_a_read_writes_nothing(data_dir: Path) -> None:
    shutil.rmtree(data_dir / "firms")
    with Store(data_dir) as store:
        reader = open_index_for_reading(store)
        assert reader.firms.missing and reader.firms.count() == 0
        assert not (data_dir / "firms").exists()  # opening for a read created nothing
        assert Matcher(store, reader).match_patent("US8392497").firms  # voting alone still answers
        index = open_index(store)
        assert store.pending_count() == 300  # the index without its firms must see every document again
        assert sync_index(store, index) == 300
    assert FirmIndex(data_dir, read_only=True).count() == 183


def test_check_reports_lost_or_disagreeing_firm_documents(data_dir: Path) -> None:
    report = check(data_dir)
    assert report.ok and report.firm_documents == 183, report.problems
    firms = FirmIndex(data_dir)
    writer = firms.index.writer(heap_size=15_000_000, num_threads=1)
    writer.delete_documents_by_term("key", "RED HAT")  # a firm document lost, its portfolio kept
    writer.commit()
    writer.wait_merging_threads()
    assert check(data_dir).problems == ["1 firms have a portfolio but no firm document (firms/); run `novum reindex`"]
    shutil.rmtree(data_dir / "firms")
    lost = check(data_dir)
    assert not (data_dir / "firms").exists()  # the check wrote nothing
    assert lost.problems == [
        "the firm documents (firms/) are missing or in an old layout while the search index holds 300 documents;"
        " run `novum reindex`"
    ]
    with Store(data_dir) as store:
        reindex(store, open_index(store))
    assert check(data_dir).ok


def test_match_patent_fuses_neighbours_and_portfolios(data_dir: Path) -> None:
    with Store(data_dir) as store:
        market = Matcher(store, open_index_for_reading(store)).match_patent("US8392497")
    assert len(market.firms) == 10 and "FRAMEHAWK" not in {f.key for f in market.firms}  # its own owner left out
    assert [f.rank for f in market.firms] == list(range(1, 11))
    assert all(a.score >= b.score for a, b in zip(market.firms, market.firms[1:], strict=False))
    top = market.firms[0]
    assert (top.key, top.found_by, top.evidence) == ("CITRIX SYSTEMS", ["neighbours", "portfolio"], ["US8676949"])
    assert market.to_dict()["firms"][0]["found_by"] == ["neighbours", "portfolio"]


def test_a_firm_found_by_its_portfolio_alone_names_its_closest_patents(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "NEIGHBOURS", 5)  # five neighbours: most firms are found by their portfolios alone
    with Store(data_dir) as store:
        matcher = Matcher(store, open_index_for_reading(store))
        market = matcher.match_patent("US8392497")
        assert matcher.firms is not None
        portfolios = {f.key: set(matcher.firms.numbers_of(f.key)) for f in market.firms}
    alone = [f for f in market.firms if f.found_by == ["portfolio"]]
    assert len(alone) == 6 and all(len(f.evidence) == 3 and set(f.evidence) <= portfolios[f.key] for f in alone)
    # three of Red Hat's six patents, those closest to Framehawk's (a virtualised service used through a thin client)
    assert (alone[0].key, alone[0].evidence) == ("RED HAT", ["US9009696", "US8209564", "US9053472"])


def test_fusing_puts_firms_both_models_find_first() -> None:
    """The rule alone (on 300 documents the two models agree on every top-10 firm of the patent above)."""
    voting = [FirmMatch(1, "Acme Corp", "ACME", 0.5, "similar", ["US1"], ["G06F"]),
              FirmMatch(2, "Beta Ltd", "BETA", 0.3, "similar", ["US2"], ["G06F"])]  # fmt: skip
    portfolio = [FirmHit("GAMMA", 9.0, "Gamma University", ("H04L",), 12), FirmHit("ACME", 7.0, "Acme Corp", (), 3)]
    target = Patent(country="US", doc_number="9", cpc=["G06F9/455"])
    fused = fuse_firms(voting, portfolio, target, 10, k=10)
    assert [(f.rank, f.key, f.found_by) for f in fused] == [
        (1, "ACME", ["neighbours", "portfolio"]), (2, "GAMMA", ["portfolio"]), (3, "BETA", ["neighbours"]),
    ]  # fmt: skip
    assert fused[0].score == pytest.approx(1 / 11 + 1 / 12) and fused[0].evidence == ["US1"]
    gamma = fused[1]
    assert (gamma.firm, gamma.evidence, gamma.relation, gamma.applicant_type) == (
        "Gamma University", [], "complementary", "academic"
    )
    assert [f.key for f in fuse_firms(voting, portfolio, target, 2)] == ["ACME", "GAMMA"]


def test_a_large_portfolio_keeps_its_latest_patents_and_counts_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(firm_index, "PORTFOLIO_CAP", 5)
    ingest_paths(tmp_path / "d", write_lines(tmp_path / "s.jsonl", demo_lines(300)))
    with Store(tmp_path / "d") as store:
        microsoft = [p for p in store.iter_patents() if {firm_key(n) for n in owners(p)} == {"MICROSOFT"}]
    # these records carry a filing date only, so recency is by filing date
    assert len(microsoft) == 18 and all(p.publication_date is None and p.filing_date for p in microsoft)
    latest = sorted(microsoft, key=lambda p: (p.filing_date or "", p.number), reverse=True)[:5]
    with sqlite3.connect(tmp_path / "d" / "firms" / "profiles.sqlite") as db:
        (stored,) = db.execute("SELECT entries FROM firm WHERE key = 'MICROSOFT'").fetchone()
    assert sorted(json.loads(stored)) == sorted(p.number for p in latest)
    hits = FirmIndex(tmp_path / "d", read_only=True).rank("developer client", 50)
    assert next(h.patents for h in hits if h.key == "MICROSOFT") == 18


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Telefonaktiebolaget LM Ericsson (publ)", "company"),  # Swedish: "aktiebolaget" is the company form
        ("Telefonaktiebolaget L M Ericsson (publ)", "company"),
        ("Microsoft Corporation", "company"),
        ("QUALCOMM Incorporated", "company"),
        ("The United States of America as represented by the Secretary of the Navy", "government"),
        ("The Regents of the University of California", "academic"),
    ],
)
def test_applicant_types_of_real_names(name: str, kind: str) -> None:
    assert applicant_type(name) == kind


OWNERS = ["Microsoft Corporation", "MICROSOFT CORP.", "Red Hat, Inc.", "Telefonaktiebolaget L M Ericsson (publ)",
          "Telefonaktiebolaget LM Ericsson (PUBL)", "Qualcomm Incorporated"]  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.tuples(st.integers(0, 7), st.sets(st.integers(0, 5), max_size=2)), max_size=6),
                min_size=1, max_size=4))  # fmt: skip
def test_firm_documents_follow_any_sequence_of_owner_changes(
    tmp_path_factory: pytest.TempPathFactory, batches: list[list[tuple[int, set[int]]]]
) -> None:
    """Real patents re-ingested in batches with owners drawn from real spellings: after every batch each firm has
    one document holding exactly the patents it owns now, and no firm without patents keeps one."""
    patents = [json.loads(line) for line in demo_lines(8)]
    firms = FirmIndex(tmp_path_factory.mktemp("firms"))
    owned: dict[str, set[str]] = {}  # number -> its owners' keys now
    for batch in batches:
        entries = []
        for which, names in batch:
            row = patents[which]
            patent = Patent(country="US", doc_number=row["number"].lstrip("0"), titles={"en": row["title"]},
                            abstracts={"en": row["abstract"]}, assignees=[Party(OWNERS[i]) for i in sorted(names)])
            entries.append(FirmEntry.of(patent))
            owned[patent.number] = {firm_key(OWNERS[i]) for i in names}
        firms.add(entries)
        expected: dict[str, set[str]] = {}
        for number, keys in owned.items():
            for key in keys:
                expected.setdefault(key, set()).add(number)
        keys, numbers = firms.stored_portfolios()
        assert keys == set(expected) and stored_counts(firms.index, "key") == Counter(dict.fromkeys(expected, 1))
        assert numbers == {n for n, k in owned.items() if k}
        counted = {h.key: h.patents for h in firms.rank(" ".join(p["title"] for p in patents), 50)}
        assert counted == {key: len(held) for key, held in expected.items()}


def test_chinese_portfolios_are_ranked_by_their_words(tmp_path: Path) -> None:
    """Real CNIPA publications: Chinese titles and abstracts are cut into words, in the firm documents and in the
    query alike, so a Chinese description finds the Chinese applicant."""
    examples = fixture("cn-jp-wipo/data/examples")
    ingest_paths(tmp_path / "d", examples / "cn_old1.xml", examples / "cn_new1.xml")
    firms = FirmIndex(tmp_path / "d", read_only=True)
    hits = firms.rank("显示面板的栅极线电阻", 5)
    assert firms.count() == 2 and [(h.key, h.name, h.classes) for h in hits[:1]] == [
        ("三星显示", "三星显示有限公司", ("G09G",))
    ]
    assert firms.rank("甘草发酵 烟用香料", 1)[0].key == "云南中烟工业"


def test_a_firm_found_by_its_portfolio_names_its_closest_patents(tmp_path: Path) -> None:
    """On 1,500 real grants, Dell's patents are none of US8270603's 100 nearest documents, yet its portfolio as a
    whole ranks it; the firm then names the three of its patents closest to the text."""
    ingest_paths(tmp_path / "d", write_lines(tmp_path / "s.jsonl", demo_lines(1500)))
    with Store(tmp_path / "d") as store:
        matcher = Matcher(store, open_index_for_reading(store))
        dell = next(f for f in matcher.match_patent("US8270603", needs=0).firms if f.key == "DELL PRODUCTS")
        assert dell.found_by == ["portfolio"] and len(dell.evidence) == 3
        owned = set(FirmIndex(tmp_path / "d", read_only=True).numbers_of("DELL PRODUCTS"))
        assert set(dell.evidence) <= owned and "US8270603" not in dell.evidence
