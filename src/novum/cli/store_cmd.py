"""``novum migrate-store --to URL``: copy the data directory's store into PostgreSQL (``novum.store.transfer``).

Registered on the shared app by an import at the end of ``novum.cli.app``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from novum.cli.app import DataDir, app, data_dir
from novum.cli.output import OutputFormat, console, emit_json, emit_rows
from novum.errors import NovumError
from novum.store.lock import writer_lock
from novum.store.sqlite import DB_NAME, Store, resolve_database_url
from novum.store.transfer import copy_store

_COLUMNS = ["table", "source_rows", "already", "copied", "target_rows", "identical"]


@app.command("migrate-store")
def migrate_store(
    to: Annotated[str, typer.Option("--to", help="The PostgreSQL URL to copy into (postgresql://...).")],
    data: DataDir = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Rows per transaction.")] = 500,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")] = OutputFormat.table,
) -> None:
    """Copy every table of the store (records, raw bytes, quarantine, history, watches, ...) into PostgreSQL.

    Resumable: run it again after an interruption and it continues where it stopped. It ends by comparing row
    counts and content digests of every table; then set NOVUM_DATABASE_URL to the URL to use the copy.
    """
    folder = data_dir(data)
    if resolve_database_url() is None and not (folder / DB_NAME).exists():  # opening it would create an empty one
        raise NovumError(f"there is no store in {folder} to copy")
    with writer_lock(folder, "migrate-store"), Store(folder) as source, Store(folder, to) as target:
        report = copy_store(source, target, batch=batch)
    if fmt is OutputFormat.json:
        emit_json(report.to_dict())
    else:
        emit_rows(
            [t.to_dict() for t in report.tables],
            OutputFormat.table,
            _COLUMNS,
            title=f"{report.source} -> {report.target}",
        )
        verdict = "identical" if report.identical else "[red]NOT identical[/red]"
        console.print(f"schema v{report.schema_version}; the copy is {verdict}")
    extra = [t.table for t in report.tables if t.target_rows > t.source_rows]
    if extra:
        raise NovumError(
            f"the target holds rows the source does not ({', '.join(extra)}): copy into an empty database, or one"
            " only migrate-store has written to"
        )
    if not report.identical:
        raise NovumError("the copy differs from the source (see the table); run migrate-store again to resume")
