"""JSON routes for corpus-level findings: talking points and attribution checks.

| route                              | gives                                            |
|------------------------------------|--------------------------------------------------|
| ``/api/points``                    | talking points, filtered (speaker, since, min_docs) |
| ``/api/points/{id}``               | one point with every member                      |
| ``/api/points/{id}/chart.svg``     | its members per month, as a small SVG bar chart  |
| ``/api/attribution-checks``        | stored checks (source, document, label filters)  |
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from parley.corpus import points as talking_points
from parley.corpus.compare import LABELS
from parley.errors import CorpusError
from parley.service.auth import require_read
from parley.service.errors import ERROR_RESPONSES

router = APIRouter(dependencies=[Depends(require_read)], responses=ERROR_RESPONSES)


@router.get("/api/points", summary="Talking points: recurring near-paraphrase sentences, largest first")
def points_json(request: Request, speaker: str | None = None, since: str | None = None,
                min_docs: int = Query(talking_points.DEFAULT_MIN_DOCS), limit: int = Query(50, ge=1, le=500),
                offset: int = Query(0, ge=0)) -> dict[str, Any]:
    found = request.app.state.pool.read(
        lambda store: talking_points.points(store, speaker, since, min_docs, limit, offset))
    return {"filters": {"speaker": speaker, "since": since, "min_docs": min_docs}, "offset": offset,
            "points": [p.json(members=False) | {"chart": f"/api/points/{p.id}/chart.svg"} for p in found]}


@router.get("/api/points/{point_id}", summary="One talking point with its members")
def point_json(request: Request, point_id: int) -> dict[str, Any]:
    found = request.app.state.pool.read(lambda store: talking_points.point(store, point_id))
    return found.json() | {"chart": f"/api/points/{point_id}/chart.svg"}


@router.get("/api/points/{point_id}/chart.svg", summary="A point's members per month (SVG)")
def point_chart(request: Request, point_id: int) -> Response:
    found = request.app.state.pool.read(lambda store: talking_points.point(store, point_id))
    return Response(talking_points.chart_svg(found), media_type="image/svg+xml")


@router.get("/api/attribution-checks", summary="What documents say a source said, beside the source's words")
def checks_json(request: Request, source: str | None = None, document: str | None = None,
                label: str | None = None, limit: int = Query(200, ge=1, le=1000),
                offset: int = Query(0, ge=0)) -> dict[str, Any]:
    if label and label not in LABELS:
        raise CorpusError(f"unknown label '{label}' (choose from {', '.join(LABELS)})", code="E853")

    def read(store: Any) -> list[dict[str, Any]]:
        h = store.info(document).hash if document else None
        return store.attribution_checks(source=source, hash=h, label=label, limit=limit, offset=offset)

    return {"filters": {"source": source, "document": document, "label": label}, "offset": offset,
            "checks": request.app.state.pool.read(read)}
