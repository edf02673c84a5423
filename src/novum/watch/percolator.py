"""The percolator: a batch of newly stored documents matched against every watch, instead of every watch re-run
over the whole store.

The batch is indexed in a temporary tantivy index with the store's own schema and analyzers, so a watch query
compiles and matches exactly as ``novum search`` would (stems, Chinese segmentation, class prefixes, dates;
wildcards expand against the batch's words), and proximity the index cannot decide is verified on the stored text
by the same evaluator. Each query runs once against a few thousand documents rather than the whole store. (The
other design, querying the store's index restricted to the batch's numbers, needs no second indexing but was
measured slower: the term set of numbers is looked up by every search; ``open_batch(index=...)`` keeps it.)
Citations and families are set lookups; semantic closeness is one matrix product of the batch's passage vectors
against every semantic watch's vectors.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy

from novum.analytics.applicants import ApplicantCleaner
from novum.index.lexical import Filters, LexicalIndex
from novum.model import Patent
from novum.search.query import QueryParseError, compile_query, parse
from novum.search.query.ast import And, Node, Not, Or, Semantic, walk
from novum.search.query.evaluate import Evaluator
from novum.search.query.fields import FULLTEXT
from novum.search.query.printer import to_text
from novum.search.query.proximity import DocText
from novum.store.sqlite import Store
from novum.store.watches import WatchTable
from novum.watch.model import Alert, Watch
from novum.watch.semantic import DocumentVectors, StoredVectors, target_matrix

Occur = tantivy.Occur
ALL: set[str] = set()  # marks a clause that holds for every matched document (compared by identity)


@dataclass(slots=True)
class Batch:
    """New documents (sequence order) with what the matchers need: records, families, an index, vectors."""

    seqs: dict[str, int]
    patents: dict[str, Patent]
    families: dict[str, str]
    index: LexicalIndex
    vectors: DocumentVectors | None = None
    embedded: set[str] = field(default_factory=set)  # documents whose current version has passage vectors
    citations: dict[str, list[tuple[str, str | None, str | None]]] = field(default_factory=dict)
    _owners: dict[str, list[str]] | None = None
    _texts: dict[str, DocText] = field(default_factory=dict)
    restrict: tantivy.Query | None = None  # the batch's numbers, when ``index`` is the store's whole index
    _addresses: dict[tuple[int, int], str] | None = None

    def text(self, number: str) -> DocText:
        """The record's tokenised fields, shared by every watch that verifies proximity on it in this batch."""
        found = self._texts.get(number)
        if found is None:
            found = self._texts[number] = DocText(self.patents[number])
        return found

    def numbers(self, query: tantivy.Query) -> set[str]:
        """The batch documents a tantivy query matches."""
        return {number for _, number in self.hits(query)}

    def hits(self, query: tantivy.Query) -> list[tuple[float, str]]:
        """(score, number) of the batch documents a query matches. On the store's index the query is restricted
        to the batch's numbers (a term set the engine intersects with); on a temporary index of the batch, numbers
        come from a table of its document addresses built once."""
        searcher = self.index.index.searcher()
        if self.restrict is not None:
            combined = tantivy.Query.boolean_query([(Occur.Must, query), (Occur.Must, self.restrict)])
            found = searcher.search(combined, limit=max(len(self.patents), 1)).hits
            return [(float(score), searcher.doc(a)["number"][0]) for score, a in found]
        if self._addresses is None:
            every = searcher.search(tantivy.Query.all_query(), limit=max(len(self.patents), 1)).hits
            self._addresses = {(a.segment_ord, a.doc): searcher.doc(a)["number"][0] for _, a in every}
        found = searcher.search(query, limit=max(len(self.patents), 1)).hits
        return [(float(score), self._addresses[(a.segment_ord, a.doc)]) for score, a in found]

    def owners(self, cleaner: ApplicantCleaner) -> dict[str, list[str]]:
        """Number → cleaned applicant (else assignee) keys, computed once per batch."""
        if self._owners is None:
            self._owners = {}
            for number, patent in self.patents.items():
                names = [p.name for p in (*patent.applicants, *patent.assignees)]
                self._owners[number] = list(dict.fromkeys(cleaner.key(n) for n in names if n.strip()))
        return self._owners


