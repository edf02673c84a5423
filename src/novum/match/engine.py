"""The matcher: needs to patents, patents to firms and registered needs, firms as profiles, portfolios in bulk.

One ``Matcher`` holds the store, the indexes and what it has learnt about them (forward citations, each
document's stored passage vectors), so the API server keeps one and every request after the first is fast.
Ranking is the search library's: BM25 fused with every semantic index by their scores, filters
(classes, offices, industries) inside the engines. Searching each part of the need and fusing the rankings is
available (``by_parts``) but measured worse on the constructed set. Filters the engines do not know (availability,
applicant type) are applied to a deeper candidate list, which can cost recall for a filter that keeps very little;
the result says how deep it looked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import tantivy

from novum.claims.scoring import term_spans
from novum.errors import NotFoundError
from novum.index.firms import FirmIndex
from novum.index.lexical import Filters, LexicalIndex
from novum.index.pgvector import SemanticIndex
from novum.match import MatchError, UnknownFirmError
from novum.match.explain import Explanation, PassageVectors, dense_ref, explain
from novum.match.firms import (
    APPLICANT_TYPES,
    FirmMatch,
    FirmProfile,
    applicant_type,
    firm_key,
    fuse_firms,
    owner_types,
    owners,
    rank_firms,
)
from novum.match.industry import industry_codes
from novum.match.signals import Readiness, quick_available, readiness
from novum.match.text import check_need, focus, need_parts
from novum.model import Patent
from novum.normalize.text import segment
from novum.search.fusion import fuse, reciprocal_rank_fusion
from novum.search.prior_art import MODES
from novum.store.needs import LicenceOffer, Need, NeedsRegister, citing_documents
from novum.store.sqlite import Store

# Words of patent drafting, not of a technology (stemmed): left out of a firm's characteristic terms.
_PROFILE_STOP = frozenset({
    "use", "used", "describ", "provid", "method", "system", "apparatus", "devic", "embodi", "invent", "disclos",
    "present", "base", "may", "includ", "compris", "relat", "accord", "particular", "general", "exampl", "also",
})  # fmt: skip
POST_FILTER_DEPTH = 300  # candidates read when a filter must be applied after the search
NEIGHBOURS = 100  # documents whose owners vote in firm ranking
PORTFOLIOS = 100  # firms the profile model ranks before the two models are fused
FIRM_EVIDENCE = 3  # a firm's closest patents named when none of them was among the nearest documents
NEED_MIN_SCORE = 0.15  # a registered need is listed for a patent from this score up


@dataclass(slots=True)
class MatchOptions:
    """How to match a need. Classes are prefixes (``H04L``, ``H04L9/``); ``industry`` names resolve to classes."""

    limit: int = 10
    cpc: list[str] = field(default_factory=list)
    ipc: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    industry: list[str] = field(default_factory=list)
    applicant_types: list[str] = field(default_factory=list)
    available: bool = False
    exclude: list[str] = field(default_factory=list)
    mode: str | None = None  # None: hybrid when the store has embeddings, else lexical
    explain: bool = True
    # Also search each part of a multi-part need and fuse with the whole: measured, it lowers nDCG@10 on the
    # class-title needs (a part is then a generic parent title), so it is off unless asked for.
    by_parts: bool = False


@dataclass(slots=True)
class PatentMatch:
    """A patent for a need: why it matches (evidence per part of the need) and whether it is worth licensing."""

    rank: int
    number: str
    score: float
    patent: Patent
    readiness: Readiness
    explanation: Explanation | None
    applicant_types: list[str]
    offers: list[LicenceOffer] = field(default_factory=list)
    family_members: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        p = self.patent
        return {
            "rank": self.rank,
            "number": self.number,
            "title": p.title(),
            "applicants": owners(p),
            "applicant_types": self.applicant_types,
            "cpc": p.cpc,
            "ipc": p.ipc,
            "filing_date": p.filing_date,
            "publication_date": p.publication_date,
            "score": round(self.score, 4),
            "explanation": self.explanation.to_dict() if self.explanation else None,
            "readiness": self.readiness.to_dict(),
            "offers": [o.to_dict() for o in self.offers],
            "family_members": self.family_members,
        }


@dataclass(slots=True)
class NeedMatches:
    need: str
    parts: list[str]
    mode: str
    matches: list[PatentMatch]
    examined: int  # candidates read (more than the limit when a filter is applied after the search)
    filters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"need": self.need, "parts": self.parts, "mode": self.mode, "filters": self.filters,
                "examined": self.examined, "matches": [m.to_dict() for m in self.matches]}  # fmt: skip


@dataclass(slots=True)
class NeedMatch:
    """A registered need that a patent answers."""

    need: Need
    score: float
    explanation: Explanation

    def to_dict(self) -> dict[str, Any]:
        return {**self.need.to_dict(), "score": round(self.score, 3), "explanation": self.explanation.to_dict()}


@dataclass(slots=True)
class PatentToMarket:
    """A patent's market: the firms likeliest to use it and the registered needs it answers."""

    number: str
    patent: Patent
    readiness: Readiness
    firms: list[FirmMatch]
    needs: list[NeedMatch]
    offers: list[LicenceOffer] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.patent.title(), "applicants": owners(self.patent),
                "readiness": self.readiness.to_dict(), "firms": [f.to_dict() for f in self.firms],
                "needs": [n.to_dict() for n in self.needs], "offers": [o.to_dict() for o in self.offers]}  # fmt: skip


