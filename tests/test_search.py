"""Prior-art search on real demo patents: ranking, in-engine filters, family collapse, snippets, Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest

from novum.index.lexical import FIELD_TEXTS, Filters, LexicalIndex, class_prefix
from novum.search.prior_art import SearchRequest, search
from novum.search.service import find_similar, similar_request
from novum.store.sqlite import Store
from tests.helpers import DEMO, DEMO_JSONL, ingest_paths, record, write_lines

SYNTHETIC = [
    # Filter mechanics the demo corpus cannot show (it carries no classes or families).
    record("EP1000001A1", "Wind turbine rotor blade with de-icing heater", cpc=["F03D80/40", "H05B3/00"],
           publication_date="2001-05-02", priority_claims=[{"date": "1999-03-01"}], family_id="F1"),
    record("US6000001A", "Wind turbine rotor blade with de-icing heater", cpc=["F03D80/40"],
           publication_date="2001-09-01", filing_date="2000-01-10", family_id="F1"),
    record("EP1000002B1", "Wind turbine rotor blade with a heated leading edge", cpc=["F03D1/06"],
           publication_date="2004-01-01", filing_date="2002-06-01"),
    record("CN1000003A", "一种锂离子电池固态电解质及其制备方法", "本发明公开了一种用于锂离子电池的固态电解质。",
           language="zh", ipc=["H01M10/0562"], publication_date="2020-01-01"),
]  # fmt: skip


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search")
    synthetic = write_lines(root / "synthetic.jsonl", SYNTHETIC)
    counts, _ = ingest_paths(root / "data", DEMO_JSONL, synthetic)
    assert counts.new == 3148 + len(SYNTHETIC)
    return root / "data"


def run(data_dir: Path, query: str, limit: int = 10, collapse: bool = True, **filters: object) -> list[str]:
    with Store(data_dir) as store:
        hits = search(store, LexicalIndex(data_dir), SearchRequest(query, Filters(**filters), limit, collapse))  # type: ignore[arg-type]
    return [h.number for h in hits]


def test_bm25_ranks_the_obvious_document_first(data_dir: Path) -> None:
    assert run(data_dir, "encrypted file access by an application", limit=3)[0] == "US8799651"


def test_cut_off_uses_priority_then_filing_date(data_dir: Path) -> None:
    with Store(data_dir) as store:
        hits = search(store, LexicalIndex(data_dir), SearchRequest("encryption key", Filters(before="2012-06-01"), 20))
        assert hits and all(h.patent.effective_date < "2012-06-01" for h in hits)  # type: ignore[operator]
    # EP1000001A1 has a 1999 priority though published in 2001; US6000001A only a 2000 filing date.
    assert run(data_dir, "rotor blade de-icing", collapse=False, before="2000-01-01") == ["EP1000001A1"]
    assert set(run(data_dir, "rotor blade de-icing", collapse=False, before="2001-01-01")) == {
        "EP1000001A1",
        "US6000001A",
    }
    assert run(data_dir, "rotor blade", collapse=False, published_before="2001-06-01") == ["EP1000001A1"]


def test_class_prefix_filters(data_dir: Path) -> None:
    assert set(run(data_dir, "rotor blade", collapse=False, cpc=["F03D"])) == {
        "EP1000001A1",
        "US6000001A",
        "EP1000002B1",
    }
    assert run(data_dir, "rotor blade", collapse=False, cpc=["F03D1/"]) == ["EP1000002B1"]
    assert run(data_dir, "rotor blade", collapse=False, cpc=["h05b 3/00"]) == ["EP1000001A1"]
    assert run(data_dir, "电解质", ipc=["H01M10/"]) == ["CN1000003A"]
    assert run(data_dir, "rotor blade", cpc=["G06F"]) == []


def test_country_and_kind_filters(data_dir: Path) -> None:
    assert set(run(data_dir, "rotor blade", collapse=False, country=["EP"])) == {"EP1000001A1", "EP1000002B1"}
    assert run(data_dir, "rotor blade", collapse=False, country=["ep"], kind=["B1"]) == ["EP1000002B1"]


def test_family_collapse_shows_one_member_and_lists_the_others(data_dir: Path) -> None:
    with Store(data_dir) as store:
        hits = search(store, LexicalIndex(data_dir), SearchRequest("rotor blade de-icing heater", limit=5))
    numbers = [h.number for h in hits]
    assert len({"EP1000001A1", "US6000001A"} & set(numbers)) == 1
    representative = next(h for h in hits if h.number in {"EP1000001A1", "US6000001A"})
    assert representative.family_members == sorted({"EP1000001A1", "US6000001A"} - {representative.number})
    assert {"EP1000001A1", "US6000001A"} <= set(run(data_dir, "rotor blade de-icing heater", collapse=False, limit=5))


def test_snippet_highlights_the_matched_words(data_dir: Path) -> None:
    with Store(data_dir) as store:
        hit = search(store, LexicalIndex(data_dir), SearchRequest("encrypted file access", limit=1))[0]
    assert hit.snippet is not None and "**encrypted**" in hit.snippet.lower()
    assert hit.to_dict()["title"] == "Method and system for encrypted file access"


def test_chinese_query_is_segmented(data_dir: Path) -> None:
    assert run(data_dir, "锂离子电池") == ["CN1000003A"]
    assert run(data_dir, "固态电解质的制备") == ["CN1000003A"]


def test_query_syntax_characters_are_harmless(data_dir: Path) -> None:
    for query in ['"unbalanced', "a AND (b", "C++ / -x: [y]", "***", "NOT", ""]:
        run(data_dir, query)  # no exception
    assert run(data_dir, '"file access"', limit=1) == run(data_dir, "file access", limit=1)


def test_class_prefix_spelling() -> None:
    assert class_prefix("h04l 9/") == "H04L9/"
    assert class_prefix("H04L") == "H04L"
    assert class_prefix("H04L9/32") == "H04L9/32"


def test_a_lexical_page_fills_itself_past_a_large_family(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lexical page reads only a few hits more than it shows; when one family fills them, it reads deeper, and
    every page equals the one a deep read gives."""
    family = [record(f"EP20{i:05d}A1", "Gearbox lubrication pump with gearbox lubrication valve",
                     family_id="BIG", publication_date="2010-01-01") for i in range(45)]  # fmt: skip
    singles = [record(f"US70{i:05d}A", f"Gearbox lubrication circuit variant {i}", publication_date="2011-01-01")
               for i in range(14)]  # fmt: skip
    data = tmp_path / "data"
    ingest_paths(data, write_lines(tmp_path / "family.jsonl", family + singles))

    def pages() -> list[list[str]]:
        with Store(data) as store:
            index = LexicalIndex(data)
            return [[h.number for h in search(store, index, SearchRequest("gearbox lubrication", Filters(), 10,
                                                                          offset=offset))]  # fmt: skip
                    for offset in (0, 10)]

    shallow = pages()
    monkeypatch.setattr("novum.search.prior_art.MIN_LEXICAL_FETCH", 1000)
    assert shallow == pages()
    first, second = shallow
    assert len(first) == 10 and len(second) == 5  # the family once, then the 14 single documents
    assert sum(n.startswith("EP20") for n in first + second) == 1
    assert not set(first) & set(second)


