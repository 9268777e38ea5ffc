"""Fact-check routes: the pages, their JSON twins, and the import.

| page                      | JSON twin                     | shows                                       |
|---------------------------|-------------------------------|---------------------------------------------|
| ``/factchecks``           | ``/api/factchecks``           | fact-checks by words, publisher, verdict, date |
| ``/factchecks/{key}``     | ``/api/factchecks/{key}``     | one fact-check and the transcript passages it matches |

``POST /api/factchecks`` (the write token, as uploads) imports the
ClaimReview JSON, data feed or JSON Lines of its body, exactly as
``parley factchecks import`` does a ``.json`` file: one transaction, and the
stored claims each new fact-check matches are matched at once. A key is a
URL, so links quote it whole (``/factchecks/https%3A%2F%2F...``).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from parley.errors import FactCheckError
from parley.factchecks import VERDICTS, parse_factchecks
from parley.service.auth import require_read, require_write
from parley.service.errors import ERROR_RESPONSES, ServiceError
from parley.service.pages import render
from parley.service.upload import read_limited
from parley.service.views import filters_of

router = APIRouter(responses=ERROR_RESPONSES)
PAGE = 50


def link(key: str) -> str:
    return "/factchecks/" + quote(key, safe="")


def listing(store, q: str, publisher: str | None, verdict: str | None, since: str | None, until: str | None,
            offset: int) -> dict[str, Any]:
    """The fact-checks page's view (and its JSON twin)."""
    dates = filters_of(since=since, until=until)
    publisher, verdict = (publisher or "").strip() or None, (verdict or "").strip() or None
    if verdict and verdict not in VERDICTS:
        raise ServiceError(f"'verdict' must be one of {', '.join(VERDICTS)}, not {verdict!r}", code="E704", status=422)
    rows = store.search_factchecks(q, publisher=publisher, verdict=verdict, since=dates.since, until=dates.until,
                                   limit=PAGE + 1, offset=offset)
    filters = {k: v for k, v in dict(q=q.strip() or None, publisher=publisher, verdict=verdict, since=dates.since,
                                      until=dates.until).items() if v}
    return {"filters": filters, "offset": offset, "limit": PAGE, "more": len(rows) > PAGE,
            "total": store.factcheck_count(), "publishers": store.factcheck_publishers(), "verdicts": list(VERDICTS),
            "factchecks": [dict(r, link=link(r["key"])) for r in rows[:PAGE]]}


def detail(store, key: str) -> dict[str, Any]:
    """One fact-check and the transcript passages it matches."""
    try:
        record = store.factcheck(key)
    except FactCheckError as e:
        raise ServiceError(e.message, code=e.code, status=404) from e
    return {"factcheck": dict(record.json(), key=key, link=link(key)), "transcripts": store.factcheck_transcripts(key)}


def _listing(request: Request, q: str, publisher: str | None, verdict: str | None, since: str | None,
             until: str | None, offset: int) -> dict[str, Any]:
    return request.app.state.pool.read(lambda s: listing(s, q, publisher, verdict, since, until, offset))


@router.get("/factchecks", response_class=HTMLResponse, dependencies=[Depends(require_read)],
            summary="Fact-checks page (HTML)")
def factchecks_page(request: Request, q: str = "", publisher: str | None = None, verdict: str | None = None,
                    since: str | None = None, until: str | None = None, offset: int = Query(0, ge=0)) -> HTMLResponse:
    view = _listing(request, q, publisher, verdict, since, until, offset)
    return render(request, "factchecks.html", "Fact-checks", "factchecks", view=view)


@router.get("/api/factchecks", dependencies=[Depends(require_read)],
            summary="Fact-checks matching words of their claim, publisher, verdict and review dates")
def factchecks_json(request: Request, q: str = "", publisher: str | None = None, verdict: str | None = None,
                    since: str | None = None, until: str | None = None, offset: int = Query(0, ge=0)) -> dict[str, Any]:
    return _listing(request, q, publisher, verdict, since, until, offset)


@router.get("/factchecks/{key:path}", response_class=HTMLResponse, dependencies=[Depends(require_read)],
            summary="One fact-check page (HTML)")
def factcheck_page(request: Request, key: str) -> HTMLResponse:
    view = request.app.state.pool.read(lambda s: detail(s, key))
    return render(request, "factcheck.html", view["factcheck"]["claim"][:80], "factchecks", view=view)


@router.get("/api/factchecks/{key:path}", dependencies=[Depends(require_read)],
            summary="One fact-check and the transcript passages it matches")
def factcheck_json(request: Request, key: str) -> dict[str, Any]:
    return request.app.state.pool.read(lambda s: detail(s, key))


@router.post("/api/factchecks", status_code=201, dependencies=[Depends(require_write)],
             summary="Import ClaimReview JSON, a data feed or JSON Lines (the body); needs the token")
async def import_factchecks(request: Request) -> dict[str, Any]:
    import anyio

    body = await read_limited(request, request.app.state.settings.max_upload_bytes)
    parsed = parse_factchecks(body, "upload:api")
    problems = [{"code": p.code, "position": p.position, "message": p.message} for p in parsed.problems]
    if not parsed.records:
        first = problems[0] if problems else {"message": "no ClaimReview"}
        raise ServiceError(f"the body holds no readable ClaimReview: {first['message']}", code="E808", status=422)
    pool = request.app.state.pool
    counts = await anyio.to_thread.run_sync(
        lambda: pool.write(lambda s: s.put_factchecks(parsed.factchecks(), source="upload:api")))
    return {"added": counts.added, "unchanged": counts.unchanged, "updated": counts.updated,
            "failed": len(problems), "problems": problems,
            "links": [link(r.key) for r in parsed.factchecks()]}
