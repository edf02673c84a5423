"""What novum's two PPPM training scripts share: the pinned data, the seeds, the step loop, ONNX export and int8.

scripts/train_phrase_model.py (a bi-encoder) and scripts/train_phrase_cross_encoder.py (a cross-encoder) differ in
the model and the loss only; everything that makes a run reproducible lives here once.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SEED = 13
Pair = tuple[str, str, float, str]  # anchor, target, human score, CPC class title (lower case)


def pairs(path: Path, titles: dict[str, str]) -> list[Pair]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            (row["anchor"], row["target"], float(row["score"]), titles.get(row["context"], "").lower())
            for row in csv.DictReader(handle)
        ]


def context_titles(folder: Path) -> dict[str, str]:
    with open(folder / "cpc_context_titles.csv", encoding="utf-8", newline="") as handle:
        return {row["context"]: row["cpc_2025_05_title"] for row in csv.DictReader(handle)}


def pearson(x: list[float], y: list[float]) -> float:
    return float(np.corrcoef(np.asarray(x), np.asarray(y))[0, 1])


def arguments(description: str | None, out: Path, max_seq_len: int) -> argparse.ArgumentParser:
    """The options both scripts take."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "bench" / "pppm")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--max-seq-len", type=int, default=max_seq_len)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-minutes", type=float, help="stop training after this long, then evaluate and export")
    parser.add_argument("--out", type=Path, default=out)
    return parser


def start(args: argparse.Namespace) -> tuple[list[Pair], list[Pair]]:
    """Offline, seeded (Python, numpy, torch), the thread count set; the train and validation pairs."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    titles = context_titles(args.data)
    return pairs(args.data / "train.csv", titles), pairs(args.data / "validation.csv", titles)


def train(
    model: Any, examples: list[Any], args: argparse.Namespace, loss_of: Callable[[list[Any]], Any]
) -> tuple[int, float]:
    """AdamW (weight decay 0.01) with a 10% linear warm-up then linear decay, gradients clipped at 1.0, over
    ``args.epochs`` of the examples in batches; ``loss_of(batch)`` is the model's loss. Stops early at
    ``--max-minutes`` or on SIGUSR1 (then the caller evaluates and exports what there is). Returns the steps done
    and the seconds they took."""
    import torch

    steps = int(len(examples) * args.epochs) // args.batch
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / max(1, steps - warmup))
    )
    stop: list[bool] = []
    signal.signal(signal.SIGUSR1, lambda *_: stop.append(True))
    started = time.time()
    model.train()
    done = 0
    for step in range(steps):
        if stop or (args.max_minutes is not None and time.time() - started > args.max_minutes * 60):
            print(f"stopped ({'signal' if stop else 'time budget'}) after {step} of {steps} steps", flush=True)
            break
        value = loss_of([examples[(step * args.batch + i) % len(examples)] for i in range(args.batch)])
        value.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        done = step + 1
        if step % 50 == 0:
            print(f"step {step}/{steps} loss {value.item():.4f} {time.time() - started:.0f} s", flush=True)
    return done, time.time() - started


def validation(evaluate: Callable[[bool], float]) -> dict[str, float]:
    """Validation Pearson of the trained model, plain and with the CPC class title, printed as it comes."""
    after = {"plain": evaluate(False), "with CPC title": evaluate(True)}
    print(f"trained, validation Pearson: {after}", flush=True)
    return after


def run_record(
    args: argparse.Namespace, train_pairs: list[Pair], examples: int, done: int, seconds: float, valid: list[Pair]
) -> dict[str, Any]:
    """The part of metrics.json both scripts write: data, recipe, steps and time."""
    return {
        "train_pairs": len(train_pairs),
        "examples_per_epoch": examples,
        "epochs": args.epochs,
        "steps_planned": int(examples * args.epochs) // args.batch,
        "steps_done": done,
        "batch": args.batch,
        "lr": args.lr,
        "max_seq_len": args.max_seq_len,
        "seed": SEED,
        "threads": args.threads,
        "train_seconds": round(seconds),
        "validation_pairs": len(valid),
    }


def write_metrics(out: Path, metrics: dict[str, Any]) -> None:
    """metrics.json beside the weights (the model card quotes it), and the same on stdout."""
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(metrics, indent=2))


def export_onnx(
    inner: Any, pick: Callable[[Any], Any], sample: Any, path: Path, output: str, axes: dict[str, Any]
) -> None:
    """A BERT-style module as ONNX fp32 with dynamic batch and length: the three id tensors in, ``pick`` of the
    module's output (the hidden states, or the logits) out. The module is a submodule of the exported one, so its
    weights are exported as parameters."""
    import torch

    class Wrapped(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return pick(self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids))

    dynamic = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        Wrapped(),
        (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
        str(path),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=[output],
        dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic, "token_type_ids": dynamic, **axes},
        opset_version=17,
        dynamo=False,
    )


def keep_int8_if_close(out: Path, score: Callable[[Path], float]) -> tuple[str, dict[str, float]]:
    """Quantise ``out/model-fp32.onnx`` to int8 (dynamic, per channel) and keep it as ``model.onnx`` if its
    validation ``score`` is within 0.005 of fp32; otherwise the caller's fallback decides (returned "fp32")."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = out / "model-fp32.onnx"
    scores = {"fp32": score(fp32)}
    int8 = out / "model-int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    scores["int8"] = score(int8)
    return ("int8" if scores["fp32"] - scores["int8"] <= 0.005 else "fp32"), scores


def finish(out: Path, chosen: str) -> None:
    """``model-<chosen>.onnx`` becomes ``model.onnx``; the other exports are removed."""
    (out / f"model-{chosen}.onnx").replace(out / "model.onnx")
    for leftover in out.glob("model-*.onnx"):
        leftover.unlink()