def test_snippets_of_one_page_equal_each_hit_s_own(data_dir: Path) -> None:
    with Store(data_dir) as store:
        index = LexicalIndex(data_dir)
        hits = search(store, index, SearchRequest("encrypted file access", Filters(), 10))
        page = index.snippets("encrypted file access")
        assert [page(h.patent) for h in hits] == [index.snippets("encrypted file access")(h.patent) for h in hits]
        assert all(h.snippet and "**" in h.snippet for h in hits)


def test_a_light_page_finds_snippets_in_the_description(tmp_path: Path) -> None:
    """Real full-text publications: a results page reads records without their description and reads a hit's
    whole record only when neither its abstract nor its claims match; snippets stay what whole records give."""
    ingest_paths(tmp_path / "data", DEMO / "xml")
    index = LexicalIndex(tmp_path / "data")
    with Store(tmp_path / "data") as store:
        light = store.get_many(["EP3882239A1"], without=("description",))["EP3882239A1"]
        whole = store.get("EP3882239A1")
        assert (len(light.description), len(whole.description)) == (0, 671)
        assert light.claims == whole.claims and light.abstracts == whole.abstracts

        def page(query: str, whole_records: bool) -> list[dict[str, object]]:
            request = SearchRequest(query, limit=10, whole_records=whole_records)
            return [h.to_dict() for h in search(store, index, request)]

        for query in ("bumpers conveniently", "acetone absorption", "wireless communication device"):
            assert page(query, False) == page(query, True), query
        (hit,) = search(store, index, SearchRequest("acetone absorption", whole_records=False))
        assert hit.number == "EP3882239A1" and "**acetone**" in str(hit.snippet)
        plain = str(hit.snippet).replace("**", "")
        assert plain[:60] in FIELD_TEXTS["description"](whole)  # found where only the whole record reaches
        assert plain[:60] not in FIELD_TEXTS["abstract"](whole) + FIELD_TEXTS["claims"](whole)

        for number in ("US8930553B2", "EP3404678B1"):  # novum similar shows a light page too
            patent, light_hits = find_similar(store, index, number, list, mode="lexical")
            whole_hits = search(store, index, similar_request(store, patent, 10, "lexical"))
            assert light_hits and [h.to_dict() for h in light_hits] == [h.to_dict() for h in whole_hits]
