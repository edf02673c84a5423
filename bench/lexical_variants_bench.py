"""Why novum's lexical search lost to plain BM25 on long document queries: each suspect measured alone.

Every variant ranks the PatSnap citation topics (title + abstract of the citing patent, its cut-off and itself
excluded, as in bench/retrieval_bench.py) and is scored by nDCG@10 on the tuning half, the held-out half and all
108 topics. Variants on novum's own index: the query parser with the field boosts (the old path), the query built
from terms (each distinct term once, weighted by its count in the text: linear, sqrt, 1 + ln, or not at all), with
and without boosts, abstract only, and pseudo-relevance feedback (RM3-like expansion from the top hits). Variants
on a scratch tantivy index of the same documents: one title + abstract field instead of two, stemming and stop
words on and off, parser or terms. bm25s at tantivy's fixed parameters (k1 1.2, b 0.75) is the reference: where a
tantivy variant equals it, what is left to the strongest baseline is the BM25 parameters tantivy does not expose.
So the last variants score the first hits again at other k1 and b (``novum.index.bm25``): a grid searched on the
tuning half, and novum's lexical search as shipped, which uses the setting chosen there.

    python bench/lexical_variants_bench.py [--work-dir DIR]
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tantivy

from novum.eval import baselines, datasets, report, split
from novum.eval.datasets import Benchmark, Topic, topic_text
from novum.eval.measures import Ranking, Run, means, per_topic
from novum.index import bm25
from novum.index.lexical import BOOSTS, RANKED_FIELDS, Filters, LexicalIndex
from novum.model import Patent

Weights = dict[str, float]
# The second pass's grid, searched on the tuning half (the held-out half is only reported).
SECOND_PASS_GRID = [(k1, b, bm25.RESCORE_DEPTH) for k1 in (1.2, 2.0, 3.0, 4.0, 5.0, 8.0) for b in (0.75, 0.9, 1.0)]
SECOND_PASS_GRID += [(bm25.K1, bm25.B, depth) for depth in (10, 50, 100)]  # how many first hits to score again
QTF: dict[str, Callable[[int], float]] = {
    "linear": float,
    "sqrt": math.sqrt,
    "1 + ln": lambda c: 1.0 + math.log(c),
    "once": lambda c: 1.0,
}


def analyzer(stem: bool, stop: bool) -> tantivy.TextAnalyzer:
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
    )
    if stop:
        builder = builder.filter(tantivy.Filter.stopword("english"))
    if stem:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


def scorer(explained: list[dict[str, Any]], k1: float, b: float) -> Callable[[int], float | None]:
    """The i-th first hit's score at k1/b, from its explanation."""
    return lambda i: bm25.explained_score(explained[i], k1, b)


