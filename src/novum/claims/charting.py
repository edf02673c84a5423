"""A claim chart as a user asks for one: a stored claim or pasted claim text, references named or found by a
prior-art search, and a scorer. ``novum chart``, ``POST /api/v1/charts`` and the web page all call ``make_chart``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from novum.claims import NoReferencesError
from novum.claims.chart import DEFAULT_THRESHOLD, ClaimSource, chart_claim, source_from_patent, source_from_text
from novum.claims.passages import passages
from novum.claims.report import NoveltyReport, Strategy, build_report, find_references
from novum.claims.scoring import CrossScorer, HybridScorer, LexicalScorer, PassageScorer, SemanticScorer
from novum.index.lexical import Filters, LexicalIndex
from novum.model import Patent
from novum.store.sqlite import Store


@dataclass(slots=True)
class ChartSpec:
    """What to chart. Give ``number`` (a stored publication) or ``text`` (pasted claims), and ``references``
    and/or ``top`` (the N best prior-art hits before the claim's priority date, or before ``before``)."""

    number: str | None = None
    text: str | None = None
    claim: int | None = None  # default: the first independent claim
    references: list[str] = field(default_factory=list)
    top: int | None = None
    before: str | None = None
    semantic: bool = False
    threshold: float = DEFAULT_THRESHOLD
    passages_per_element: int = 3
    text_label: str = "claim text"

    def check(self) -> None:
        if (self.number is None) == (self.text is None):
            raise ValueError("give a stored publication number or claim text, not both and not neither")
        if not self.references and not self.top:
            raise ValueError("give references to chart against, or a number of top prior-art hits")
        if self.top is not None and not 1 <= self.top <= 50:
            raise ValueError(f"top must be between 1 and 50, not {self.top}")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, not {self.threshold}")
        if not 1 <= self.passages_per_element <= 10:
            raise ValueError(f"passages per element must be between 1 and 10, not {self.passages_per_element}")


def claim_source(store: Store, spec: ChartSpec) -> ClaimSource:
    if spec.text is not None:
        return source_from_text(spec.text, spec.claim, label=spec.text_label)
    assert spec.number is not None
    return source_from_patent(store.get(spec.number), spec.claim)


def make_chart(store: Store, index: LexicalIndex, spec: ChartSpec) -> NoveltyReport:
    """Chart the claim against the named references and the top prior-art hits; the report records how."""
    spec.check()
    source = claim_source(store, spec)
    references = [store.get(n) for n in dict.fromkeys(spec.references)]
    strategy, scores = Strategy(), dict[str, float]()
    if spec.top:
        found, found_scores, strategy = find_references(store, index, source, spec.top, Filters(before=spec.before))
        scores = {p.number: score for p, score in zip(found, found_scores, strict=True)}
        have = {r.number for r in references}
        references += [p for p in found if p.number not in have]
    elif spec.before:
        strategy.cutoff = spec.before
    if not references:
        cutoff = strategy.cutoff or "no cut-off"
        raise NoReferencesError(
            f"the prior-art search found no references ({cutoff}); try another cut-off or name the references"
        )
    scorer, models = chart_scorer(references, source, spec.semantic)
    result = chart_claim(source, references, scorer, spec.passages_per_element, spec.threshold)
    return build_report(source, result, strategy, store, scores, models)


def chart_scorer(references: list[Patent], source: ClaimSource, semantic: bool) -> tuple[PassageScorer, dict[str, str]]:
    """BM25 over the references' passages; with ``semantic``, fused with a model in the claim's language: for
    English novum's phrase cross-encoder on each element's shortlist (PANORAMA-mini gold@1 7/10 against 4/10 with
    bge-small-en, docs/benchmarks.md), for Chinese the multilingual e5 embedder."""
    lexical = LexicalScorer().fit(p for ref in references for p in passages(ref, source.lang))
    if not semantic:
        return lexical, {}
    from novum.index.embed import load_embedder, load_phrase_cross

    if not source.lang.startswith("zh"):
        model = load_phrase_cross()
        return HybridScorer(lexical, CrossScorer(model)), {"model": f"{model.name} ({model.version})"}
    embedder = load_embedder("e5-small-multilingual")
    return HybridScorer(lexical, SemanticScorer(embedder)), {"embedder": f"{embedder.name} ({embedder.version})"}
