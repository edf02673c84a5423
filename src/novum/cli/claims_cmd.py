"""``novum claims`` (the claim tree, each claim segmented) and ``novum chart`` (element-by-element claim chart and
novelty report). Registered on the shared app by an import at the end of ``novum.cli.app``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from novum.claims import ClaimTextError
from novum.claims.chart import DEFAULT_THRESHOLD, ClaimChart
from novum.claims.charting import ChartSpec, make_chart
from novum.claims.export import BINARY, FORMATS, write_report
from novum.claims.export.data import CSV_COLUMNS, csv_rows
from novum.claims.report import NoveltyReport
from novum.claims.segment import Element, SegmentedClaim
from novum.claims.tree import ClaimNode, build_tree, claim_language, claim_set, parse_claims_text, segment_all
from novum.cli.app import DataDir, _iso, app, data_dir, ready_index
from novum.cli.output import console, emit_json, errors
from novum.model import Claim
from novum.store.sqlite import Store

TextOpt = Annotated[str | None, typer.Option("--text", help="Claim text to use instead of a stored publication.")]
FileOpt = Annotated[Path | None, typer.Option("--file", help="Read the claim text from this file ('-' for stdin).")]


def _read_text(text: str | None, file: Path | None) -> str | None:
    if text is not None and file is not None:
        raise typer.BadParameter("give --text or --file, not both", param_hint="--text/--file")
    if file is None:
        return text
    if str(file) == "-":
        return sys.stdin.read()
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"cannot read {file}: {exc}", param_hint="--file") from exc


@app.command()
def claims(
    number: Annotated[str | None, typer.Argument(help="Publication number in any common form.")] = None,
    text: TextOpt = None,
    file: FileOpt = None,
    lang: Annotated[str | None, typer.Option(help="Claim language to show when several (en, de, fr, zh…).")] = None,
    data: DataDir = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """The claim tree: independent claims with their dependants, each cut into preamble, transition and elements."""
    pasted = _read_text(text, file)
    if pasted is None and number is None:
        raise typer.BadParameter("give a publication NUMBER, --text or --file", param_hint="NUMBER")
    if pasted is not None:
        claim_list, title = parse_claims_text(pasted), "claims (pasted text)"
    else:
        assert number is not None
        with Store(data_dir(data)) as store:
            patent = store.get(number)
        chosen = lang or claim_language(patent)
        claim_list, title = claim_set(patent, chosen), f"{patent.number} claims ({chosen or '?'})"
        if not claim_list:
            raise ClaimTextError(f"{patent.number} has no claims in the store")
    roots = build_tree(claim_list)
    segmented = segment_all(claim_list)
    if fmt == "json":
        emit_json({"title": title, "claims": [root.to_dict(segmented) for root in roots]})
        return
    tree = Tree(f"[bold]{escape(title)}[/bold] ({len(claim_list)})")
    for root in roots:
        _render_node(tree, root, segmented)
    console.print(tree)


def _render_node(parent: Tree, node: ClaimNode, segmented: dict[int, SegmentedClaim]) -> None:
    claim: Claim = node.claim
    seg = segmented.get(claim.number)
    if seg is None:
        branch = parent.add(f"[bold]{claim.number}.[/bold] {escape(claim.text[:160])} [red](unreadable)[/red]")
    else:
        transition = f" [cyan]{escape(seg.transition.text)}[/cyan]" if seg.transition else ""
        branch = parent.add(f"[bold]{claim.number}.[/bold] [italic]{escape(seg.preamble.text)}[/italic]{transition}")
        _render_elements(branch, seg.elements)
        for warning in seg.warnings:
            branch.add(f"[yellow]{escape(warning)}[/yellow]")
    for child in node.children:
        _render_node(branch, child, segmented)


def _render_elements(parent: Tree, elements: list[Element]) -> None:
    for element in elements:
        tag = "" if element.kind == "element" else f" [magenta]({element.kind})[/magenta]"
        branch = parent.add(f"[green]{escape(element.id)}[/green]{tag} {escape(element.text)}")
        _render_elements(branch, element.children)


@app.command()
def chart(
    source: Annotated[
        list[str] | None,
        typer.Argument(help="CLAIM_SOURCE (a publication number), then optionally more reference numbers."),
    ] = None,
    against: Annotated[list[str] | None, typer.Option(help="Reference numbers to chart against.")] = None,
    top: Annotated[int | None, typer.Option(min=1, max=50, help="Chart the top N prior-art search hits.")] = None,
    claim: Annotated[int | None, typer.Option(help="Claim number (default: the first independent claim).")] = None,
    text: TextOpt = None,
    file: FileOpt = None,
    before: Annotated[str | None, typer.Option(help="Cut-off for --top (default: the claim's priority date).")] = None,
    semantic: Annotated[bool, typer.Option(help="Lexical + phrase cross-encoder (en) or e5 (zh).")] = False,
    threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="Score at which an element counts as found.")] = (
        DEFAULT_THRESHOLD
    ),
    passages_per_element: Annotated[int, typer.Option("--passages", min=1, max=10, help="Passages per element.")] = 3,
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"table or {', '.join(FORMATS)}.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    data: DataDir = None,
) -> None:
    """Claim chart: for each element, the best passages of each reference, coverage verdicts and combinations."""
    if fmt not in ("table", *FORMATS):
        raise typer.BadParameter(f"use table or one of {', '.join(FORMATS)}", param_hint="--format")
    if fmt in BINARY and output is None:
        raise typer.BadParameter(f"--format {fmt} needs --output FILE", param_hint="--output")
    positional = list(source or [])
    pasted = _read_text(text, file)
    if pasted is None and not positional:
        raise typer.BadParameter("give a CLAIM_SOURCE number, --text or --file", param_hint="CLAIM_SOURCE")
    claim_number = None if pasted is not None else positional.pop(0)
    numbers = [n.strip() for item in [*(against or []), *positional] for n in item.split(",") if n.strip()]
    if not numbers and top is None:
        raise typer.BadParameter("give references with --against REF … or ask for --top N", param_hint="--against")
    spec = ChartSpec(
        number=claim_number, text=pasted, claim=claim, references=numbers, top=top, before=_iso(before, "--before"),
        semantic=semantic, threshold=threshold, passages_per_element=passages_per_element,
        text_label="--file" if file else "--text",
    )  # fmt: skip
    with Store(data_dir(data)) as store:
        index = ready_index(store) if top else None
        report = make_chart(store, index, spec)  # type: ignore[arg-type]
    _emit(report, fmt, output)


def _emit(report: NoveltyReport, fmt: str, output: Path | None) -> None:
    if output is not None and fmt != "table":
        write_report(report, fmt, output)
        errors.print(f"wrote {output}")
        return
    if fmt == "json":
        emit_json(report.to_dict())
    elif fmt == "csv":
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_rows(report))
    elif fmt == "html":
        from novum.claims.export.html import render_html

        sys.stdout.write(render_html(report) + "\n")
    else:
        _print_chart(report.chart, report)


def _print_chart(result: ClaimChart, report: NoveltyReport) -> None:
    console.print(
        f"[bold]{escape(result.source_label)}[/bold]  scorer {escape(result.scorer)}, found ≥ {result.threshold}"
    )
    for summary, ref in zip(report.references, result.ranked(), strict=True):
        table = Table(title=f"{ref.number}  {escape(ref.title or '')}", title_justify="left", show_lines=True)
        table.add_column("element", no_wrap=True)
        table.add_column("claim text", ratio=2, overflow="fold")
        table.add_column("best passages", ratio=3, overflow="fold")
        for mapping in ref.mappings:
            mark = "·" if not mapping.row.counts else ("[green]✓[/green]" if mapping.found else "[red]✗[/red]")
            evidence = "\n".join(
                f"[bold]{escape(e.ref)}[/bold] ({e.score:.2f}) {_rich_marks(e.quote, e.marks)}"
                for e in mapping.evidence
            )
            table.add_row(f"{mark} {escape(mapping.row.id)}", escape(mapping.row.text), evidence or "—")
        console.print(table)
        console.print(f"  [bold]{escape(ref.verdict)}[/bold]; {escape(summary.why)}", highlight=False)
    if result.combinations:
        console.print("[bold]two-reference combinations[/bold]")
        for combo in result.combinations[:5]:
            missing = ", ".join(combo.missing) or "none"
            console.print(f"  {combo.first} + {combo.second}: {len(combo.covered)} covered, missing {missing}")


def _rich_marks(quote: str, marks: list[tuple[int, int]]) -> str:
    out: list[str] = []
    cursor = 0
    for start, end in marks:
        out.extend((escape(quote[cursor:start]), "[bold yellow]", escape(quote[start:end]), "[/bold yellow]"))
        cursor = end
    out.append(escape(quote[cursor:]))
    return "".join(out)
