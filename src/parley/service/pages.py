"""Read routes: every HTML page and its JSON twin under ``/api``.

| page                  | JSON twin                 | shows                                   |
|-----------------------|---------------------------|-----------------------------------------|
| ``/documents``        | ``/api/documents``        | the library, with filters               |
| ``/documents/{ref}``  | ``/api/documents/{ref}``  | one document: text, layers, side panels |
| ``/entities/{id}``    | ``/api/entities/{id}``    | one entity across the library           |
| ``/search``           | ``/api/search``           | full-text search under a time limit     |
| ``/upload``           | ``/api/upload``           | the upload form and its limits          |

``/`` sends a browser to ``/documents``.
"""
from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from markupsafe import Markup

from parley.document import Span
from parley.render.sections import sections_for
from parley.service import charts, highlight, views
from parley.service.auth import require_read
from parley.service.errors import ERROR_RESPONSES, ServiceError
from parley.service.templating import STATIC
from parley.store import SEARCH_LAYERS, Filters

router = APIRouter(dependencies=[Depends(require_read)], responses=ERROR_RESPONSES)
SEARCH_GRACE_S = 0.5  # beyond the store's own limit, before the service gives up (E705)


def render(request: Request, template: str, title: str, nav: str | None, **context: Any) -> HTMLResponse:
    page = request.app.state.templates.get_template(template).render(title=title, nav=nav, **context)
    return HTMLResponse(page)


def _filters(speaker: str | None, outlet: str | None, entity: str | None, since: str | None,
             until: str | None, date: str | None) -> Filters:
    return views.filters_of(speaker=speaker, outlet=outlet, entity=entity, since=since, until=until, date=date)


# -- library ---------------------------------------------------------------
@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/documents", status_code=303)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> FileResponse:
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


def _library(request: Request, filters: Filters, offset: int) -> dict[str, Any]:
    return request.app.state.pool.read(lambda store: views.library(store, filters, offset=offset))


@router.get("/documents", response_class=HTMLResponse, summary="Library page (HTML)")
def library_page(request: Request, speaker: str | None = None, outlet: str | None = None, entity: str | None = None,
                 since: str | None = None, until: str | None = None, date: str | None = None,
                 offset: int = Query(0, ge=0)) -> HTMLResponse:
    view = _library(request, _filters(speaker, outlet, entity, since, until, date), offset)
    return render(request, "library.html", "Library", "library", view=view)


@router.get("/api/documents", summary="Library: stored documents matching the filters")
def library_json(request: Request, speaker: str | None = None, outlet: str | None = None, entity: str | None = None,
                 since: str | None = None, until: str | None = None, date: str | None = None,
                 offset: int = Query(0, ge=0)) -> dict[str, Any]:
    return _library(request, _filters(speaker, outlet, entity, since, until, date), offset)


# -- one document ----------------------------------------------------------
def _at(value: str | None, text_length: int) -> Span | None:
    if not value:
        return None
    try:
        start, end = (int(x) for x in value.split("-", 1))
        span = Span.of((start, end))
    except ValueError as e:  # SpanError is a ValueError too
        raise ServiceError(f"'at' must be START-END offsets, not {value!r}", code="E704", status=422) from e
    if span is None or span.end > text_length:
        raise ServiceError(f"'at' {value} runs past the end of the text ({text_length} characters)",
                           code="E704", status=422)
    return span


@router.get("/documents/{ref}", response_class=HTMLResponse, summary="Document page (HTML)")
def document_page(request: Request, ref: str, at: str | None = None) -> HTMLResponse:
    view, analysis = request.app.state.pool.read(lambda store: views.document(store, ref))
    selected = _at(at, len(analysis.text))
    anchors = [cell["span"][0] for s in view["sections"] for row in s["rows"] for cell in row
               if isinstance(cell, dict) and cell.get("span")]
    segments, toggles = highlight.document_text(analysis, selected, anchors)
    extras = {s.key: Markup(s.html(analysis)) for s in sections_for(analysis) if s.html is not None}
    title = view["metadata"].get("title") or view["document"]["doc_id"]
    return render(request, "document.html", title, "library", view=view, segments=segments, toggles=toggles,
                  extras=extras, selected=selected, editable=bool(request.app.state.settings.token))


