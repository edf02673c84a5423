"""The BM25 index: tantivy, with English stemming and Chinese segmented by rjieba into fields of their own.

The index holds only what ranking and filtering need; records are read back from the store, so the index can be
deleted and rebuilt from the store at any time (``novum reindex``). Each sync also writes the firm documents
(``novum.index.firms``) of the patents it indexes, so the two never disagree about which patents they hold.
Filters (cut-off date, classes, country, kind) are clauses of the same tantivy query, so they are applied inside the
search and never cost recall. A long English text (a pasted abstract, ``novum similar``) is read term by term, and
its first hits are scored again at the BM25 parameters such queries want (``novum.index.bm25``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import tantivy

from novum.analytics import sei
from novum.errors import NovumError
from novum.index.bm25 import RESCORE_DEPTH, rescore
from novum.index.firms import FirmEntry, FirmIndex
from novum.model import Patent
from novum.normalize.classification import normalize_symbol
from novum.normalize.numbers import priority_keys
from novum.normalize.text import has_cjk, segment
from novum.store.sqlite import Store, family_key

INDEX_DIR = "lexical"
PARSED_CACHE = 256  # free-text queries kept parsed (snippets of one page re-use their search's query)
SCHEMA_VERSION = 4  # 3: the derived `sei` field (strategic emerging industries, from IPC); 4: priority numbers
TEXT_FIELDS = ("title", "abstract", "claims", "independent_claims", "description", "applicant", "inventor")
# Fields free-text search ranks on; the others are there for fielded queries (applicant=..., independent claims).
RANKED_FIELDS = ("title", "abstract", "claims", "description")
ZH_FIELDS = tuple(f"{name}_zh" for name in TEXT_FIELDS)
# Title words are the most deliberate; descriptions are long and noisy. Tuned in the evaluation issue.
BOOSTS = {"title": 2.0, "abstract": 1.5, "claims": 1.2, "description": 1.0}
DATE_FIELDS = ("effective", "published", "filed", "priority")  # integers YYYYMMDD
_QUERY_NOISE = re.compile(r"[^\w\s\"]+", re.UNICODE)
# Spaces the segmenter put next to a CJK character (or a highlight mark beside one), removed for display.
_SEGMENT_SPACE = re.compile(r"(?<=[^\x00-\x7f]) +|(?<=[^\x00-\x7f]\*\*) +| +(?=\*\*[^\x00-\x7f])| +(?=[^\x00-\x7f])")
_OPERATORS = re.compile(r"\b(AND|OR|NOT|IN|TO)\b")
# A text with this many words (after stop words) is read as a document, not as a searcher's query (issue 13).
DOCUMENT_QUERY_TERMS = 20
FIRM_BATCH = 5_000  # patents gathered before their firms' documents are rewritten (bounds memory on a reindex)


@dataclass(slots=True)
class Filters:
    """Restrictions applied inside the search. Dates are ISO strings; classes are prefixes (``H04L``, ``H04L9/``)."""

    before: str | None = None  # effective date (priority, else filing, else publication) strictly before this
    published_before: str | None = None
    cpc: list[str] = field(default_factory=list)
    ipc: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    sei: list[str] = field(default_factory=list)  # strategic emerging industry codes; "1" matches 1.1 ... 1.5
    exclude: list[str] = field(default_factory=list)  # publication numbers that must not be returned
    only: list[str] | None = None  # when set, only these publications may be returned (a Boolean query's set)

    def is_empty(self) -> bool:
        fields = (self.before, self.published_before, self.cpc, self.ipc, self.country, self.kind, self.sei,
                  self.exclude)
        return not any(fields) and self.only is None


@dataclass(slots=True)
class LexicalHit:
    number: str
    score: float
    family: str


def english_analyzer() -> tantivy.TextAnalyzer:
    """The English chain of the index's text fields; claim charts and proximity checks reuse it so that their
    words are the index's words."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


_ENGLISH: list[tantivy.TextAnalyzer] = []


def _english() -> tantivy.TextAnalyzer:
    """One analyzer per process for building queries (the index registers its own)."""
    if not _ENGLISH:
        _ENGLISH.append(english_analyzer())
    return _ENGLISH[0]


