"""A patent landscape of a set of records, computed in one pass as a pure function (CLI, web, reports share it).

What is counted, following WIPO's Guidelines for Preparing Patent Landscape Reports:

* activity by earliest priority year (families, first filings, documents) and by publication year. Priority years
  whose filings cannot all be published yet (18 months after the end of the year, counted from the snapshot date)
  and the snapshot's own publication year are marked incomplete and left out of growth figures;
* the *basis* year of trends is the priority year when at least half the set has one (priority, else filing
  date), else the publication year (grant-only data such as PatentsView's), and the landscape says which;
* applicants are the owners: assignees when a record has them (US grants list inventors as applicants), else the
  applicants, cleaned (``applicants.py``); each cleaned name shows how many raw spellings it merges;
* concentration uses fractional counts (a document with two owners gives each one half), so shares sum to one:
  the top-10 share and the Herfindahl-Hirschman index (sum of squared shares x 10,000);
* growth is the compound annual growth rate over the last ``years`` complete basis years;
* a new entrant of year y is an owner whose first document in the set has basis year y;
* emerging terms are title/abstract words and word pairs whose share of documents rose most from the earlier
  window (the 5 complete years before the recent window) to the recent window (the last 3 complete years);
* citations inside the set link a citing record to a cited record that is also in the set.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from novum.analytics import classes, sei
from novum.analytics.applicants import ApplicantCleaner
from novum.model import Patent
from novum.store.sqlite import family_key

LAG_MONTHS = 18  # publication delay after the priority date
GROWTH_YEARS = 5
RECENT_WINDOW = 3
EARLY_WINDOW = 5
TOP = 20
_WORD = re.compile(r"[a-z][a-z0-9\-]{2,}")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_STOP_WORDS = """
    the and for with from that this are was were which such said into onto their there these those has have
    having been being can may each one two first second more most other than then thereof wherein whereby
    between within upon via its not but also use used using based least plurality comprising comprises comprise
    including includes include method methods system systems apparatus device devices means unit provided
    provides providing embodiment embodiments invention present disclosed disclosure example examples herein
    configured portion portions part parts set sets when where while what how all any both only same different
    further various according associated corresponding respective least order apparatuses technique techniques
    aspect aspects approach approaches mechanism mechanisms thereto therein wherein described
    """
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(slots=True)
class YearRow:
    year: int
    documents: int
    families: int = 0
    first_filings: int = 0
    incomplete: bool = False


@dataclass(slots=True)
class CountRow:
    key: str
    label: str
    documents: int
    share: float = 0.0
    title: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ApplicantRow:
    name: str  # the most frequent raw spelling
    key: str  # the cleaned name
    documents: int
    families: int
    share: float  # fractional share of the set
    merged: int  # raw spellings merged into this name
    raw_names: list[str]
    country: str | None
    first_year: int | None


@dataclass(slots=True)
class PairRow:
    a: str
    b: str
    documents: int


@dataclass(slots=True)
class CitedRow:
    number: str
    title: str | None
    cited_by: int  # citing records in the set
    cites: int  # records in the set it cites


@dataclass(slots=True)
class TermRow:
    term: str
    recent: int  # documents in the recent window using it
    early: int
    recent_share: float
    early_share: float
    ratio: float
    query: str  # the query-language search for its documents (the drill-down of a term)


@dataclass(slots=True)
class Landscape:
    """Every figure of a landscape, plus what is needed to rebuild it (query, definition, snapshot)."""

    scope: dict[str, Any]
    snapshot: dict[str, Any]
    as_of: str
    documents: int
    families: int
    basis: str  # "priority" or "publication"
    last_complete: dict[str, int | None]
    priority_years: list[YearRow]
    publication_years: list[YearRow]
    undated: dict[str, int]
    applicants: list[ApplicantRow]
    offices: list[CountRow]
    applicant_countries: list[CountRow]
    cpc_subclasses: list[CountRow]
    cpc_groups: list[CountRow]
    ipc_subclasses: list[CountRow]
    ipc_groups: list[CountRow]
    sei: list[CountRow]
    cooccurrence: list[PairRow]
    citations: dict[str, Any]
    most_cited: list[CitedRow]
    growth: dict[str, Any]
    concentration: dict[str, Any]
    new_entrants: list[dict[str, Any]]
    emerging_terms: list[TermRow]
    matrix: dict[str, Any]
    members: dict[str, dict[str, list[str]]] = field(default_factory=dict, repr=False)

    @property
    def empty(self) -> bool:
        return self.documents == 0

    def numbers(self, dimension: str, value: str) -> list[str]:
        """The documents behind one bar or cell (``("applicant", key)``, ``("priority_year", "2012")``,
        ``("matrix", "G06F9/00|2012")``...), for drill-down; an unknown dimension or value gives an empty list."""
        return sorted(self.members.get(dimension, {}).get(value, []))

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "members"}
        data["dimensions"] = sorted(self.members)
        return data


def owners(patent: Patent) -> list[tuple[str, str | None]]:
    """(name, country) of the owners: assignees when present, else applicants (see the module note)."""
    parties = patent.assignees or patent.applicants
    return [(p.name, p.country) for p in parties if p.name and p.name.strip()]


def _year(iso: str | None) -> int | None:
    return int(iso[:4]) if iso and iso[:4].isdigit() else None


def priority_year(patent: Patent) -> int | None:
    return _year(patent.earliest_priority() or patent.filing_date)


def _complete_priority_year(as_of: dt.date) -> int:
    """The last priority year all of whose filings can be published by ``as_of``."""
    months = as_of.year * 12 + as_of.month - 1 - LAG_MONTHS
    year, month = divmod(months, 12)
    return year - 1 if month < 11 else year  # the whole year needs its December filings published


def _complete_publication_year(as_of: dt.date) -> int:
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def _terms(patent: Patent) -> set[str]:
    # titles and the first 500 characters of each abstract: where a document states its topic, at half the cost
    text = " ".join((*patent.titles.values(), *(a[:500] for a in patent.abstracts.values())))
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOP]
    found = set(words)
    found.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    found.update(_CJK_RUN.findall(text))
    return found


def _lists() -> defaultdict[str, list[str]]:
    return defaultdict(list)  # a named factory, not a lambda: a tally is pickled back from a worker process


def _earliest(known: int | None, year: int | None) -> int | None:
    return year if known is None else (known if year is None else min(known, year))


class Tally:
    """Accumulators of one pass over the records. A tally of a range of documents can be merged with the tally of the
    next range (``merge``); what depends on every earlier document (an owner's country so far, float sums in document
    order) is computed once, after the last record or merge, by ``settle``."""

    def __init__(self, cleaner: ApplicantCleaner, term_years: dict[str, range] | None = None) -> None:
        self.cleaner = cleaner
        self.term_years = term_years
        self.families: dict[str, int | None] = {}  # family key → earliest priority year
        self.family_docs: dict[str, list[str]] = defaultdict(list)
        self.priority_docs: Counter[int] = Counter()
        self.first_filings: Counter[int] = Counter()
        self.publications: Counter[int] = Counter()
        self.counters: dict[str, Counter[str]] = defaultdict(Counter)
        self.members: dict[str, dict[str, list[str]]] = defaultdict(_lists)
        self.owner_families: dict[str, set[str]] = defaultdict(set)
        self.owner_fraction: defaultdict[str, float] = defaultdict(float)
        self.owner_country: dict[str, Counter[str]] = defaultdict(Counter)
        self.owner_years: dict[str, list[int]] = defaultdict(list)
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.year_of: dict[str, int | None] = {}
        self.pub_year: dict[str, int | None] = {}
        self.prio_year: dict[str, int | None] = {}
        self.titles: dict[str, str | None] = {}
        self.cites: dict[str, set[str]] = {}
        self.spellings: dict[str, str] = {}
        self.term_counts: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
        self.owners_of: dict[str, list[str]] = {}
        self.owner_countries_of: dict[str, list[str | None]] = {}  # aligned with owners_of, where any is known
        self.latest = ""  # newest publication date seen
        self.groups_of: dict[str, list[str]] = {}

    def add(self, patent: Patent) -> None:
        number = patent.number
        family = family_key(patent)
        prio = priority_year(patent)
        pub = _year(patent.publication_date)
        self.prio_year[number], self.pub_year[number] = prio, pub
        self.titles[number] = patent.title()
        if patent.publication_date and patent.publication_date > self.latest:
            self.latest = patent.publication_date
        self.families[family] = _earliest(self.families.get(family), prio)
        self.family_docs[family].append(number)
        if prio is not None:
            self.priority_docs[prio] += 1
            self.members["priority_year"][str(prio)].append(number)
            claims_earlier = (
                patent.earliest_priority()
                and patent.filing_date
                and (patent.earliest_priority() or "") < patent.filing_date
            )
            if not claims_earlier:
                self.first_filings[prio] += 1
        if pub is not None:
            self.publications[pub] += 1
            self.members["publication_year"][str(pub)].append(number)
        self._count("office", patent.country, number)
        keys: list[str] = []
        countries: list[str | None] = []
        for name, country in owners(patent):
            key = self.cleaner.add(name)
            if key in keys:
                continue
            keys.append(key)
            countries.append(country.upper() if country else None)
        self.owners_of[number] = keys
        if any(countries):
            self.owner_countries_of[number] = countries
        for key in keys:
            self.members["applicant"][key].append(number)
            self.counters["applicant"][key] += 1
            self.owner_families[key].add(family)
        for scheme, symbols in (("cpc", patent.cpc), ("ipc", patent.ipc)):
            subs = list(dict.fromkeys(s for s in map(classes.subclass, symbols) if s))
            groups = list(dict.fromkeys(g for g in map(classes.main_group, symbols) if g))
            for sub in subs:
                self._count(f"{scheme}_subclass", sub, number)
            for group in groups:
                self._count(f"{scheme}_group", group, number)
            if scheme == "cpc" or not patent.cpc:
                for a_index, a in enumerate(subs):
                    for b in subs[a_index + 1 :]:
                        self.pairs[(a, b) if a < b else (b, a)] += 1
                self.groups_of[number] = groups
        for code in sei.codes(patent.ipc, patent.cpc):
            self._count("sei", code, number)
        self.spellings[_short(patent.country, patent.doc_number)] = number
        cited = {
            f"{c.country}{c.doc_number.lstrip('0')}" if c.country and c.doc_number else _cited_key(c.number)
            for c in patent.citations
            if c.number or c.doc_number
        }
        cited.discard(None)
        self.cites[number] = cited  # type: ignore[assignment]
        wanted = [
            (k, y) for k, y in (("priority", prio), ("publication", pub)) if y is not None and self.counts_terms(k, y)
        ]
        if wanted:
            terms = _terms(patent)
            for slot in wanted:
                self.term_counts[slot].update(terms)

    def merge(self, later: Tally) -> None:
        """Add the tally of the documents that follow this tally's (the next number range), as if ``add`` had been
        called here for each of them: lists concatenate, counters add, first-seen keys keep their order (ties of
        ``most_common`` depend on it) and a later spelling of a number wins as it would have."""
        for family, year in later.families.items():
            self.families[family] = _earliest(self.families.get(family), year)
        for family, docs in later.family_docs.items():
            self.family_docs[family].extend(docs)
        self.priority_docs.update(later.priority_docs)
        self.first_filings.update(later.first_filings)
        self.publications.update(later.publications)
        self.pairs.update(later.pairs)
        for dimension, counter in later.counters.items():
            self.counters[dimension].update(counter)
        for slot, terms in later.term_counts.items():
            self.term_counts[slot].update(terms)
        for dimension, values in later.members.items():
            for value, numbers in values.items():
                self.members[dimension][value].extend(numbers)
        for key, families in later.owner_families.items():
            self.owner_families[key] |= families
        self.prio_year.update(later.prio_year)
        self.pub_year.update(later.pub_year)
        self.titles.update(later.titles)
        self.cites.update(later.cites)
        self.spellings.update(later.spellings)
        self.owners_of.update(later.owners_of)
        self.owner_countries_of.update(later.owner_countries_of)
        self.groups_of.update(later.groups_of)
        self.latest = max(self.latest, later.latest)
        self.cleaner.merge(later.cleaner)

    def settle(self) -> None:
        """Owner shares and applicant countries, in document order: a document counts for the country most common
        among its owners' documents up to and including it, and fractional shares are float sums in that order."""
        for number, keys in self.owners_of.items():
            countries = self.owner_countries_of.get(number)
            if countries is not None:
                for key, country in zip(keys, countries, strict=True):
                    if country:
                        self.owner_country[key][country] += 1
            found: set[str] = set()
            for key in keys:
                self.owner_fraction[key] += 1 / len(keys)
                if self.owner_country[key]:
                    found.add(self.owner_country[key].most_common(1)[0][0])
            for country in found:
                self._count("applicant_country", country, number)

    def counts_terms(self, kind: str, year: int) -> bool:
        """Whether terms of a document of this year are needed (only the two windows are, when ``as_of`` is known)."""
        return self.term_years is None or year in self.term_years[kind]

    def _count(self, dimension: str, value: str, number: str) -> None:
        self.counters[dimension][value] += 1
        self.members[dimension][value].append(number)


