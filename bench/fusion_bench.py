"""How hybrid search fuses BM25 with cosine similarity: reciprocal-rank fusion against score fusion (the weighted
sum of min-max scaled scores, ``novum.search.fusion.score_fusion``), at several lexical weights and candidate depths.

The PatSnap citation topics as in bench/retrieval_bench.py (title + abstract of the citing patent, its cut-off,
itself excluded, no family collapse); nDCG@10 on the tuning half (where ``LEXICAL_WEIGHT`` was chosen) and on the
held-out half. Each ranker runs once per topic, 500 deep; every fusion reads the first ``depth`` of both lists, as
``novum search`` does with ``max(100, 5 x page size)`` candidates. The last rows are the hybrid search itself, with
every embedding model the data directory holds: bge-small-en, and multilingual-e5 too with ``--with-e5`` (it
embeds the 2,244 records a second time, about ten minutes on two cores). A probe: the strongest plain baseline, bm25s
at the setting tuned on the tuning half, as the lexical list in place of novum's BM25 (is a lexical stage at those
parameters worth building for hybrid search?), and novum's own lexical search with its second pass (the first hits
of a long text scored again at k1 4.0, b 0.9) as the lexical list: hybrid search fuses the first pass, because the
second lowered it on the tuning half.

    python bench/fusion_bench.py [--with-e5] [--work-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from novum.eval import baselines, datasets, report, runner, split
from novum.eval.measures import Ranking, Run, per_topic
from novum.index.lexical import Filters, LexicalIndex
from novum.ingest.embedding import existing_dense, set_models
from novum.search.fusion import LEXICAL_WEIGHT, reciprocal_rank_fusion, score_fusion

DEPTHS = (50, 100, 200, 500)
WEIGHTS = (0.2, 0.3, 0.4, 0.5)
Fuse = Callable[[Ranking, Ranking], list[tuple[str, float]]]


def fused_run(lexical: Run, semantic: Run, depth: int, fuse: Fuse) -> Run:
    return {t: fuse(lexical[t][:depth], semantic[t][:depth])[: runner.DEPTH] for t in lexical}


def rrf(lexical: Ranking, semantic: Ranking) -> list[tuple[str, float]]:
    return reciprocal_rank_fusion([[n for n, _ in lexical], [n for n, _ in semantic]])


def weighted(weight: float) -> Fuse:
    return lambda lexical, semantic: score_fusion(lexical, [semantic], lexical_weight=weight)


def first_pass(index: LexicalIndex, topic: datasets.Topic, depth: int) -> Ranking:
    """tantivy's own BM25 order (no second pass, ``novum.index.bm25``): the lexical list hybrid search fuses."""
    hits = index.search(topic.text, Filters(before=topic.before, exclude=list(topic.exclude)), depth, second_pass=False)
    return [(h.number, h.score) for h in hits]


def ndcg(run: Run, qrels: datasets.Qrels) -> float:
    table = per_topic(qrels, run)
    return float(np.mean([row["nDCG@10"] for row in table.values()]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work-dir", type=Path, help="reuse the scratch data directory (as retrieval_bench.py's)")
    parser.add_argument("--with-e5", action="store_true", help="embed with multilingual-e5 too; report both")
    args = parser.parse_args()
    root = datasets.bench_dir()
    with tempfile.TemporaryDirectory(prefix="novum-fusion-bench-") as scratch:
        work = args.work_dir or Path(scratch)
        if args.with_e5:
            set_models(work / "patsnap", ["bge-small-en", "e5-small-multilingual"])
        store, index = datasets.ingest_corpus(work / "patsnap", [datasets.patsnap_corpus(root)], embed=True)
        with store:
            bench = datasets.patsnap_citations(store, root)
            halves = {h: datasets.restrict(bench, split.half(h), h).qrels for h in split.HALVES}
            dense = existing_dense(store)
            bge = [d for d in dense if d.model == "bge-small-en"] or dense[:1]
            lists: dict[str, Run] = {}
            for mode in ("lexical", "semantic"):
                ranker = runner.NovumRanker(store, index, runner.ModeSpec(mode, mode, False), bge)
                lists[mode] = {topic.id: ranker.rank(topic, 500) for topic in bench.topics}
            second_pass = lists["lexical"]  # novum lexical search: a long text's first hits at k1 4.0, b 0.9
            lists["lexical"] = {t.id: first_pass(index, t, 500) for t in bench.topics}  # what hybrid search fuses
            rows: list[list[report.Cell]] = []
            for depth in DEPTHS:
                fusions: dict[str, Fuse] = {"reciprocal rank (k 60)": rrf}
                fusions.update({f"scores, lexical weight {w}": weighted(w) for w in WEIGHTS})
                for name, fuse in fusions.items():
                    run = fused_run(lists["lexical"], lists["semantic"], depth, fuse)
                    rows.append([f"{depth} candidates: {name}", *(f"{ndcg(run, q):.3f}" for q in halves.values())])
            for w in WEIGHTS:
                run = fused_run(second_pass, lists["semantic"], 500, weighted(w))
                rows.append([f"probe, 500 candidates: novum lexical with its second pass + bge, lexical weight {w}",
                             *(f"{ndcg(run, q):.3f}" for q in halves.values())])  # fmt: skip
            patents = list(store.iter_patents())
            tuned = baselines.tune_bm25s(patents, datasets.restrict(bench, split.TUNING, "tuning"))
            bm25s = baselines.Bm25sRanker(patents, tuned.best, "bm25s tuned")
            plain = {topic.id: bm25s.rank(topic, 500) for topic in bench.topics}
            for w in WEIGHTS:
                run = fused_run(plain, lists["semantic"], 200, weighted(w))
                rows.append([f"probe, 200 candidates: tuned bm25s ({tuned.best.label()}) + bge, lexical weight {w}",
                             *(f"{ndcg(run, q):.3f}" for q in halves.values())])  # fmt: skip
            for models in (bge, dense) if len(dense) > 1 else (bge,):
                ranker = runner.NovumRanker(store, index, runner.ModeSpec("hybrid", "hybrid", False), models)
                run = {topic.id: ranker.rank(topic, runner.DEPTH) for topic in bench.topics}
                label = " + ".join(d.model for d in models)
                rows.append([f"novum hybrid ({label}, lexical weight {LEXICAL_WEIGHT})",
                             *(f"{ndcg(run, q):.3f}" for q in halves.values())])  # fmt: skip
    headers = ["fusion", *(f"{h} nDCG@10" for h in split.HALVES)]
    print(report.markdown_table(headers, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