@contextmanager
def open_batch(
    store: Store,
    feed: list[tuple[int, str]],
    vectors: StoredVectors | None,
    *,
    semantic: bool,
    index: LexicalIndex | None = None,
) -> Iterator[Batch]:
    """Load the documents of a slice of the feed. With ``index`` (the store's own, holding every document of the
    slice) queries run on it restricted to the slice; without, the slice is indexed in a temporary folder (a dry
    run, which must not write the store's index), removed afterwards."""
    numbers = [n for _, n in feed]
    patents = store.get_many(numbers)
    table = WatchTable(store)
    with tempfile.TemporaryDirectory(prefix="novum-watch-") as folder:
        restrict = None
        if index is None:
            index = LexicalIndex(Path(folder), firms=False)
            index.add(patents[n] for n in numbers if n in patents)
        else:
            restrict = tantivy.Query.term_set_query(index.schema, "number", [n for n in numbers if n in patents])
        batch = Batch({n: s for s, n in feed if n in patents}, patents, store.family_keys(numbers), index)
        batch.restrict = restrict
        batch.citations = table.citations_of(numbers)
        if semantic and vectors is not None:
            batch.embedded = table.embedded_numbers(vectors.ledger, numbers)
            batch.vectors = vectors.documents(n for n in numbers if n in batch.embedded)
        yield batch


def search_filters(spec: dict[str, Any]) -> Filters:
    given = spec.get("filters") or {}
    return Filters(cpc=given.get("cpc", []), ipc=given.get("ipc", []), country=given.get("country", []),
                   kind=given.get("kind", []))  # fmt: skip


def _alert(watch: Watch, batch: Batch, number: str, reason: str, detail: dict[str, Any], score: float | None) -> Alert:
    patent = batch.patents[number]
    family = batch.families.get(number, f"n:{number}")
    return Alert(watch.name, family, reason, number, patent.title(), detail, score, batch.seqs[number])


def match(watch: Watch, batch: Batch, numbers: set[str], store: Store, cleaner: ApplicantCleaner) -> list[Alert]:
    """The alerts a watch raises on the given documents of the batch (not yet checked against the ledger)."""
    if watch.kind == "search":
        return match_search(watch, batch, numbers)
    if watch.kind == "portfolio":
        return match_portfolio(watch, batch, numbers)
    if watch.kind == "competitor":
        return match_competitor(watch, batch, numbers, cleaner)
    from novum.watch.industry import match_industry  # the monitor loads only for industry watches

    return match_industry(watch, batch, numbers, store)


def match_search(watch: Watch, batch: Batch, numbers: set[str]) -> list[Alert]:
    """The saved query compiled against the batch index; inexact candidates verified on the stored text;
    ``sem(...)`` clauses must each reach their threshold. The why names the clauses each document matched."""
    spec = watch.spec
    ast = parse(spec["query"], spec.get("default_operator", "AND"))
    compiled = compile_query(ast, batch.index, filters=search_filters(spec))
    evaluator = Evaluator(compiled)
    semantic = bool(spec.get("vectors")) or any(isinstance(n, Semantic) for n in walk(ast))
    closeness = _closeness(watch, batch, numbers) if semantic else {}
    if semantic and not compiled.has_boolean_restriction and not spec.get("filters"):
        hits = [(0.0, n) for n in sorted(closeness, key=lambda n: batch.seqs[n])]  # sem() alone: closeness decides
    else:
        hits = batch.hits(compiled.query)
    matched: list[tuple[str, float]] = []
    for score, number in hits:
        if number not in numbers:
            continue
        if not compiled.exact and not evaluator.truth(compiled.ast, batch.text(number), FULLTEXT):
            continue
        if semantic and len(closeness.get(number, [])) < len(spec.get("vectors", [])):
            continue
        matched.append((number, float(score)))
    clauses = _clause_sets(ast, batch) if matched else []
    out: list[Alert] = []
    for number, score in matched:
        held = [text for text, members in clauses if members is ALL or (number in members) != negated(text)]
        detail: dict[str, Any] = {"clauses": held}
        if semantic:
            detail["semantic"] = closeness[number]
        detail["why"] = f"matched {'; '.join(held[:4])}" if held else f"matches {spec['query']}"
        out.append(_alert(watch, batch, number, "query", detail, score))
    return out


def negated(text: str) -> bool:
    return text.startswith("NOT ")


def _clause_sets(ast: Node, batch: Batch) -> list[tuple[str, set[str]]]:
    """Each top-level clause of the query with the batch documents it matches (one index search per clause,
    instead of tokenising every matched record to explain it)."""
    children = list(ast.children) if isinstance(ast, And | Or) else [ast]
    out: list[tuple[str, set[str]]] = []
    for child in children:
        if isinstance(child, Semantic):
            continue
        inner = child.child if isinstance(child, Not) else child
        if not isinstance(ast, Or):  # every clause of a conjunction (or a lone clause) holds for every match
            out.append((("NOT " if isinstance(child, Not) else "") + to_text(inner), ALL))
            continue
        try:
            members = batch.numbers(compile_query(inner, batch.index).query)
        except QueryParseError:
            continue
        out.append((("NOT " if isinstance(child, Not) else "") + to_text(inner), members))
    return out


