"""A readable rendering of one record for ``novum show``: bibliography, abstract, claim tree, citations."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from novum.cli.output import console
from novum.model import Claim, Patent


def render_patent(patent: Patent, provenance: dict[str, Any]) -> None:
    biblio = Table.grid(padding=(0, 2))
    biblio.add_column(style="bold")
    biblio.add_column(overflow="fold")
    rows: list[tuple[str, str | None]] = [
        ("number", patent.number),
        ("type", patent.doc_type),
        ("application", patent.application_number),
        ("published", patent.publication_date),
        ("filed", patent.filing_date),
        (
            "priority",
            ", ".join(f"{p.country or ''} {p.number or ''} {p.date or ''}".strip() for p in patent.priority_claims)
            or patent.priority_date,
        ),
        ("language", patent.language),
        ("family", patent.family_id or (", ".join(patent.family_members) or None)),
        ("CPC", ", ".join(patent.cpc)),
        ("IPC", ", ".join(patent.ipc)),
        ("applicants", "; ".join(p.name for p in patent.applicants)),
        ("assignees", "; ".join(p.name for p in patent.assignees)),
        ("inventors", "; ".join(p.name for p in patent.inventors)),
        (
            "source",
            f"{provenance.get('source', '')} ({provenance.get('position', '')}, {provenance.get('format', '')})",
        ),
    ]
    for lang, title in patent.titles.items():
        biblio.add_row(f"title [{lang}]", title)
    for label, value in rows:
        if value:
            biblio.add_row(label, value)
    console.print(biblio)
    for lang, abstract in patent.abstracts.items():
        console.print(f"\n[bold]abstract [{lang}][/bold]\n{abstract}", highlight=False)
    if patent.claims:
        console.print()
        console.print(claim_tree(patent.claims))
    if patent.description:
        console.print(f"\n[bold]description[/bold]: {len(patent.description)} paragraphs")
        for paragraph in patent.description[:3]:
            number = f"[{paragraph.number}] " if paragraph.number else ""
            console.print(f"  {number}{paragraph.text[:300]}", highlight=False)
    if patent.citations:
        table = Table(title=f"citations ({len(patent.citations)})")
        for column in ("cited", "by", "category", "phase"):
            table.add_column(column, overflow="fold")
        for citation in patent.citations:
            table.add_row(
                citation.number or citation.text or citation.doc_number or "",
                citation.cited_by or "",
                citation.category or "",
                citation.phase or "",
            )
        console.print(table)


def print_hits(rows: list[dict[str, Any]], query: str) -> None:
    """Search hits as a table; the snippet sits under the title with the matched words in bold."""
    table = Table(title=f"{len(rows)} hits — {query}", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("number", no_wrap=True)
    table.add_column("score", justify="right")
    table.add_column("title / best passage", ratio=4, overflow="fold")
    table.add_column("dates", no_wrap=True)
    table.add_column("classes / applicants", ratio=2, overflow="fold")
    for row in rows:
        text = escape(row["title"] or "")
        if row["snippet"]:
            text += "\n[dim]" + escape(row["snippet"]).replace("**", "\x00")
            text = _bold_pairs(text) + "[/dim]"
        if row["family_members"]:
            text += f"\n[italic]family: {escape(', '.join(row['family_members']))}[/italic]"
        if row.get("passage"):
            text += f"\n[italic]best passage: {escape(row['passage'])}[/italic]"
        for line in row.get("explanation", []):
            text += "\n" + _bold_pairs(escape(line).replace("**", "\x00"))
        dates = "\n".join(
            f"{label} {row[key] or '-'}"
            for label, key in (("prio", "priority_date"), ("filed", "filing_date"), ("pub", "publication_date"))
        )
        parties = "\n".join([", ".join((row["cpc"] or row["ipc"])[:3]), *row["applicants"][:2]]).strip()
        table.add_row(str(row["rank"]), row["number"], f"{row['score']:.2f}", text, dates, escape(parties))
    console.print(table)


def _bold_pairs(text: str) -> str:
    parts = text.split("\x00")
    return "".join(p if i % 2 == 0 else f"[bold]{p}[/bold]" for i, p in enumerate(parts))


def claim_tree(claims: list[Claim]) -> Tree:
    """Independent claims at the root, each dependent claim under the first claim it refers to."""
    tree = Tree(f"[bold]claims[/bold] ({len(claims)})")
    nodes: dict[tuple[str | None, int], Tree] = {}
    for claim in claims:
        label = f"{claim.number}. {claim.text[:160]}{'…' if len(claim.text) > 160 else ''}"
        parent_key = (claim.lang, claim.depends_on[0]) if claim.depends_on else None
        parent = nodes.get(parent_key) if parent_key else None
        nodes[(claim.lang, claim.number)] = (parent or tree).add(label, highlight=False)
    return tree
