"""Conventions of the query languages searchers already use (Espacenet CQL, OPS), as they type them.

The spellings come from the Espacenet smart-search help (operators, field identifiers) and from strategies as
pasted: spaces around a relation, CQL relations and modifiers, the priority-number index, questions typed as free
text. Each must read as that dialect means it, on real documents where the meaning is about data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from novum.index.lexical import Filters, LexicalIndex
from novum.normalize.numbers import application_key
from novum.search.explain import explain_text, query_words
from novum.search.query import parse, run_query, to_text
from novum.search.query.ast import DateQuery, Phrase, Term
from novum.search.service import SearchParams, run_search
from novum.search.structured import is_structured, structured_search
from novum.store.sqlite import Store
from tests.conftest import fixture
from tests.conventions_cases import QUERIES as CONVENTIONS
from tests.conventions_cases import QUESTIONS
from tests.helpers import ingest_paths, novum, record, write_lines


@pytest.mark.parametrize(("typed", "canonical"), CONVENTIONS)
def test_conventions(typed: str, canonical: str) -> None:
    tree = parse(typed)
    assert to_text(tree) == canonical
    assert parse(canonical) == tree


@pytest.mark.parametrize(("text", "structured"), QUESTIONS)
def test_free_text_or_query_language(text: str, structured: bool) -> None:
    assert is_structured(text) is structured


aliases = st.sampled_from(["ti", "ab", "pa", "in", "ta", "ia", "claims", "txt", "名称", "申请人"])
words = st.from_regex(r"[a-z]{3,8}", fullmatch=True).filter(lambda w: w not in ("and", "not", "xor", "adj", "near"))
spaces = st.sampled_from(["", " ", "  ", "\t"])


@given(aliases, words, spaces, spaces)
def test_spaces_around_a_relation_do_not_matter(alias: str, word: str, before: str, after: str) -> None:
    assert parse(f"{alias}{before}={after}{word}") == parse(f"{alias}={word}")


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


@given(st.sampled_from(["pd", "ad", "prd"]), st.sampled_from(["<", "<=", ">", ">=", "="]), dates, spaces, spaces)
def test_spaces_around_a_date_relation(field: str, op: str, day: dt.date, before: str, after: str) -> None:
    text = f"{day:%Y%m%d}"
    assert parse(f"{field}{before}{op}{after}{text}") == parse(f"{field}{op}{text}")


@given(dates, dates, st.sampled_from([",", ", ", " ", "->"]), st.booleans())
def test_within_takes_two_dates_however_separated(a: dt.date, b: dt.date, sep: str, quoted: bool) -> None:
    low, high = sorted([a, b])
    value = f"{low:%Y-%m-%d}{sep}{high:%Y-%m-%d}"
    typed = f'pd within "{value}"' if quoted or sep == "->" else f"pd within {value}"
    assert parse(typed) == DateQuery("published", int(f"{low:%Y%m%d}"), int(f"{high:%Y%m%d}"))


@given(words, words, st.integers(min_value=1, max_value=50), st.booleans())
def test_cql_prox_modifiers_are_uspto_operators(a: str, b: str, distance: int, ordered: bool) -> None:
    typed = parse(f"{a} prox/distance<={distance}/ordered={'true' if ordered else 'false'} {b}")
    assert typed == parse(f"{a} {'ADJ' if ordered else 'NEAR'}{distance} {b}")
    assert parse(f"{a} prox/distance<{distance + 1}/{'ordered' if ordered else 'unordered'} {b}") == typed


@given(st.lists(words, min_size=1, max_size=5), st.sampled_from([" ", ", ", ","]), st.sampled_from(["any", "all"]))
def test_any_and_all_split_on_commas(terms: list[str], sep: str, relation: str) -> None:
    assert parse(f'ti {relation} "{sep.join(terms)}"') == parse(f'ti {relation} "{" ".join(terms)}"')


# --- on data ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, LexicalIndex]]:
    """Three US applications with foreign and provisional priorities, as the USPTO published them."""
    data = tmp_path_factory.mktemp("priorities")
    ingest_paths(
        data,
        fixture("us-go-uspto/pkg/uspto/test-data/application/US20230080311A1-20230316.XML"),
        fixture("us-go-uspto/pkg/uspto/test-data/application/v4-4-A2.xml"),
        fixture("us-go-uspto/pkg/uspto/test-data/application/US20220240350A1-20220728.XML"),
    )
    with Store(data) as store:
        yield store, LexicalIndex(data)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pr=EP16185466", ["US20230080311A1"]),  # printed "16185466.6" under country EP
        ("pr = EP16185466.6", ["US20230080311A1"]),
        ("pr=ep20160185466", ["US20230080311A1"]),  # Espacenet's spelling: four-digit year, seven-digit serial
        ("pr=EP17167508", ["US20230080311A1"]),  # its second priority
        ("pr=16185466", ["US20230080311A1"]),  # no country given
        ("pr=US61372662", ["US20150075015A2"]),  # a US provisional
        ("pr=EP16185467", []),
        ("pr=EP16185466 AND pd within 2023-03-01,2023-03-31", ["US20230080311A1"]),
    ],
)
def test_priority_number_index(real: tuple[Store, LexicalIndex], query: str, expected: list[str]) -> None:
    result = run_query(query, *real, limit=10)
    assert [h.number for h in result.hits] == expected
    for hit in result.hits:
        assert any(c.matched and c.clause.startswith("priority_number=") for c in hit.clauses)


def test_application_keys_agree() -> None:
    assert application_key("16185466.6", "EP") == application_key("EP20160185466") == "EP20160185466"
    assert application_key("10 2004 019 669.2", "DE") == "DE102004019669"
    assert application_key("61/372,662", "US") == "US61372662"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, LexicalIndex]]:
    data = tmp_path_factory.mktemp("built")
    lines = [
        record("XX1A", "Wireless charging pad", "A pad that charges a phone without wires.",
               cpc=["H02J50/10", "H02J7/00"], family_id="F1", country="XX"),
        record("XX1B", "Wireless charging pad", "A pad that charges a phone without wires, granted.",
               cpc=["H02J50/10"], family_id="F1", country="XX", kind="B"),
        record("XX2A", "Charging station for wireless devices", "Battery exchange station.",
               cpc=["H02J7/0042"], country="XX"),
        record("XX3A", "Coil winding machine", "Winds copper coil for motors.", cpc=["H01F41/04"], country="XX"),
    ]  # fmt: skip
    ingest_paths(data, write_lines(data / "records.jsonl", lines))
    with Store(data) as store:
        yield store, LexicalIndex(data)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cpc=/low H02J7", ["XX1A", "XX2A"]),  # the group and everything below it
        ("cpc=H02J7", ["XX1A", "XX2A"]),
        ("cpc=/same H02J7/00", ["XX1A"]),  # that symbol only
        ("cpc=/low H02J7/00", ["XX1A", "XX2A"]),
        ("cpc=/high H02J7/0042", ["XX1A", "XX2A"]),  # H02J7/0042 itself and its main group H02J7/00
        ("cpc=/high H01F41/04", ["XX3A"]),
    ],
)
def test_class_modifiers(built: tuple[Store, LexicalIndex], query: str, expected: list[str]) -> None:
    assert sorted(h.number for h in run_query(query, *built, limit=10).hits) == expected


def test_query_language_hits_carry_their_family(built: tuple[Store, LexicalIndex]) -> None:
    store, index = built
    found = structured_search(store, index, "ti=wireless AND ti=pad", Filters(), 10)
    assert [(h.number, h.family_members) for h in found.hits] == [("XX1A", ["XX1B"])]
    free = run_search(store, index, SearchParams("wireless charging pad", syntax="text", mode="lexical"), list)
    query = run_search(store, index, SearchParams("wireless AND pad", syntax="query"), list)
    assert free.hits[0].family_members == query.hits[0].family_members == ["XX1B"]
    apart = structured_search(store, index, "ti=wireless AND ti=pad", Filters(), 10, collapse_families=False)
    assert sorted(h.number for h in apart.hits) == ["XX1A", "XX1B"] and all(not h.family_members for h in apart.hits)


def test_free_text_words() -> None:
    assert query_words('The "wireless charging" pad for a phone?') == [
        Phrase("wireless charging"), Term("pad"), Term("phone"),
    ]  # fmt: skip
    assert query_words("无线充电装置") == [Term("无线"), Term("充电"), Term("装置")]
    assert query_words("the of and") == []


def test_explain_free_text(built: tuple[Store, LexicalIndex]) -> None:
    store, index = built
    params = SearchParams("wireless charging station coil", syntax="text", mode="lexical", explain=True)
    page = run_search(store, index, params, list)
    assert {"XX1A", "XX2A", "XX3A"} <= {h.number for h in page.hits}
    station = page.explanations["XX2A"]
    assert station[:2] == ["  + wireless", "      title, sentence 1: Charging station for **wireless** devices"]
    assert "  - coil: absent" in station
    assert "  + coil" in page.explanations["XX3A"]
    assert set(page.explanations) == {h.number for h in page.hits}
    assert run_search(store, index, SearchParams("wireless", syntax="text", mode="lexical"), list).explanations == {}


def test_explain_free_text_from_the_cli(tmp_path: Path) -> None:
    lines = [record("XX9A", "Buchholz relay for a transformer", "The relay sits between tank and conservator.")]
    data = tmp_path / "d"
    ingest_paths(data, write_lines(tmp_path / "r.jsonl", lines))
    out = novum("search", "buchholz relay conservator?", "--explain", "--data-dir", str(data), "--no-history",
                "--mode", "lexical", "-f", "json")  # fmt: skip
    rows = json.loads(out)
    assert rows[0]["number"] == "XX9A"
    assert "  + conservator" in rows[0]["explanation"]
    assert any("**buchholz**" in line.lower() for line in rows[0]["explanation"])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_free_text_can_be_explained(built: tuple[Store, LexicalIndex], text: str) -> None:
    store, index = built
    hits = run_search(store, index, SearchParams("wireless", syntax="text", mode="lexical"), list).hits
    explained = explain_text(index, text, hits)
    assert set(explained) == {h.number for h in hits}
    words = query_words(text)
    assert all(line.startswith(("  + ", "  - ", "      ")) for lines in explained.values() for line in lines)
    assert sum(line.startswith(("  + ", "  - ")) for line in explained[hits[0].number]) == len(words)
