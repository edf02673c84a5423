"""Landscape charts rendered on the server: static SVG/PNG through matplotlib (for PDF and XLSX reports) and
self-contained interactive SVG (for HTML: tooltips and drill-down, no script or font fetched at run time).

Chinese labels need a CJK font: matplotlib is pointed at Noto Sans CJK (``fonts-noto-cjk``, installed by ``make
setup``), found through its font manager, and SVG text is written as paths so a reader needs no font. A chart is a
``ChartSpec`` first (labels, values, the drill-down key of every bar), so every renderer draws the same data and a
report's data sheets hold exactly what a chart shows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from html import escape
from typing import Any

from novum.analytics.landscape import Landscape, YearRow

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Sans CJK KR")
_BAR = "#3b6ea8"
_PALE = "#a9c1dd"
_LINE = "#d9822b"


@dataclass(slots=True)
class ChartSpec:
    """One chart's data. ``kind`` is ``bar`` (vertical, years), ``hbar`` (ranked categories) or ``heatmap``."""

    id: str
    title: str
    kind: str
    labels: list[str]
    values: list[float]
    dimension: str  # what a bar drills down to (``Landscape.numbers(dimension, key)``)
    keys: list[str]
    faded: list[bool] = field(default_factory=list)  # incomplete years, drawn pale
    line: list[float] | None = None  # a second series drawn as a line (publications beside families)
    line_label: str | None = None
    value_label: str = "documents"
    matrix: list[list[int]] | None = None  # heatmap rows x columns
    columns: list[str] = field(default_factory=list)
    note: str | None = None

    def table(self) -> list[list[Any]]:
        """The data behind the chart as rows (header first), for the XLSX data sheets."""
        if self.kind == "heatmap" and self.matrix is not None:
            return [["", *self.columns], *([label, *row] for label, row in zip(self.labels, self.matrix, strict=True))]
        header = ["label", self.value_label, *([self.line_label] if self.line is not None else []), "incomplete"]
        rows: list[list[Any]] = [header]
        for i, label in enumerate(self.labels):
            extra = [self.line[i]] if self.line is not None else []
            rows.append([label, self.values[i], *extra, bool(self.faded[i]) if self.faded else False])
        return rows


def chart_specs(land: Landscape, top: int = 15) -> list[ChartSpec]:
    """The charts of a landscape; none for an empty set (a chart of nothing would look like a finding)."""
    if land.empty:
        return []
    specs: list[ChartSpec] = []
    basis_rows = land.priority_years if land.basis == "priority" else land.publication_years
    if basis_rows:
        pub = {r.year: r.documents for r in land.publication_years}
        filled = {r.year: r for r in basis_rows}  # every year on the axis, so a gap shows as a gap
        years = list(range(basis_rows[0].year, basis_rows[-1].year + 1))
        basis_rows = [
            filled.get(y) or YearRow(y, 0, incomplete=y > (land.last_complete[land.basis] or y)) for y in years
        ]
        if land.basis == "priority":
            specs.append(ChartSpec(
                "activity", "Families by earliest priority year (pale: incomplete) · 按最早优先权年的同族数", "bar",
                [str(y) for y in years], [r.families for r in basis_rows], "priority_year", [str(y) for y in years],
                [r.incomplete for r in basis_rows], [pub.get(y, 0) for y in years], "publications", "families",
            ))  # fmt: skip
        else:
            specs.append(ChartSpec(
                "activity", "Publications by year (pale: incomplete) · 按公开年的文献数", "bar",
                [str(y) for y in years], [r.documents for r in basis_rows], "publication_year",
                [str(y) for y in years], [r.incomplete for r in basis_rows],
            ))  # fmt: skip
    rows = land.applicants[:top]
    if rows:
        specs.append(ChartSpec(
            "applicants", "Top applicants (cleaned names) · 主要申请人", "hbar",
            [f"{r.name} (+{r.merged - 1})" if r.merged > 1 else r.name for r in rows],
            [r.documents for r in rows], "applicant", [r.key for r in rows],
            note="(+n): raw spellings merged into the name",
        ))  # fmt: skip
    groups = land.cpc_groups or land.ipc_groups
    scheme = "cpc" if land.cpc_groups else "ipc"
    if groups:
        specs.append(ChartSpec(
            "classes", f"Top {scheme.upper()} main groups · 主要分类号", "hbar",
            [f"{r.key} {(r.title or '')[:50]}".strip() for r in groups[:top]], [r.documents for r in groups[:top]],
            f"{scheme}_group", [r.key for r in groups[:top]],
        ))  # fmt: skip
    if land.sei:
        specs.append(ChartSpec(
            "sei", "Strategic emerging industries · 战略性新兴产业分布", "hbar",
            [f"{r.key} {r.label}" for r in land.sei], [r.documents for r in land.sei], "sei", [r.key for r in land.sei],
        ))  # fmt: skip
    if land.offices:
        specs.append(ChartSpec(
            "offices", "Filing offices · 受理局", "hbar", [r.key for r in land.offices],
            [r.documents for r in land.offices], "office", [r.key for r in land.offices],
        ))  # fmt: skip
    if land.applicant_countries:
        specs.append(ChartSpec(
            "countries", "Applicants' countries · 申请人国别", "hbar", [r.key for r in land.applicant_countries],
            [r.documents for r in land.applicant_countries], "applicant_country",
            [r.key for r in land.applicant_countries],
        ))  # fmt: skip
    entrants = [e for e in land.new_entrants if e["year"] >= (land.matrix.get("years") or [0])[0]]
    if entrants:
        specs.append(ChartSpec(
            "entrants", "New entrants per year · 新进入者", "bar", [str(e["year"]) for e in entrants],
            [e["entrants"] for e in entrants], "new_entrant", [str(e["year"]) for e in entrants],
            [e["incomplete"] for e in entrants], value_label="entrants",
        ))  # fmt: skip
    if land.emerging_terms:
        terms = land.emerging_terms[:top]
        specs.append(ChartSpec(
            "terms", "Fastest-rising terms (recent / earlier share) · 新兴技术词", "hbar",
            [t.term for t in terms], [round(t.ratio, 2) for t in terms], "term", [t.term for t in terms],
            value_label="ratio",
        ))  # fmt: skip
    matrix = land.matrix
    if matrix.get("groups"):
        specs.append(ChartSpec(
            "matrix", "Main group x year (white space) · 技术空白矩阵", "heatmap",
            [f"{g} {(t or '')[:40]}".strip() for g, t in zip(matrix["groups"], matrix["titles"], strict=True)],
            [float(sum(r)) for r in matrix["counts"]], "matrix", matrix["groups"],
            matrix=matrix["counts"], columns=[str(y) for y in matrix["years"]],
        ))  # fmt: skip
    return specs