class Variants:
    def __init__(self, index: LexicalIndex, bench: Benchmark, patents: list[Patent]) -> None:
        self.index = index
        self.bench = bench
        self.patents = {p.number: p for p in patents}
        self.english = analyzer(stem=True, stop=True)  # the index's own chain

    def scores(self, run: Run) -> list[float]:
        table = per_topic(self.bench.qrels, run)
        halves = [{t: v for t, v in table.items() if t in split.half(h)} for h in split.HALVES]
        return [means(part)["nDCG@10"] for part in (*halves, table)]

    def weights(self, text: str, qtf: str) -> Weights:
        counts = collections.Counter(str(t) for t in self.english.analyze(text))
        return {term: QTF[qtf](count) for term, count in counts.items()}

    def terms(self, weights: Weights, fields: tuple[str, ...], boosts: dict[str, float]) -> tantivy.Query:
        clauses = []
        for term, weight in weights.items():
            for name in fields:
                query = tantivy.Query.term_query(self.index.schema, name, term)
                w = weight * boosts.get(name, 1.0)
                clauses.append((tantivy.Occur.Should, query if w == 1.0 else tantivy.Query.boost_query(query, w)))
        return tantivy.Query.boolean_query(clauses)

    def search(self, query: tantivy.Query, topic: Topic, depth: int = 100) -> Ranking:
        filters = self.index.filter_clauses(Filters(before=topic.before, exclude=list(topic.exclude)))
        searcher = self.index.index.searcher()
        result = searcher.search(tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *filters]), limit=depth)
        return [(searcher.doc(a)["number"][0], float(s)) for s, a in result.hits]

    def parser(self) -> Run:
        run: Run = {}
        for topic in self.bench.topics:
            query = self.index.text_query(topic.text)
            run[topic.id] = self.search(query, topic) if query is not None else []
        return run

    def by_terms(
        self, qtf: str, fields: tuple[str, ...] = RANKED_FIELDS, boosts: dict[str, float] | None = None
    ) -> Run:
        return {
            t.id: self.search(self.terms(self.weights(t.text, qtf), fields, boosts or {}), t) for t in self.bench.topics
        }

    def second_pass(self, settings: list[tuple[float, float, int]]) -> list[tuple[str, Run]]:
        """The 1 + ln query's first hits scored again at each (k1, b, depth) from tantivy's explanation of each
        (``novum.index.bm25``: what ``novum search`` does with a long text at the chosen setting); each hit is
        explained once for the whole grid."""
        searcher = self.index.index.searcher()
        deepest = max(depth for _, _, depth in settings)
        first: dict[str, tuple[list[tuple[float, int]], list[str], list[dict[str, Any]]]] = {}
        for topic in self.bench.topics:
            query = self.terms(self.weights(topic.text, "1 + ln"), RANKED_FIELDS, {})
            filters = self.index.filter_clauses(Filters(before=topic.before, exclude=list(topic.exclude)))
            hits = searcher.search(tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *filters]), limit=100).hits
            numbers = [searcher.doc(a)["number"][0] for _, a in hits]
            explained = [json.loads(query.explain(searcher, a).to_json()) for _, a in hits[:deepest]]
            first[topic.id] = ([(float(s), i) for i, (s, _) in enumerate(hits)], numbers, explained)
        out: list[tuple[str, Run]] = []
        for k1, b, depth in settings:
            run: Run = {}
            for tid, (ranked, numbers, explained) in first.items():
                again = bm25.second_pass(ranked, scorer(explained, k1, b), depth)
                run[tid] = [(numbers[i], score) for score, i in again]
            chosen = " (novum's setting)" if (k1, b, depth) == (bm25.K1, bm25.B, bm25.RESCORE_DEPTH) else ""
            out.append((f"novum index: terms, 1 + ln, first {depth} hits at k1 {k1}, b {b}{chosen}", run))
        return out

    def product(self) -> Run:
        """``LexicalIndex.search`` itself, 100 deep: what ``novum search --mode lexical`` ranks."""
        run: Run = {}
        for t in self.bench.topics:
            hits = self.index.search(t.text, Filters(before=t.before, exclude=list(t.exclude)), 100)
            run[t.id] = [(h.number, h.score) for h in hits]
        return run

    def cost(self) -> str:
        """What the second pass costs a long query: ``LexicalIndex.search`` for a page of ten, against the same
        first-pass search and document reads without it, per topic (milliseconds, p50 / p95 over the topics)."""
        with_pass, without = [], []
        searcher = self.index.index.searcher()
        for t in self.bench.topics:
            filters = Filters(before=t.before, exclude=list(t.exclude))
            started = time.perf_counter()
            self.index.search(t.text, filters, 10)
            with_pass.append(time.perf_counter() - started)
            started = time.perf_counter()
            query = self.index.document_query(t.text) or self.index.text_query(t.text)
            assert query is not None
            combined = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *self.index.filter_clauses(filters)])
            _numbers = [searcher.doc(a)["number"][0] for _, a in searcher.search(combined, limit=10).hits]
            without.append(time.perf_counter() - started)

        def cell(times: list[float]) -> str:
            ms = sorted(1000 * x for x in times)
            return f"{statistics.median(ms):.1f} / {ms[int(0.95 * (len(ms) - 1))]:.1f} ms"

        return f"a page of ten for a topic: {cell(with_pass)} with the second pass, {cell(without)} without"

    def feedback(self, docs: int, terms: int, mix: float) -> Run:
        """RM3-like: the top hits' term distributions (weighted by exp(score - best)) mixed into the query."""
        run: Run = {}
        for topic in self.bench.topics:
            original = self.weights(topic.text, "linear")
            first = self.search(self.terms(original, RANKED_FIELDS, {}), topic, docs)
            if not first:
                run[topic.id] = []
                continue
            expansion: collections.Counter[str] = collections.Counter()
            for number, score in first:
                tokens = [str(t) for t in self.english.analyze(topic_text(self.patents[number]))]
                for term, count in collections.Counter(tokens).items():
                    expansion[term] += count / max(1, len(tokens)) * math.exp(score - first[0][1])
            total = sum(original.values())
            chosen = expansion.most_common(terms)
            norm = sum(v for _, v in chosen) or 1.0
            mixed = {k: (1 - mix) * v for k, v in original.items()}
            for term, value in chosen:
                mixed[term] = mixed.get(term, 0.0) + mix * value / norm * total
            run[topic.id] = self.search(self.terms(mixed, RANKED_FIELDS, {}), topic)
        return run


