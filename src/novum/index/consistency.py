"""Do the indexes agree with the store? ``novum check`` and the fault tests ask this after every crash.

The store is the system of record; the lexical index (with its firm documents) and each model's vectors are derived
from it. After any interruption they must still agree: every stored document indexed once (no more), every firm once,
every embedded document's passages present once, no vectors or index entries for documents the store does not hold.
The check only reads: it opens everything read-only and loads no embedding model.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import tantivy

from novum.index.dense import model_dir
from novum.index.firms import FIRMS_DIR, FirmIndex
from novum.index.lexical import INDEX_DIR, IndexNeedsRebuildError, LexicalIndex
from novum.ingest.embedding import configured_models
from novum.store.lock import holder
from novum.store.passages import PassageTable
from novum.store.sqlite import Store

SAMPLE = 10  # numbers listed per kind of disagreement


@dataclass(slots=True)
class ModelCheck:
    """One embedding model's vectors against the store."""

    model: str
    embedded: int = 0  # documents whose current version has vectors
    not_embedded: int = 0  # stored documents without vectors for their current version
    live_passages: int = 0
    committed_rows: int = 0  # passage rows the table names
    vector_rows: int = 0  # rows in the vector file
    duplicated_passages: int = 0
    orphans: list[str] = field(default_factory=list)  # numbers with vectors that the store does not hold
    identity: dict[str, Any] | None = None


@dataclass(slots=True)
class ConsistencyReport:
    """Counts of the store and each index, and every disagreement found, each with the command that fixes it."""

    data_dir: str
    documents: int = 0
    quarantined: int = 0
    pending_index: int = 0  # documents flagged as not yet indexed
    lexical_documents: int = 0
    lexical_distinct: int = 0
    missing_from_lexical: list[str] = field(default_factory=list)
    extra_in_lexical: list[str] = field(default_factory=list)
    duplicated_in_lexical: list[str] = field(default_factory=list)
    firm_documents: int = 0  # one per applicant (novum.index.firms), beside the lexical index
    models: list[ModelCheck] = field(default_factory=list)
    writer: dict[str, object] | None = None  # who holds the writer lock now, if anyone
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def check(data_dir: Path) -> ConsistencyReport:
    """Compare the store with the lexical index and every configured model's vectors, reading only."""
    report = ConsistencyReport(str(data_dir))
    report.writer = holder(data_dir)
    with Store(data_dir) as store:
        report.documents = store.count()
        report.quarantined = int(store.stats()["quarantined"])
        report.pending_index = store.pending_count()
        stored = store.numbers()
        flagged = store.indexed_numbers()
        _check_lexical(report, data_dir, stored, flagged)
        _check_firms(report, data_dir, stored)
        for model in configured_models(store.data_dir):
            if (model_dir(store.data_dir, model) / "vectors.f32").exists():
                report.models.append(_check_model(report, store, model, stored))
    if report.writer is not None and report.problems:
        report.problems.append(f"a writer is running ({report.writer.get('command')}); check again when it is done")
    return report


def stored_counts(index: tantivy.Index, name: str) -> Counter[str]:
    """How many live documents carry each value of the stored field ``name`` (1 each when the index is sound)."""
    searcher = index.searcher()
    total = int(searcher.num_docs)
    if total == 0:
        return Counter()
    result = searcher.search(tantivy.Query.all_query(), limit=total)
    return Counter(searcher.doc(address)[name][0] for _, address in result.hits)


def lexical_numbers(index: LexicalIndex) -> Counter[str]:
    """How many live index entries each publication number has."""
    return stored_counts(index.index, "number")


