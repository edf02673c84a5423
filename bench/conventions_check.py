"""How many of the public conventions in tests/conventions_cases.py a novum reads correctly, per class.

Run it against this checkout, and against an older one for the "before" column of docs/reliability.md:

    .venv/bin/python bench/conventions_check.py
    git archive <commit> | tar -x -C /tmp/old && PYTHONPATH=/tmp/old/src:. .venv/bin/python bench/conventions_check.py

Only functions that existed before the fixes are called (canonical_number, referenced_claims, parse_claims_text,
parse, to_text, is_structured), so both runs measure the same thing. A case that raises counts as a failure.
The last two rows need a small store: query-language hits listing their family, and --explain for free text.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conventions_cases import CANCELLED_RUNS, CLAIM_WORDINGS, NUMBERS, QUERIES, QUESTIONS  # noqa: E402


def count(cases: Iterable[Any], check: Callable[[Any], bool]) -> tuple[int, int, list[str]]:
    tried, failed, examples = 0, 0, []
    for case in cases:
        tried += 1
        try:
            ok = check(case)
        except Exception as exc:  # a crash on a case is one more failure, which is what is being counted
            ok, case = False, (*case, type(exc).__name__)
        if not ok:
            failed += 1
            examples.append(repr(case)[:70])
    return tried, failed, examples


def behaviours() -> list[tuple[str, tuple[int, int, list[str]]]]:
    """Query-language hits with their family, and free-text --explain, on four built records."""
    from novum.index.lexical import Filters, LexicalIndex
    from novum.search.structured import structured_search
    from novum.store.sqlite import Store
    from tests.helpers import ingest_paths, record, write_lines

    try:
        from novum.search.service import SearchParams, run_search
    except ImportError:  # older than the shared search service: free text had no explanation path at all
        run_search = None  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "d"
        lines = [
            record("XX1A", "Wireless charging pad", "A pad charges a phone.", family_id="F1", country="XX"),
            record("XX1B", "Wireless charging pad", "A pad charges a phone.", family_id="F1", country="XX"),
            record("XX2A", "Charging station", "Battery exchange station.", country="XX"),
        ]
        ingest_paths(data, write_lines(Path(tmp) / "r.jsonl", lines))
        with Store(data) as store:
            index = LexicalIndex(data)
            found = structured_search(store, index, "ti=wireless AND ti=pad", Filters(), 10)
            family = [(h.number, h.family_members) for h in found.hits] == [("XX1A", ["XX1B"])]
            explained = False
            if run_search is not None:
                params = SearchParams("wireless charging", syntax="text", mode="lexical", explain=True)
                page = run_search(store, index, params, list)
                explained = bool(page.hits) and all(page.explanations.get(h.number) for h in page.hits)
    return [
        ("query-language hits list their family", (1, 0 if family else 1, [] if family else ["family_members"])),
        ("--explain for free text", (1, 0 if explained else 1, [] if explained else ["explanations"])),
    ]


def main() -> None:
    from novum.claims.tree import parse_claims_text
    from novum.normalize.claimrefs import referenced_claims
    from novum.normalize.numbers import canonical_number
    from novum.search.query import parse, to_text
    from novum.search.structured import is_structured

    rows = [
        ("publication numbers", count(NUMBERS, lambda c: canonical_number(c[0]) == c[1])),
        ("claim references", count(CLAIM_WORDINGS, lambda c: referenced_claims(c[0], c[1]) == c[2])),
        ("cancelled claim runs", count(CANCELLED_RUNS, lambda c: [x.number for x in parse_claims_text(c[0])] == c[1])),
        ("query language", count(QUERIES, lambda c: to_text(parse(c[0])) == c[1])),
        ("free text or query language", count(QUESTIONS, lambda c: is_structured(c[0]) is c[1])),
        *behaviours(),
    ]
    print(f"{'class':38} {'tried':>5} {'failed':>6}  first failures")
    for name, (tried, failed, examples) in rows:
        print(f"{name:38} {tried:5d} {failed:6d}  {'; '.join(examples[:2])}")
    total_tried = sum(r[1][0] for r in rows)
    total_failed = sum(r[1][1] for r in rows)
    print(f"{'all':38} {total_tried:5d} {total_failed:6d}")


if __name__ == "__main__":
    main()
