"""CSV (one row per reference x element x passage) and JSON (the whole report) for programs."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from novum.claims.report import NoveltyReport

CSV_COLUMNS = ("reference", "element", "claim", "kind", "element_text", "found", "best_score", "rank", "passage",
               "score", "quote")  # fmt: skip


def csv_rows(report: NoveltyReport) -> Iterator[dict[str, Any]]:
    """Flat rows; an element with no evidence still gets one row, so missing elements are visible."""
    for ref in report.chart.ranked():
        for mapping in ref.mappings:
            base = {"reference": ref.number, "element": mapping.row.id, "claim": mapping.row.claim,
                    "kind": mapping.row.kind, "element_text": mapping.row.text, "found": mapping.found,
                    "best_score": round(mapping.best, 4)}  # fmt: skip
            if not mapping.evidence:
                yield {**base, "rank": "", "passage": "", "score": "", "quote": ""}
            for rank, evidence in enumerate(mapping.evidence, start=1):
                yield {**base, "rank": rank, "passage": evidence.ref, "score": round(evidence.score, 4),
                       "quote": evidence.highlighted}  # fmt: skip


def write_csv(report: NoveltyReport, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_rows(report))


def write_json(report: NoveltyReport, path: Path) -> None:
    path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
