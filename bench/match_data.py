"""Data builders for the matching benchmark: real corpora turned into novum stores under /tmp (never the repo).

* ``nvidia``: the NVIDIA PatentsView extract (../shared/data/corpus/nvidia-patentsview, CC BY 4.0, USPTO
  PatentsView): 5,169 US patents with title, abstract, current CPC, assignee and inventors, written as novum's
  normalised JSONL (grant date as publication date; PatentsView's g_patent has no filing date).
* ``patsnap``: the 2,244 PatSnap export records (evaluation only), read by novum's own PatSnap reader.
* ``usapi``: the 18,880 API-Evangelist US patents (first assignee; no classes), for firm matching.

Each store is built once (ingest, and bge-small-en vectors of the default passages where asked: title + abstract
for NVIDIA and PatSnap, which carry nothing else; also the description's first paragraphs for the US API corpus,
about 50 minutes on the two cores) and reused by later runs: its folder name carries the corpus, so deleting
``/tmp/novum-match-*`` starts over.

    nice -n 10 python bench/match_data.py nvidia patsnap usapi [--embed]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
SHARED = REPO.parent / "shared" / "data"
NVIDIA = SHARED / "corpus" / "nvidia-patentsview"
PATSNAP = SHARED / "bench" / "patsnap" / "patsnap-corpus"
USAPI = SHARED / "corpus" / "us-api-patents"
WORK = Path("/tmp")

from novum.index.lexical import open_index  # noqa: E402
from novum.ingest.embedding import embed_pending, open_dense, set_models  # noqa: E402
from novum.ingest.pipeline import Ingester  # noqa: E402
from novum.normalize.classification import normalize_symbol  # noqa: E402
from novum.store.sqlite import Store  # noqa: E402

KINDS = {"B1", "B2", "E", "S1", "S", "P2", "P3", "H"}


def nvidia_records(root: Path = NVIDIA) -> Iterator[dict[str, Any]]:
    """PatentsView rows joined per patent, as novum's normalised record layout."""
    abstracts = {r["patent_id"]: r["patent_abstract"] for r in _rows(root / "nvidia_patent_abstract.csv")}
    cpc: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in _rows(root / "nvidia_cpc.csv"):
        symbol = normalize_symbol(row["cpc_group"])
        if symbol:
            cpc[row["patent_id"]].append((int(row["cpc_sequence"] or 0), symbol))
    owners: dict[str, list[str]] = defaultdict(list)
    for row in _rows(root / "nvidia_assignee.csv"):
        name = (row["disambig_assignee_organization"] or "").strip()
        if name:
            owners[row["patent_id"]].append(name)
    inventors: dict[str, list[str]] = defaultdict(list)
    for row in _rows(root / "nvidia_inventor.csv"):
        name = f"{row['disambig_inventor_name_first']} {row['disambig_inventor_name_last']}".strip()
        if name:
            inventors[row["patent_id"]].append(name)
    for row in _rows(root / "nvidia_patent.csv"):
        pid = row["patent_id"]
        kind = row["wipo_kind"] if row["wipo_kind"] in KINDS else None
        record: dict[str, Any] = {
            "country": "US",
            "doc_number": pid,
            "kind": kind,
            "publication_date": row["patent_date"] or None,
            "titles": {"en": row["patent_title"]},
            "cpc": list(dict.fromkeys(s for _, s in sorted(cpc[pid]))),
            "assignees": [{"name": n} for n in owners[pid]],
            "inventors": [{"name": n} for n in inventors[pid]],
            "language": "en",
            "doc_type": row["patent_type"] or None,
        }
        if abstracts.get(pid):
            record["abstracts"] = {"en": abstracts[pid]}
        yield {k: v for k, v in record.items() if v not in (None, [], {})}


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def sources(name: str) -> list[Path]:
    """The files ``novum ingest`` reads for a corpus (NVIDIA is converted to JSONL first)."""
    if name == "nvidia":
        out = WORK / "novum-match-nvidia.jsonl"
        if not out.exists():
            with open(out, "w", encoding="utf-8") as handle:
                for record in nvidia_records():
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return [out]
    if name == "patsnap":
        return [PATSNAP]
    if name == "usapi":
        return sorted(USAPI.glob("*.jsonl"))
    raise SystemExit(f"unknown corpus {name!r}: nvidia, patsnap or usapi")


def store_dir(name: str) -> Path:
    return WORK / f"novum-match-{name}"


def build(name: str, embed: bool) -> Path:
    """Ingest a corpus into its /tmp store (idempotent), and embed it with bge-small-en if asked (NVIDIA and
    PatSnap records carry title + abstract only, so that is one passage per document; a US API record has its
    description's first 1,000 characters too)."""
    folder = store_dir(name)
    with Store(folder) as store:
        Ingester(store, open_index(store)).run(sources(name))
        if embed:
            set_models(folder, ["bge-small-en"])
            (dense,) = open_dense(store)  # the default passage policy
            done = embed_pending(dense, lambda d, t: print(f"\r{name}: embedded {d}/{t}", end="", file=sys.stderr))
            print(f"\n{name}: {store.count()} documents, {done} newly embedded", file=sys.stderr)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpora", nargs="+", choices=["nvidia", "patsnap", "usapi"])
    parser.add_argument("--embed", action="store_true", help="bge-small-en vectors of title + abstract")
    args = parser.parse_args()
    for name in args.corpora:
        print(build(name, args.embed))


if __name__ == "__main__":
    main()
