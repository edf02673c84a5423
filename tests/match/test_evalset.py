"""The constructed judged set: class-title needs from the real CPC title list and NVIDIA's PatentsView CPC rows,
firm topics from held-out patents; both reproducible (the same input gives the same topics and split)."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from novum.match.evalset import (
    ClassTitle,
    class_title_needs,
    clean_title,
    firm_topics,
    lineage,
    read_cpc_titles,
    read_ipc_titles,
)
from novum.model import Party, Patent
from novum.normalize.classification import normalize_symbol
from tests.conftest import shared


@pytest.fixture(scope="module")
def cpc_titles() -> dict[str, ClassTitle]:
    return read_cpc_titles(shared("classification/cpc-titles-2025-05/data/cpc_title_lists"), {"G06F", "G06T"})


def test_titles_and_their_parents(cpc_titles: dict[str, ClassTitle]) -> None:
    assert cpc_titles["G06T15/005"] == ClassTitle("G06T15/005", 1, "{General purpose rendering architectures}")
    chains = lineage(cpc_titles)
    assert chains["G06T15/005"] == ["G06T15/00", "G06T15/005"]
    assert chains["G06F9/24"] == ["G06F9/00", "G06F9/06", "G06F9/22", "G06F9/24"]
    assert clean_title(cpc_titles["G06F9/00"].title) == "Arrangements for program control, e.g. control units"
    assert clean_title("Using record carriers (G06F9/06 takes precedence)") == "Using record carriers"


def test_ipc_titles_have_main_group_parents() -> None:
    titles = read_ipc_titles(shared("classification/ipc-titles/all_ipc.csv"), {"B08B"})
    assert titles["B08B5/02"] == ClassTitle("B08B5/02", 1, "Cleaning by the force of jets, e.g. blowing-out cavities")
    assert lineage(titles)["B08B5/02"] == ["B08B5/00", "B08B5/02"]


def nvidia_patents(limit: int = 1500) -> list[Patent]:
    """The first NVIDIA PatentsView patents with their CPC groups (the benchmark's corpus, read in place)."""
    folder = shared("corpus/nvidia-patentsview")
    classes: dict[str, list[str]] = defaultdict(list)
    with open(folder / "nvidia_cpc.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            symbol = normalize_symbol(row["cpc_group"])
            if symbol:
                classes[row["patent_id"]].append(symbol)
    with open(folder / "nvidia_patent.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:limit]
    return [Patent("US", r["patent_id"], r["wipo_kind"], cpc=classes[r["patent_id"]],
                   titles={"en": r["patent_title"]}) for r in rows]  # fmt: skip


def test_class_title_needs_are_reproducible(cpc_titles: dict[str, ClassTitle]) -> None:
    patents = nvidia_patents()
    needs = class_title_needs(patents, cpc_titles, "cpc", needs=40)
    again = class_title_needs(list(reversed(patents)), cpc_titles, "cpc", needs=40)
    assert [(n.id, n.text, n.relevant, n.half) for n in needs] == [(n.id, n.text, n.relevant, n.half) for n in again]
    assert len(needs) == 40 and {n.half for n in needs} == {"tune", "held-out"}
    assert all(5 <= len(n.relevant) <= 60 for n in needs)
    classified = {p.number: set(p.cpc) for p in patents}
    chains = lineage(cpc_titles)
    for need in needs:  # every relevant document is classified in the group or below it
        assert all(any(need.id in chains.get(s, []) for s in classified[d]) for d in need.relevant)
        assert need.text.endswith(clean_title(cpc_titles[need.id].title))


def test_firm_topics_hold_out_one_patent_per_applicant() -> None:
    patents = [Patent("US", str(8_000_000 + i), "B2", titles={"en": f"Widget {i}"},
                      assignees=[Party("Acme Corp." if i < 6 else "Beta GmbH")]) for i in range(9)]  # fmt: skip
    family = {p.number: f"n:{p.number}" for p in patents}
    family["US8000001B2"] = family["US8000000B2"] = "id:F1"  # one family: counts once towards the five
    topics = firm_topics(patents, family)
    assert len(topics) == 1 and topics[0].firm == "ACME"
    held = topics[0]
    assert held.exclude == sorted({held.id, *(n for n, k in family.items() if k == family[held.id])})
    assert firm_topics(patents, {p.number: f"n:{p.number}" for p in patents})[0].firm == "ACME"
