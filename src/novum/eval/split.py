"""The PatSnap citation topics split once into a tuning half and a held-out half (issue 13).

Parameters (BM25 settings, fusion weights, model choices) may be chosen on ``TUNING`` only; ``HELD_OUT`` is for
reporting. The split was drawn once, on 2026-11-28, as ``random.Random(SEED).sample(sorted(ids), len(ids) // 2)``
over the 108 topic ids of ``qrels-dev.tsv`` (the sample is the tuning half, the rest held out), and is recorded
here so that it never changes when the draw's code or Python's generator does. Topic ids are publication numbers
of the corpus, not benchmark data.
"""

from __future__ import annotations

SEED = 13
HALVES = ("tuning", "held-out")

TUNING = (
    "US5170942", "US5845048", "US6200468", "US6261715", "US6285159", "US6345275", "US6868701", "US7308119",
    "US7473362", "US7497949", "US7582444", "US7615155", "US7618537", "US7625486", "US7638056", "US7645384",
    "US7655455", "US7658843", "US7674384", "US7695631", "US7731841", "US7740752", "US7744761", "US7749384",
    "US7824799", "US7828976", "US7833412", "US7854843", "US7860320", "US7879236", "US7879240", "US7897375",
    "US7910001", "US7922910", "US7927509", "US7935256", "US7943046", "US7959800", "US7963338", "US7967989",
    "US7972502", "US7993530", "US8017365", "US8021551", "US8033400", "US8034289", "US8038881", "US8054932",
    "US8062587", "US8080160", "US8168319", "US8180788", "US8203844", "US8280196",
)

HELD_OUT = (
    "US4228795", "US5583744", "US5901035", "US6002583", "US6064176", "US6078496", "US6094948", "US6387247",
    "US6400563", "US7499916", "US7520991", "US7569148", "US7572378", "US7588687", "US7611630", "US7611632",
    "US7625492", "US7636455", "US7666307", "US7678275", "US7691274", "US7699980", "US7722769", "US7749386",
    "US7763173", "US7767095", "US7790036", "US7815810", "US7819944", "US7820050", "US7833410", "US7833416",
    "US7833418", "US7842186", "US7850850", "US7856144", "US7866060", "US7867397", "US7875191", "US7879239",
    "US7879245", "US7914677", "US7914685", "US7922425", "US7955839", "US7964019", "US7968153", "US7972517",
    "US7972573", "US7981293", "US7985338", "US7988866", "US8003355", "US8061531",
)


def half(name: str) -> frozenset[str]:
    """The topic ids of one half, by name (``tuning`` or ``held-out``)."""
    if name == "tuning":
        return frozenset(TUNING)
    if name == "held-out":
        return frozenset(HELD_OUT)
    raise ValueError(f"unknown half {name!r}; choose one of {', '.join(HALVES)}")
