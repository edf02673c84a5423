"""Benchmark loaders: patent-citation topics, free-text topics, PANORAMA claims, PPPM phrase pairs, TREC files.

The benchmark data lives in ``../shared/data/bench`` and is read in place: evaluation-only sets are never copied
into the repository. Corpora are ingested through novum's own parsers into a scratch data directory, so what is
measured is exactly what a user gets from ``novum ingest`` + ``novum search``.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from novum.errors import NotFoundError, NovumError
from novum.index.lexical import LexicalIndex, open_index
from novum.ingest.embedding import close_target, embed_pending, open_writers
from novum.ingest.pipeline import Ingester
from novum.model import Patent
from novum.store.sqlite import Store

# Judgements: topic id -> document id -> relevance grade (0 = judged not relevant).
Qrels = dict[str, dict[str, int]]
CUTOFFS = ("priority", "none")
_FREE_TEXT_BOILERPLATE = re.compile(r"^\s*relevant documents will describe\s*", re.IGNORECASE)
_CLAIM_REF = re.compile(r"\bclaims?\s+(\d+)", re.IGNORECASE)
_CLAIM_NUMBER = re.compile(r"^\s*(\d+)\s*\.")


class BenchmarkError(NovumError):
    """A benchmark file is missing or not in the expected layout."""


@dataclass(slots=True)
class Topic:
    """One query: its text, the prior-art cut-off (effective date strictly before) and numbers never to return."""

    id: str
    text: str
    before: str | None = None
    exclude: list[str] = field(default_factory=list)
    is_document: bool = False  # a patent's own text (not a searcher's words): embedded as a passage


@dataclass(slots=True)
class Benchmark:
    name: str
    topics: list[Topic]
    qrels: Qrels
    note: str = ""  # what a reader of the figures should know (e.g. judged pairs no system can reach)

    @property
    def pairs(self) -> int:
        return sum(1 for docs in self.qrels.values() for grade in docs.values() if grade > 0)


def bench_dir() -> Path:
    """``$NOVUM_SHARED_DATA/bench``, else ``../shared/data/bench`` beside the repository (the tests' convention)."""
    shared = os.environ.get("NOVUM_SHARED_DATA")
    if shared:
        return Path(shared) / "bench"
    return Path(__file__).resolve().parents[3].parent / "shared" / "data" / "bench"


def require(path: Path) -> Path:
    if not path.exists():
        raise BenchmarkError(f"benchmark data not found: {path} (set NOVUM_SHARED_DATA or pass --bench-dir)")
    return path


# --- corpora ----------------------------------------------------------------------------------------------------
def ingest_corpus(data_dir: Path, paths: list[Path], embed: bool = False) -> tuple[Store, LexicalIndex]:
    """Ingest a corpus into ``data_dir``, embedding it too when asked, as ``novum ingest`` does; idempotent."""
    store = Store(data_dir)
    index = open_index(store)
    Ingester(store, index).run(paths)
    if embed:
        for dense in open_writers(store):
            embed_pending(dense)
            close_target(dense)
    return store, index


def source_numbers(store: Store) -> dict[str, str]:
    """Source file stem -> stored number: benchmark judgements name documents by their file names."""
    return {Path(source or "").name.split(".")[0]: number for number, source in store.document_sources()}


def to_store_number(store: Store, by_source: dict[str, str], doc_id: str) -> str:
    """A judged id as the store spells it (file stem first, then any common number spelling); unknown ids kept."""
    if doc_id in by_source:
        return by_source[doc_id]
    try:
        return store.resolve(doc_id)
    except NotFoundError:
        return doc_id


# --- patsnap ----------------------------------------------------------------------------------------------------
def patsnap_corpus(root: Path) -> Path:
    return require(root / "patsnap" / "patsnap-corpus")


def patsnap_citations(store: Store, root: Path, cutoff: str = "priority") -> Benchmark:
    """Citation topics: a corpus document is the query (title + abstract), the documents it cites are relevant.

    The text is searched as ``novum search`` would search it (a searcher's query, embedded as one): measured
    on this set, that beats embedding it as a passage, as ``novum similar`` does (semantic nDCG@10 0.367 vs 0.336).
    The cut-off is the topic's effective date (earliest priority, else filing, else publication), as an examiner
    would apply it, and the topic itself is excluded. Some cited documents share the topic's priority date
    (continuations) and so fail a strict cut-off: they stay in the qrels as misses for every system alike.
    """
    if cutoff not in CUTOFFS:
        raise BenchmarkError(f"unknown cut-off {cutoff!r}; choose one of {', '.join(CUTOFFS)}")
    by_source = source_numbers(store)
    qrels: Qrels = {}
    for line in require(root / "patsnap" / "qrels-dev.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        topic, _, doc, grade = line.split()
        qrels.setdefault(topic, {})[to_store_number(store, by_source, doc)] = int(grade)
    records = store.get_many(to_store_number(store, by_source, t) for t in qrels)
    topics: list[Topic] = []
    for topic_id in qrels:
        number = to_store_number(store, by_source, topic_id)
        patent = records.get(number)
        if patent is None:
            raise BenchmarkError(f"topic document {topic_id} is not in the store; ingest the patsnap corpus first")
        before = patent.effective_date if cutoff == "priority" else None
        topics.append(Topic(topic_id, topic_text(patent), before, [number]))
    cited = store.get_many(doc for docs in qrels.values() for doc in docs)
    unreachable = sum(1 for t in topics for doc in qrels[t.id] if not passes_cutoff(cited.get(doc), t.before))
    total = sum(len(docs) for docs in qrels.values())
    note = f"{unreachable} of {total} judged pairs are out of reach: the cited document is not before the cut-off"
    return Benchmark("patsnap", topics, qrels, note if unreachable else "")


def restrict(bench: Benchmark, ids: Iterable[str], name: str) -> Benchmark:
    """The benchmark's topics whose ids are in ``ids`` (one half of a split), in their original order."""
    keep = set(ids)
    topics = [t for t in bench.topics if t.id in keep]
    return Benchmark(name, topics, {t.id: bench.qrels[t.id] for t in topics if t.id in bench.qrels}, bench.note)


def passes_cutoff(patent: Patent | None, before: str | None) -> bool:
    if before is None:
        return True
    date = patent.effective_date if patent is not None else None
    return date is not None and date < before


def topic_text(patent: Patent) -> str:
    return " ".join(t for t in (patent.title(), patent.abstract()) if t)


def patsnap_free_text(store: Store, root: Path) -> Benchmark:
    """The two CS3245 free-text topics: title + description, judged +ve (relevant) and -ve (not relevant) lists.

    Unjudged documents count as not relevant. ``q1-qrels+ve-modified.txt`` only removes a duplicate line
    (EP1918442A2 is listed twice), so the judged sets are the same: q1 23 relevant + 25 not, q2 25 + 25.
    The description's "Relevant documents will describe" lead-in is dropped from the query.
    """
    folder = require(root / "patsnap" / "cs3245-hw4")
    by_source = source_numbers(store)
    topics: list[Topic] = []
    qrels: Qrels = {}
    for topic_id in ("q1", "q2"):
        topics.append(Topic(topic_id, _free_text_query(folder / f"{topic_id}.xml")))
        judged = qrels.setdefault(topic_id, {})
        for name, grade in ((f"{topic_id}-qrels-ve.txt", 0), (f"{topic_id}-qrels+ve.txt", 1)):
            for doc in (folder / name).read_text(encoding="utf-8").split():
                judged[to_store_number(store, by_source, doc)] = grade
    return Benchmark("patsnap-free-text", topics, qrels)


def _free_text_query(path: Path) -> str:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(path.read_bytes(), parser)
    title = " ".join((root.findtext("title") or "").split())
    description = " ".join((root.findtext("description") or "").split())
    return f"{title}. {_FREE_TEXT_BOILERPLATE.sub('', description)}".strip()


# --- PANORAMA (PAR4PC) ------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Candidate:
    letter: str
    patent_id: str
    title: str
    abstract: str
    claims: list[str]

    def record(self) -> dict[str, object]:
        """The candidate as a normalised JSONL record, so novum ingests it like any other document."""
        data: dict[str, object] = {"number": self.patent_id, "titles": {"en": self.title}}
        if self.abstract:
            data["abstracts"] = {"en": self.abstract}
        data["claims"] = [{"number": i, "text": text} for i, text in enumerate(self.claims, start=1) if text]
        return data


@dataclass(slots=True)
class ClaimItem:
    """One PAR4PC task: rank 8 candidate documents for a claim; gold = cited in the rejection, silver = partly."""

    id: str
    query: str
    candidates: list[Candidate]
    gold: set[str]
    silver: set[str]

    def grades(self) -> dict[str, int]:
        return {c.patent_id: 2 if c.letter in self.gold else int(c.letter in self.silver) for c in self.candidates}


def panorama_mini(root: Path) -> list[ClaimItem]:
    """PAR4PC items; the query is the claim with the claims it depends on written out before it."""
    folder = require(root / "panorama-mini" / "data" / "benchmark" / "par4pc")
    items: list[ClaimItem] = []
    for path in sorted(folder.glob("par4pc_*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        claims = [str(c) for c in data["context"]["claims"]]
        candidates = [
            Candidate(
                letter,
                str(option["patent_id"]),
                str(option.get("title") or ""),
                _strip_abstract(str(option.get("abstract") or "")),
                [str(c) for c in option.get("claims") or []],
            )
            for letter, option in sorted(data["options"].items())
        ]
        items.append(
            ClaimItem(
                path.stem.removeprefix("par4pc_"),
                claim_with_parents(claims, int(data["claim_number"])),
                candidates,
                set(data["gold_answers"]),
                set(data["silver_answers"]),
            )
        )
    return items


def _strip_abstract(text: str) -> str:
    return re.sub(r"^\s*ABSTRACT\s+", "", text)


def claim_with_parents(claims: list[str], number: int) -> str:
    """Claim ``number`` preceded by the claims it refers to (a dependent claim alone says little)."""
    by_number: dict[int, str] = {}
    for position, text in enumerate(claims, start=1):
        match = _CLAIM_NUMBER.match(text)
        by_number[int(match.group(1)) if match else position] = text
    chain: list[int] = []
    current: int | None = number
    while current is not None and current in by_number and current not in chain:
        chain.append(current)
        refs = [int(r) for r in _CLAIM_REF.findall(by_number[current]) if int(r) < current]
        current = refs[0] if refs else None
    if not chain:
        raise BenchmarkError(f"claim {number} not found")
    return "\n".join(by_number[n] for n in reversed(chain))


def panorama_records(items: Iterable[ClaimItem]) -> list[dict[str, object]]:
    """Every distinct candidate once, as JSONL records."""
    seen: dict[str, dict[str, object]] = {}
    for item in items:
        for candidate in item.candidates:
            seen.setdefault(candidate.patent_id, candidate.record())
    return list(seen.values())


# --- PPPM ---------------------------------------------------------------------------------------------------------
@dataclass(slots=True, frozen=True)
class PhrasePair:
    anchor: str
    target: str
    context: str  # CPC class, e.g. "C22"
    context_title: str
    score: float  # human similarity 0, 0.25, 0.5, 0.75, 1


def pppm_pairs(root: Path, split: str = "validation") -> list[PhrasePair]:
    """Phrase pairs with their CPC context (and its title) and the human score."""
    folder = require(root / "pppm")
    titles: dict[str, str] = {}
    with open(require(folder / "cpc_context_titles.csv"), encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            titles[row["context"]] = row["cpc_2025_05_title"]
    pairs: list[PhrasePair] = []
    with open(require(folder / f"{split}.csv"), encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            context = row["context"]
            title = titles.get(context, "")
            pairs.append(PhrasePair(row["anchor"], row["target"], context, title, float(row["score"])))
    return pairs


# --- generic TREC files -------------------------------------------------------------------------------------------
def read_qrels(path: Path) -> Qrels:
    """TREC qrels: ``topic iteration doc grade`` per line, whitespace separated."""
    qrels: Qrels = {}
    for number, line in enumerate(require(path).read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts or line.lstrip().startswith("#"):
            continue
        if len(parts) != 4:
            raise BenchmarkError(f"{path}:{number}: expected 'topic 0 doc grade', got {line!r}")
        try:
            qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
        except ValueError:
            raise BenchmarkError(f"{path}:{number}: the grade {parts[3]!r} is not an integer") from None
    return qrels


_TREC_TOP = re.compile(r"<top>(.*?)</top>", re.DOTALL | re.IGNORECASE)
_TREC_FIELD = re.compile(r"<(num|title|desc)>(.*?)(?=<num>|<title>|<desc>|<narr>|$)", re.DOTALL | re.IGNORECASE)


def read_topics(path: Path) -> list[Topic]:
    """Topics as TSV (``id<TAB>text[<TAB>before-date[<TAB>excluded,numbers]]``), JSONL, or TREC ``<top>`` blocks.

    JSONL lines carry ``id``, ``text`` and optionally ``before``, ``exclude`` and ``is_document`` (the text is a
    patent's own, embedded as a passage, as ``novum similar`` does).
    """
    text = require(path).read_text(encoding="utf-8")
    if "<top>" in text.lower():
        return _trec_topics(text)
    topics: list[Topic] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.lstrip().startswith("{"):
            data = json.loads(line)
            topic_id = str(data.get("id") or data.get("qid") or data.get("query_id") or "")
            query = str(data.get("text") or data.get("query") or data.get("title") or "")
            exclude = [str(n) for n in data.get("exclude") or []]
            topics.append(Topic(topic_id, query, data.get("before"), exclude, bool(data.get("is_document"))))
        else:
            parts = line.split("\t")
            if len(parts) < 2:
                raise BenchmarkError(f"{path}:{number}: expected 'id<TAB>text', got {line!r}")
            before = (parts[2].strip() or None) if len(parts) > 2 else None
            exclude = [n.strip() for n in parts[3].split(",") if n.strip()] if len(parts) > 3 else []
            topics.append(Topic(parts[0].strip(), parts[1].strip(), before, exclude))
    if any(not t.id or not t.text for t in topics):
        raise BenchmarkError(f"{path}: every topic needs an id and a text")
    return topics


def _trec_topics(text: str) -> list[Topic]:
    topics: list[Topic] = []
    for block in _TREC_TOP.findall(text):
        fields = {name.lower(): " ".join(value.split()) for name, value in _TREC_FIELD.findall(block)}
        topic_id = re.sub(r"^number:\s*", "", fields.get("num", ""), flags=re.IGNORECASE)
        desc = re.sub(r"^description:\s*", "", fields.get("desc", ""), flags=re.IGNORECASE)
        topics.append(Topic(topic_id, " ".join(t for t in (fields.get("title", ""), desc) if t)))
    return topics


def normalise_benchmark(store: Store, name: str, topics: list[Topic], qrels: Qrels) -> Benchmark:
    """Judged ids and excluded numbers as the store spells them, so runs and qrels compare like with like."""
    by_source = source_numbers(store)
    fixed: Qrels = {
        topic: {to_store_number(store, by_source, doc): grade for doc, grade in docs.items()}
        for topic, docs in qrels.items()
    }
    for topic in topics:
        topic.exclude = [to_store_number(store, by_source, n) for n in topic.exclude]
    return Benchmark(name, topics, fixed)