def _short(country: str, doc_number: str) -> str:
    return f"{country}{doc_number.lstrip('0')}"


_CITED = re.compile(r"^([A-Z]{2})0*(\d+)")


def _cited_key(number: str | None) -> str | None:
    """The comparison key of a cited number written as one string (``US4382867``)."""
    match = _CITED.match(number) if number else None
    return f"{match.group(1)}{match.group(2)}" if match else None


def landscape(
    records: Iterable[Patent],
    *,
    scope: dict[str, Any] | None = None,
    snapshot: dict[str, Any] | None = None,
    as_of: str | None = None,
    cleaner: ApplicantCleaner | None = None,
    years: int = GROWTH_YEARS,
    top: int = TOP,
) -> Landscape:
    """The landscape of ``records``. ``as_of`` (ISO date) fixes which years are complete; by default it is the
    newest publication date in the snapshot, else in the records, so the same data always gives the same figures."""
    tally = new_tally(snapshot=snapshot, as_of=as_of, cleaner=cleaner)
    for patent in records:
        tally.add(patent)
    return figures(tally, scope=scope, snapshot=snapshot, as_of=as_of, years=years, top=top)


def new_tally(
    *, snapshot: dict[str, Any] | None = None, as_of: str | None = None, cleaner: ApplicantCleaner | None = None
) -> Tally:
    """An empty tally for ``landscape``'s arguments (the as-of date decides which years' terms are counted)."""
    known = as_of or (snapshot or {}).get("latest_publication")
    term_years = _term_years(_complete_years(dt.date.fromisoformat(known))) if known else None
    return Tally(cleaner or ApplicantCleaner(), term_years)


