"""``novum watch add|list|show|remove|test|run|feed``: saved-search, portfolio, competitor and industry watches over
the library in ``novum.watch``. Registered on the shared app by an import at the end of ``novum.cli.app``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from novum.cli.app import DataDir, app, data_dir
from novum.cli.output import OutputFormat, console, counts_table, emit_json, emit_rows, errors
from novum.store.lock import writer_lock
from novum.store.sqlite import Store
from novum.watch import service
from novum.watch.delivery import DeliverySettings
from novum.watch.model import FREQUENCIES, WatchError
from novum.watch.semantic import DEFAULT_CLOSENESS

watch_app = typer.Typer(help="Watches: be told once when something relevant is stored.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")

Fmt = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")]
Name = Annotated[str, typer.Argument(help="The watch's name.", show_default=False)]


def _numbers(value: str) -> list[str]:
    """A comma/space separated list, or a file of numbers (one or more a line; '#' starts a comment)."""
    path = Path(value)
    if path.is_file():
        text = "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
    else:
        text = value
    return [n for n in text.replace(",", " ").replace(";", " ").split() if n]


@watch_app.command("add")
def add(
    name: Name,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Free text or the query language; sem(...)")
    ] = None,
    portfolio: Annotated[
        str | None, typer.Option(help="Publication numbers (comma separated) or a file of them.")
    ] = None,
    portfolio_of: Annotated[
        str | None, typer.Option(help="A portfolio of the stored patents of this applicant.")
    ] = None,
    applicant: Annotated[
        str | None, typer.Option(help="Competitor: an applicant name (cleaned, aliases applied).")
    ] = None,
    industry: Annotated[str | None, typer.Option(help="Industry monitor: surge and new-entrant signals.")] = None,
    cpc: Annotated[
        list[str] | None, typer.Option(help="CPC prefix: a filter of a query, or a competitor's class.")
    ] = None,
    ipc: Annotated[list[str] | None, typer.Option(help="IPC prefix (as --cpc).")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Office filter of a query watch.")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Kind-code filter of a query watch.")] = None,
    every: Annotated[str, typer.Option("--every", help=f"Delivery: {', '.join(FREQUENCIES)}.")] = "immediate",
    webhook: Annotated[str | None, typer.Option(help="http(s) URL to POST signed alerts to.")] = None,
    email: Annotated[str | None, typer.Option(help="Address for digests (SMTP from NOVUM_SMTP_URL).")] = None,
    owner: Annotated[str, typer.Option(help="Who the watch belongs to.")] = "",
    closeness: Annotated[
        float, typer.Option(help="Semantic threshold as a quantile of the store's closeness distribution.")
    ] = DEFAULT_CLOSENESS,
    threshold: Annotated[
        float | None, typer.Option(help="Semantic threshold as a cosine (overrides --closeness).")
    ] = None,
    claims: Annotated[
        bool, typer.Option("--claims/--no-claims", help="Portfolio: alert on closeness to independent claims.")
    ] = True,
    default_operator: Annotated[str, typer.Option(help="Between plain words of a query: AND or OR.")] = "AND",
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Add a watch. It sees documents stored from now on; `novum watch test` previews it on recent ones."""
    folder = data_dir(data)
    with writer_lock(folder, "watch add"), Store(folder) as store:
        try:
            watch = service.add_watch(
                store, name, query=query, portfolio=_numbers(portfolio) if portfolio else None,
                portfolio_of=portfolio_of, applicant=applicant, cpc=cpc, ipc=ipc, country=country, kind=kind,
                industry=industry, owner=owner, frequency=every, webhook_url=webhook, email=email,
                semantic_claims=claims, closeness=closeness, threshold=threshold, default_operator=default_operator,
            )  # fmt: skip
        except service.WatchQueryError as exc:
            errors.print(f"[red]error:[/red] {exc}", highlight=False)
            if query and exc.column:
                errors.print(f"  {query}\n  {' ' * (exc.column - 1)}^", highlight=False, markup=False)
            raise typer.Exit(2) from exc
    if fmt is OutputFormat.json:
        emit_json(watch.to_dict(secrets=True))
        return
    console.print(f"added watch [bold]{watch.name}[/bold]: {watch.describe()}", highlight=False)
    for target in watch.spec.get("vectors", []):
        console.print(f"  semantic: {target['label']} alerts at cosine >= {target['threshold']:.3f}"
                      f" ({target['calibration']['method']})", highlight=False)  # fmt: skip
    console.print(f"  feed token: {watch.feed_token}", highlight=False)
    if watch.webhook:
        console.print(f"  webhook secret (HMAC-SHA256, header X-Novum-Signature): {watch.secret}", highlight=False)


