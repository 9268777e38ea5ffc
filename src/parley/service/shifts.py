"""The shifts page: where a holder's stance toward a target changed between documents.

| page       | JSON twin      | shows                                                |
|------------|----------------|------------------------------------------------------|
| ``/shifts`` | ``/api/shifts`` | shifts (``store/shifts.py``) with holder/target filters |

Both sides of a shift show their date, document and evidence sentences. The
rule and the default ``min_confidence`` are those of ``store/shifts.py``.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from parley.service import charts
from parley.service.auth import require_read
from parley.service.errors import ERROR_RESPONSES
from parley.store.shifts import MIN_CONFIDENCE

router = APIRouter(dependencies=[Depends(require_read)], responses=ERROR_RESPONSES)


def shifts_view(store: Any, holder: str | None, target: str | None, min_confidence: float) -> dict[str, Any]:
    """The shifts matching the filters, and every document stance of the pairs."""
    holder, target = (holder or "").strip() or None, (target or "").strip() or None
    shifts = [s.json() for s in store.shifts(holder, target, min_confidence)]
    history = [s.json() for s in store.stance_history(holder, target)] if holder or target else []
    return {"filters": {"holder": holder, "target": target, "min_confidence": min_confidence},
            "shifts": shifts, "history": history}


def _view(request: Request, holder: str | None, target: str | None, min_confidence: float) -> dict[str, Any]:
    return request.app.state.pool.read(lambda store: shifts_view(store, holder, target, min_confidence))


@router.get("/shifts", response_class=HTMLResponse, summary="Position shifts page (HTML)")
def shifts_page(request: Request, holder: str | None = None, target: str | None = None,
                min_confidence: float = Query(MIN_CONFIDENCE, ge=0.0, le=1.0)) -> HTMLResponse:
    view = _view(request, holder, target, min_confidence)
    page = request.app.state.templates.get_template("shifts.html").render(
        title="Shifts", nav="shifts", view=view, stance_chart=charts.stance_chart(view["history"], view["shifts"]))
    return HTMLResponse(page)


@router.get("/api/shifts", summary="Position shifts: stance changes between documents, with evidence")
def shifts_json(request: Request, holder: str | None = None, target: str | None = None,
                min_confidence: float = Query(MIN_CONFIDENCE, ge=0.0, le=1.0)) -> dict[str, Any]:
    return _view(request, holder, target, min_confidence)
