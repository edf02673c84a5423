"""``novum match need|patent|portfolio``, ``novum needs add|import|list``, ``novum offers import|list`` and
``novum firm``: technology-transfer matching over the library in ``novum.match``. Registered on the shared app by
an import at the end of ``novum.cli.app``."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from novum.cli.app import DataDir, app, data_dir, ready_index
from novum.cli.output import OutputFormat, console, emit_json, emit_rows, errors
from novum.errors import NotFoundError
from novum.ingest.embedding import existing_dense
from novum.match import MatchError
from novum.match.engine import Matcher, MatchOptions, NeedMatches, PatentToMarket
from novum.match.export import SUMMARY_COLUMNS, summary_rows, write_portfolio_xlsx
from novum.match.imports import Imported, read_needs, read_offers
from novum.match.text import check_need
from novum.store.needs import Need, NeedsRegister
from novum.store.sqlite import Store

match_app = typer.Typer(help="Match needs to patents, and patents to firms and registered needs.", no_args_is_help=True)
needs_app = typer.Typer(help="The needs register: firms' problems to match patents against.", no_args_is_help=True)
offers_app = typer.Typer(help="Open-licence offers (licensor and terms) for stored patents.", no_args_is_help=True)
app.add_typer(match_app, name="match")
app.add_typer(needs_app, name="needs")
app.add_typer(offers_app, name="offers")

Fmt = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")]
Limit = Annotated[int, typer.Option("--limit", "-n", help="How many results.")]


def _matcher(store: Store, mode: str | None = None) -> Matcher:
    dense = existing_dense(store) if mode != "lexical" else []
    return Matcher(store, ready_index(store), dense)


def _bold(text: str) -> str:
    """``**word**`` marks as rich bold, the rest escaped."""
    pieces = escape(text).split("**")
    return "".join(f"[bold yellow]{p}[/bold yellow]" if i % 2 else p for i, p in enumerate(pieces))


@match_app.command("need")
def match_need(
    text: Annotated[
        str | None, typer.Argument(help="The need: a problem or product description (any language).")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Read the need from this file ('-' for stdin).")] = None,
    firm: Annotated[str | None, typer.Option("--firm", help="Match a stored firm's profile as the need.")] = None,
    limit: Limit = 10,
    cpc: Annotated[list[str] | None, typer.Option(help="CPC prefix (repeatable).")] = None,
    ipc: Annotated[list[str] | None, typer.Option(help="IPC prefix (repeatable).")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Publishing office (repeatable).")] = None,
    industry: Annotated[
        list[str] | None, typer.Option(help="Strategic emerging industry code or name (1.1, 1).")
    ] = None,
    applicant_type: Annotated[
        list[str] | None, typer.Option("--applicant-type", help="company, academic, government or individual.")
    ] = None,
    available: Annotated[
        bool, typer.Option("--available", help="Only granted patents not expired (estimate).")
    ] = False,
    mode: Annotated[
        str | None, typer.Option(help="lexical, semantic or hybrid (default: hybrid with embeddings).")
    ] = None,
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Patents that answer a need, each with the passages that answer each part of it and its readiness."""
    given = [x for x in (text, file, firm) if x is not None]
    if len(given) != 1:
        raise typer.BadParameter("give the need as TEXT, --file or --firm (one of them)", param_hint="TEXT")
    options = MatchOptions(
        limit=limit, cpc=cpc or [], ipc=ipc or [], country=country or [], industry=industry or [],
        applicant_types=applicant_type or [], available=available, mode=mode,
    )  # fmt: skip
    with Store(data_dir(data)) as store:
        matcher = _matcher(store, mode)
        if firm is not None:
            result = matcher.match_firm(firm, options)[1]
        else:
            need = (sys.stdin.read() if str(file) == "-" else _read(file)) if file is not None else text or ""
            result = matcher.match_need(need, options)
    if fmt is OutputFormat.json or fmt is OutputFormat.jsonl:
        emit_json(result.to_dict())
        return
    _print_need_matches(result)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc}", param_hint="--file") from exc