def _segmented() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("number", stored=True, tokenizer_name="raw")
    builder.add_text_field("family", stored=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="novum_en")
    for name in ZH_FIELDS:
        builder.add_text_field(name, tokenizer_name="novum_zh")
    for name in ("cpc", "ipc", "country", "kind", "numbers", "sei", "priority_numbers"):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in DATE_FIELDS:
        builder.add_integer_field(name, indexed=True, fast=True)
    return builder.build()


def _day(iso: str | None) -> int | None:
    return int(iso.replace("-", "")) if iso else None


class IndexNeedsRebuildError(NovumError):
    """The search index is missing or has an older layout; a read path says so instead of rebuilding it."""


SNIPPET_FIELDS = ("abstract", "claims", "description", "title")  # a snippet comes from the first that matches


class Snippets(Protocol):
    """One page's snippet maker (``LexicalIndex.snippets``): a hit's snippet from the first of ``fields`` that
    matches the query, or None."""

    def __call__(self, patent: Patent, fields: Sequence[str] = SNIPPET_FIELDS) -> str | None: ...


def _no_snippet(patent: Patent, fields: Sequence[str] = SNIPPET_FIELDS) -> str | None:
    return None


class LexicalIndex:
    """A tantivy index in ``<data dir>/lexical``; created on first use, rebuilt by ``reset``.

    ``read_only`` is for searching: nothing in the folder is created, rewritten or deleted; an index in an old
    layout raises ``IndexNeedsRebuildError`` naming ``novum reindex``, and a missing one reads as empty.
    """

    def __init__(self, data_dir: Path, *, read_only: bool = False, firms: bool = True) -> None:
        self.path = Path(data_dir) / INDEX_DIR
        self.read_only = read_only
        marker = self.path / "novum-schema-version"
        self.rebuilt = False  # True when an old layout was dropped: every document must be indexed again
        self.missing = not (self.path / "meta.json").exists()
        stale = marker.exists() and marker.read_text().strip() != str(SCHEMA_VERSION)
        self.schema = _schema()
        self._parsed: dict[str, tantivy.Query | None] = {}
        if read_only:
            if stale:
                raise IndexNeedsRebuildError(
                    f"the search index in {self.path} has an older layout (v{marker.read_text().strip()}, this novum"
                    f" reads v{SCHEMA_VERSION}); run `novum reindex` to rebuild it from the store"
                )
            # a missing index reads as an empty one, held in memory: searching creates no files
            self.index = tantivy.Index(self.schema) if self.missing else tantivy.Index(self.schema, path=str(self.path))
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            if stale:
                shutil.rmtree(self.path)  # an old layout: the store can rebuild it, so start over
                self.path.mkdir(parents=True)
                self.rebuilt = True
            self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
            if not marker.exists() or marker.read_text().strip() != str(SCHEMA_VERSION):
                marker.write_text(str(SCHEMA_VERSION))
        self.index.register_tokenizer("novum_en", english_analyzer())
        self.index.register_tokenizer("novum_zh", _segmented())
        # the firm documents are written in the same sync; an index without them (made by an older novum, or
        # lost) must see every document again, as an old layout does. ``firms=False`` is for an index that only
        # answers searches (a shard, a watch's scratch index): no applicant is ranked on it.
        self.firms = FirmIndex(data_dir, read_only=read_only) if firms else None
        if self.firms is not None and not read_only:
            if self.firms.created and self.count() > 0:
                self.rebuilt = True
            elif self.rebuilt:
                self.firms.reset()

    # --- writing ------------------------------------------------------------------------------------------------
    def add(self, patents: Iterable[Patent]) -> list[str]:
        """Index (or re-index) patents in one commit; returns the numbers written."""
        self._writable()
        writer = self.index.writer(heap_size=128_000_000, num_threads=1)
        written: list[str] = []
        firm_entries: list[FirmEntry] = []
        for patent in patents:
            writer.delete_documents_by_term("number", patent.number)
            writer.add_document(self._document(patent))
            written.append(patent.number)
            if self.firms is not None:
                firm_entries.append(FirmEntry.of(patent))
                if len(firm_entries) >= FIRM_BATCH:
                    self.firms.add(firm_entries)
                    firm_entries = []
        if self.firms is not None:
            self.firms.add(firm_entries)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        return written

    def reset(self) -> None:
        """Drop every document (``novum reindex`` then re-adds them from the store)."""
        self._writable()
        writer = self.index.writer(heap_size=64_000_000, num_threads=1)
        writer.delete_all_documents()
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        if self.firms is not None:
            self.firms.reset()

    def _writable(self) -> None:
        if self.read_only:
            raise RuntimeError("this LexicalIndex was opened read-only (for searching); open it writable to change it")

    def _document(self, patent: Patent) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_text("number", patent.number)
        doc.add_text("family", family_key(patent))
        for name, text in document_texts(patent).items():
            if not text:
                continue
            target = f"{name}_zh" if has_cjk(text) else name
            doc.add_text(target, segment(text) if target.endswith("_zh") else text)
        for symbol in patent.cpc:
            doc.add_text("cpc", symbol)
        for symbol in patent.ipc:
            doc.add_text("ipc", symbol)
        for code in sei.index_terms(sei.codes(patent.ipc, patent.cpc)):  # "1.1" and its section "1"
            doc.add_text("sei", code)
        doc.add_text("country", patent.country)
        if patent.kind:
            doc.add_text("kind", patent.kind)
        for spelling in {patent.number, f"{patent.country}{patent.doc_number}", patent.doc_number}:
            doc.add_text("numbers", spelling)
        for key in priority_keys(patent):  # `pr=EP20160185466`, with and without the country
            doc.add_text("priority_numbers", key)
        dates = {
            "effective": patent.effective_date,
            "published": patent.publication_date,
            "filed": patent.filing_date,
            "priority": patent.earliest_priority(),
        }
        for name, iso in dates.items():
            if iso:
                doc.add_integer(name, int(iso.replace("-", "")))
        return doc

    # --- searching ----------------------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.index.searcher().num_docs)

    def search(
        self, text: str, filters: Filters | None = None, limit: int = 10, *, second_pass: bool = True
    ) -> list[LexicalHit]:
        """BM25 over title, abstract, claims and description (English and Chinese fields), filtered in-engine."""
        return self.search_counted(text, filters, limit, count=False, second_pass=second_pass)[0]

    def search_counted(
        self, text: str, filters: Filters | None = None, limit: int = 10, *, count: bool = True,
        second_pass: bool = True,
    ) -> tuple[list[LexicalHit], int]:  # fmt: skip
        """The best ``limit`` hits and, in the same pass, how many documents match (0 when not counted).

        With ``second_pass`` a long text's first ``RESCORE_DEPTH`` hits come in the order of BM25 at
        ``bm25.K1``/``bm25.B``: for a ranking BM25 makes alone. Hybrid search fuses the first pass's scores, with
        which its lexical weight was chosen (the second pass lowered it on the tuning half: docs/benchmarks.md).
        """
        document = self.document_query(text)
        query = document or self.text_query(text)
        if query is None:
            return [], 0
        again = document if second_pass else None
        searcher = self.index.searcher()
        depth = max(limit, RESCORE_DEPTH) if again is not None else limit
        result = searcher.search(self._with_filters(query, filters), limit=depth, count=count)
        scored = rescore(again, searcher, result.hits) if again is not None else result.hits
        hits: list[LexicalHit] = []
        for score, address in scored[:limit]:
            stored = searcher.doc(address)
            hits.append(LexicalHit(stored["number"][0], float(score), stored["family"][0]))
        return hits, int(getattr(result, "count", 0) or 0) if count else 0

    def count_matches(self, text: str, filters: Filters | None = None) -> int:
        """How many documents the free-text query matches under the filters (the size of the whole result)."""
        combined = self._filtered(text, filters)
        if combined is None:
            return 0
        return int(getattr(self.index.searcher().search(combined, limit=1, count=True), "count", 0) or 0)

    def _filtered(self, text: str, filters: Filters | None) -> tantivy.Query | None:
        """The free-text query (long English text term by term, else the parser's) with the filters as clauses."""
        query = self.document_query(text) or self.text_query(text)
        return self._with_filters(query, filters) if query is not None else None

    def _with_filters(self, query: tantivy.Query, filters: Filters | None) -> tantivy.Query:
        clauses = [(tantivy.Occur.Must, query), *self.filter_clauses(filters or Filters())]
        return tantivy.Query.boolean_query(clauses) if len(clauses) > 1 else query

    def document_query(self, text: str) -> tantivy.Query | None:
        """A long English text (a patent's abstract, ``novum similar``) as a disjunction of its distinct terms.

        None for short, quoted or Chinese text, which the query parser reads. The parser makes one clause per
        occurrence and applies the field boosts, which over-weights a word repeated in a long text and a short
        title; measured on the tuning half of the PatSnap topics (docs/benchmarks.md), each distinct term once,
        weighted 1 + ln(count), over every ranked field at weight 1, ranks the cited prior art higher.
        """
        if '"' in text or has_cjk(text):
            return None
        counts = Counter(str(term) for term in _english().analyze(text))
        if sum(counts.values()) < DOCUMENT_QUERY_TERMS:
            return None
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for term, count in counts.items():
            for name in RANKED_FIELDS:
                query = tantivy.Query.term_query(self.schema, name, term)
                if count > 1:
                    query = tantivy.Query.boost_query(query, 1.0 + math.log(count))
                clauses.append((tantivy.Occur.Should, query))
        return tantivy.Query.boolean_query(clauses)

    def text_query(self, text: str) -> tantivy.Query | None:
        """The user's words as a disjunction over the text fields; quoted phrases stay phrases. Parsed once per
        text: a page of hits asks for the same query again for every snippet."""
        if text in self._parsed:
            return self._parsed[text]
        query = self._parse_text(text)
        if len(self._parsed) >= PARSED_CACHE:
            self._parsed.pop(next(iter(self._parsed)))
        self._parsed[text] = query
        return query

    def _parse_text(self, text: str) -> tantivy.Query | None:
        cleaned = _OPERATORS.sub(lambda m: m.group(0).lower(), _QUERY_NOISE.sub(" ", segment(text)))
        if cleaned.count('"') % 2:
            cleaned = cleaned.replace('"', " ")
        if not cleaned.strip(' "'):
            return None
        fields = [*RANKED_FIELDS, *(f"{name}_zh" for name in RANKED_FIELDS)]
        boosts = {**BOOSTS, **{f"{k}_zh": v for k, v in BOOSTS.items()}}
        return self.index.parse_query(cleaned, fields, field_boosts=boosts)

    def filter_clauses(self, filters: Filters) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """The filters as tantivy clauses, for this index's searches and for the query language's."""
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for name, iso in (("effective", filters.before), ("published", filters.published_before)):
            if iso:
                upper = _day(_previous_day(iso))
                clauses.append((tantivy.Occur.Must, self._range(name, upper)))
        for name, prefixes in (("cpc", filters.cpc), ("ipc", filters.ipc)):
            if prefixes:
                clauses.append((tantivy.Occur.Must, self._any(self._class_prefix(name, p) for p in prefixes)))
        for name, values in (("country", filters.country), ("kind", filters.kind)):
            if values:
                terms = [tantivy.Query.term_query(self.schema, name, v.upper()) for v in values]
                clauses.append((tantivy.Occur.Must, self._any(terms)))
        if filters.sei:
            codes = [sei.check_code(code) for code in filters.sei]
            terms = [tantivy.Query.term_query(self.schema, "sei", code, index_option="basic") for code in codes]
            clauses.append((tantivy.Occur.Must, self._any(terms)))
        if filters.exclude:
            excluded = self._any(tantivy.Query.term_query(self.schema, "number", n) for n in filters.exclude)
            clauses.append((tantivy.Occur.MustNot, excluded))
        if filters.only is not None:
            allowed = tantivy.Query.term_set_query(self.schema, "number", filters.only)
            clauses.append((tantivy.Occur.Must, allowed))
        return clauses

    def _range(self, name: str, upper: int | None) -> tantivy.Query:
        return tantivy.Query.range_query(self.schema, name, tantivy.FieldType.Integer, None, upper)

    def _class_prefix(self, name: str, prefix: str) -> tantivy.Query:
        return tantivy.Query.regex_query(self.schema, name, re.escape(class_prefix(prefix)) + ".*")

    @staticmethod
    def _any(queries: Iterable[tantivy.Query]) -> tantivy.Query:
        items = list(queries)
        if len(items) == 1:
            return items[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in items])

    # --- snippets -----------------------------------------------------------------------------------------------
    def snippets(self, text: str, max_chars: int = 220) -> Snippets:
        """For each hit of one page, the best-matching fragment of the first of ``fields`` (by default its
        abstract, claims, description, then title) that matches, matched words in ``**bold**``. The query's snippet
        generators are made once per field, not once per hit (making one looks up the query's terms in the index).
        """
        query = self.text_query(text)
        if query is None:
            return _no_snippet
        searcher = self.index.searcher()
        generators: dict[str, tantivy.SnippetGenerator] = {}

        def generator(target: str) -> tantivy.SnippetGenerator:
            if target not in generators:
                made = tantivy.SnippetGenerator.create(searcher, query, self.schema, target)
                made.set_max_num_chars(max_chars)
                generators[target] = made
            return generators[target]

        def best(patent: Patent, fields: Sequence[str] = SNIPPET_FIELDS) -> str | None:
            for name in fields:
                body = FIELD_TEXTS[name](patent)  # in this order, each only if the one before had no match
                if not body:
                    continue
                target = f"{name}_zh" if has_cjk(body) else name
                value = segment(body) if target.endswith("_zh") else body
                snippet = generator(target).snippet_from_doc(tantivy.Document(**{target: [value]}))
                if snippet.highlighted():
                    return _mark(snippet, target.endswith("_zh"))
            return None

        return best


