"""Watches as library functions: add, list, show, remove, test, run, the ingest hook and the feed. The CLI, the
REST API and the web pages call these and print or serve their typed results (each has ``to_dict``)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from novum.analytics.applicants import ApplicantCleaner, clean_name, load_aliases
from novum.analytics.industries import get_industry
from novum.errors import NotFoundError, NovumError
from novum.index.lexical import open_index, open_index_for_reading
from novum.ingest.embedding import configured_models
from novum.ingest.pipeline import sync_index
from novum.normalize.numbers import NumberFormatError, parse_number
from novum.search.query import QueryParseError, compile_query, parse
from novum.search.query.ast import Semantic, walk
from novum.store.sqlite import Store, citation_key
from novum.store.watches import WatchTable, now_iso
from novum.watch import semantic
from novum.watch.delivery import DeliveryResult, DeliverySettings, deliver, webhook
from novum.watch.delivery import email as mail
from novum.watch.delivery.atom import atom_feed, check_token
from novum.watch.model import (
    Alert,
    Watch,
    WatchDetail,
    WatchError,
    WatchNotFoundError,
    check_email,
    check_frequency,
    check_url,
)
from novum.watch.percolator import first_unembedded, match, needs_vectors, open_batch, search_filters

BATCH_DOCUMENTS = 5000
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class WatchQueryError(WatchError):
    """A watch query that does not parse or compile; ``column`` is where (1-based), as the parser reported it."""

    def __init__(self, message: str, column: int | None) -> None:
        super().__init__(message)
        self.column = column


# --- adding -----------------------------------------------------------------------------------------------------
def add_watch(
    store: Store,
    name: str,
    *,
    query: str | None = None,
    portfolio: list[str] | None = None,
    portfolio_of: str | None = None,
    applicant: str | None = None,
    cpc: list[str] | None = None,
    ipc: list[str] | None = None,
    country: list[str] | None = None,
    kind: list[str] | None = None,
    industry: str | None = None,
    owner: str = "",
    frequency: str = "immediate",
    webhook_url: str | None = None,
    email: str | None = None,
    semantic_claims: bool = True,
    closeness: float = semantic.DEFAULT_CLOSENESS,
    threshold: float | None = None,
    default_operator: str = "AND",
) -> Watch:
    """Check and store a watch; it sees documents stored from now on. Everything wrong is refused here, with the
    reason (a query's column, a non-http(s) URL, an unknown number, industry or applicant)."""
    if not _NAME.match(name):
        raise WatchError(f"watch name {name!r}: use 1-64 letters, digits, '.', '_' or '-' (it appears in URLs)")
    table = WatchTable(store)
    if table.exists(name):
        raise WatchError(f"a watch named {name!r} exists already (novum watch remove {name} first)")
    kinds = [k for k, given in (("search", query), ("portfolio", portfolio or portfolio_of), ("industry", industry))
             if given]  # fmt: skip
    if not kinds and (applicant or cpc or ipc):
        kinds = ["competitor"]
    elif applicant:
        kinds.append("competitor")
    if len(kinds) != 1:
        raise WatchError(f"watch {name!r}: give exactly one of a query, a portfolio, an applicant (with or without"
                         f" classes) or an industry; got {', '.join(kinds) or 'none'}")  # fmt: skip
    if not 0.5 <= closeness < 1:
        raise WatchError(f"closeness {closeness} must be a quantile between 0.5 and 1 (e.g. 0.998)")
    model = _model(store)
    spec: dict[str, Any]
    if kinds[0] == "search":
        spec = _search_spec(
            store,
            name,
            query or "",
            default_operator,
            model,
            closeness,
            threshold,
            {"cpc": cpc or [], "ipc": ipc or [], "country": country or [], "kind": kind or []},
        )
    elif kinds[0] == "portfolio":
        spec = _portfolio_spec(store, name, portfolio or [], portfolio_of, model, semantic_claims, closeness, threshold)
    elif kinds[0] == "competitor":
        spec = _competitor_spec(store, applicant, cpc or [], ipc or [])
    else:
        try:
            spec = {"industry": get_industry(industry or "", store.data_dir).name}
        except NovumError as exc:
            raise WatchError(f"watch {name!r}: {exc}") from exc
    table.sync_feed()
    watch = Watch(
        0, name, owner, kinds[0], spec, check_frequency(frequency),
        check_url(webhook_url, "webhook URL") if webhook_url else None, check_email(email) if email else None,
        secrets.token_urlsafe(24), secrets.token_hex(32), table.max_seq(), now_iso(),
    )  # fmt: skip
    return table.add(watch)


def _model(store: Store) -> str:
    vectors = semantic.open_vectors(store)
    return vectors.model if vectors is not None else configured_models(store.data_dir)[0]


def _search_spec(
    store: Store, name: str, query: str, operator: str, model: str, closeness: float, threshold: float | None,
    filters: dict[str, list[str]],
) -> dict[str, Any]:  # fmt: skip
    if operator not in ("AND", "OR"):
        raise WatchError(f"default operator {operator!r} must be AND or OR")
    try:
        ast = parse(query, operator)  # type: ignore[arg-type]
        compile_query(ast, open_index_for_reading(store), source=query)  # unknown sets, absurd wildcards
    except QueryParseError as exc:
        raise WatchQueryError(f"watch {name!r}: the query does not parse: {exc}", exc.column) from exc
    spec: dict[str, Any] = {"query": query, "default_operator": operator,
                            "filters": {k: v for k, v in filters.items() if v}}  # fmt: skip
    texts = [n.text for n in walk(ast) if isinstance(n, Semantic)]
    if texts:
        targets = semantic.text_targets(model, texts)
        semantic.calibrate(targets, semantic.open_vectors(store, model), closeness=closeness, threshold=threshold)
        spec.update(model=model, vectors=targets)
    search_filters(spec)
    return spec


def _portfolio_spec(
    store: Store, name: str, numbers: list[str], applicant: str | None, model: str, claims: bool, closeness: float,
    threshold: float | None,
) -> dict[str, Any]:  # fmt: skip
    canonical: list[str] = []
    for text in numbers:
        try:
            canonical.append(store.resolve(text))
        except NotFoundError:
            try:
                canonical.append(str(parse_number(text)))
            except NumberFormatError as exc:
                raise WatchError(f"watch {name!r}: portfolio number {text!r} is not a publication number") from exc
    if applicant:
        cleaner = ApplicantCleaner(load_aliases(store.data_dir))
        key = cleaner.key(applicant)
        owned = [n for n, names in WatchTable(store).owner_names() if key in {cleaner.key(x) for x in names}]
        if not owned:
            raise WatchError(f"watch {name!r}: no stored document has the applicant {applicant!r} (cleaned: {key})")
        canonical += owned
    canonical = list(dict.fromkeys(canonical))
    if not canonical:
        raise WatchError(f"watch {name!r}: the portfolio is empty")
    stored = store.get_many(canonical)
    keys: dict[str, str] = {}
    short: dict[str, str] = {}
    for number in canonical:
        parsed = parse_number(number)
        cited = citation_key(parsed.country, parsed.number, None)
        if cited:
            keys[cited] = number
        short[f"{parsed.country}{parsed.number}"] = number
    families = {family: number for number, family in store.family_keys(canonical).items()}
    spec: dict[str, Any] = {"numbers": canonical, "citation_keys": keys, "families": families, "short_forms": short}
    if applicant:
        spec["applicant"] = applicant
    if claims and stored:
        vectors = semantic.open_vectors(store, model)
        targets = semantic.claim_targets(store, vectors, model, [stored[n] for n in canonical if n in stored])
        if targets:
            exclude = {member for family in families for member in store.family_members(family)}
            semantic.calibrate(targets, vectors, closeness=closeness, threshold=threshold,
                               exclude=exclude | set(canonical))  # fmt: skip
            spec.update(model=model, vectors=targets)
    return spec


def _competitor_spec(store: Store, applicant: str | None, cpc: list[str], ipc: list[str]) -> dict[str, Any]:
    spec: dict[str, Any] = {"cpc": [c.replace(" ", "").upper() for c in cpc],
                            "ipc": [c.replace(" ", "").upper() for c in ipc]}  # fmt: skip
    if applicant:
        key = ApplicantCleaner(load_aliases(store.data_dir)).key(applicant)
        if not key.strip():
            raise WatchError(f"applicant {applicant!r} is empty once cleaned ({clean_name(applicant)!r})")
        spec.update(applicant=applicant, applicant_key=key)
    return spec


# --- reading ------------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class WatchRow:
    """A watch in a listing, with its alert and pending-delivery counts."""

    watch: Watch
    alerts: int
    pending: int

    def to_dict(self) -> dict[str, Any]:
        return {**self.watch.to_dict(), "alerts": self.alerts, "pending_deliveries": self.pending}


def list_watches(store: Store, owner: str | None = None) -> list[WatchRow]:
    table = WatchTable(store)
    counts = table.counts()
    return [WatchRow(w, *counts.get(w.id, (0, 0))) for w in table.all(owner)]


def get_watch(store: Store, name: str) -> Watch:
    watch = WatchTable(store).get(name)
    if watch is None:
        known = ", ".join(w.name for w in WatchTable(store).all()) or "none"
        raise WatchNotFoundError(f"no watch named {name!r} (watches: {known})")
    return watch


def show_watch(store: Store, name: str, limit: int = 100) -> WatchDetail:
    table = WatchTable(store)
    watch = get_watch(store, name)
    return WatchDetail(watch, table.alerts(watch, limit), table.deliveries(watch), table.attempts(watch),
                       table.alert_count(watch))  # fmt: skip


def remove_watch(store: Store, name: str) -> None:
    """Delete a watch with its ledger and delivery records."""
    get_watch(store, name)
    WatchTable(store).remove(name)


def watch_feed(store: Store, name: str, token: str | None, base_url: str | None = None, limit: int = 50) -> bytes:
    """The Atom feed of a watch, if ``token`` is its feed token (else ``WatchError``)."""
    watch = get_watch(store, name)
    if not check_token(watch, token):
        raise WatchError(f"wrong or missing feed token for watch {name!r}")
    return atom_feed(watch, WatchTable(store).alerts(watch, limit), base_url)


# --- running ------------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class RunReport:
    """What a run did: documents evaluated, new alerts per watch, deliveries, watches waiting for vectors."""

    documents: int = 0
    watches: int = 0
    alerts: dict[str, list[Alert]] = field(default_factory=dict)
    deliveries: list[DeliveryResult] = field(default_factory=list)
    waiting: dict[str, int] = field(default_factory=dict)  # watch → documents it waits on (not yet embedded)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def new_alerts(self) -> int:
        return sum(len(v) for v in self.alerts.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "watches": self.watches,
            "new_alerts": self.new_alerts,
            "alerts": {k: [a.to_dict() for a in v] for k, v in self.alerts.items()},
            "deliveries": [d.to_dict() for d in self.deliveries],
            "waiting_for_embeddings": self.waiting,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
        }


def run_watches(
    store: Store,
    *,
    names: list[str] | None = None,
    settings: DeliverySettings | None = None,
    send: bool = True,
    force: bool = False,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_DOCUMENTS,
    temporary_index: bool = True,
) -> RunReport:
    """Evaluate the watches on every document stored since their watermarks, record new alerts in the ledger, then
    deliver what is due. Safe to run at any time and any number of times. Each batch of new documents is indexed in
    a temporary index; ``temporary_index=False`` queries the store's own index restricted to the batch instead
    (measured slower: the restriction is a term set looked up by every search; kept for the benchmark)."""
    started = time.perf_counter()
    table = WatchTable(store)
    report = RunReport()
    watches = [get_watch(store, n) for n in names] if names else table.all()
    report.watches = len(watches)
    if not watches:
        return report
    table.sync_feed()
    top = table.max_seq()
    pending = [w for w in watches if w.watermark < top]
    if pending:
        _evaluate(store, table, pending, top, batch_size, report, temporary_index)
    if send:
        settings = settings or DeliverySettings.from_env()
        for watch in watches:
            report.deliveries += deliver(table, watch, settings, now, force=force)
    report.seconds = time.perf_counter() - started
    return report


def _evaluate(
    store: Store, table: WatchTable, pending: list[Watch], top: int, size: int, report: RunReport, temporary: bool
) -> None:
    cleaner = ApplicantCleaner(load_aliases(store.data_dir))
    vectors = semantic.open_vectors(store) if needs_vectors(pending) else None
    index = None if temporary else open_index(store)  # the new documents are in the store's index once synced
    if index is not None and store.pending_count():
        sync_index(store, index)
    stalled: set[int] = set()
    cursor = min(w.watermark for w in pending)
    report.documents = top - cursor
    while cursor < top:
        feed = table.feed(cursor, size)
        if not feed:
            break
        end = feed[-1][0]
        active = [w for w in pending if w.watermark < end and w.id not in stalled]
        if active:
            with open_batch(store, feed, vectors, semantic=needs_vectors(active), index=index) as batch:
                whole = set(batch.seqs)
                for watch in active:
                    late = watch.watermark >= feed[0][0]  # only part of this slice is new to the watch
                    numbers = {n for n in whole if batch.seqs[n] > watch.watermark} if late else whole
                    upto = end
                    if watch.semantic:
                        if vectors is not None and watch.spec.get("model") not in (None, vectors.model):
                            report.errors.append(f"{watch.name}: made with {watch.spec['model']}, the store's"
                                                 f" vectors are {vectors.model}")  # fmt: skip
                            stalled.add(watch.id)
                            continue
                        gap = first_unembedded(batch, numbers)
                        if gap is not None:
                            upto = gap - 1
                            report.waiting[watch.name] = top - upto
                            numbers = {n for n in numbers if batch.seqs[n] <= upto}
                            stalled.add(watch.id)
                    try:
                        alerts = match(watch, batch, numbers, store, cleaner) if numbers else []
                    except (NovumError, ValueError, KeyError) as exc:
                        report.errors.append(f"{watch.name}: {exc}")
                        stalled.add(watch.id)
                        continue
                    fresh = table.record(watch, alerts, upto)
                    if fresh:
                        report.alerts.setdefault(watch.name, []).extend(fresh)
        cursor = end


def after_ingest(store: Store, settings: DeliverySettings | None = None) -> RunReport:
    """The ingest hook: evaluate the watches on what was just stored and try each delivery once, quickly.

    Nothing here can fail the ingest: an error is returned in the report (the documents are stored already, and
    the watermarks make the next ``novum watch run`` pick up whatever was not evaluated)."""
    report = RunReport()
    try:
        if not WatchTable(store).all():
            return report
        quick = settings or DeliverySettings.from_env(attempts=1, timeout=5.0)
        return run_watches(store, settings=quick)
    except Exception as exc:  # noqa: BLE001  the ingest must never fail because of a watch
        report.errors.append(f"watches not evaluated: {type(exc).__name__}: {exc}")
        return report


# --- testing ------------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class TrialReport:
    """A dry run: what the watch would raise on the latest documents (nothing recorded), and test deliveries."""

    watch: str
    documents: int
    alerts: list[Alert]
    deliveries: list[DeliveryResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "watch": self.watch,
            "documents": self.documents,
            "alerts": [a.to_dict() for a in self.alerts],
            "deliveries": [d.to_dict() for d in self.deliveries],
        }


def trial_watch(
    store: Store, name: str, *, last: int = 1000, send: bool = False, settings: DeliverySettings | None = None
) -> TrialReport:
    """Evaluate a watch on the ``last`` most recent stored documents without touching the ledger or watermark;
    with ``send``, also post the preview to its webhook and mail it (marked as a test), recording nothing."""
    watch = get_watch(store, name)
    table = WatchTable(store)
    table.sync_feed()
    feed = table.latest(last)
    alerts: list[Alert] = []
    if feed:
        vectors = semantic.open_vectors(store) if watch.semantic else None
        with open_batch(store, feed, vectors, semantic=watch.semantic) as batch:
            numbers = set(batch.patents)
            alerts = match(watch, batch, numbers, store, ApplicantCleaner(load_aliases(store.data_dir)))
    report = TrialReport(name, len(feed), alerts)
    if send:
        settings = settings or DeliverySettings.from_env()
        at = now_iso()
        if watch.webhook:
            body = webhook.payload(watch, alerts, at)
            status, error = webhook.post(watch.webhook, body, webhook.sign(watch.secret, body), "test",
                                         settings.timeout)  # fmt: skip
            report.deliveries.append(DeliveryResult(name, "webhook", watch.webhook, len(alerts), error is None, 1,
                                                    error or None))  # fmt: skip
            del status
        if watch.email:
            error = None
            try:
                if not settings.smtp_url:
                    raise WatchError("no SMTP server configured (set NOVUM_SMTP_URL)")
                message = mail.digest(watch, alerts, settings.smtp_from, settings.cap)
                message.replace_header("Subject", "[test] " + str(message["Subject"]))
                mail.send(message, settings.smtp_url, settings.timeout)
            except Exception as exc:  # noqa: BLE001  a test reports, it does not raise
                error = f"{type(exc).__name__}: {exc}"
            report.deliveries.append(DeliveryResult(name, "email", watch.email, len(alerts), error is None, 1, error))
    return report