def _print_need_matches(result: NeedMatches) -> None:
    console.print(f"[bold]need[/bold] ({len(result.parts)} parts, {result.mode}): {escape(result.need[:200])}")
    if not result.matches:
        console.print(f"no patent matches (examined {result.examined} candidates with the filters given)")
        return
    for match in result.matches:
        names = ", ".join(match.to_dict()["applicants"]) or "applicant unknown"
        console.print(
            f"\n[bold]{match.rank}. {match.number}[/bold] {escape(match.patent.title() or '')}"
            f"  [dim]{escape(names)} ({', '.join(match.applicant_types)})[/dim]"
        )
        console.print(f"   [cyan]readiness:[/cyan] {escape(match.readiness.summary())}")
        if match.readiness.expiry_basis:
            console.print(f"   [dim]expiry is an estimate: {escape(match.readiness.expiry_basis)}[/dim]")
        if match.explanation:
            console.print(f"   [cyan]why:[/cyan] {match.explanation.answered}/{len(match.explanation.evidence)} parts")
            for ev in match.explanation.evidence:
                mark = "✓" if ev.answered else "·"
                console.print(
                    f"   {mark} {escape(ev.part[:80])} → [green]{escape(ev.passage)}[/green] ({ev.score:.2f})"
                )
                console.print(f"       {_bold(ev.excerpt)}")
        for offer in match.offers:
            console.print(f"   [magenta]open licence:[/magenta] {escape(offer.licensor)} {escape(offer.terms or '')}")