def open_index(store: Store) -> LexicalIndex:
    """The data directory's index, with the store told to re-index everything if the index was lost or dropped."""
    index = LexicalIndex(store.data_dir)
    lost = index.count() == 0 and store.count() > 0 and store.pending_count() == 0
    if index.rebuilt or lost:
        store.mark_all_unindexed()
    return index


def open_index_for_reading(store: Store) -> LexicalIndex:
    """The data directory's index opened read-only, for searching: a read never rebuilds, deletes or rewrites.

    A lost index (the folder gone, or empty while the store says everything is indexed) raises
    ``IndexNeedsRebuildError`` naming ``novum reindex``, which is the write that fixes it.
    """
    index = LexicalIndex(store.data_dir, read_only=True)
    indexed = store.count() - store.pending_count()
    if indexed > 0 and index.count() == 0:
        raise IndexNeedsRebuildError(
            f"the search index in {index.path} is {'missing' if index.missing else 'empty'} but the store holds"
            f" {store.count():,} documents; run `novum reindex` to rebuild it from the store"
        )
    return index


def _mark(snippet: tantivy.Snippet, chinese: bool) -> str:
    """Wrap highlighted spans in ``**``; tantivy reports them as UTF-8 byte offsets into the fragment."""
    fragment = snippet.fragment().encode()
    out: list[bytes] = []
    cursor = 0
    for span in snippet.highlighted():
        out.extend((fragment[cursor : span.start], b"**", fragment[span.start : span.end], b"**"))
        cursor = span.end
    out.append(fragment[cursor:])
    joined = b"".join(out).decode()
    return _SEGMENT_SPACE.sub("", joined) if chinese else joined


FIELD_TEXTS: dict[str, Callable[[Patent], str]] = {
    "title": lambda patent: " ".join(patent.titles.values()),
    "abstract": lambda patent: " ".join(patent.abstracts.values()),
    "claims": lambda patent: "\n".join(c.text for c in patent.claims),
    "independent_claims": lambda patent: "\n".join(c.text for c in patent.claims if c.independent),
    "description": lambda patent: "\n".join(p.text for p in patent.description),
    "applicant": lambda patent: " ; ".join(dict.fromkeys(p.name for p in (*patent.applicants, *patent.assignees))),
    "inventor": lambda patent: " ; ".join(p.name for p in patent.inventors),
}


def document_texts(patent: Patent) -> dict[str, str]:
    """The searchable text of a record, one string per field, every language included."""
    return {name: text(patent) for name, text in FIELD_TEXTS.items()}


def class_prefix(text: str) -> str:
    """A class filter as typed (``H04L 9/``, ``h04l``) in the stored spelling (``H04L9/``)."""
    raw = text.strip().upper().replace(" ", "")
    if raw.endswith("/"):
        base = normalize_symbol(raw + "00")
        return base[:-2] if base else raw
    return normalize_symbol(raw) or raw


def _previous_day(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()