def _closeness(watch: Watch, batch: Batch, numbers: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Number → the watch's targets the document reaches (best passage, cosine, threshold)."""
    targets = watch.spec.get("vectors", [])
    docs = batch.vectors
    if not targets or docs is None or not docs.numbers:
        return {}
    matrix = target_matrix(targets)
    best = docs.best(matrix)
    wanted = set(numbers)
    out: dict[str, list[dict[str, Any]]] = {}
    for i, number in enumerate(docs.numbers):
        if number not in wanted:
            continue
        for j, target in enumerate(targets):
            score = float(best[i, j])
            if score >= target["threshold"]:
                out.setdefault(number, []).append({
                    "target": target["label"],
                    "passage": docs.where(i, matrix[j]),
                    "score": round(score, 4),
                    "threshold": target["threshold"],
                })  # fmt: skip
    return out


def match_portfolio(watch: Watch, batch: Batch, numbers: set[str]) -> list[Alert]:
    """Cites a portfolio patent, joins a portfolio family, or is close to an independent claim."""
    spec = watch.spec
    portfolio = set(spec["numbers"])
    by_key: dict[str, str] = spec.get("citation_keys", {})
    families: dict[str, str] = spec.get("families", {})
    members: dict[str, str] = {**{n: n for n in portfolio}, **spec.get("short_forms", {})}
    out: list[Alert] = []
    for number in sorted(numbers, key=lambda n: batch.seqs[n]):
        if number in portfolio:
            continue
        patent = batch.patents[number]
        for key, cited_by, category in batch.citations.get(number, []):
            target = by_key.get(key)
            if target is not None:
                who = f" ({', '.join(x for x in (cited_by, category) if x)})" if cited_by or category else ""
                detail = {"why": f"cites {target}{who}", "cited": target, "cited_by": cited_by, "category": category}
                out.append(_alert(watch, batch, number, f"cites:{target}", detail, None))
        joined = families.get(batch.families.get(number, ""))
        if joined is None:
            joined = next((members[m] for m in patent.family_members if m in members), None)
        if joined is not None:
            detail = {"why": f"joins the family of {joined}", "family_of": joined}
            out.append(_alert(watch, batch, number, f"family:{joined}", detail, None))
    for number, close in _closeness(watch, batch, numbers).items():
        if number in portfolio:
            continue
        by_target: dict[str, dict[str, Any]] = {}
        for hit in sorted(close, key=lambda h: -float(h["score"])):
            by_target.setdefault(hit["target"].split(" claim ")[0], hit)
        for target, hit in by_target.items():
            detail = {"why": f"close to {hit['target']}: {hit['passage']} scores {hit['score']:.3f}"
                             f" (threshold {hit['threshold']:.3f})", **hit}  # fmt: skip
            out.append(_alert(watch, batch, number, f"close:{target}", detail, float(hit["score"])))
    return out


def match_competitor(watch: Watch, batch: Batch, numbers: set[str], cleaner: ApplicantCleaner) -> list[Alert]:
    """The applicant (cleaned, aliases applied) publishing anything, or anything in the given classes."""
    spec = watch.spec
    key = spec.get("applicant_key")
    owners = batch.owners(cleaner) if key else {}
    out: list[Alert] = []
    for number in sorted(numbers, key=lambda n: batch.seqs[n]):
        patent = batch.patents[number]
        if key and key in owners.get(number, []):
            names = list(dict.fromkeys(p.name for p in (*patent.applicants, *patent.assignees)))
            named = [n for n in names if cleaner.key(n) == key]
            detail = {"why": f"published by {spec['applicant']} (as {', '.join(named)})", "names": names}
            out.append(_alert(watch, batch, number, "applicant", detail, None))
        for scheme in ("cpc", "ipc"):
            prefixes = spec.get(scheme) or []
            symbols = patent.cpc if scheme == "cpc" else patent.ipc
            found = [s for s in symbols if any(s.startswith(p) for p in prefixes)]
            if found:
                detail = {"why": f"classified {scheme.upper()} {', '.join(found[:3])}", "classes": found}
                out.append(_alert(watch, batch, number, "class", detail, None))
                break
    return out


def needs_vectors(watches: Iterable[Watch]) -> bool:
    return any(w.semantic for w in watches)


def first_unembedded(batch: Batch, numbers: Iterable[str]) -> int | None:
    """The earliest sequence among these documents that has no passage vectors yet (semantic watches stop there
    and resume on a later run: a delay, never a loss)."""
    missing = [batch.seqs[n] for n in numbers if n not in batch.embedded]
    return min(missing) if missing else None
