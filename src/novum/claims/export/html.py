"""A self-contained HTML report (no scripts, no external assets): opens in any browser, prints to paper."""

from __future__ import annotations

from html import escape
from pathlib import Path

from novum.claims.chart import Evidence
from novum.claims.report import NoveltyReport

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #ccc;padding:.35rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}mark{background:#ffe27a}.found{color:#176b20}.missing{color:#a11}
.small{font-size:.85em;color:#555}
"""


def marked(evidence: Evidence) -> str:
    """The quote, escaped, with the matching words in ``<mark>``."""
    return "".join(f"<mark>{escape(text)}</mark>" if mark else escape(text) for text, mark in evidence.segments())


def render_html(report: NoveltyReport) -> str:
    chart = report.chart
    s = report.strategy
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Novelty report: {escape(report.query)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Novelty report</h1><p><b>Claim:</b> {escape(report.query)}</p>",
        f"<blockquote>{escape(report.claim_text)}</blockquote>",
        "<h2>Search strategy</h2><table>",
    ]
    strategy_rows = [
        ("queries", "<br>".join(escape(q) for q in s.queries) or "references given by the user"),
        ("filters", escape(", ".join(f"{k}={v}" for k, v in s.filters.items())) or "none"),
        ("priority-date cut-off", escape(s.cutoff or "none")),
        ("corpus snapshot", escape(", ".join(f"{k} {v}" for k, v in s.corpus.items())) or "not recorded"),
        ("models", escape(", ".join(f"{k} {v}" for k, v in s.models.items()))),
        ("created", escape(s.created)),
    ]
    parts.extend(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in strategy_rows)
    parts.append("</table><h2>References</h2><table><tr><th>#</th><th>reference</th><th>dates</th>"
                 "<th>verdict</th><th>why it matters</th></tr>")  # fmt: skip
    for ref in report.references:
        dates = f"priority {ref.priority_date or '–'}<br>filed {ref.filing_date or '–'}<br>published " + (
            ref.publication_date or "–"
        )
        parts.append(
            f"<tr><td>{ref.rank}</td><td><b>{escape(ref.number)}</b><br>{escape(ref.title or '')}</td>"
            f"<td class='small'>{dates}</td><td>{escape(ref.verdict)}</td><td>{escape(ref.why)}</td></tr>"
        )
    parts.append("</table>")
    if chart.combinations:
        parts.append("<h2>Two-reference combinations</h2><table><tr><th>references</th><th>covered</th>"
                     "<th>missing</th></tr>")  # fmt: skip
        for combo in chart.combinations:
            parts.append(
                f"<tr><td>{escape(combo.first)} + {escape(combo.second)}</td><td>{len(combo.covered)}</td>"
                f"<td>{escape(', '.join(combo.missing)) or 'none'}</td></tr>"
            )
        parts.append("</table>")
    parts.append(f"<h2>Claim chart</h2><p class='small'>scorer {escape(chart.scorer)}; an element is found when "
                 f"its best passage scores at least {chart.threshold}</p>")  # fmt: skip
    for rc in chart.ranked():
        parts.append(f"<h3>{escape(rc.number)}: {escape(rc.verdict)}</h3><table><tr><th>element</th>"
                     "<th>claim text</th><th>evidence</th></tr>")  # fmt: skip
        for mapping in rc.mappings:
            status = "found" if mapping.found else "missing"
            label = "preamble" if not mapping.row.counts else status
            evidence = (
                "".join(
                    f"<p><b>{escape(e.ref)}</b> <span class='small'>({e.score:.2f})</span> {marked(e)}</p>"
                    for e in mapping.evidence
                )
                or "<p class='small'>no matching passage</p>"
            )
            parts.append(
                f"<tr><td>{escape(mapping.row.id)}<br><span class='{status}'>{label}</span></td>"
                f"<td>{escape(mapping.row.text)}</td><td>{evidence}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(report: NoveltyReport, path: Path) -> None:
    path.write_text(render_html(report), encoding="utf-8")
