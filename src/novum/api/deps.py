"""Small helpers every route uses: the shared corpus, the caller, the corpus stamp on responses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request

from novum.analytics.sei import check_code
from novum.api.errors import ApiError
from novum.corpus import Corpus
from novum.index.lexical import Filters


def corpus(request: Request) -> Corpus:
    found: Corpus = request.app.state.corpus
    return found


def corpus_info(request: Request) -> dict[str, Any]:
    shared = corpus(request)
    return {"snapshot": shared.snapshot(), "models": shared.models()}


def iso_date(value: str | None, name: str) -> str | None:
    """A date as typed (2013-06-01, 20130601, 2013/06/01) in ISO form; a 400 naming the parameter otherwise."""
    if value is None or value == "":
        return None
    text = value.strip().replace("/", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ApiError(400, "bad_request", f"{name}={value!r} is not a date (use YYYY-MM-DD)",
                       {"parameter": name}) from None  # fmt: skip


def make_filters(
    before: str | None, published_before: str | None, cpc: list[str], ipc: list[str], country: list[str],
    kind: list[str], sei: list[str] | None = None,
) -> Filters:  # fmt: skip
    return Filters(
        before=iso_date(before, "before"), published_before=iso_date(published_before, "published_before"),
        cpc=[c for c in cpc if c], ipc=[c for c in ipc if c], country=[c for c in country if c],
        kind=[k for k in kind if k], sei=[check_code(code) for code in sei or [] if code],
    )  # fmt: skip