def _check_lexical(report: ConsistencyReport, data_dir: Path, stored: set[str], flagged: set[str]) -> None:
    try:
        index = LexicalIndex(data_dir, read_only=True)
    except IndexNeedsRebuildError as exc:
        report.problems.append(str(exc))
        return
    counts = lexical_numbers(index)
    report.lexical_documents = sum(counts.values())
    report.lexical_distinct = len(counts)
    present = set(counts)
    report.missing_from_lexical = sorted(flagged - present)[:SAMPLE]
    report.extra_in_lexical = sorted(present - stored)[:SAMPLE]
    report.duplicated_in_lexical = sorted(n for n, c in counts.items() if c > 1)[:SAMPLE]
    missing = len(flagged - present)
    if missing:
        report.problems.append(
            f"{missing:,} documents flagged as indexed are not in the search index ({INDEX_DIR}/); run `novum reindex`"
        )
    if report.pending_index:
        report.problems.append(
            f"{report.pending_index:,} documents are waiting for the search index (an interrupted ingest);"
            " re-run `novum ingest` or run `novum reindex`"
        )
    extra = len(present - stored)
    if extra:
        report.problems.append(f"{extra:,} index entries name documents the store does not hold; run `novum reindex`")
    duplicated = sum(1 for c in counts.values() if c > 1)
    if duplicated:
        report.problems.append(f"{duplicated:,} documents are in the search index twice; run `novum reindex`")


def _check_firms(report: ConsistencyReport, data_dir: Path, stored: set[str]) -> None:
    """The firm documents: present when the search index is, one per firm of the portfolio table, no patent the
    store does not hold."""
    firms = FirmIndex(data_dir, read_only=True)
    if firms.missing:
        if report.lexical_documents:
            report.problems.append(
                f"the firm documents ({FIRMS_DIR}/) are missing or in an old layout while the search index holds"
                f" {report.lexical_documents:,} documents; run `novum reindex`"
            )
        return
    indexed = stored_counts(firms.index, "key")
    report.firm_documents = sum(indexed.values())
    keys, numbers = firms.stored_portfolios()
    unindexed, unrecorded = len(keys - set(indexed)), len(set(indexed) - keys)
    duplicated = sum(1 for count in indexed.values() if count > 1)
    orphans = len(numbers - stored)
    for count, what in ((unindexed, "firms have a portfolio but no firm document"),
                        (unrecorded, "firm documents have no portfolio"),
                        (duplicated, "firms have two firm documents"),
                        (orphans, "patents in firm portfolios are not in the store")):  # fmt: skip
        if count:
            report.problems.append(f"{count:,} {what} ({FIRMS_DIR}/); run `novum reindex`")


def _check_model(report: ConsistencyReport, store: Store, model: str, stored: set[str]) -> ModelCheck:
    folder = model_dir(store.data_dir, model)
    table = PassageTable(store, model)
    meta_file = folder / "meta.json"
    meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
    dim = int(meta.get("dim") or 0)
    result = ModelCheck(model, identity=meta.get("identity"))
    result.not_embedded = table.pending_count()
    result.embedded = len(stored) - result.not_embedded
    live = table.live_numbers()
    result.live_passages = sum(live.values())
    result.committed_rows = table.next_id()
    result.vector_rows = (folder / "vectors.f32").stat().st_size // (dim * 4) if dim else 0
    result.duplicated_passages = table.duplicated()
    result.orphans = sorted(table.orphans())[:SAMPLE]
    if not dim:
        report.problems.append(
            f"{model}: {meta_file} is missing or names no dimension; run `novum embed --rebuild {model}`"
        )
    elif result.vector_rows < result.committed_rows:
        report.problems.append(
            f"{model}: the vector file has {result.vector_rows:,} rows but {result.committed_rows:,} passages are"
            f" recorded; run `novum embed` (it drops the passages without vectors and embeds them again)"
        )
    if result.not_embedded:
        report.problems.append(f"{model}: {result.not_embedded:,} documents are not embedded yet; run `novum embed`")
    if result.duplicated_passages:
        report.problems.append(f"{model}: {result.duplicated_passages:,} passages are stored twice")
    if result.orphans:
        report.problems.append(f"{model}: vectors of documents the store does not hold: {', '.join(result.orphans)}")
    return result
