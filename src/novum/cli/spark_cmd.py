"""``novum spark cluster|ingest|embed``: bulk work on Apache Spark, over the library in ``novum.spark``. Registered on
the shared app by an import at the end of ``novum.cli.app``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from novum.cli.app import DataDir, app, data_dir, print_ingest_outcome
from novum.cli.output import OutputFormat, console, counts_table, emit_json, emit_rows, errors
from novum.errors import NovumError
from novum.store.lock import writer_lock

spark_app = typer.Typer(
    help="Bulk ingest and embedding on Apache Spark (a cluster or local cores).", no_args_is_help=True
)
cluster_app = typer.Typer(help="A local Spark standalone master and worker on 127.0.0.1.", no_args_is_help=True)
app.add_typer(spark_app, name="spark")
spark_app.add_typer(cluster_app, name="cluster")

Fmt = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")]
Master = Annotated[
    str,
    typer.Option(
        "--master", envvar="NOVUM_SPARK_MASTER", help="spark://host:port of a cluster, or local[N] for N local cores."
    ),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="NOVUM_DATABASE_URL",
        help="postgresql:// URL of the store (default: the data directory's SQLite file).",
        show_default=False,
    ),
]
WorkDir = Annotated[
    Path | None,
    typer.Option("--work-dir", help="Where the cluster keeps its logs and state (default: <data dir>/spark)."),
]


def _work_dir(work: Path | None, data: Path | None) -> Path:
    return work if work is not None else data_dir(data) / "spark"


@cluster_app.command("start")
def cluster_start(
    work: WorkDir = None,
    data: DataDir = None,
    cores: Annotated[int, typer.Option(help="Cores the worker offers.")] = 2,
    memory: Annotated[str, typer.Option(help="Memory the worker offers to executors.")] = "2g",
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Start a master and a worker on free loopback ports; prints the URL to give --master."""
    from novum.spark.cluster import load_cluster, start_cluster

    folder = _work_dir(work, data)
    if (running := load_cluster(folder)) is not None:
        errors.print(f"a cluster is already recorded in {folder} ({running.url}); `novum spark cluster stop` first")
        raise typer.Exit(1)
    try:
        cluster = start_cluster(folder, cores=cores, memory=memory)
    except NovumError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    web_ui = f"http://127.0.0.1:{cluster.ui_port}"
    _emit({"url": cluster.url, "web_ui": web_ui, "cores": cores, "work_dir": str(folder)}, "spark cluster", fmt)


@cluster_app.command("stop")
def cluster_stop(work: WorkDir = None, data: DataDir = None, fmt: Fmt = OutputFormat.table) -> None:
    """Stop the cluster started by `novum spark cluster start` with the same work directory."""
    from novum.spark.cluster import load_cluster

    folder = _work_dir(work, data)
    cluster = load_cluster(folder)
    if cluster is None:
        errors.print(f"no cluster is recorded in {folder}")
        raise typer.Exit(1)
    cluster.stop()
    _emit({"stopped": cluster.url}, "spark cluster", fmt)


@spark_app.command("ingest")
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders, .zip/.tar/.gz archives.", show_default=False)],
    master: Master = "local[2]",
    database_url: DatabaseUrl = None,
    data: DataDir = None,
    index: Annotated[bool, typer.Option("--index/--no-index", help="Update the lexical index afterwards.")] = True,
    show_problems: Annotated[int, typer.Option(help="How many quarantined documents to list.")] = 20,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Ingest like `novum ingest`, parsing on Spark executors and writing from them. Safe to re-run or resume."""
    from novum.spark.ingest import StoreSpec, spark_ingest
    from novum.spark.session import spark_session

    folder = data_dir(data)
    spec = StoreSpec.of(folder, database_url)
    started = time.monotonic()
    try:
        with writer_lock(folder, "spark ingest"), spark_session(master, "novum spark ingest") as session:
            result = spark_ingest(session, paths, spec, index=index)
    except FileNotFoundError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    from novum.watch.service import after_ingest

    with spec.open() as store:
        watched = after_ingest(store)  # as after `novum ingest`: never raises, an unreachable webhook is recorded
    counts = result.counts
    summary: dict[str, Any] = {
        "read": counts.read,
        "new": counts.new,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "quarantined": counts.quarantined,
        "repaired": counts.repaired,
        "skipped_files": counts.skipped_files,
        "tasks": result.tasks,
        "indexed": result.indexed,
        "seconds": round(time.monotonic() - started, 1),
    }
    if fmt is OutputFormat.json:
        emit_json({**summary, "problems": result.problems})
        return
    console.print(counts_table("spark ingest summary", summary.items()))
    print_ingest_outcome(watched, result.problems, show_problems)


@spark_app.command("embed")
def embed(
    master: Master = "local[2]",
    database_url: DatabaseUrl = None,
    data: DataDir = None,
    model: Annotated[str, typer.Option(help="Embedding model.")] = "bge-small-en",
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Embed the documents not embedded yet into the model's pgvector table, on Spark executors. Resumable."""
    from novum.spark.embed import spark_embed
    from novum.spark.ingest import StoreSpec
    from novum.spark.session import spark_session

    if not database_url:
        errors.print(
            "[red]error:[/red] novum spark embed writes to PostgreSQL: give --database-url or NOVUM_DATABASE_URL"
        )
        raise typer.Exit(2)
    folder = data_dir(data)
    started = time.monotonic()
    try:
        with spark_session(master, "novum spark embed") as session:
            result = spark_embed(session, StoreSpec.of(folder, database_url), model)
    except NovumError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    _emit(
        {"model": result.model, "pending": result.pending, "embedded": result.documents, "passages": result.passages,
         "tasks": result.tasks, "seconds": round(time.monotonic() - started, 1)},
        "spark embed summary", fmt,
    )  # fmt: skip


@spark_app.command("landscape")
def landscape(
    master: Master = "local[2]",
    database_url: DatabaseUrl = None,
    data: DataDir = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Documents per strategic emerging industry per priority year over the whole store, counted on Spark."""
    from novum.spark.ingest import StoreSpec
    from novum.spark.landscape import industry_years, rows
    from novum.spark.session import spark_session

    with spark_session(master, "novum spark landscape") as session:
        table = industry_years(session, StoreSpec.of(data_dir(data), database_url))
    found = [{"code": r.code, "industry": r.industry, "year": r.year, "documents": r.documents} for r in rows(table)]
    emit_rows(found, fmt, ["code", "industry", "year", "documents"], "documents per industry per priority year")


def _emit(values: dict[str, Any], title: str, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        emit_json(values)
    else:
        console.print(counts_table(title, values.items()))