def scratch_runs(bench: Benchmark, patents: list[Patent]) -> list[tuple[str, Run]]:
    """A fresh tantivy index per text analysis, one field (title + abstract) or two; parser or terms (linear)."""
    numbers = [p.number for p in patents]
    effective = [p.effective_date for p in patents]
    out: list[tuple[str, Run]] = []
    for fields in (("text",), ("title", "abstract")):
        for stem, stop in ((False, False), (True, False), (True, True), (False, True)):
            builder = tantivy.SchemaBuilder()
            builder.add_integer_field("pos", stored=True, indexed=True)
            for name in fields:
                builder.add_text_field(name, tokenizer_name="x")
            schema = builder.build()
            index = tantivy.Index(schema)
            index.register_tokenizer("x", analyzer(stem, stop))
            writer = index.writer(heap_size=64_000_000, num_threads=1)
            for i, p in enumerate(patents):
                doc = tantivy.Document()
                doc.add_integer("pos", i)
                texts = {"title": p.title() or "", "abstract": p.abstract() or "", "text": topic_text(p)}
                for name in fields:
                    doc.add_text(name, texts[name])
                writer.add_document(doc)
            writer.commit()
            writer.wait_merging_threads()
            index.reload()
            searcher = index.searcher()
            chain = analyzer(stem, stop)
            for mode in ("terms", "parser"):
                run: Run = {}
                for topic in bench.topics:
                    if mode == "parser":
                        cleaned = re.sub(
                            r"\b(AND|OR|NOT|IN|TO)\b",
                            lambda m: m.group(0).lower(),
                            re.sub(r"[^\w\s]+", " ", topic.text),
                        )
                        query = index.parse_query(cleaned, list(fields))
                    else:
                        counts = collections.Counter(str(t) for t in chain.analyze(topic.text))
                        clauses = []
                        for term, count in counts.items():
                            for name in fields:
                                q = tantivy.Query.term_query(schema, name, term)
                                clauses.append(
                                    (tantivy.Occur.Should, q if count == 1 else tantivy.Query.boost_query(q, count))
                                )
                        query = tantivy.Query.boolean_query(clauses)
                    hits = searcher.search(query, limit=len(patents)).hits
                    excluded = set(topic.exclude)
                    ranked: Ranking = []
                    for score, address in hits:
                        i = searcher.doc(address)["pos"][0]
                        date = effective[i]
                        if numbers[i] in excluded or (topic.before and (date is None or date >= topic.before)):
                            continue
                        ranked.append((numbers[i], float(score)))
                        if len(ranked) == 100:
                            break
                    run[topic.id] = ranked
                label = f"scratch index, {' + '.join(fields)} field(s), stem {stem}, stop words {stop}, {mode}"
                out.append((label, run))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work-dir", type=Path)
    args = parser.parse_args()
    root = datasets.bench_dir()
    with tempfile.TemporaryDirectory(prefix="novum-lexical-variants-") as scratch:
        work = args.work_dir or Path(scratch)
        store, index = datasets.ingest_corpus(work / "patsnap", [datasets.patsnap_corpus(root)])
        with store:
            bench = datasets.patsnap_citations(store, root)
            patents = list(store.iter_patents())
            v = Variants(index, bench, patents)
            rows: list[tuple[str, Run]] = [
                ("novum index: query parser with field boosts (before issue 13)", v.parser())
            ]
            rows += [(f"novum index: terms, query-term weight {q}", v.by_terms(q)) for q in QTF]
            rows.append(("novum index: terms, linear, with the field boosts", v.by_terms("linear", boosts=BOOSTS)))
            rows.append(("novum index: terms, linear, abstract field only", v.by_terms("linear", ("abstract",))))
            rows += v.second_pass(SECOND_PASS_GRID)
            rows.append(("novum lexical search as shipped (LexicalIndex.search, 100 deep)", v.product()))
            cost = v.cost()
            for docs, terms, mix in ((10, 20, 0.5), (5, 20, 0.3), (10, 30, 0.3), (10, 10, 0.5), (20, 20, 0.5)):
                rows.append(
                    (f"novum index: feedback from {docs} docs, {terms} terms, mix {mix}", v.feedback(docs, terms, mix))
                )
            rows += scratch_runs(bench, patents)
            for setting in (
                baselines.Bm25Setting(1.2, 0.75, stem=True, stopwords=True),
                baselines.Bm25Setting(1.2, 0.75, stem=True, stopwords=False),
            ):
                ranker = baselines.Bm25sRanker(patents, setting)
                rows.append((f"reference: {ranker.name}", {t.id: ranker.rank(t, 100) for t in bench.topics}))
            table = [[label, *v.scores(run)] for label, run in rows]
    headers = ["variant", *(f"{h} nDCG@10" for h in split.HALVES), "all 108 nDCG@10"]
    print(report.markdown_table(headers, table))
    print(f"\nCost on this machine, {cost}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