@match_app.command("patent")
def match_patent(
    number: Annotated[str, typer.Argument(help="Publication number in any common form.")],
    firms: Annotated[int, typer.Option(help="How many firms.")] = 10,
    needs: Annotated[int, typer.Option(help="How many registered needs.")] = 10,
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """The firms most likely to use a patent (similar or complementary portfolios) and the needs it answers."""
    with Store(data_dir(data)) as store:
        result = _matcher(store).match_patent(number, firms=firms, needs=needs)
    if fmt is not OutputFormat.table:
        emit_json(result.to_dict())
        return
    _print_market(result)


def _print_market(result: PatentToMarket) -> None:
    console.print(f"[bold]{result.number}[/bold] {escape(result.patent.title() or '')}")
    console.print(f"[cyan]readiness:[/cyan] {escape(result.readiness.summary())}")
    table = Table(title="firms")
    for column in ("rank", "firm", "relation", "type", "score", "closest patents", "found by"):
        table.add_column(column, overflow="fold")
    for f in result.firms:
        closest = ", ".join(f.evidence) or "(its portfolio as a whole)"
        table.add_row(
            str(f.rank), escape(f.firm), f.relation, f.applicant_type, f"{f.score:.4f}", closest, ", ".join(f.found_by)
        )
    console.print(table)
    if not result.needs:
        console.print("no registered need matches (add some with `novum needs add` or `novum needs import`)")
    for m in result.needs:
        console.print(
            f"need #{m.need.id} [bold]{escape(m.need.firm)}[/bold] ({m.score:.2f}): {escape(m.need.text[:120])}"
        )
        for ev in m.explanation.evidence:
            if ev.answered:
                console.print(f"   ✓ {escape(ev.part[:70])} → [green]{escape(ev.passage)}[/green]: {_bold(ev.excerpt)}")


@match_app.command("portfolio")
def match_portfolio(
    file: Annotated[
        Path, typer.Argument(help="A text file of publication numbers, one per line (or CSV's first column).")
    ],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also write an XLSX workbook here.")] = None,
    firms: Annotated[int, typer.Option(help="Firms per patent.")] = 5,
    needs: Annotated[int, typer.Option(help="Needs per patent.")] = 5,
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Run a whole portfolio against the firms and the needs register: a table, and an XLSX with -o."""
    numbers = [line.split(",")[0].strip() for line in _read(file).splitlines()]
    numbers = [n for n in numbers if n and not n.lower().startswith(("number", "#"))]
    if not numbers:
        raise MatchError(f"{file}: no publication numbers in the file")
    with Store(data_dir(data)) as store:
        result = _matcher(store).portfolio(numbers, firms=firms, needs=needs)
    if output is not None:
        write_portfolio_xlsx(result, output)
        errors.print(f"wrote {output}")
    for missing in result.missing:
        errors.print(f"[yellow]not in the store:[/yellow] {escape(missing)}")
    if fmt is OutputFormat.json:
        emit_json(result.to_dict())
    else:
        emit_rows(summary_rows(result), fmt, SUMMARY_COLUMNS, title="portfolio")


@app.command()
def firm(
    name: Annotated[str, typer.Argument(help="Applicant name (any spelling: case, punctuation, legal form ignored).")],
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """A firm's profile from its stored patents: classes, top terms, activity by year; `match need --firm` uses it."""
    with Store(data_dir(data)) as store:
        profile = Matcher(store, ready_index(store)).firm(name)
    if fmt is not OutputFormat.table:
        emit_json(profile.to_dict())
        return
    console.print(f"[bold]{escape(profile.name)}[/bold] ({profile.applicant_type}): {profile.patents} patents")
    console.print(f"spellings: {escape('; '.join(profile.spellings))}")
    console.print(f"classes: {', '.join(f'{c} ({n})' for c, n in profile.classes)}")
    console.print(f"top terms: {escape(', '.join(t for t, _ in profile.terms))}")
    console.print(f"activity: {', '.join(f'{y}: {n}' for y, n in profile.years)}")
    console.print(f"as a need: {escape(profile.need_text())}")


# --- needs register ---------------------------------------------------------------------------------------------
@needs_app.command("add")
def needs_add(
    text: Annotated[str, typer.Argument(help="The need in the firm's words.")],
    firm_name: Annotated[str, typer.Option("--firm", help="The firm with the need.")],
    contact: Annotated[str | None, typer.Option(help="Who to contact (name, e-mail, phone).")] = None,
    industry: Annotated[str | None, typer.Option(help="The firm's industry.")] = None,
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Register one need."""
    need = Need(firm_name.strip(), check_need(text), contact, industry, source="cli")
    if not need.firm:
        raise typer.BadParameter("the firm name is empty", param_hint="--firm")
    with Store(data_dir(data)) as store:
        added = NeedsRegister(store).add([need])
    if fmt is not OutputFormat.table:
        emit_json({"id": need.id, "new": added.new})
    else:
        console.print(f"need #{need.id} {'registered' if added.new else 'was already registered'}")


@needs_app.command("import")
def needs_import(
    file: Annotated[Path, typer.Argument(help="CSV, JSON, JSONL or XLSX with firm, contact, text, industry.")],
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Import needs from a file; each bad row is reported with its row and reason, the good rows are kept."""
    result = read_needs(file)
    with Store(data_dir(data)) as store:
        added = NeedsRegister(store).add(result.needs)
    _report(result, added.new, added.unchanged, "needs", fmt)


@needs_app.command("list")
def needs_list(
    industry: Annotated[str | None, typer.Option(help="Only this industry.")] = None,
    firm_name: Annotated[str | None, typer.Option("--firm", help="Only firms whose name contains this.")] = None,
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """The registered needs."""
    with Store(data_dir(data)) as store:
        rows = [n.to_dict() for n in NeedsRegister(store).needs(industry, firm_name)]
    emit_rows(rows, fmt, ["id", "firm", "contact", "industry", "text"], title="needs")


@offers_app.command("import")
def offers_import(
    file: Annotated[Path, typer.Argument(help="CSV, JSON, JSONL or XLSX: number, licensor, terms, exclusive, ...")],
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Import open-licence offers; a bad row is reported with its row and reason, the good rows are kept."""
    result = read_offers(file)
    with Store(data_dir(data)) as store:
        for offer in result.offers:  # offers name the store's spelling of a number when the store has it
            with contextlib.suppress(NotFoundError):  # an offer may come before its patent is ingested
                offer.number = store.resolve(offer.number)
        added = NeedsRegister(store).add_offers(result.offers)
    _report(result, added.new, added.unchanged, "offers", fmt)


@offers_app.command("list")
def offers_list(data: DataDir = None, fmt: Fmt = OutputFormat.table) -> None:
    """The imported open-licence offers."""
    with Store(data_dir(data)) as store:
        rows = [o.to_dict() for o in NeedsRegister(store).offers()]
    emit_rows(
        rows, fmt, ["number", "licensor", "terms", "exclusive", "territory", "fee", "valid_until"], title="offers"
    )


def _report(result: Imported, new: int, unchanged: int, what: str, fmt: OutputFormat) -> None:
    for problem in result.problems:
        errors.print(f"[yellow]skipped[/yellow] {escape(str(problem))}")
    if fmt is not OutputFormat.table:
        emit_json({"new": new, "unchanged": unchanged, "problems": [p.to_dict() for p in result.problems]})
    else:
        console.print(f"{what}: {new} new, {unchanged} already registered, {len(result.problems)} rows skipped")
