"""Element-coverage ranking vs BM25 on PANORAMA-mini (PAR4PC): which of 8 candidates did the examiner cite?

Each item is a claim from a real US application with 8 candidate references (title, abstract, claims) labelled
gold (cited in the office-action rejection), silver, or negative. The candidates are ranked
  - by BM25: novum's own tantivy index over the 8 candidates, queried with the claim text (with its parents'), and
  - by element coverage: novum's claim chart (share of elements found, then mean best-passage score), with the
    lexical scorer and, where ``novum.index.embed`` can load bge-small-en, the hybrid scorer.
gold@k: the share of items with a gold reference among the first k; gold+silver@k counts silver too.

The data is CC BY-NC (evaluation only): it is read in place from ../shared/data and never copied into the repo.
Run: ``.venv/bin/python bench/panorama_claims_bench.py [--no-semantic]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from novum.claims.chart import ClaimSource, chart_claim
from novum.claims.scoring import CrossScorer, HybridScorer, LexicalScorer, PassageScorer, SemanticScorer
from novum.claims.tree import lineage
from novum.index.lexical import LexicalIndex
from novum.model import Claim, Patent
from novum.normalize.claimrefs import referenced_claims

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "bench" / "panorama-mini" / "data" / "benchmark" / "par4pc"
Semantic = SemanticScorer | CrossScorer  # the model half of a hybrid scorer
_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*\.\s*")


@dataclass
class Item:
    name: str
    source: ClaimSource
    candidates: dict[str, Patent]  # option letter -> candidate
    gold: set[str]
    silver: set[str]


def _claims(texts: list[str]) -> list[Claim]:
    claims: list[Claim] = []
    for index, raw in enumerate(texts, start=1):
        match = _NUMBERED.match(raw)
        number = int(match.group(1)) if match else index
        text = " ".join(raw[match.end() if match else 0 :].split())
        claims.append(Claim(number, text, referenced_claims(text, number), "en"))
    return claims


def _candidate(option: dict[str, Any]) -> Patent:
    number = str(option["patent_id"])
    return Patent(
        country=number[:2],
        doc_number=number[2:],
        titles={"en": option.get("title") or ""},
        abstracts={"en": option.get("abstract") or ""},
        claims=_claims(option.get("claims") or []),
        language="en",
    )


def load_items(folder: Path) -> list[Item]:
    items: list[Item] = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        claims = _claims(data["context"]["claims"])
        source = ClaimSource(f"{data['application_number']} claim {data['claim_number']}", claims, data["claim_number"])
        candidates = {letter: _candidate(option) for letter, option in sorted(data["options"].items())}
        items.append(Item(path.stem, source, candidates, set(data["gold_answers"]), set(data["silver_answers"])))
    return items


def bm25_ranking(item: Item, workdir: Path) -> list[str]:
    """The 8 candidates as novum's search ranks them for the claim text (unreturned ones last, in option order)."""
    index = LexicalIndex(workdir / item.name)
    index.add(item.candidates.values())
    query = " ".join(c.text for c in lineage(item.source.claims, item.source.number))
    by_number = {p.number: letter for letter, p in item.candidates.items()}
    ranked = [by_number[hit.number] for hit in index.search(query, limit=len(item.candidates))]
    return ranked + [letter for letter in item.candidates if letter not in ranked]


def coverage_ranking(
    item: Item, make_scorer: Callable[[list[Patent]], PassageScorer], count_first: bool = False
) -> list[str]:
    """The chart's ranking (mean best-passage score), or with ``count_first`` by elements found, then score."""
    letters = list(item.candidates)
    references = [item.candidates[letter] for letter in letters]
    chart = chart_claim(item.source, references, make_scorer(references))
    ranked = sorted(chart.references, key=lambda r: (-r.coverage, -r.score)) if count_first else chart.ranked()
    by_number = {p.number: letter for letter, p in item.candidates.items()}
    return [by_number[r.number] for r in ranked]


def hit_at(ranking: list[str], wanted: set[str], k: int) -> bool:
    return bool(wanted & set(ranking[:k]))


def lexical_factory(references: list[Patent]) -> PassageScorer:
    from novum.claims.passages import passages

    return LexicalScorer().fit(p for ref in references for p in passages(ref, "en"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--no-semantic", action="store_true", help="skip the hybrid scorer (no embedding model)")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"PANORAMA-mini not found at {args.data}", file=sys.stderr)
        return 2
    items = load_items(args.data)
    methods: dict[str, Callable[[Item], list[str]]] = {}
    workdir = Path(tempfile.mkdtemp(prefix="novum-panorama-"))
    methods["BM25 (novum index, claim text)"] = lambda item: bm25_ranking(item, workdir)
    methods["element coverage, lexical"] = lambda item: coverage_ranking(item, lexical_factory)
    methods["elements found (>= 0.5) first, lexical"] = lambda item: coverage_ranking(item, lexical_factory, True)
    notes: list[str] = []
    # bge-small-en (the search's model) and novum's own phrase models trained on PPPM (scripts/train_phrase_*.py)
    from novum.index.embed import load_embedder, load_phrase_cross

    models: dict[str, Callable[[], Semantic]] = {
        "bge-small-en": lambda: SemanticScorer(load_embedder("bge-small-en")),
        "phrase-minilm": lambda: SemanticScorer(load_embedder("phrase-minilm")),
        "phrase-cross": lambda: CrossScorer(load_phrase_cross()),
    }
    for model, load in [] if args.no_semantic else list(models.items()):
        try:
            semantic = load()
        except Exception as exc:  # noqa: BLE001 - report any model failure and still print the lexical figures
            notes.append(f"hybrid scorer with {model} skipped: {exc}")
            continue

        def hybrid_factory(references: list[Patent], semantic: Semantic = semantic) -> PassageScorer:
            lexical = lexical_factory(references)
            assert isinstance(lexical, LexicalScorer)
            return HybridScorer(lexical, semantic)

        methods[f"element coverage, hybrid ({model})"] = lambda item, factory=hybrid_factory: coverage_ranking(
            item, factory
        )
    silver = any(item.silver for item in items)
    header = "| ranking of the 8 candidates | gold@1 | gold@3 |" + (
        " gold+silver@1 | gold+silver@3 |" if silver else ""
    )
    print(f"PANORAMA-mini PAR4PC: {len(items)} claims, 8 candidates each")
    print(header + " seconds |")
    print("|---|" + "---:|" * (header.count("|") - 1))
    for name, rank in methods.items():
        started = time.perf_counter()
        rankings = [rank(item) for item in items]
        seconds = time.perf_counter() - started
        cells = []
        for k in (1, 3):
            cells.append(sum(hit_at(r, i.gold, k) for r, i in zip(rankings, items, strict=True)))
        if silver:
            for k in (1, 3):
                cells.append(sum(hit_at(r, i.gold | i.silver, k) for r, i in zip(rankings, items, strict=True)))
        shown = " | ".join(f"{c}/{len(items)} ({c / len(items):.2f})" for c in cells)
        print(f"| {name} | {shown} | {seconds:.1f} |")
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