# --- static (matplotlib) -----------------------------------------------------------------------------------------
@cache
def cjk_font() -> str | None:
    """The installed Noto Sans CJK family matplotlib will use, or ``None`` when none is installed."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FAMILIES if n in names), None)


def _figure(spec: ChartSpec) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    font = cjk_font()
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    with plt.rc_context({"font.family": families, "svg.fonttype": "path", "axes.unicode_minus": False}):
        if spec.kind == "heatmap" and spec.matrix is not None:
            fig, ax = plt.subplots(figsize=(10, 0.35 * len(spec.labels) + 1.6))
            image = ax.imshow(spec.matrix, aspect="auto", cmap="Blues")
            ax.set_yticks(range(len(spec.labels)), spec.labels, fontsize=7)
            ax.set_xticks(range(len(spec.columns)), spec.columns, rotation=90, fontsize=7)
            fig.colorbar(image, ax=ax, label="documents")
        elif spec.kind == "hbar":
            fig, ax = plt.subplots(figsize=(9, 0.32 * len(spec.labels) + 1.2))
            positions = list(range(len(spec.labels)))[::-1]
            ax.barh(positions, spec.values, color=_BAR)
            ax.set_yticks(positions, [label[:70] for label in spec.labels], fontsize=7)
            ax.set_xlabel(spec.value_label)
        else:
            fig, ax = plt.subplots(figsize=(10, 4))
            colors = [_PALE if (spec.faded and spec.faded[i]) else _BAR for i in range(len(spec.values))]
            ax.bar(range(len(spec.values)), spec.values, color=colors, label=spec.value_label)
            if spec.line is not None:
                ax.plot(range(len(spec.line)), spec.line, color=_LINE, marker="o", markersize=3, label=spec.line_label)
                ax.legend(fontsize=8)
            step = max(1, len(spec.labels) // 20)
            ax.set_xticks(range(0, len(spec.labels), step), spec.labels[::step], rotation=90, fontsize=7)
            ax.set_ylabel(spec.value_label)
        ax.set_title(spec.title, fontsize=10)
        if spec.note:
            fig.text(0.01, 0.01, spec.note, fontsize=7, color="#555")
        fig.tight_layout()
    return fig


def render_svg(spec: ChartSpec) -> str:
    """The chart as a standalone SVG string (text drawn as paths: Chinese renders without a font)."""
    return _render(spec, "svg").decode()


def render_png(spec: ChartSpec, dpi: int = 110) -> bytes:
    return _render(spec, "png", dpi)


def _render(spec: ChartSpec, fmt: str, dpi: int = 110) -> bytes:
    from matplotlib import pyplot as plt

    fig = _figure(spec)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)
    return buffer.getvalue()


# --- interactive (HTML) ------------------------------------------------------------------------------------------
def interactive_svg(spec: ChartSpec) -> str:
    """An SVG for the HTML report and the web page: every bar or cell has a tooltip (``<title>``) and
    ``data-dimension``/``data-key`` attributes a page script turns into a drill-down. Text is left as text (the
    browser's own CJK fonts render it)."""
    if spec.kind == "heatmap" and spec.matrix is not None:
        return _heatmap_svg(spec)
    if spec.kind == "hbar":
        return _hbar_svg(spec)
    return _vbar_svg(spec)


def _bar(x: float, y: float, w: float, h: float, color: str, spec: ChartSpec, i: int, tip: str) -> str:
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{color}" '
        f'data-dimension="{escape(spec.dimension)}" data-key="{escape(spec.keys[i])}">'
        f"<title>{escape(tip)}</title></rect>"
    )