@router.get("/api/documents/{ref}", summary="Document: the stored analysis, its side-panel tables and metadata")
def document_json(request: Request, ref: str) -> dict[str, Any]:
    view, _analysis = request.app.state.pool.read(lambda store: views.document(store, ref))
    return view


# -- entity ----------------------------------------------------------------
@router.get("/entities/{entity_id}", response_class=HTMLResponse, summary="Entity dossier page (HTML)")
def entity_page(request: Request, entity_id: str, offset: int = Query(0, ge=0),
                said_offset: int = Query(0, ge=0)) -> HTMLResponse:
    view = request.app.state.pool.read(lambda store: views.entity(store, entity_id, offset, said_offset))
    return render(request, "entity.html", view.get("name") or entity_id, None, view=view,
                  months_chart=charts.month_bars(view["months"]),
                  stance_chart=charts.stance_chart(view["stance_toward"] + view["stance_held"], view["shifts"]))


@router.get("/api/entities/{entity_id}", summary="Entity dossier: mentions by document and month, what it said, "
                                                 "what others said it said, stance history and shifts (paged)")
def entity_json(request: Request, entity_id: str, offset: int = Query(0, ge=0),
                said_offset: int = Query(0, ge=0)) -> dict[str, Any]:
    return request.app.state.pool.read(lambda store: views.entity(store, entity_id, offset, said_offset))


# -- search ----------------------------------------------------------------
async def _search(request: Request, q: str, layer: str, filters: Filters) -> dict[str, Any]:
    """The search view, run in a worker thread under the time limit.

    The store stops itself at ``search_timeout_s`` and returns what it has
    (``complete: false``); if it overruns that by more than the grace, the
    request is answered E705 (504) and the thread is left to finish alone.
    """
    settings = request.app.state.settings
    pool = request.app.state.pool
    limit = settings.search_timeout_s

    def run() -> dict[str, Any]:
        return pool.read(lambda store: views.search(store, q, filters, layer, settings.search_limit, limit))

    try:
        with anyio.fail_after(limit + SEARCH_GRACE_S):
            return await anyio.to_thread.run_sync(run, abandon_on_cancel=True)
    except TimeoutError as e:
        raise ServiceError(f"search took longer than its limit of {limit:g} s; narrow it with filters",
                           code="E705", status=504) from e


@router.get("/search", response_class=HTMLResponse, summary="Search page (HTML)")
async def search_page(request: Request, q: str = "", layer: str = "sentences", speaker: str | None = None,
                      outlet: str | None = None, entity: str | None = None, since: str | None = None,
                      until: str | None = None, date: str | None = None) -> HTMLResponse:
    view = await _search(request, q, layer, _filters(speaker, outlet, entity, since, until, date))
    return render(request, "search.html", f"Search: {q}" if q else "Search", "search", view=view)


@router.get("/api/search", summary=f"Full-text search of one layer ({', '.join(SEARCH_LAYERS)}) under a time limit")
async def search_json(request: Request, q: str = "", layer: str = "sentences", speaker: str | None = None,
                      outlet: str | None = None, entity: str | None = None, since: str | None = None,
                      until: str | None = None, date: str | None = None) -> dict[str, Any]:
    return await _search(request, q, layer, _filters(speaker, outlet, entity, since, until, date))


# -- upload form -----------------------------------------------------------
def _upload_view(request: Request) -> dict[str, Any]:
    settings = request.app.state.settings
    return {
        "post_to": "/api/documents",
        "max_upload_bytes": settings.max_upload_bytes,
        "writes_enabled": bool(settings.token),
        "fields": ["file", "title", "published", "place", "outlet", "interviewee", "genre"],
    }


@router.get("/upload", response_class=HTMLResponse, summary="Upload form (HTML)")
def upload_page(request: Request) -> HTMLResponse:
    return render(request, "upload.html", "Upload", "upload", view=_upload_view(request))


@router.get("/api/upload", summary="Upload: where to post a transcript, and the size limit")
def upload_json(request: Request) -> dict[str, Any]:
    return _upload_view(request)