def figures(
    tally: Tally,
    *,
    scope: dict[str, Any] | None = None,
    snapshot: dict[str, Any] | None = None,
    as_of: str | None = None,
    years: int = GROWTH_YEARS,
    top: int = TOP,
) -> Landscape:
    """The landscape of a complete tally: every record added, or the tallies of all ranges merged in order."""
    tally.settle()
    snap = snapshot or {}
    known = as_of or snap.get("latest_publication")
    n = len(tally.prio_year)
    latest = known or _latest(tally)
    as_of_date = dt.date.fromisoformat(latest) if latest else dt.date.today()
    complete = _complete_years(as_of_date)
    dated = sum(1 for y in tally.prio_year.values() if y is not None)
    basis = "priority" if n and dated * 2 >= n else "publication"
    basis_year = tally.prio_year if basis == "priority" else tally.pub_year
    last = complete[basis]
    family_years: Counter[int] = Counter(y for y in tally.families.values() if y is not None)
    priority_rows = [
        YearRow(y, tally.priority_docs[y], family_years[y], tally.first_filings[y], y > complete["priority"])
        for y in sorted(set(tally.priority_docs) | set(family_years))
    ]
    publication_rows = [
        YearRow(y, tally.publications[y], incomplete=y > complete["publication"]) for y in sorted(tally.publications)
    ]
    for number, keys in tally.owners_of.items():
        year = basis_year[number]
        if year is not None:
            for key in keys:
                tally.owner_years[key].append(year)
    series = Counter(y for y in basis_year.values() if y is not None)
    return Landscape(
        scope=scope or {},
        snapshot=snap,
        as_of=as_of_date.isoformat(),
        documents=n,
        families=len(tally.families),
        basis=basis,
        last_complete={"priority": complete["priority"], "publication": complete["publication"]},
        priority_years=priority_rows,
        publication_years=publication_rows,
        undated={
            "priority": n - dated,
            "publication": sum(1 for y in tally.pub_year.values() if y is None),
        },
        applicants=_applicants(tally, n, top),
        offices=_rows(tally.counters["office"], n, top),
        applicant_countries=_rows(tally.counters["applicant_country"], n, top),
        cpc_subclasses=_rows(tally.counters["cpc_subclass"], n, top, titled=True),
        cpc_groups=_rows(tally.counters["cpc_group"], n, top, titled=True),
        ipc_subclasses=_rows(tally.counters["ipc_subclass"], n, top, titled=True),
        ipc_groups=_rows(tally.counters["ipc_group"], n, top, titled=True),
        sei=_sei_rows(tally.counters["sei"], n),
        cooccurrence=[PairRow(a, b, c) for (a, b), c in tally.pairs.most_common(top)],
        citations=_citation_stats(tally),
        most_cited=_most_cited(tally, top),
        growth=_growth(series, last, years),
        concentration=_concentration(tally),
        new_entrants=_new_entrants(tally, last),
        emerging_terms=_emerging(tally, basis, last, top),
        matrix=_matrix(tally, basis_year, last),
        members={k: dict(v) for k, v in tally.members.items()},
    )


