"""``/api/v1/charts``: make a claim chart, then download it as HTML, PDF, XLSX, DOCX, CSV or JSON."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from novum.api.deps import corpus, iso_date
from novum.api.errors import ApiError
from novum.api.routes.search import ERRORS
from novum.api.runner import run_limited
from novum.api.schemas import ChartBody, ChartResponse
from novum.api.security import need
from novum.auth import Principal
from novum.claims.charting import ChartSpec, make_chart
from novum.claims.export import FORMATS, MEDIA_TYPES, report_bytes
from novum.claims.report import NoveltyReport
from novum.claims.saved import load_chart, save_chart

router = APIRouter(prefix="/api/v1/charts", tags=["charts"])
CACHE_SIZE = 64


class ReportCache:
    """The last charts made, as report objects, so downloads need not recompute them."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, NoveltyReport] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, chart_id: str, report: NoveltyReport) -> None:
        with self._lock:
            self._items[chart_id] = report
            while len(self._items) > CACHE_SIZE:
                self._items.popitem(last=False)

    def get(self, chart_id: str) -> NoveltyReport | None:
        with self._lock:
            return self._items.get(chart_id)


def links(chart_id: str) -> dict[str, str]:
    return {fmt: f"/api/v1/charts/{chart_id}.{fmt}" for fmt in FORMATS}


def create_chart(request: Request, spec: ChartSpec, owner: str) -> tuple[str, NoveltyReport]:
    """Make and keep a chart (shared by the API and the chart page)."""
    shared = corpus(request)
    store = shared.store()
    report = make_chart(store, shared.index(), spec)
    chart_id = save_chart(store, spec, report, owner)
    request.app.state.reports.put(chart_id, report)
    return chart_id, report


def chart_report(request: Request, chart_id: str) -> NoveltyReport:
    cached: NoveltyReport | None = request.app.state.reports.get(chart_id)
    if cached is not None:
        return cached
    shared = corpus(request)
    spec, _ = load_chart(shared.store(), chart_id)
    report = make_chart(shared.store(), shared.index(), spec)
    request.app.state.reports.put(chart_id, report)
    return report


@router.post("", response_model=ChartResponse, status_code=201, responses=ERRORS, summary="Make a claim chart")
async def post_chart(
    request: Request, body: ChartBody, principal: Annotated[Principal, Depends(need("read"))]
) -> dict[str, Any]:
    spec = ChartSpec(number=body.number, text=body.text, claim=body.claim, references=body.references, top=body.top,
                     before=iso_date(body.before, "before"), semantic=body.semantic, threshold=body.threshold,
                     passages_per_element=body.passages, text_label="pasted claim")  # fmt: skip
    chart_id, report = await run_limited(request, lambda: create_chart(request, spec, principal.name), "chart")
    return {"id": chart_id, "links": links(chart_id), "report": report.to_dict()}


@router.get("/{chart_id}.{fmt}", responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}, **ERRORS},
            summary="Download a chart")  # fmt: skip
async def get_chart(
    request: Request, chart_id: str, fmt: str, principal: Annotated[Principal, Depends(need("read"))]
) -> Response:
    if fmt not in FORMATS:
        raise ApiError(404, "not_found", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "json":
        _, report_json = load_chart(corpus(request).store(), chart_id)
        body = json.dumps(report_json, ensure_ascii=False, indent=2).encode()
    else:
        report = await run_limited(request, lambda: chart_report(request, chart_id), "chart")
        body = await run_limited(request, lambda: report_bytes(report, fmt), "chart export")
    disposition = "inline" if fmt in ("html", "json") else "attachment"
    return Response(body, media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'{disposition}; filename="chart-{chart_id}.{fmt}"'})  # fmt: skip