@watch_app.command("list")
def list_command(
    owner: Annotated[str | None, typer.Option(help="Only this owner's watches.")] = None,
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Every watch with its kind, frequency, channels and alert counts."""
    with Store(data_dir(data)) as store:
        rows = [r.to_dict() for r in service.list_watches(store, owner)]
    emit_rows(rows, fmt, ["name", "owner", "watches", "frequency", "webhook", "email", "alerts", "pending_deliveries"])


@watch_app.command("show")
def show(
    name: Name,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many alerts (newest first).")] = 50,
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """A watch, its alerts (why each fired), its deliveries and delivery attempts (failures kept)."""
    with Store(data_dir(data)) as store:
        detail = service.show_watch(store, name, limit)
    if fmt is OutputFormat.json:
        emit_json(detail.to_dict())
        return
    info = detail.watch.to_dict(secrets=True)
    console.print(counts_table(f"watch {name}", [(k, info[k]) for k in ("watches", "owner", "frequency", "webhook",
                  "email", "watermark", "created_at", "last_run_at", "last_sent_at", "feed_token")]))  # fmt: skip
    rows = [a.to_dict() for a in detail.alerts]
    emit_rows(rows, fmt, ["id", "number", "title", "why", "created_at"], f"{detail.total_alerts} alerts")
    failed = [a.to_dict() for a in detail.attempts if not a.ok]
    if failed:
        emit_rows(failed, fmt, ["at", "channel", "target", "alerts", "status", "error"], "failed delivery attempts")


@watch_app.command("remove")
def remove(name: Name, data: DataDir = None) -> None:
    """Delete a watch with its alerts and delivery records."""
    folder = data_dir(data)
    with writer_lock(folder, "watch remove"), Store(folder) as store:
        service.remove_watch(store, name)
    console.print(f"removed watch {name}", highlight=False)


@watch_app.command("test")
def test(
    name: Name,
    last: Annotated[int, typer.Option(help="Evaluate on this many most recently stored documents.")] = 1000,
    send: Annotated[bool, typer.Option("--send", help="Also send the preview to the webhook and e-mail.")] = False,
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Dry run: what the watch would raise on recent documents; records nothing."""
    with Store(data_dir(data)) as store:
        report = service.trial_watch(store, name, last=last, send=send)
    if fmt is OutputFormat.json:
        emit_json(report.to_dict())
        return
    emit_rows([a.to_dict() for a in report.alerts], fmt, ["number", "title", "why", "score"],
              f"{len(report.alerts)} alerts on the last {report.documents} documents (not recorded)")  # fmt: skip
    for result in report.deliveries:
        state = "sent" if result.ok else f"[red]failed[/red]: {result.error}"
        console.print(f"test {result.channel} to {result.target}: {state}", highlight=False)


@watch_app.command("run")
def run(
    names: Annotated[
        list[str] | None, typer.Argument(help="Watches to run (default: all).", show_default=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Deliver now whatever the watch's frequency.")] = False,
    retry_failed: Annotated[bool, typer.Option(help="Queue failed deliveries again first.")] = False,
    no_send: Annotated[bool, typer.Option("--no-send", help="Evaluate and record only; deliver later.")] = False,
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Evaluate watches on documents stored since their watermarks and deliver what is due (for cron/timers)."""
    folder = data_dir(data)
    with writer_lock(folder, "watch run"), Store(folder) as store:
        if retry_failed:
            from novum.store.watches import WatchTable

            for watch in [service.get_watch(store, n) for n in names] if names else WatchTable(store).all():
                WatchTable(store).retry_failed(watch)
        report = service.run_watches(store, names=names or None, settings=DeliverySettings.from_env(),
                                     send=not no_send, force=force)  # fmt: skip
    if fmt is OutputFormat.json:
        emit_json(report.to_dict())
        return
    print_report(report)


def print_report(report: service.RunReport) -> None:
    """The run summary (also printed by `novum ingest` when it evaluated watches)."""
    items: list[tuple[str, object]] = [("documents evaluated", report.documents), ("new alerts", report.new_alerts)]
    items += [(f"  {name}", len(alerts)) for name, alerts in report.alerts.items()]
    for d in report.deliveries:
        items.append((f"{d.channel} {d.watch}", f"sent {d.alerts}" if d.ok else f"failed ({d.error})"))
    items += [(f"waiting for embeddings: {k}", v) for k, v in report.waiting.items()]
    console.print(counts_table("watches", items))
    for error in report.errors:
        errors.print(f"[yellow]watch error[/yellow] {error}", highlight=False)


@watch_app.command("feed")
def feed(
    name: Name,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the Atom feed here.")] = None,
    base_url: Annotated[str | None, typer.Option(help="Public http(s) address of the server, for links.")] = None,
    data: DataDir = None,
) -> None:
    """The watch's Atom feed (what the API serves at /watches/NAME/feed.atom?token=...)."""
    from novum.watch.model import check_url

    with Store(data_dir(data)) as store:
        watch = service.get_watch(store, name)
        body = service.watch_feed(store, name, watch.feed_token, check_url(base_url, "feed URL") if base_url else None)
    if output is None:
        sys.stdout.buffer.write(body)
    else:
        output.write_bytes(body)


__all__ = ["WatchError", "watch_app"]
