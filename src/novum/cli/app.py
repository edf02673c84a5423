"""``novum`` commands. Each one opens the data directory, calls the library, and prints the result."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from platformdirs import user_data_dir
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from novum.analytics.sei import check_code
from novum.cli.output import OutputFormat, console, counts_table, emit_json, emit_rows, errors
from novum.cli.show import print_hits, render_patent
from novum.errors import NovumError
from novum.index.embed import EMBEDDERS
from novum.index.lexical import Filters, LexicalIndex, open_index, open_index_for_reading
from novum.ingest import pipeline
from novum.ingest.embedding import (
    EmbeddingWorker,
    close_target,
    configured_models,
    embed_pending,
    existing_dense,
    open_writers,
    rebuild_dense,
    set_models,
)
from novum.ingest.formats.records import CSV_COLUMNS, flat_row
from novum.ingest.registry import describe
from novum.search.documents import record_view
from novum.search.prior_art import Hit
from novum.search.query import History, render_history
from novum.search.service import SearchParameterError, SearchParams, find_similar, run_search
from novum.store.lock import writer_lock
from novum.store.sqlite import DATABASE_URL_ENV, Store
from novum.watch.service import RunReport, after_ingest

app = typer.Typer(
    help="novum: ingest patent publications, search prior art, from the command line.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _global_options(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar=DATABASE_URL_ENV,
            help="Keep the store in this PostgreSQL database (postgresql://...) instead of the data directory's"
            " SQLite file; the indexes stay in the data directory.",
            show_default=False,
        ),
    ] = None,
) -> None:
    # Every Store reads NOVUM_DATABASE_URL where it is opened (commands, server threads, jobs): pass the option on.
    if database_url:
        os.environ[DATABASE_URL_ENV] = database_url


DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="NOVUM_DATA_DIR",
        help="Where the store and indexes live (default: the per-user data directory).",
        show_default=False,
    ),
]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def data_dir(path: Path | None) -> Path:
    return path if path is not None else Path(user_data_dir("novum", appauthor=False))


def _iso(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.replace("/", "-")).isoformat()
    except ValueError:
        if len(value) == 8 and value.isdigit():
            return _iso(f"{value[:4]}-{value[4:6]}-{value[6:]}", option)
        raise typer.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)", param_hint=option) from None


def ready_index(store: Store) -> LexicalIndex:
    """The index opened read-only for a search: a read never writes, so documents an interrupted run left
    unindexed are reported with the command that adds them, not indexed here."""
    index = open_index_for_reading(store)
    pending = store.pending_count()
    if pending:
        errors.print(f"{pending:,} documents are not in the search index yet; `novum reindex` adds them")
    return index


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders, .zip/.tar/.gz archives.", show_default=False)],
    data: DataDir = None,
    show_problems: Annotated[int, typer.Option(help="How many quarantined documents to list.")] = 20,
    embed: Annotated[
        bool,
        typer.Option("--embed/--no-embed", help="Embed for semantic search while ingesting (or later: novum embed)."),
    ] = True,
    model: Annotated[
        list[str] | None,
        typer.Option(help=f"Embedding model(s) for this data directory: {', '.join(EMBEDDERS)}. Default bge-small-en."),
    ] = None,
) -> None:
    """Read publications in any supported format into the store and index them. Safe to re-run or resume."""
    folder = data_dir(data)
    if model:
        set_models(folder, model)
    with writer_lock(folder, "ingest"), Store(folder) as store:
        index = open_index(store)
        columns = (
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(bar_width=None),
            TextColumn("{task.completed:,} docs"),
            TextColumn("{task.fields[rate]:,.0f} docs/s"),
            TextColumn("{task.fields[quarantined]} quarantined"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=errors, transient=False, disable=not errors.is_terminal) as bar:
            task = bar.add_task("ingesting", total=None, rate=0.0, quarantined=0)
            worker = None
            if embed:
                embedding = bar.add_task("embedding", total=None, rate=0.0, quarantined="-")
                worker = EmbeddingWorker(
                    folder,
                    configured_models(folder),
                    lambda done, total: bar.update(
                        embedding, completed=done, total=total, rate=done / max(bar.tasks[embedding].elapsed or 1, 1e-6)
                    ),
                )
                worker.start()

            def update(progress: pipeline.Progress) -> None:
                name = progress.source.rsplit("/", 1)[-1][-40:]
                bar.update(
                    task,
                    completed=progress.counts.read,
                    description=name,
                    rate=progress.rate,
                    quarantined=progress.counts.quarantined,
                )

            ingester = pipeline.Ingester(store, index, on_progress=update)
            try:
                counts = ingester.run(paths)
            except BaseException as exc:
                if worker is not None:  # stop at the next batch; `novum embed` resumes from there
                    worker.stop_now.set()
                    worker.join()
                if isinstance(exc, FileNotFoundError):
                    errors.print(f"[red]error:[/red] {exc}")
                    raise typer.Exit(2) from exc
                raise
            if worker is not None:
                worker.finish()
            bar.update(task, description="done")
        watched = after_ingest(store)  # never raises: an unreachable webhook or SMTP server is recorded, not fatal
    console.print(
        counts_table(
            "ingest summary",
            [
                ("read", counts.read),
                ("new", counts.new),
                ("updated", counts.updated),
                ("unchanged", counts.unchanged),
                ("quarantined", counts.quarantined),
                ("repaired (stored, with a warning)", counts.repaired),
                ("files skipped (not patent data)", counts.skipped_files),
                ("embedded for semantic search", worker.embedded if worker else "deferred (novum embed)"),
            ],
        )
    )
    print_ingest_outcome(watched, ingester.problems, show_problems)


def print_ingest_outcome(watched: RunReport, problems: list[str], show_problems: int) -> None:
    """What an ingest leaves to say after its counts, for `novum ingest` and `novum spark ingest`: the watches
    that ran on the new documents, and the first quarantined records with their reasons."""
    if watched.watches:
        from novum.cli.watch_cmd import print_report

        print_report(watched)
    for problem in problems[:show_problems]:
        errors.print(f"[yellow]quarantined[/yellow] {problem}", markup=True, highlight=False)
    if len(problems) > show_problems:
        errors.print(f"... and {len(problems) - show_problems} more (see `novum stats`)")


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="Free text; quote phrases with double quotes.", show_default=False)],
    data: DataDir = None,
    before: Annotated[
        str | None,
        typer.Option(help="Prior-art cut-off: priority date (else filing, else publication) before this date."),
    ] = None,
    published_before: Annotated[str | None, typer.Option(help="Only documents published before this date.")] = None,
    cpc: Annotated[list[str] | None, typer.Option(help="CPC prefix, e.g. H04L or H04L9/ (repeatable).")] = None,
    ipc: Annotated[list[str] | None, typer.Option(help="IPC prefix (repeatable).")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Publishing office, e.g. US, EP, CN (repeatable).")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Kind code, e.g. B1, A1 (repeatable).")] = None,
    sei: Annotated[
        list[str] | None,
        typer.Option(help="Strategic emerging industry code, e.g. 1.5 or 1 (prefix on the branch; repeatable)."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Number of hits (families).")] = 10,
    collapse: Annotated[bool, typer.Option("--collapse/--no-collapse", help="One hit per patent family.")] = True,
    mode: Annotated[
        str | None,
        typer.Option(
            help="lexical (BM25), semantic (embeddings) or hybrid (both, fused). Default: hybrid when "
            "the data directory has embeddings, else lexical."
        ),
    ] = None,
    rerank: Annotated[bool, typer.Option(help="Rerank the top hits with a cross-encoder (slower, English).")] = False,
    syntax: Annotated[
        str,
        typer.Option(
            help="auto: the query language when the query uses it (operators, fields, wildcards, sets, "
            "sem()), else free text; text: always free text; query: always the query language."
        ),
    ] = "auto",
    explain: Annotated[bool, typer.Option(help="Show which clauses matched each hit, and where.")] = False,
    default_operator: Annotated[str, typer.Option(help="Operator between words of a query-language query.")] = "AND",
    workspace: Annotated[str, typer.Option(help="Search-history workspace (sets L1, L2, ...).")] = "default",
    history: Annotated[
        bool, typer.Option("--history/--no-history", help="Record the search as the next set (L1, L2, ...).")
    ] = True,
    fmt: Format = OutputFormat.table,
) -> None:
    """Prior-art search: free text (lexical, semantic or hybrid) or the Boolean/proximity query language.

    Query language: AND OR NOT XOR, ADJn NEARn WITH SAME (and NOT ...), nW nD S P, prox/distance<n, fields
    (TI AB CLM, .ti., ti= pa= in= cpc= pd>=, 名称= 申请人= ...), truncation * ? # $ $n, sets L1..Ln, sem("...").
    """
    filters = Filters(
        before=_iso(before, "--before"),
        published_before=_iso(published_before, "--published-before"),
        cpc=cpc or [],
        ipc=ipc or [],
        country=country or [],
        kind=kind or [],
        sei=[check_code(code) for code in sei or []],
    )
    params = SearchParams(
        query, syntax=syntax, mode=mode, filters=filters, collapse=collapse, explain=explain,  # type: ignore[arg-type]
        limit=limit, rerank=rerank, workspace=workspace, record=history, default_operator=default_operator,
    )  # fmt: skip
    with Store(data_dir(data)) as store:
        index = ready_index(store)
        try:
            page = run_search(store, index, params, lambda: existing_dense(store))
        except SearchParameterError as exc:
            raise typer.BadParameter(str(exc)) from exc
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--mode") from exc
    if page.syntax == "query":
        bound = "at least " if page.total_is_lower_bound else ""
        label = f"{page.set_label}: " if page.set_label else ""
        _print(page.hits, f"{label}{page.parsed} ({bound}{page.total:,} documents)", fmt, page.explanations)
    else:
        _print(page.hits, f"{page.set_label}: {query}" if page.set_label else query, fmt, page.explanations)


@app.command("history")
def history_command(
    data: DataDir = None,
    workspace: Annotated[str, typer.Option(help="Search-history workspace.")] = "default",
    clear: Annotated[bool, typer.Option(help="Forget this workspace's history.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """The searches of a workspace, each a set (L1, L2, ...) with its hit count, for use in later queries."""
    with Store(data_dir(data)) as store:
        log = History(store, workspace)
        if clear:
            log.clear()
            console.print(f"cleared the history of workspace {workspace!r}")
            return
        entries = log.entries()
    if fmt == "json":
        emit_json([{"label": e.label, "hits": e.hits, "query": e.query} for e in entries])
        return
    for line in render_history(entries) or [f"no searches yet in workspace {workspace!r}"]:
        console.print(line, highlight=False, markup=False)


@app.command()
def similar(
    number: Annotated[str, typer.Argument(help="A publication in the store.", show_default=False)],
    data: DataDir = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Number of hits (families).")] = 10,
    mode: Annotated[str | None, typer.Option(help="lexical, semantic or hybrid (default: as for search).")] = None,
    rerank: Annotated[bool, typer.Option(help="Rerank the top hits with a cross-encoder.")] = False,
    fmt: Format = OutputFormat.table,
) -> None:
    """Prior art for a patent in the store: cut-off at its priority date, its own family left out."""
    with Store(data_dir(data)) as store:
        index = ready_index(store)
        try:
            patent, hits = find_similar(
                store, index, number, lambda: existing_dense(store), limit=limit, mode=mode, rerank=rerank
            )
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--mode") from exc
    _print(hits, f"prior art for {patent.number}", fmt)


@app.command()
def embed(
    data: DataDir = None,
    model: Annotated[list[str] | None, typer.Option(help=f"Add embedding model(s): {', '.join(EMBEDDERS)}.")] = None,
    rebuild: Annotated[
        list[str] | None,
        typer.Option(help="Drop this model's vectors and embed everything again (after its weights changed)."),
    ] = None,
) -> None:
    """Embed documents not embedded yet (after ingest --no-embed, an interrupted run, or a newly added model)."""
    folder = data_dir(data)
    if model or rebuild:
        set_models(folder, list(dict.fromkeys([*configured_models(folder), *(model or []), *(rebuild or [])])))
    if rebuild:
        with Store(folder) as store, writer_lock(folder, "embed --rebuild"):
            for name in rebuild:
                close_target(rebuild_dense(store, name))
                errors.print(f"dropped the {name} vectors; embedding every document again")
    with Store(folder) as store, writer_lock(folder, "embed"), Progress(
        SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(bar_width=None),
        TextColumn("{task.completed:,}/{task.total:,} docs"), TimeElapsedColumn(),
        console=errors, disable=not errors.is_terminal,
    ) as bar:  # fmt: skip
        total = 0
        for dense in open_writers(store):  # pgvector tables when the store is PostgreSQL, else faiss files
            task = bar.add_task(dense.model, total=dense.pending_count())

            def advance(done: int, pending: int, task: TaskID = task) -> None:
                bar.update(task, completed=done)

            total += embed_pending(dense, advance)
            close_target(dense)
    console.print(f"embedded {total:,} documents")


def _print(hits: list[Hit], title: str, fmt: OutputFormat, explanations: dict[str, list[str]] | None = None) -> None:
    rows = [hit.to_dict() for hit in hits]
    for row in rows:
        if explanations and row["number"] in explanations:
            row["explanation"] = explanations[row["number"]]
    if fmt is OutputFormat.table:
        print_hits(rows, title)
    else:
        emit_rows(rows, fmt, list(rows[0].keys()) if rows else ["number"])


@app.command()
def show(
    number: Annotated[str, typer.Argument(help="Publication number in any common form.", show_default=False)],
    data: DataDir = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    raw: Annotated[bool, typer.Option(help="Print the original source document instead.")] = False,
) -> None:
    """The whole normalised record of one publication."""
    with Store(data_dir(data)) as store:
        patent = store.get(number)
        if raw:
            sys.stdout.buffer.write(store.raw(patent.number) or b"")
            return
        if fmt == "json":
            emit_json(record_view(store, patent))
        else:
            render_patent(patent, store.provenance(patent.number))


@app.command()
def stats(
    data: DataDir = None, fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table"
) -> None:
    """Counts by country, kind and year, and the quarantine with reasons."""
    with Store(data_dir(data)) as store:
        figures = store.stats()
    if fmt == "json":
        emit_json(figures)
        return
    console.print(
        f"[bold]{figures['documents']:,}[/bold] documents, schema v{figures['schema_version']}, "
        f"{figures['pending_index']} waiting for the index"
    )
    for key, title in (("by_country", "by country"), ("by_kind", "by kind"), ("by_format", "by format")):
        console.print(counts_table(title, figures[key].items()))
    console.print(counts_table("by year", figures["by_year"].items()))
    console.print(counts_table(f"quarantine ({figures['quarantined']})", figures["quarantine_reasons"].items()))
    for item in figures["quarantine"][:50]:
        console.print(f"  {item['source']}, {item['position']}: {item['reason']}", highlight=False, markup=False)
    if figures["repaired"]:
        console.print(f"[bold]repaired on ingest ({len(figures['repaired'])})[/bold]: stored, with the repair noted")
        for item in figures["repaired"][:50]:
            line = f"  {item['number']}: {item['source']}, {item['position']}: {item['warning']}"
            console.print(line, highlight=False, markup=False)


@app.command()
def export(
    data: DataDir = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl or csv.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
) -> None:
    """Write every stored record out as JSONL (or CSV); `novum ingest` reads the result back losslessly."""
    if fmt not in ("jsonl", "csv"):
        raise typer.BadParameter("use jsonl or csv", param_hint="--format")
    with ExitStack() as stack:
        stream = stack.enter_context(open(output, "w", encoding="utf-8", newline="")) if output else sys.stdout
        store = stack.enter_context(Store(data_dir(data)))
        if fmt == "jsonl":
            for patent in store.iter_patents():
                stream.write(json.dumps(patent.to_dict(), ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for patent in store.iter_patents():
                writer.writerow(flat_row(patent))


@app.command()
def reindex(data: DataDir = None) -> None:
    """Rebuild the search index and its firm documents from the store (after an upgrade, or if either was lost)."""
    with writer_lock(data_dir(data), "reindex"), Store(data_dir(data)) as store:
        written = pipeline.reindex(store, LexicalIndex(store.data_dir))
    console.print(f"indexed {written:,} documents")


@app.command()
def formats(data: DataDir = None) -> None:
    """The source formats novum reads (the same for every data directory; --data-dir is accepted for symmetry)."""
    emit_rows([{"format": n, "description": d} for n, d in describe()], OutputFormat.table, ["format", "description"])


def main() -> None:
    try:
        app()
    except NovumError as exc:
        errors.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(1)


# Commands kept in their own modules (novum claims / chart / eval) register on `app` when imported.
from novum.cli import (  # noqa: E402,F401
    check_cmd,
    claims_cmd,
    eval_cmd,
    landscape_cmd,  # noqa: E402,F401  (novum landscape / monitor / industries)
    match_cmd,
    serve_cmd,
    spark_cmd,  # novum spark cluster / ingest / embed (pyspark imported only when a command runs)
    store_cmd,  # novum migrate-store
    watch_cmd,
)
