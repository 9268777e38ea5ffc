"""HTML pages for talking points (their JSON twins are in ``corpus_api``).

| page             | JSON twin            | shows                                              |
|------------------|----------------------|----------------------------------------------------|
| ``/points``      | ``/api/points``      | points, filtered by speaker, since and min-docs    |
| ``/points/{id}`` | ``/api/points/{id}`` | one point: its chart, counts and every member      |

Every stored text goes through Jinja2's autoescaping; the chart is an
``<img>`` of ``/api/points/{id}/chart.svg``, never inlined.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from parley.corpus import points as talking_points
from parley.service.auth import require_read
from parley.service.errors import ERROR_RESPONSES
from parley.service.pages import render

router = APIRouter(dependencies=[Depends(require_read)], responses=ERROR_RESPONSES)
PAGE = 50


@router.get("/points", response_class=HTMLResponse, summary="Talking points page (HTML)")
def points_page(request: Request, speaker: str | None = None, since: str | None = None,
                min_docs: int = Query(talking_points.DEFAULT_MIN_DOCS), offset: int = Query(0, ge=0)) -> HTMLResponse:
    speaker, since = speaker or None, since or None
    found = request.app.state.pool.read(
        lambda store: talking_points.points(store, speaker, since, min_docs, PAGE + 1, offset))
    return render(request, "points.html", "Talking points", "points", points=found[:PAGE], more=len(found) > PAGE,
                  filters={"speaker": speaker or "", "since": since or "", "min_docs": min_docs}, offset=offset,
                  page=PAGE)


@router.get("/points/{point_id}", response_class=HTMLResponse, summary="One talking point (HTML)")
def point_page(request: Request, point_id: int) -> HTMLResponse:
    found = request.app.state.pool.read(lambda store: talking_points.point(store, point_id))
    return render(request, "point.html", f"Talking point {point_id}", "points", point=found)
