"""``novum check``: do the search index and the vectors agree with the store? Reads only; exit status 1 when not."""

from __future__ import annotations

from typing import Annotated

import typer

from novum.cli.app import DataDir, app, data_dir
from novum.cli.output import console, counts_table, emit_json
from novum.index.consistency import check


@app.command("check")
def check_command(
    data: DataDir = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Compare the store with the lexical index and every model's vectors; list each disagreement and its fix."""
    if fmt not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")
    report = check(data_dir(data))
    if fmt == "json":
        emit_json(report.to_dict())
    else:
        rows: list[tuple[str, object]] = [
            ("documents in the store", report.documents),
            ("quarantined", report.quarantined),
            ("waiting for the search index", report.pending_index),
            ("in the search index", report.lexical_distinct),
            ("firm documents", report.firm_documents),
        ]
        for model in report.models:
            rows += [
                (f"{model.model}: embedded", model.embedded),
                (f"{model.model}: not embedded", model.not_embedded),
                (f"{model.model}: live passages", model.live_passages),
                (f"{model.model}: vector rows / passage rows", f"{model.vector_rows} / {model.committed_rows}"),
            ]
        console.print(counts_table(f"check of {report.data_dir}", rows))
        for problem in report.problems:
            console.print(f"[red]problem:[/red] {problem}", highlight=False)
        if report.ok:
            console.print("[green]ok[/green]: the indexes agree with the store")
    if not report.ok:
        raise typer.Exit(1)