class Matcher:
    """Matching over one data directory. ``dense`` are the semantic indexes to use (none: lexical only)."""

    def __init__(
        self,
        store: Store,
        index: LexicalIndex,
        dense: list[SemanticIndex] | None = None,
        today: dt.date | None = None,
        firms: FirmIndex | None = None,
    ) -> None:
        self.store = store
        self.index = index
        self.firms = firms or index.firms  # the firm documents kept beside the lexical index (None: votes only)
        self.dense = dense or []
        self.today = today
        self.register = NeedsRegister(store)
        self._vectors: dict[tuple[str, str], npt.NDArray[np.float32]] = {}  # this request's query vectors
        self._documents: dict[tuple[str, str], npt.NDArray[np.float32]] = {}  # this request's texts as passages

    @property
    def mode(self) -> str:
        return "hybrid" if self.dense else "lexical"

    # --- needs to patents ---------------------------------------------------------------------------------------
    def match_need(self, text: str, options: MatchOptions | None = None) -> NeedMatches:
        """Patents for a need, best first, each with its evidence per part of the need and its readiness."""
        options = options or MatchOptions()
        need = check_need(text)
        if options.limit < 1:
            raise MatchError("the limit must be at least 1")
        unknown = [t for t in options.applicant_types if t not in APPLICANT_TYPES]
        if unknown:
            raise MatchError(f"unknown applicant type {unknown[0]!r}; choose from {', '.join(APPLICANT_TYPES)}")
        filters = self.filters(options)
        parts = need_parts(need)
        post = options.available or bool(options.applicant_types)
        depth = POST_FILTER_DEPTH if post else options.limit
        self._vectors.clear()
        whole = focus(need) if (options.mode or self.mode) != "lexical" else None
        part_vectors = self._part_vectors(parts, whole) if options.explain else None
        ranked = self.rank(need, parts if options.by_parts else [], filters, depth, options.mode)
        self._vectors.clear()
        records = self.store.get_many(n for n, _ in ranked)
        matches: list[PatentMatch] = []
        for number, score in ranked:
            patent = records.get(number)
            if patent is None:
                continue
            types = owner_types(patent)
            if options.applicant_types and not set(types) & set(options.applicant_types):
                continue
            if options.available and not quick_available(patent, self.today):
                continue  # decided from the record alone, before the store lookups of the full signals
            state = self.readiness(patent)
            explanation = None
            if options.explain:
                vectors = part_vectors[1] if part_vectors else None
                stored = self.stored_vectors(number, part_vectors[0]) if part_vectors else None
                explanation = explain(parts, patent, vectors, stored)
            matches.append(PatentMatch(len(matches) + 1, number, score, patent, state, explanation, types))
            if len(matches) >= options.limit:
                break
        offers = self.register.offers(m.number for m in matches)
        for match in matches:
            match.offers = [o for o in offers if o.number == match.number]
        chosen = {"cpc": filters.cpc, "ipc": filters.ipc, "country": filters.country, "industry": filters.sei,
                  "applicant_types": options.applicant_types, "available": options.available}  # fmt: skip
        mode = options.mode or self.mode
        return NeedMatches(need, parts, mode, matches, len(ranked), {k: v for k, v in chosen.items() if v})

    def rank(
        self, need: str, parts: list[str], filters: Filters, depth: int, mode: str | None = None
    ) -> list[tuple[str, float]]:
        """Family-collapsed ranking of a need: the whole text, fused with each part's ranking when there are
        several parts (each part then speaks for itself instead of being outvoted by the longest)."""
        mode = mode or self.mode
        whole = self.candidates(focus(need), filters, depth, mode)
        if len(parts) < 2:
            return whole
        rankings = [[n for n, _ in whole]] * 2  # the whole need weighs as much as two parts
        for part in parts:
            rankings.append([n for n, _ in self.candidates(focus(part), filters, depth, mode)])
        return reciprocal_rank_fusion(rankings)[: max(depth, 1)]

    def candidates(
        self, text: str, filters: Filters, depth: int, mode: str | None = None, document: bool = False
    ) -> list[tuple[str, float]]:
        """One ranking, one publication per family: BM25 and each semantic index, fused by their scores.

        The same engines and fusion as prior-art search, without building hits (snippets, records, result
        counts) that matching does not show for every candidate; ``document`` embeds the text as a passage.
        """
        mode = mode or self.mode
        if mode not in MODES:
            raise MatchError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        if mode != "lexical" and not self.dense:
            raise MatchError(f"{mode} matching needs embeddings: run `novum embed`")
        lexical: list[tuple[str, float]] = []
        semantic: list[list[tuple[str, float]]] = []
        if mode in ("lexical", "hybrid"):
            found = self.index.search(text, filters, limit=depth * 2, second_pass=mode == "lexical")
            lexical = [(h.number, h.score) for h in found]
        if mode in ("semantic", "hybrid"):
            for dense in self.dense:
                if document:
                    vector = self._document_vector(dense, text)
                elif (kept := self._vectors.get((dense.model, text))) is not None:
                    vector = kept
                else:
                    vector = dense.embedder.embed_queries([text])
                semantic.append([(h.number, h.score) for h in dense.search_vector(vector, filters, depth * 2)])
        fused = fuse(mode, lexical, semantic)
        keys = self.store.family_keys(n for n, _ in fused)
        seen: set[str] = set()
        out: list[tuple[str, float]] = []
        for number, score in fused:
            key = keys.get(number, number)
            if key not in seen:
                seen.add(key)
                out.append((number, score))
        return out[:depth]

    def filters(self, options: MatchOptions) -> Filters:
        return Filters(
            cpc=list(options.cpc), ipc=list(options.ipc), country=list(options.country), exclude=list(options.exclude),
            sei=industry_codes(options.industry),
        )  # fmt: skip

    # --- signals ------------------------------------------------------------------------------------------------
    def readiness(self, patent: Patent) -> Readiness:
        """Signals of a stored patent: its stored family, and forward citations to any member of it."""
        key = self.store.family_keys([patent.number]).get(patent.number, "")
        members = self.store.family_members(key) if key else [patent.number]
        cited = len(citing_documents(self.store, members))
        return readiness(patent, as_of=self.today, family=members, forward_citations=cited)

    # --- explanations -------------------------------------------------------------------------------------------
    def _part_vectors(
        self, parts: list[str], whole: str | None = None
    ) -> tuple[SemanticIndex, npt.NDArray[np.float32]] | None:
        """The need's parts embedded by the best model for their language (e5 reads Chinese; bge English); the
        whole need's query vector is kept for the ranking, so it is embedded once."""
        if not self.dense:
            return None
        chosen = self.dense[0]
        if any(_cjk(p) for p in parts):
            chosen = next((d for d in self.dense if "multilingual" in d.model), chosen)
        if whole is not None and whole not in parts:  # a batch pads to its longest text: the whole need alone
            self._vectors[(chosen.model, whole)] = chosen.embedder.embed_queries([whole])
        vectors = chosen.embedder.embed_queries(parts)
        if whole is not None and whole in parts:
            self._vectors[(chosen.model, whole)] = vectors[parts.index(whole) : parts.index(whole) + 1]
        return chosen, vectors

    def stored_vectors(self, number: str, dense: SemanticIndex) -> PassageVectors:
        """A stored document's passage vectors by reference, read through the index (faiss file or pgvector)."""
        by_ref: dict[str, npt.NDArray[np.float32]] = {}
        for location, vector in dense.passage_vectors(number):
            by_ref.setdefault(dense_ref(location), vector)
        return PassageVectors(dense.model, by_ref)

    # --- patents to firms and needs -----------------------------------------------------------------------------
    def match_patent(self, number: str, firms: int = 10, needs: int = 10) -> PatentToMarket:
        """The firms closest to a stored patent (its own owners and family left out) and the needs it answers."""
        patent = self.store.get(number)
        text = patent_text(patent)
        if not text:
            raise MatchError(f"{patent.number} has no title, abstract or claims to match on")
        key = self.store.family_keys([patent.number]).get(patent.number, "")
        family = self.store.family_members(key) if key else [patent.number]
        found = self.firms_for(text, family, patent, firms)
        return PatentToMarket(
            patent.number, patent, self.readiness(patent), found, self.needs_for(patent, needs),
            self.register.offers([patent.number]),
        )  # fmt: skip

    def firms_for(
        self, text: str, exclude: list[str], target: Patent | None, limit: int, *, evidence: bool = True
    ) -> list[FirmMatch]:
        """Firms for a patent's text: its nearest documents (``exclude``d left out) vote, the firm documents are
        ranked as wholes, and the two are fused; ``target``'s own owners are left out of both. With ``evidence``,
        a firm none of whose patents was a near document names its closest ones (one more search each, ranked as
        the neighbours are: the text embedded once serves them all)."""
        self._documents.clear()
        neighbours = self.neighbours(text, Filters(exclude=exclude), NEIGHBOURS)
        records = self.store.get_many(n for n, _ in neighbours)
        voting = rank_firms(neighbours, records, target, NEIGHBOURS)
        own = {firm_key(name) for name in owners(target)} if target is not None else set()
        portfolios = self.firms.rank(text, PORTFOLIOS, own) if self.firms is not None else []
        found = fuse_firms(voting, portfolios, target, limit)
        if evidence and self.firms is not None:
            left_out = set(exclude)
            for match in (m for m in found if not m.evidence):  # found by its portfolio alone: its closest patents
                held = [n for n in self.firms.numbers_of(match.key) if n not in left_out]
                closest = self.candidates(text, Filters(only=held), FIRM_EVIDENCE, document=True) if held else []
                match.evidence = [number for number, _ in closest]
        self._documents.clear()
        return found

    def _document_vector(self, dense: SemanticIndex, text: str) -> npt.NDArray[np.float32]:
        """A patent's text embedded as a passage, once for its neighbours and each firm's closest patents."""
        key = (dense.model, text)
        if key not in self._documents:
            self._documents[key] = dense.embedder.embed_passages([text])
        return self._documents[key]

    def neighbours(self, text: str, filters: Filters, depth: int) -> list[tuple[str, float]]:
        """Documents nearest a patent's text (searched as a document: its passages embedded as passages)."""
        return self.candidates(text, filters, depth, document=True)

    def needs_for(self, patent: Patent, limit: int = 10, needs: list[Need] | None = None) -> list[NeedMatch]:
        """Registered needs the patent answers, best first: each need's parts against the patent's passages."""
        registered = self.register.needs() if needs is None else needs
        out: list[NeedMatch] = []
        for need in registered:
            parts = need_parts(need.text)
            vectors = self._part_vectors(parts)
            stored = self.stored_vectors(patent.number, vectors[0]) if vectors else None
            explanation = explain(parts, patent, vectors[1] if vectors else None, stored)
            score = float(np.mean([e.score for e in explanation.evidence])) if explanation.evidence else 0.0
            if score >= NEED_MIN_SCORE:
                out.append(NeedMatch(need, score, explanation))
        out.sort(key=lambda m: -m.score)
        return out[:limit]

    # --- firms --------------------------------------------------------------------------------------------------
    def firm_numbers(self, name: str) -> tuple[str, list[str], Counter[str]]:
        """(key, numbers, spellings) of the stored patents whose applicant or assignee is this firm.

        The index's applicant field finds candidates; a candidate is the firm's when its name's key equals the
        asked key or extends it word by word ("NVIDIA" finds "NVIDIA Corporation" and "NVIDIA International").
        """
        wanted = firm_key(name)
        words = [w for w in segment(wanted).lower().split() if w]
        if not words:
            raise UnknownFirmError(f"{name!r} is not a firm name")
        clauses = []
        for word in words:
            field_name = "applicant_zh" if _cjk(word) else "applicant"
            query = self.index.index.parse_query(word, [field_name])
            clauses.append((tantivy.Occur.Must, query))
        searcher = self.index.index.searcher()
        found = searcher.search(tantivy.Query.boolean_query(clauses), limit=100_000, count=False)
        candidates = [searcher.doc(address)["number"][0] for _, address in found.hits]
        spellings: Counter[str] = Counter()
        numbers: list[str] = []
        for number, patent in self.store.get_many(candidates).items():
            names = [n for n in owners(patent) if _extends(firm_key(n), wanted)]
            if names:
                numbers.append(number)
                spellings.update(names)
        if not numbers:
            raise UnknownFirmError(f"no stored patent names the applicant {name!r}")
        return wanted, sorted(numbers), spellings

    def match_firm(self, name: str, options: MatchOptions | None = None) -> tuple[FirmProfile, NeedMatches]:
        """A firm's profile matched as a need, its own patents left out: what it could license in."""
        profile = self.firm(name)
        chosen = options or MatchOptions()
        chosen = replace(chosen, exclude=[*chosen.exclude, *profile.numbers])
        return profile, self.match_need(profile.need_text(), chosen)

    def firm(self, name: str, top_terms: int = 25, top_classes: int = 15) -> FirmProfile:
        """A firm's profile from its stored patents: classes, characteristic terms, activity by year."""
        key, numbers, spellings = self.firm_numbers(name)
        records = self.store.get_many(numbers)
        classes: Counter[str] = Counter()
        years: Counter[str] = Counter()
        counts: Counter[str] = Counter()
        surface: dict[str, Counter[str]] = defaultdict(Counter)
        dated: list[tuple[str, str]] = []
        for patent in records.values():
            classes.update({s[:4] for s in (*patent.cpc, *patent.ipc) if len(s) >= 4})
            classes.update({s.split("/")[0] for s in (*patent.cpc, *patent.ipc) if "/" in s})
            day = patent.publication_date or patent.filing_date or patent.effective_date
            if day:
                years[day[:4]] += 1
                dated.append((day, patent.title() or ""))
            text = " ".join(t for t in (patent.title(), patent.abstract()) if t)
            seen: set[str] = set()
            for term, start, end in term_spans(text):
                surface[term][text[start:end].lower()] += 1
                if term not in seen:
                    counts[term] += 1
                    seen.add(term)
        weights = self._tfidf(counts, len(records))
        best = sorted(weights.items(), key=lambda kv: -kv[1])[:top_terms]
        named = [(surface[t].most_common(1)[0][0], w) for t, w in best]
        display = spellings.most_common(1)[0][0]
        titles = [title for _, title in sorted(dated, reverse=True) if title][:10]
        return FirmProfile(
            display, key, [n for n, _ in spellings.most_common()], len(records), numbers,
            classes.most_common(top_classes), named, sorted(years.items()), applicant_type(display), titles,
        )  # fmt: skip

    def _tfidf(self, counts: Counter[str], docs: int) -> dict[str, float]:
        """How characteristic a term is of the firm: its share of the firm's patents against its share of all
        abstracts in the index (the term's contribution to the KL divergence), so common words score nothing."""
        searcher = self.index.index.searcher()
        total = max(searcher.num_docs, 1)
        out: dict[str, float] = {}
        for term, n in counts.items():
            if (n < 2 and docs > 3) or term in _PROFILE_STOP:
                continue
            field_name = "abstract_zh" if _cjk(term) else "abstract"
            df = max(searcher.doc_freq(field_name, term), n)
            share, background = n / docs, df / total
            if share > background:
                out[term] = share * float(np.log(share / background))  # its share of the firm's KL divergence
        return out

    # --- portfolios ---------------------------------------------------------------------------------------------
    def portfolio(self, numbers: list[str], firms: int = 5, needs: int = 5) -> Portfolio:
        """Every patent of a list against the firms and the registered needs; unknown numbers are reported."""
        rows: list[PatentToMarket] = []
        missing: list[str] = []
        registered = self.register.needs()
        for raw in numbers:
            try:
                number = self.store.resolve(raw)
            except NotFoundError:  # reported with the others
                missing.append(raw)
                continue
            result = self.match_patent(number, firms=firms, needs=0)
            result.needs = self.needs_for(result.patent, needs, registered)
            rows.append(result)
        return Portfolio(rows, missing)


@dataclass(slots=True)
class Portfolio:
    rows: list[PatentToMarket]
    missing: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"patents": [r.to_dict() for r in self.rows], "not_found": self.missing}


def patent_text(patent: Patent) -> str:
    """What a patent is matched on: title, abstract and its first independent claim."""
    claim = next((c.text for c in patent.claims if c.independent and c.text.strip()), "")
    return " ".join(t for t in (patent.title(), patent.abstract(), claim[:1500]) if t)


def _extends(key: str, wanted: str) -> bool:
    return key == wanted or key.startswith(wanted + " ")


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


__all__ = ["MatchOptions", "Matcher", "NeedMatch", "NeedMatches", "PatentMatch", "PatentToMarket", "Portfolio"]
