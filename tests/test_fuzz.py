"""Fuzzing the readers and the query parser, bounded for CI (``bench/fuzz_bench.py`` runs the long version)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from novum.index.lexical import LexicalIndex
from tests.fuzzing import FILENAMES, mutated, parse_anything, queries, read_everything, records

BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> LexicalIndex:
    return LexicalIndex(Path(tmp_path_factory.mktemp("fuzz")))


def test_readers_never_crash_on_mutated_files(index: LexicalIndex) -> None:
    @BOUNDED
    @given(mutated(), st.sampled_from(FILENAMES))
    def run(data: bytes, filename: str) -> None:
        read_everything(data, filename, index)

    run()


def test_records_of_any_json_shape_are_stored_or_quarantined(index: LexicalIndex) -> None:
    @BOUNDED
    @given(records())
    def run(data: bytes) -> None:
        assert read_everything(data, "records.jsonl", index) >= 1

    run()


@BOUNDED
@given(queries)
def test_the_query_parser_never_crashes(text: str) -> None:
    parse_anything(text)


def test_deeply_nested_queries_are_a_syntax_error_not_a_crash() -> None:
    parse_anything("(" * 5000 + "a" + ")" * 5000)
    parse_anything("NOT " * 5000 + "a")
