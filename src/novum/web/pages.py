"""The web pages: search (with facets, history sets, paging and exports), a document, its similar prior art.

Each page parses the request, calls the library (``run_search``, ``facet_counts``, ``record_view``,
``claim_tree``, ``find_similar``...) and renders a template; no search or claim logic lives here. The claim chart
and ingest pages are in ``chart_pages`` and ``ingest_pages``, the login in ``session``; all are included here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from novum.api.deps import corpus, make_filters
from novum.api.routes.history import workspace_name
from novum.api.runner import run_limited
from novum.search.documents import backward_citations, claim_tree, family, forward_citations, record_view
from novum.search.export import EXPORT_FORMATS
from novum.search.facets import FACET_CAP, VERIFIED_CAP, Facets, facet_counts, narrow
from novum.search.query import History
from novum.search.service import MAX_PAGE, SearchPage, SearchParams, find_similar, run_search
from novum.web import chart_pages, ingest_pages, session
from novum.web.render import html_page, render
from novum.web.session import current_user

router = APIRouter(include_in_schema=False)
router.include_router(session.router)
router.include_router(chart_pages.router)
router.include_router(ingest_pages.router)
STATIC = StaticFiles(packages=[("novum.web", "static")])
PAGE_SIZE = 20
Many = Annotated[list[str], Query()]


@router.get("/static/{path:path}")
async def static(request: Request, path: str) -> Response:
    """The stylesheet and the small script (served from the package; no CDN, no build step)."""
    response: Response = await STATIC.get_response(path, request.scope)
    return response


@router.get("/")
async def home() -> Response:
    return RedirectResponse("/search", status_code=303)


def _split(values: list[str]) -> list[str]:
    """Repeated parameters and comma- or space-separated values in one box (``H04L, G06F``) alike."""
    return [part for value in values for part in value.replace(",", " ").split() if part]


@router.get("/search")
@html_page
async def search_page(
    request: Request, q: str = "", syntax: str = "auto", mode: str = "", before: str = "",
    published_before: str = "", cpc: Many = [], ipc: Many = [], country: Many = [], kind: Many = [],  # noqa: B006
    year: Many = [], applicant: Many = [], offset: Annotated[int, Query(ge=0)] = 0,  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = PAGE_SIZE, record: bool = False, collapse: bool = True,
) -> Response:  # fmt: skip
    user = current_user(request)
    shared = corpus(request)
    workspace = workspace_name(user.principal, "default")
    form: dict[str, Any] = {
        "q": q, "syntax": syntax, "mode": mode, "before": before, "published_before": published_before,
        "cpc": _split(cpc), "ipc": _split(ipc), "country": [c.upper() for c in _split(country)],
        "kind": [k.upper() for k in _split(kind)], "year": _split(year), "applicant": [a for a in applicant if a],
        "limit": limit, "collapse": collapse,
    }  # fmt: skip
    page: SearchPage | None = None
    facets: Facets | None = None
    if q.strip():
        filters = make_filters(before or None, published_before or None, form["cpc"], form["ipc"], form["country"],
                               form["kind"])  # fmt: skip
        params = SearchParams(
            q=q, syntax=syntax, mode=mode or None, filters=filters, collapse=collapse,  # type: ignore[arg-type]
            limit=limit, offset=offset, workspace=workspace, record=record and offset == 0,
        )  # fmt: skip

        def call() -> tuple[SearchPage, Facets]:
            store = shared.store()  # this worker thread's connection
            narrowed = narrow(store, shared.index(), params, form["year"], form["applicant"])
            found = run_search(store, shared.index(), narrowed, shared.dense)
            narrowed.record = False
            return found, facet_counts(store, shared.index(), narrowed)

        page, facets = await run_limited(request, call, "search")
    history = History(shared.store(), workspace).entries()
    return render(request, "search.html", user=user, form=form, page=page, facets=facets, history=history,
                  offset=offset, export_formats=EXPORT_FORMATS, facet_cap=FACET_CAP, verified_cap=VERIFIED_CAP,
                  record=record)  # fmt: skip


@router.get("/patents/{number}")
@html_page
async def document_page(request: Request, number: str) -> Response:
    user = current_user(request)
    store = corpus(request).store()
    patent = store.get(number)
    view = record_view(store, patent)
    tree = claim_tree(patent)
    return render(request, "document.html", user=user, patent=patent, view=view, tree=tree,
                  backward=backward_citations(store, patent), forward=forward_citations(store, patent),
                  family=family(store, patent))  # fmt: skip


@router.get("/patents/{number}/similar")
@html_page
async def similar_page(
    request: Request, number: str, mode: str = "", limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> Response:
    user = current_user(request)
    shared = corpus(request)
    patent, hits = await run_limited(
        request, lambda: find_similar(shared.store(), shared.index(), number, shared.dense, limit=limit,
                                      mode=mode or None), "similar-documents search")  # fmt: skip
    return render(request, "similar.html", user=user, patent=patent, hits=hits, mode=mode)
