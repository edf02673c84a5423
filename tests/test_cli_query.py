"""`novum search` with the query language: auto-detection, explanations, syntax errors, history, sem()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from novum.cli.app import app
from novum.errors import QuerySyntaxError
from tests.helpers import DEMO, DEMO_JSONL, demo_lines, novum, runner, write_lines


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("query-cli")
    novum("ingest", str(DEMO_JSONL), str(DEMO / "xml"), "--no-embed", "--data-dir", str(root / "data"))
    return root / "data"


def numbers(output: str) -> list[str]:
    return [hit["number"] for hit in json.loads(output)]


def test_proximity_query_is_recognised_and_exact(data_dir: Path) -> None:
    found = numbers(novum("search", "buchholz SAME relay", "-f", "json", "--no-history", "--data-dir", str(data_dir)))
    assert found == ["EP3404678B1"]
    reversed_order = novum("search", "relay ADJ buchholz", "-f", "json", "--no-history", "--data-dir", str(data_dir))
    assert numbers(reversed_order) == []


def test_plain_words_stay_free_text(data_dir: Path) -> None:
    args = ["search", "encrypted file access by application", "-f", "json", "--no-history", "--data-dir"]
    assert numbers(novum(*args, str(data_dir)))[0] == "US8799651"
    sentence = "Buchholz relay between transformer tank and conservator"  # "and" here is a word, not AND
    found = numbers(novum("search", sentence, "-f", "json", "--no-history", "--data-dir", str(data_dir)))
    assert found[0] == "EP3404678B1" and len(found) == 10
    forced = novum("search", "encrypt* file", "--syntax", "text", "-f", "json", "--no-history", "--data-dir",
                   str(data_dir))  # fmt: skip
    assert len(numbers(forced)) == 10  # free text ignores the truncation mark and ORs the words


def test_explain_names_clause_field_and_sentence(data_dir: Path) -> None:
    output = novum("search", "encrypt* WITH (file OR files)", "--explain", "-f", "json", "--limit", "1",
                   "--no-history", "--data-dir", str(data_dir))  # fmt: skip
    (hit,) = json.loads(output)
    assert hit["number"] == "US8799651"
    explanation = "\n".join(hit["explanation"])
    assert "+ encrypt* WITH (file OR files)" in explanation
    assert "title, sentence 1:" in explanation and "**encrypted** **file**" in explanation


def test_syntax_errors_name_the_column(data_dir: Path) -> None:
    result = runner.invoke(app, ["search", "wireless NEAR3", "--data-dir", str(data_dir)])
    assert isinstance(result.exception, QuerySyntaxError)
    assert str(result.exception) == "expected a term after NEAR3 at column 15"


def test_history_sets_combine(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    novum("ingest", str(DEMO_JSONL), str(DEMO / "xml"), "--no-embed", "--data-dir", data)
    first = novum("search", "encrypt* WITH (file OR files)", "-f", "json", "--data-dir", data)
    second = novum("search", "L1 AND ti=method", "-f", "json", "--data-dir", data)
    assert set(numbers(second)) < set(numbers(first))
    third = novum("search", "L3 = L1 AND NOT L2", "-f", "json", "--data-dir", data)
    assert set(numbers(third)) == set(numbers(first)) - set(numbers(second))
    novum("search", "encrypted file", "--data-dir", data)  # free text gets a label too: its returned hits
    listing = novum("history", "--data-dir", data, "-f", "json")
    assert [(e["label"], e["hits"]) for e in json.loads(listing)] == [("L1", 7), ("L2", 4), ("L3", 3), ("L4", 10)]
    assert "L2    4 hits  L1 AND title=method" in novum("history", "--data-dir", data)
    novum("search", "wireless", "--no-history", "--data-dir", data)
    assert len(json.loads(novum("history", "--data-dir", data, "-f", "json"))) == 4
    novum("history", "--clear", "--data-dir", data)
    assert json.loads(novum("history", "--data-dir", data, "-f", "json")) == []


def test_sem_ranks_inside_the_boolean_set(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    lines = [*demo_lines(40), *demo_lines(1, start=1991)]  # US8799651
    novum("ingest", str(write_lines(tmp_path / "s.jsonl", lines)), "--data-dir", data)
    everything = ["-f", "json", "--limit", "100", "--no-history", "--data-dir", data]
    plain = numbers(novum("search", "encrypt* OR file*", *everything))
    query = 'sem("a program may open an encrypted document only when permitted") AND (encrypt* OR file*)'
    ranked = numbers(novum("search", query, *everything))
    assert set(ranked) == set(plain)  # the Boolean decides the set
    assert ranked[0] == "US8799651"