def _vbar_svg(spec: ChartSpec) -> str:
    width, height, left, bottom, top = 860, 300, 50, 50, 30
    n = max(len(spec.values), 1)
    peak = max([*spec.values, *(spec.line or []), 1])
    slot = (width - left - 10) / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" id="{spec.id}">',
             f'<text x="{left}" y="18" font-size="13">{escape(spec.title)}</text>']  # fmt: skip
    scale = (height - top - bottom) / peak
    for i, value in enumerate(spec.values):
        h = value * scale
        x = left + i * slot + slot * 0.1
        color = _PALE if spec.faded and spec.faded[i] else _BAR
        tip = f"{spec.labels[i]}: {value:g} {spec.value_label}" + (" (incomplete)" if color == _PALE else "")
        parts.append(_bar(x, height - bottom - h, slot * 0.8, h, color, spec, i, tip))
        if n <= 40 or i % 2 == 0:
            parts.append(f'<text x="{x + slot * 0.4:.1f}" y="{height - bottom + 12}" font-size="9" '
                         f'text-anchor="end" transform="rotate(-60 {x + slot * 0.4:.1f} {height - bottom + 12})">'
                         f"{escape(spec.labels[i])}</text>")  # fmt: skip
    if spec.line is not None:
        points = " ".join(
            f"{left + i * slot + slot / 2:.1f},{height - bottom - v * scale:.1f}" for i, v in enumerate(spec.line)
        )
        parts.append(f'<polyline points="{points}" fill="none" stroke="{_LINE}" stroke-width="2">'
                     f"<title>{escape(spec.line_label or '')}</title></polyline>")  # fmt: skip
    parts.append(f'<text x="5" y="{top + 5}" font-size="9">{peak:g}</text></svg>')
    return "".join(parts)


def _hbar_svg(spec: ChartSpec) -> str:
    row, label_w, width = 20, 330, 860
    height = 40 + row * len(spec.values)
    peak = max([*spec.values, 1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" id="{spec.id}">',
             f'<text x="5" y="18" font-size="13">{escape(spec.title)}</text>']  # fmt: skip
    for i, value in enumerate(spec.values):
        y = 30 + i * row
        w = (width - label_w - 60) * value / peak
        parts.append(f'<text x="{label_w - 5}" y="{y + 14}" font-size="10" text-anchor="end">'
                     f"{escape(spec.labels[i][:60])}</text>")  # fmt: skip
        parts.append(_bar(label_w, y + 2, w, row - 5, _BAR, spec, i, f"{spec.labels[i]}: {value:g} {spec.value_label}"))
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="9">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _heatmap_svg(spec: ChartSpec) -> str:
    assert spec.matrix is not None
    cell, label_w = 26, 300
    width = label_w + cell * len(spec.columns) + 10
    height = 60 + cell * len(spec.labels)
    peak = max([max(r) for r in spec.matrix if r] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" id="{spec.id}">',
             f'<text x="5" y="18" font-size="13">{escape(spec.title)}</text>']  # fmt: skip
    for j, column in enumerate(spec.columns):
        parts.append(f'<text x="{label_w + j * cell + cell / 2}" y="40" font-size="9" text-anchor="middle">'
                     f"{escape(column[-2:])}</text>")  # fmt: skip
    for i, (label, values) in enumerate(zip(spec.labels, spec.matrix, strict=True)):
        y = 46 + i * cell
        parts.append(
            f'<text x="{label_w - 5}" y="{y + 16}" font-size="9" text-anchor="end">{escape(label[:50])}</text>'
        )
        for j, value in enumerate(values):
            shade = int(255 - 200 * value / peak)
            color = f"rgb({shade},{shade + (255 - shade) // 3},255)" if value else "#f4f4f4"
            key = f"{spec.keys[i]}|{spec.columns[j]}"
            parts.append(f'<rect class="bar" x="{label_w + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                         f'fill="{color}" data-dimension="matrix" data-key="{escape(key)}">'
                         f"<title>{escape(spec.keys[i])} {spec.columns[j]}: {value}</title></rect>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