def _complete_years(as_of: dt.date) -> dict[str, int]:
    return {"priority": _complete_priority_year(as_of), "publication": _complete_publication_year(as_of)}


def _term_years(complete: dict[str, int]) -> dict[str, range]:
    """The years of the two emerging-term windows, per basis."""
    return {kind: range(last - RECENT_WINDOW - EARLY_WINDOW + 1, last + 1) for kind, last in complete.items()}


def _latest(tally: Tally) -> str | None:
    return tally.latest or None


def _rows(counter: Counter[str], n: int, top: int, titled: bool = False) -> list[CountRow]:
    return [
        CountRow(key, key, count, count / n if n else 0.0, classes.title(key) if titled else None)
        for key, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    ]


def _sei_rows(counter: Counter[str], n: int) -> list[CountRow]:
    names = sei.branch_names()
    ordered = sorted(counter.items(), key=lambda kv: [int(x) for x in kv[0].split(".")])
    return [CountRow(code, names.get(code, code), count, count / n if n else 0.0) for code, count in ordered]


def _applicants(tally: Tally, n: int, top: int) -> list[ApplicantRow]:
    rows: list[ApplicantRow] = []
    total = sum(tally.owner_fraction.values()) or 1.0
    for key, count in sorted(tally.counters["applicant"].items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        group = tally.cleaner.groups[key]
        country = tally.owner_country[key].most_common(1)[0][0] if tally.owner_country[key] else None
        rows.append(
            ApplicantRow(
                name=tally.cleaner.label(key),
                key=key,
                documents=count,
                families=len(tally.owner_families[key]),
                share=tally.owner_fraction[key] / total,
                merged=group.merged,
                raw_names=[name for name, _ in group.raw_names.most_common()],
                country=country,
                first_year=min(tally.owner_years[key]) if tally.owner_years[key] else None,
            )
        )
    return rows


def _citation_stats(tally: Tally) -> dict[str, Any]:
    cited_by: Counter[str] = Counter()
    cites: Counter[str] = Counter()
    links = 0
    for number, keys in tally.cites.items():
        for key in keys:
            target = tally.spellings.get(key)
            if target is not None and target != number:
                cited_by[target] += 1
                cites[number] += 1
                links += 1
    tally.counters["cited_by"] = cited_by
    tally.counters["cites"] = cites
    with_refs = sum(1 for keys in tally.cites.values() if keys)
    return {"links": links, "citing_documents": len(cites), "cited_documents": len(cited_by),
            "documents_with_citations": with_refs}  # fmt: skip


def _most_cited(tally: Tally, top: int) -> list[CitedRow]:
    cited_by, cites = tally.counters["cited_by"], tally.counters["cites"]
    ranked = sorted(cited_by.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [CitedRow(number, tally.titles.get(number), count, cites[number]) for number, count in ranked]


def _growth(series: Counter[int], last: int, years: int) -> dict[str, Any]:
    start = last - years
    first, final = series.get(start, 0), series.get(last, 0)
    cagr = (final / first) ** (1 / years) - 1 if first > 0 and final > 0 else None
    return {"from_year": start, "to_year": last, "from_count": first, "to_count": final, "years": years,
            "cagr": cagr}  # fmt: skip


def _concentration(tally: Tally) -> dict[str, Any]:
    total = sum(tally.owner_fraction.values())
    if not total:
        return {"owners": 0, "top10_share": None, "hhi": None}
    shares = sorted((v / total for v in tally.owner_fraction.values()), reverse=True)
    return {
        "owners": len(shares),
        "top10_share": sum(shares[:10]),
        "hhi": sum(s * s for s in shares) * 10_000,
    }


def _new_entrants(tally: Tally, last: int) -> list[dict[str, Any]]:
    by_year: dict[int, list[str]] = defaultdict(list)
    for key, years in tally.owner_years.items():
        by_year[min(years)].append(key)
    out: list[dict[str, Any]] = []
    for year in sorted(by_year):
        keys = sorted(by_year[year], key=lambda k: (-tally.counters["applicant"][k], k))
        tally.members["new_entrant"][str(year)] = [n for k in keys for n in tally.members["applicant"][k]]
        out.append({"year": year, "entrants": len(keys), "incomplete": year > last,
                    "names": [tally.cleaner.label(k) for k in keys[:10]]})  # fmt: skip
    return out


def _emerging(tally: Tally, basis: str, last: int, top: int) -> list[TermRow]:
    recent_years = range(last - RECENT_WINDOW + 1, last + 1)
    early_years = range(last - RECENT_WINDOW - EARLY_WINDOW + 1, last - RECENT_WINDOW + 1)
    docs = tally.priority_docs if basis == "priority" else tally.publications
    recent: Counter[str] = Counter()
    early: Counter[str] = Counter()
    for year in recent_years:
        recent.update(tally.term_counts.get((basis, year), Counter()))
    for year in early_years:
        early.update(tally.term_counts.get((basis, year), Counter()))
    n_recent = sum(docs[y] for y in recent_years)
    n_early = sum(docs[y] for y in early_years)
    if not n_recent or not n_early:
        return []
    floor = max(3, math.ceil(0.01 * n_recent))
    rows: list[TermRow] = []
    for term, count in recent.items():
        if count < floor:
            continue
        r_share, e_share = count / n_recent, early[term] / n_early
        ratio = (r_share + 2 / n_recent) / (e_share + 2 / n_early)  # two documents each side: rare words stay low
        rows.append(TermRow(term, count, early[term], r_share, e_share, ratio, f'ta="{term}"'))
    rows.sort(key=lambda r: (-r.ratio, -r.recent, r.term))
    return _drop_contained(rows, top)


def _drop_contained(rows: list[TermRow], top: int) -> list[TermRow]:
    """Skip a word whose pair is already listed with the same counts (``neural`` beside ``neural network``)."""
    chosen: list[TermRow] = []
    for row in rows:
        if any((row.term in c.term.split() or c.term in row.term.split()) and c.recent == row.recent for c in chosen):
            continue
        chosen.append(row)
        if len(chosen) == top:
            break
    return chosen


def _matrix(tally: Tally, basis_year: dict[str, int | None], last: int, rows: int = 15) -> dict[str, Any]:
    """Main group x basis year counts for the top main groups, over the 15 years up to the newest year."""
    counter: Counter[str] = Counter(g for groups in tally.groups_of.values() for g in groups)
    top_groups = [g for g, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:rows]]
    present = [y for y in basis_year.values() if y is not None]
    if not present or not top_groups:
        return {"groups": [], "titles": [], "years": [], "counts": [], "incomplete_after": last}
    newest = max(present)
    years = list(range(max(min(present), newest - 14), newest + 1))
    index = {g: i for i, g in enumerate(top_groups)}
    counts = [[0] * len(years) for _ in top_groups]
    for number, groups in tally.groups_of.items():
        year = basis_year.get(number)
        if year is None or year < years[0]:
            continue
        for group in groups:
            if group in index:
                counts[index[group]][year - years[0]] += 1
                tally.members["matrix"][f"{group}|{year}"].append(number)
    return {"groups": top_groups, "titles": [classes.title(g) for g in top_groups], "years": years,
            "counts": counts, "incomplete_after": last}  # fmt: skip
