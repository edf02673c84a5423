"""Charts on real references: a claim against its own publication and against unrelated ones."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from novum.claims.chart import DEFAULT_THRESHOLD, chart_claim, source_from_patent, source_from_text
from novum.claims.passages import passages
from novum.claims.scoring import CrossScorer, HybridScorer, LexicalScorer, SemanticScorer, matched_spans, terms
from novum.model import Patent


def test_passages_are_labelled_as_examiners_cite_them(ep_patent: Patent, us_patent: Patent) -> None:
    assert [p.ref for p in passages(us_patent)][:3] == ["title", "abstract", "claim 1"]
    assert passages(us_patent)[-1].heading is not None
    refs = [p.ref for p in passages(ep_patent)]
    assert refs[:2] == ["title", "claim 1"]  # a B1 carries no abstract
    assert "claim 12" in refs and "[0012]" in refs
    assert sum(r.startswith("claim ") for r in refs) == 12  # English claims only, not de/fr duplicates


def test_terms_are_stemmed_like_the_index_and_chinese_is_segmented() -> None:
    assert terms("The connecting pipes, said conservators (16)") == ["connect", "pipe", "conserv"]
    assert "像素" in terms("所述多个像素排列成多行和多列") and "所述" not in terms("所述多个像素")
    text = "a pipe connects the tank"
    assert [text[s:e] for s, e in matched_spans("connecting pipes", text)] == ["pipe", "connects"]


def test_claim_against_itself_and_an_unrelated_patent(ep_patent: Patent, us_patent: Patent) -> None:
    chart = chart_claim(source_from_patent(ep_patent, 1), [ep_patent, us_patent])
    own, other = chart.references
    assert own.number == "EP3404678B1" and own.missing == [] and own.verdict == "all 9 elements found"
    assert other.number == "US11147202B2" and "1b" in other.missing and other.coverage < 0.5
    assert [r.number for r in chart.ranked()] == ["EP3404678B1", "US11147202B2"]
    conservator = next(m for m in own.mappings if m.row.id == "1b")
    assert conservator.best >= DEFAULT_THRESHOLD and len(conservator.evidence) == 3
    assert "**conservator**" in conservator.evidence[0].highlighted
    assert {e.ref for e in conservator.evidence} & {"claim 1", "claim 7", "[0008]"}
    assert chart.rows[0].kind == "preamble" and not chart.rows[0].counts
    best = chart.combinations[0]
    assert best.complete and set(best.sources.values()) == {"EP3404678B1"}


def test_dependent_claim_charts_its_parents_elements(us_patent: Patent) -> None:
    source = source_from_patent(us_patent, 4)
    assert source.label == "US11147202B2 claim 4"
    assert [r.id for r in source.rows()][:3] == ["1pre", "1a", "1b"]
    assert [r.id for r in source.rows()][-2:] == ["3a", "4a"]
    chart = chart_claim(source, [us_patent])
    assert chart.references[0].missing == []


def test_chinese_claim_against_itself_and_another_chinese_patent(cn_new: Patent, cn_old: Patent) -> None:
    chart = chart_claim(source_from_patent(cn_new, 1), [cn_new, cn_old])
    own, other = chart.references
    assert own.missing == [] and len(other.missing) == len(other.counted)
    first = next(m for m in own.mappings if m.row.id == "1a.1")
    assert "**像素**" in first.evidence[0].highlighted


def test_pasted_claim_two_references_combine(ep_patent: Patent, us_patent: Patent) -> None:
    source = source_from_text(
        "1. A transport assembly comprising: a Buchholz relay above the cover of a sealed compartment; "
        "and a retainer flange pivotally mounted upon a foot plate."
    )
    chart = chart_claim(source, [ep_patent, us_patent])
    assert [r.missing for r in chart.references] == [["1b"], ["1a"]]
    combo = chart.combinations[0]
    assert combo.complete and combo.sources == {"1a": "EP3404678B1", "1b": "US11147202B2"}


class BagOfWordsEmbedder:
    """A deterministic stand-in for bge-small: hashed term counts, L2-normalised."""

    name = "test-bow"
    version = "1"

    def __init__(self) -> None:
        self.calls = 0

    def _embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.calls += len(texts)
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for term in terms(text):
                out[i, hash(term) % 64] += 1.0
        norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        unit: npt.NDArray[np.float32] = (out / norms).astype(np.float32)
        return unit

    def embed_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._embed(texts)

    def embed_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._embed(texts)


def test_hybrid_scorer_embeds_a_shortlist_and_caches(ep_patent: Patent, us_patent: Patent) -> None:
    embedder = BagOfWordsEmbedder()
    lexical = LexicalScorer().fit(p for ref in (ep_patent, us_patent) for p in passages(ref))
    scorer = HybridScorer(lexical, SemanticScorer(embedder, calibration=(0.0, 1.0)), shortlist=2)
    source = source_from_patent(ep_patent, 1)
    chart = chart_claim(source, [ep_patent, us_patent], scorer)
    assert chart.scorer == "hybrid:lexical+semantic:test-bow"
    assert chart.references[0].missing == [] and chart.references[1].missing
    rows = len(source.rows())
    assert embedder.calls <= rows + 2 * rows * 2  # queries once, at most a shortlist of passages per element
    before = embedder.calls
    chart_claim(source, [ep_patent, us_patent], scorer)
    assert embedder.calls == before  # everything came from the cache


class OverlapPairModel:
    """A stand-in cross-encoder: the probability grows with the words the two texts share. Counts the pairs it
    scores."""

    name = "test-pairs"
    version = "test"

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []

    def probabilities(self, pairs: list[tuple[str, str]]) -> list[float]:
        self.pairs.extend(pairs)
        return [1.0 - 1.0 / (2.0 + len(set(a.lower().split()) & set(b.lower().split()))) for a, b in pairs]


def test_cross_scorer_reads_each_elements_own_shortlist_once(ep_patent: Patent, us_patent: Patent) -> None:
    model = OverlapPairModel()
    lexical = LexicalScorer().fit(p for ref in (ep_patent, us_patent) for p in passages(ref))
    scorer = HybridScorer(lexical, CrossScorer(model), shortlist=2)
    source = source_from_patent(ep_patent, 1)
    chart = chart_claim(source, [ep_patent, us_patent], scorer)
    assert chart.scorer == "hybrid:lexical+cross:test-pairs"
    assert chart.references[0].number == ep_patent.number and chart.references[0].missing == []
    rows = len(source.rows())
    assert 0 < len(model.pairs) <= rows * 2 * 2  # two passages per element, per reference: no full matrix
    assert len(set(model.pairs)) == len(model.pairs)
    scored = len(model.pairs)
    chart_claim(source, [ep_patent, us_patent], scorer)
    assert len(model.pairs) == scored  # every pair came from the cache
    matrix = CrossScorer(model).score(["alpha beta gamma delta"], passages(us_patent)[:3])
    assert matrix.shape == (1, 3) and ((matrix >= 0.5) & (matrix < 1.0)).all()  # the model's probabilities


def test_semantic_english_charts_use_the_phrase_cross_encoder(ep_patent: Patent, us_patent: Patent) -> None:
    from novum.claims.charting import chart_scorer

    source = source_from_patent(ep_patent, 1)
    scorer, models = chart_scorer([ep_patent, us_patent], source, semantic=True)
    assert models["model"].startswith("phrase-cross (novum:models/phrase-cross")
    chart = chart_claim(source, [ep_patent, us_patent], scorer)
    assert chart.scorer == "hybrid:lexical+cross:phrase-cross"
    own, other = chart.references
    assert own.missing == [] and own.score > other.score  # the claim's own publication discloses every element
    assert [r.number for r in chart.ranked()] == ["EP3404678B1", "US11147202B2"]
