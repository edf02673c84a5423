"""The long fuzz run: the properties of tests/test_fuzz.py with many more examples, figures for docs/reliability.md.

Prints cases tried, crashes (distinct failing properties), documents read back and seconds per property. The
baseline is the bounded CI run (150 examples per property) measured in the same process. Inputs: mutations of real
documents (the bundled USPTO, EPO and Greenbook publications, demo JSONL records, a CSV), random bytes, records
of any JSON shape, and query texts built from the query language's own operators.

    python bench/fuzz_bench.py [--examples 3000] [--seed 15]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from novum.index.lexical import LexicalIndex  # noqa: E402
from tests.fuzzing import FILENAMES, mutated, parse_anything, queries, read_everything, records  # noqa: E402


def measure(name: str, build: Callable[[dict[str, int]], Callable[[], None]]) -> tuple[str, int, int, int, float, str]:
    counters = {"cases": 0, "documents": 0}
    test = build(counters)
    started = time.monotonic()
    failure = ""
    try:
        test()
    except Exception as exc:  # a falsified property: recorded as a crash
        failure = f"{type(exc).__name__}: {str(exc)[:200]}"
    return name, counters["cases"], 1 if failure else 0, counters["documents"], time.monotonic() - started, failure


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=15)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index = LexicalIndex(Path(tmp))

        def properties(examples: int) -> list[tuple[str, Callable[[dict[str, int]], Callable[[], None]]]]:
            config = settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck),
                              database=None, print_blob=True)  # fmt: skip

            def readers(counters: dict[str, int]) -> Callable[[], None]:
                @seed(options.seed)
                @config
                @given(mutated(), st.sampled_from(FILENAMES))
                def run(data: bytes, filename: str) -> None:
                    counters["cases"] += 1
                    counters["documents"] += read_everything(data, filename, index)

                return run

            def shapes(counters: dict[str, int]) -> Callable[[], None]:
                @seed(options.seed)
                @config
                @given(records())
                def run(data: bytes) -> None:
                    counters["cases"] += 1
                    counters["documents"] += read_everything(data, "records.jsonl", index)

                return run

            def parser_(counters: dict[str, int]) -> Callable[[], None]:
                @seed(options.seed)
                @config
                @given(queries)
                def run(text: str) -> None:
                    counters["cases"] += 1
                    parse_anything(text)

                return run

            return [("readers, mutated files", readers), ("records, any JSON shape", shapes),
                    ("query parser", parser_)]  # fmt: skip

        rows = []
        for label, examples in (("CI (baseline)", 150), ("long run", options.examples)):
            for name, build in properties(examples):
                rows.append((label, *measure(name, build)))
    print("| run | property | cases tried | crashes | documents read | seconds |")
    print("|---|---|---:|---:|---:|---:|")
    for label, name, cases, crashes, documents, seconds, _ in rows:
        print(f"| {label} | {name} | {cases:,} | {crashes} | {documents:,} | {seconds:.1f} |")
    for label, name, *_, failure in rows:
        if failure:
            print(f"crash in {name} ({label}): {failure}")


if __name__ == "__main__":
    main()
