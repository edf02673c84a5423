"""Embedding throughput: novum's embedding step against the bare model on the same passage texts, in one run.

The bare model is the recipe from the model's card: tokenizer + onnxruntime session, batches of 32 in input order,
CLS pooling and normalisation. novum's step is what ``novum embed`` does per batch of documents: cut passages,
embed them (batches sorted by length), append the vectors to disk, commit the passage rows, add them to the HNSW
graph. The target is novum within 15% of the bare model. Sorting by length is most of novum's advantage over the
card's recipe, so the bare model is also timed with sorted batches: the gap to that row is novum's own overhead.

    python bench/embed_bench.py [--docs 1000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from novum.index.dense import DenseIndex  # noqa: E402
from novum.index.embed import BGE_SMALL_EN, _package_dir, load_embedder  # noqa: E402
from novum.index.lexical import LexicalIndex  # noqa: E402
from novum.index.passages import passages  # noqa: E402
from novum.ingest.embedding import embed_pending  # noqa: E402
from novum.ingest.pipeline import Ingester  # noqa: E402
from novum.model import Patent  # noqa: E402
from novum.store.sqlite import Store  # noqa: E402

DEMO = REPO / "data" / "demo" / "us-patents-sample.jsonl.gz"


def bare_model(texts: list[str], sort: bool = False) -> float:
    """Seconds for the model card's recipe on these texts (optionally in length-sorted batches, as novum does)."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    folder = _package_dir(BGE_SMALL_EN.package) / BGE_SMALL_EN.subdir
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(BGE_SMALL_EN.max_tokens)
    tokenizer.enable_padding()
    if sort:
        texts = sorted(texts, key=len)
    started = time.perf_counter()
    for start in range(0, len(texts), 32):
        batch = tokenizer.encode_batch(texts[start : start + 32])
        ids = np.array([e.ids for e in batch], dtype=np.int64)
        mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
        cls = hidden[0][:, 0]
        _ = cls / np.linalg.norm(cls, axis=1, keepdims=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    args = parser.parse_args()
    with gzip.open(DEMO, "rt", encoding="utf-8") as handle:
        lines = [line for _, line in zip(range(args.docs), handle, strict=False)]
    work = Path(tempfile.mkdtemp(prefix="novum-embed-bench-"))
    source = work / "docs.jsonl"
    source.write_text("".join(lines))
    with Store(work / "data") as store:
        Ingester(store, LexicalIndex(work / "data")).run([source])
        patents = [Patent.from_dict(json.loads(r[0])) for r in store.db.execute("SELECT record FROM documents")]
        texts = [p.text for patent in patents for p in passages(patent)]
        load_embedder("bge-small-en")  # model loading is not part of either timing
        bare = bare_model(texts)
        bare_sorted = bare_model(texts, sort=True)
        dense = DenseIndex(store, load_embedder("bge-small-en"))
        started = time.perf_counter()
        embed_pending(dense)
        ours = time.perf_counter() - started
    print(f"{len(patents):,} demo documents, {len(texts):,} passages (title+abstract, description paragraphs)\n")
    print("| run | seconds | documents/s | passages/s | vs bare model |")
    print("|---|---:|---:|---:|---:|")
    runs = (
        ("bare model (batches of 32, input order)", bare),
        ("bare model (batches of 32, sorted by length)", bare_sorted),
        ("novum embed (full step)", ours),
    )
    for label, seconds in runs:
        print(
            f"| {label} | {seconds:.1f} | {len(patents) / seconds:,.1f} | {len(texts) / seconds:,.1f} "
            f"| {bare / seconds:.2f}x |"
        )


if __name__ == "__main__":
    main()
