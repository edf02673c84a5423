"""The claim chart pages: a form (a stored claim or pasted claims; named references or the top N prior-art hits)
and the chart itself, elements x references with the highlighted evidence, verdicts, combinations and downloads.
Charts are made and kept by ``novum.api.routes.charts.create_chart``, the same call ``POST /api/v1/charts`` makes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from novum.api.deps import iso_date
from novum.api.routes.charts import chart_report, create_chart, links
from novum.api.runner import run_limited
from novum.claims.charting import ChartSpec
from novum.web.render import Redirect, html_page, render
from novum.web.session import check_csrf, current_user

router = APIRouter(include_in_schema=False)
DEFAULT_TOP = 5


def _numbers(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").replace(";", " ").split() if part]


@router.get("/charts/new")
@html_page
async def chart_form(
    request: Request, number: str = "", claim: str = "", references: str = "", top: str = "", before: str = ""
) -> Response:
    user = current_user(request)
    form = {"number": number, "claim": claim, "text": "", "references": references,
            "top": top or ("" if references else str(DEFAULT_TOP)), "before": before, "semantic": False}  # fmt: skip
    return render(request, "chart_form.html", user=user, form=form, error=None)


@router.post("/charts/new")
@html_page
async def chart_create(
    request: Request, csrf_token: Annotated[str, Form()] = "", number: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "", claim: Annotated[str, Form()] = "", references: Annotated[str, Form()] = "",
    top: Annotated[str, Form()] = "", before: Annotated[str, Form()] = "", semantic: Annotated[bool, Form()] = False,
) -> Response:  # fmt: skip
    user = current_user(request)
    check_csrf(user, csrf_token)
    form = {"number": number, "claim": claim, "text": text, "references": references, "top": top, "before": before,
            "semantic": semantic}  # fmt: skip
    try:
        spec = ChartSpec(
            number=number.strip() or None, text=text.strip() or None,
            claim=int(claim) if claim.strip() else None, references=_numbers(references),
            top=int(top) if top.strip() else None, before=iso_date(before, "before"), semantic=semantic,
            text_label="pasted claim",
        )  # fmt: skip
        spec.check()
    except ValueError as exc:
        message = str(exc) if "invalid literal" not in str(exc) else "claim and top must be whole numbers"
        return render(request, "chart_form.html", 400, user=user, form=form, error=message)
    chart_id, _ = await run_limited(request, lambda: create_chart(request, spec, user.principal.name), "chart")
    raise Redirect(f"/charts/{chart_id}")


@router.get("/charts/{chart_id}")
@html_page
async def chart_page(request: Request, chart_id: str) -> Response:
    user = current_user(request)
    report = await run_limited(request, lambda: chart_report(request, chart_id), "chart")
    chart = report.chart
    references = chart.ranked()
    cells = {(ref.number, m.row.id): m for ref in references for m in ref.mappings}
    return render(request, "chart.html", user=user, chart_id=chart_id, report=report, chart=chart,
                  references=references, cells=cells, links=links(chart_id))  # fmt: skip
