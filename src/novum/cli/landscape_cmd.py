"""``novum landscape``, ``novum monitor`` and ``novum industries``: industry landscapes and early warning over the
library in ``novum.analytics``."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from novum.analytics.industries import load_industries
from novum.analytics.landscape import Landscape
from novum.analytics.report import summary_rows, write_report
from novum.analytics.service import build_landscape, build_monitor, make_scope
from novum.cli.app import DataDir, Format, _iso, app, data_dir
from novum.cli.output import OutputFormat, console, emit_json, emit_rows, errors
from novum.index.lexical import Filters
from novum.store.sqlite import Store


class LandscapeFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"
    pdf = "pdf"
    xlsx = "xlsx"


Query = Annotated[
    str | None,
    typer.Argument(help="A query-language query (words are AND-ed), e.g. 'drone AND cpc=B64U'.", show_default=False),
]
Industry = Annotated[str | None, typer.Option("--industry", help="An industry definition (see `novum industries`).")]
Sei = Annotated[
    list[str] | None, typer.Option("--sei", help="Strategic emerging industry code, e.g. 1.5 (repeatable).")
]
Cpc = Annotated[list[str] | None, typer.Option(help="CPC prefix (repeatable).")]
Ipc = Annotated[list[str] | None, typer.Option(help="IPC prefix (repeatable).")]
Country = Annotated[list[str] | None, typer.Option(help="Publishing office (repeatable).")]
Aliases = Annotated[Path | None, typer.Option(help="An extra applicant alias file (name<TAB>canonical name).")]
AsOf = Annotated[str | None, typer.Option(help="Snapshot date deciding which years are complete (default: newest "
                                                "publication in the store).")]  # fmt: skip


def _filters(
    cpc: list[str] | None, ipc: list[str] | None, country: list[str] | None, published_before: str | None
) -> Filters:
    return Filters(
        cpc=cpc or [],
        ipc=ipc or [],
        country=country or [],
        published_before=_iso(published_before, "--published-before"),
    )


@app.command("landscape")
def landscape_command(
    query: Query = None,
    industry: Industry = None,
    sei: Sei = None,
    cpc: Cpc = None,
    ipc: Ipc = None,
    country: Country = None,
    published_before: Annotated[str | None, typer.Option(help="Only documents published before this date.")] = None,
    years: Annotated[int, typer.Option(min=1, max=30, help="Complete years the growth rate spans.")] = 5,
    aliases: Aliases = None,
    as_of: AsOf = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Report file (html, pdf, xlsx, json).")] = None,
    fmt: Annotated[LandscapeFormat, typer.Option("--format", "-f", help="Output format.")] = LandscapeFormat.table,
    data: DataDir = None,
) -> None:
    """A patent landscape: activity by priority and publication year, applicants (cleaned), offices, classes,
    strategic emerging industries, citations, growth, concentration, new entrants, emerging terms, class x year."""
    folder = data_dir(data)
    scope = make_scope(query, industry, sei, _filters(cpc, ipc, country, published_before), folder)
    with Store(folder) as store:
        land = build_landscape(store, scope, as_of=_iso(as_of, "--as-of"), aliases=aliases, years=years)
    if land.empty:
        errors.print(f"no documents in scope ({scope.describe()}): nothing to chart, no report written")
        if fmt is LandscapeFormat.json:
            emit_json(land.to_dict())
        raise typer.Exit(1)
    if fmt in (LandscapeFormat.html, LandscapeFormat.pdf, LandscapeFormat.xlsx) or output is not None:
        chosen = fmt.value if fmt is not LandscapeFormat.table else (output.suffix.lstrip(".") if output else "")
        if output is None:
            raise typer.BadParameter(f"{chosen} needs a file: add -o FILE", param_hint="--output")
        write_report(land, output, chosen)
        console.print(f"wrote {output} ({land.documents:,} documents, {scope.describe()})")
        return
    if fmt is LandscapeFormat.json:
        emit_json(land.to_dict())
        return
    _print_landscape(land)


def _print_landscape(land: Landscape) -> None:
    summary = Table(title="landscape", show_header=False)
    summary.add_column(style="bold")
    summary.add_column(overflow="fold")
    for label, value in summary_rows(land):
        summary.add_row(label, value)
    console.print(summary)
    years = Table(title=f"activity by {land.basis} year (* incomplete)")
    published = {r.year: r.documents for r in land.publication_years}
    if land.basis == "priority":
        for column in ("year", "families", "first filings", "documents", "publications"):
            years.add_column(column, justify="right")
        for year_row in land.priority_years[-20:]:
            counts = (year_row.families, year_row.first_filings, year_row.documents, published.get(year_row.year, 0))
            years.add_row(f"{year_row.year}{'*' if year_row.incomplete else ''}", *(str(c) for c in counts))
    else:
        for column in ("year", "publications"):
            years.add_column(column, justify="right")
        for year_row in land.publication_years[-20:]:
            years.add_row(f"{year_row.year}{'*' if year_row.incomplete else ''}", str(year_row.documents))
    console.print(years)
    applicants = Table(title="top applicants (cleaned names)")
    for column in ("applicant", "documents", "families", "share", "raw names merged", "country"):
        applicants.add_column(column, overflow="fold")
    for a in land.applicants[:15]:
        applicants.add_row(a.name, str(a.documents), str(a.families), f"{a.share * 100:.1f}%", str(a.merged),
                           a.country or "")  # fmt: skip
    console.print(applicants)
    classes = Table(title="top classes")
    for column in ("class", "documents", "title"):
        classes.add_column(column, overflow="fold")
    for row in (land.cpc_groups or land.ipc_groups)[:10]:
        classes.add_row(row.key, str(row.documents), row.title or "")
    console.print(classes)
    if land.sei:
        industries = Table(title="strategic emerging industries")
        for column in ("code", "industry", "documents"):
            industries.add_column(column)
        for row in land.sei:
            industries.add_row(row.key, row.label, str(row.documents))
        console.print(industries)
    if land.emerging_terms:
        terms = ", ".join(f"{t.term} ({t.early}→{t.recent})" for t in land.emerging_terms[:12])
        console.print(f"[bold]emerging terms[/bold] (documents earlier → recent window): {terms}")


@app.command("monitor")
def monitor_command(
    query: Query = None,
    industry: Industry = None,
    sei: Sei = None,
    cpc: Cpc = None,
    ipc: Ipc = None,
    country: Country = None,
    alpha: Annotated[float, typer.Option(help="Signal when the Poisson tail probability is below this.")] = 0.01,
    min_count: Annotated[int, typer.Option(help="Fewest documents a signal's larger side needs.")] = 5,
    baseline: Annotated[int, typer.Option(min=2, max=20, help="Years the expected count averages.")] = 5,
    aliases: Aliases = None,
    as_of: AsOf = None,
    fmt: Format = OutputFormat.table,
    data: DataDir = None,
) -> None:
    """Early warning: surges and drops against each series' own history (industry, class, applicant) and new
    entrants, in the last complete year. Without a scope, every industry definition is monitored as a whole."""
    folder = data_dir(data)
    with Store(folder) as store:
        if query is None and industry is None and not sei and not (cpc or ipc or country):
            reports = [
                build_monitor(store, make_scope(industry=name, data_dir=folder), as_of=_iso(as_of, "--as-of"),
                              aliases=aliases, alpha=alpha, min_count=min_count, baseline=baseline)
                for name in load_industries(folder)
            ]  # fmt: skip
            reports.append(build_monitor(store, make_scope(), as_of=_iso(as_of, "--as-of"), aliases=aliases,
                                         alpha=alpha, min_count=min_count, baseline=baseline))  # fmt: skip
        else:
            scope = make_scope(query, industry, sei, _filters(cpc, ipc, country, None), folder)
            reports = [build_monitor(store, scope, as_of=_iso(as_of, "--as-of"), aliases=aliases, alpha=alpha,
                                     min_count=min_count, baseline=baseline)]  # fmt: skip
    rows = []
    for report in reports:
        name = (report.scope.get("industry") or {}).get("name") or report.scope.get("query") or "all documents"
        for signal in report.signals:
            if len(reports) > 1 and report.scope.get("industry") and signal.dimension != "set":
                continue  # one line per industry; run with --industry for its classes and applicants
            row = {"scope": name, **signal.to_dict()}
            if fmt is OutputFormat.table:  # a tail probability needs its exponent, not three decimals
                row["p"] = f"{signal.p:.2g}" if signal.p is not None else ""
                row["expected"] = f"{signal.expected:.1f}"
            rows.append(row)
    if fmt is OutputFormat.json:
        emit_json([r.to_dict() for r in reports])
        return
    if reports and fmt is OutputFormat.table:
        first = reports[-1]
        console.print(f"[bold]statistic[/bold]: {first.to_dict()['statistic']} ({first.basis} years)")
    if not rows and fmt is OutputFormat.table:
        console.print("no surge, drop or new entrant in the last complete year")
        return
    emit_rows(rows, fmt, ["scope", "kind", "dimension", "label", "year", "observed", "expected", "p"])
    if fmt is OutputFormat.table:
        for row in rows:
            console.print(f"• {row['explanation']}", highlight=False)


@app.command("industries")
def industries_command(fmt: Format = OutputFormat.table, data: DataDir = None) -> None:
    """The industry definitions: shipped (future industries of the 2025 work report) and the data directory's own."""
    found = load_industries(data_dir(data))
    rows = [i.to_dict() for i in found.values()]
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    emit_rows(rows, fmt, ["name", "title_zh", "title_en", "version", "digest", "user", "path"], title="industries")
