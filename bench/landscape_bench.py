"""A full landscape over 100k documents (and the 1M projection) against plain SQL GROUP BY queries on the same store.

Corpus: real records replicated to the target size. The base is the 2,244 PatSnap records (IPC, priority dates,
applicants, citations; evaluation-only, read in place from ../shared/data) and the 5,169 PatentsView NVIDIA grants
(CPC, assignees; the demo data). A copy gets a new number, its dates shifted back by 0-7 whole years (so activity
spreads over the years as a real collection's does) and its own family; titles, abstracts, classes, applicants and
citations are the original's. Records are written to the store directly (no parsing: ingest has its own benchmark).

Measured in the same run on the same store:
  * baseline: plain SQL GROUP BY counts (``AnalyticsReader.sql_counts``: by publication year, priority year with
    distinct families, office, first IPC and CPC subclass, first assignee);
  * novum: ``build_landscape`` of the whole store (read without claims and descriptions, then every figure: years,
    cleaned applicants, classes with titles, SEI, co-occurrence, citations, growth, concentration, entrants,
    emerging terms, class x year matrix) in one process, split into reading and computing, and again read by one
    process per core (``novum.analytics.parallel``; from 20k documents the default), checked equal to the first.

    python bench/landscape_bench.py [--sizes 25000,100000] [--keep /tmp/novum-landscape-stores]

``--keep DIR`` builds each size's store once under DIR (``DIR/<size>``) and reuses it on later runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
PATSNAP = REPO.parent / "shared" / "data" / "bench" / "patsnap" / "patsnap-corpus"
NVIDIA = REPO / "data" / "demo" / "patentsview-nvidia"

from novum.analytics.landscape import landscape  # noqa: E402
from novum.analytics.parallel import processes_for  # noqa: E402
from novum.analytics.service import build_landscape, collection_paused, make_scope  # noqa: E402
from novum.ingest.reader import read_file  # noqa: E402
from novum.model import Patent  # noqa: E402
from novum.store.analytics import AnalyticsReader  # noqa: E402
from novum.store.sqlite import Store, StoredDocument  # noqa: E402


def base_records() -> list[Patent]:
    records: list[Patent] = []
    for path in sorted(PATSNAP.glob("*.xml")):
        records.extend(d.patent for d in read_file(path) if d.patent is not None)
    records.extend(d.patent for d in read_file(NVIDIA / "nvidia_patent.csv.gz") if d.patent is not None)
    return records


def _shift(iso: str | None, years: int) -> str | None:
    if not iso or years == 0:
        return iso
    year = int(iso[:4]) - years
    day = "28" if iso[5:] == "02-29" else iso[8:]
    return f"{year:04d}-{iso[5:7]}-{day}"


def replica(patent: Patent, copy: int) -> Patent:
    shift = copy % 8
    out = dataclasses.replace(
        patent,
        doc_number=f"{patent.doc_number}{copy:03d}",
        priority_date=_shift(patent.priority_date, shift),
        filing_date=_shift(patent.filing_date, shift),
        publication_date=_shift(patent.publication_date, shift),
        priority_claims=[dataclasses.replace(p, date=_shift(p.date, shift)) for p in patent.priority_claims],
        family_id=f"{patent.family_id}-{copy}" if patent.family_id else None,
        family_members=[],
        claims=[],
        description=[],
    )
    return out


def build(target: Path, records: list[Patent], size: int) -> float:
    started = time.perf_counter()
    with Store(target) as store:
        batch: list[StoredDocument] = []
        for i in range(size):
            copy, index = divmod(i, len(records))
            patent = records[index] if copy == 0 else replica(records[index], copy)
            batch.append(StoredDocument(patent, b"", "bench", f"copy {copy}", "bench"))
            if len(batch) == 2000:
                store.upsert(batch)
                batch = []
        store.upsert(batch)
    return time.perf_counter() - started


def kept(folder: Path, records: list[Patent], size: int) -> Path:
    """The store of ``size`` documents under ``folder``, built on first use (a marker says it was completed)."""
    done = folder / "built"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        seconds = build(folder, records, size)
        done.write_text(f"{size} documents in {seconds:.1f} s\n")
        print(f"built {size:,} documents in {seconds:.1f} s", flush=True)
    return folder


def measure(target: Path) -> dict[str, float]:
    with Store(target) as store:
        reader = AnalyticsReader(store)
        started = time.perf_counter()
        counts = reader.sql_counts()
        sql = time.perf_counter() - started
        with collection_paused():  # as build_landscape runs them
            started = time.perf_counter()
            records = list(reader.records())
            read = time.perf_counter() - started
            snapshot = reader.snapshot()
            started = time.perf_counter()
            land = landscape(records, snapshot=snapshot)
            compute = time.perf_counter() - started
        del records
        started = time.perf_counter()
        single = build_landscape(store, make_scope(), processes=1)
        full = time.perf_counter() - started
        processes = processes_for(land.documents)
        started = time.perf_counter()
        split = build_landscape(store, make_scope(), processes=processes)
        parallel = time.perf_counter() - started
    assert single.documents == land.documents == sum(counts["office"].values())
    assert split == single, "the landscape read by several processes differs from the single-process one"
    return {"documents": land.documents, "sql": sql, "read": read, "compute": compute, "full": full,
            "processes": processes, "parallel": parallel}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="25000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--keep", type=Path, help="build each store once under this folder and reuse it")
    args = parser.parse_args()
    records = base_records()
    with_classes = sum(1 for r in records if r.cpc or r.ipc)
    with_owners = sum(1 for r in records if r.assignees or r.applicants)
    print(f"base: {len(records):,} real records (PatSnap + PatentsView NVIDIA), {with_classes:,} with classes,"
          f" {with_owners:,} with applicants")  # fmt: skip
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        if args.keep:
            rows.append(measure(kept(args.keep / str(size), records, size)))
        else:
            with tempfile.TemporaryDirectory(prefix="novum-landscape-bench-") as folder:
                seconds = build(Path(folder), records, size)
                print(f"built {size:,} documents in {seconds:.1f} s", flush=True)
                rows.append(measure(Path(folder)))
        print(rows[-1], flush=True)
    print()
    print("| documents | SQL GROUP BY s | landscape, 1 process s | read s | compute s | landscape, processes | s |"
          " vs SQL |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['documents']:,} | {row['sql']:.2f} | {row['full']:.1f} | {row['read']:.1f} | "
              f"{row['compute']:.1f} | {row['processes']} | {row['parallel']:.1f} | "
              f"{row['parallel'] / row['sql']:.0f}x |")  # fmt: skip
    last = rows[-1]
    factor = 1_000_000 / last["documents"]
    one, split, sql = (last[k] * factor for k in ("full", "parallel", "sql"))
    print(f"\n1M projection (linear from {last['documents']:,}): landscape {one:.0f} s in one process,"
          f" {split:.0f} s in {last['processes']}; SQL {sql:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
