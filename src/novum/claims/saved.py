"""Charts kept by id, so a chart made once (``POST /api/v1/charts``, the chart page) can be downloaded in every
format later. The request is kept with the report: after a restart, a binary export is rebuilt from it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from typing import Any

from novum.claims.charting import ChartSpec
from novum.claims.report import NoveltyReport
from novum.errors import NotFoundError
from novum.store.platform import ChartTable
from novum.store.sqlite import Store


def save_chart(store: Store, spec: ChartSpec, report: NoveltyReport, owner: str | None) -> str:
    chart_id = secrets.token_hex(8)
    payload = {"spec": dataclasses.asdict(spec), "report": report.to_dict()}
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    ChartTable(store).insert(chart_id, owner, json.dumps(payload, ensure_ascii=False), at)
    return chart_id


def load_chart(store: Store, chart_id: str) -> tuple[ChartSpec, dict[str, Any]]:
    """The request and the report (as JSON) of a kept chart."""
    row = ChartTable(store).get(chart_id)
    if row is None:
        raise NotFoundError(f"no chart {chart_id!r}")
    payload = json.loads(row["report"])
    return ChartSpec(**payload["spec"]), payload["report"]
