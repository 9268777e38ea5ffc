"""Routes for sources that arrive by themselves: URL ingest and saved searches.

| route                            | does                                                  |
|----------------------------------|-------------------------------------------------------|
| ``POST /api/documents/url``      | fetch a URL (``ingest/fetch.py`` checks) and store it |
| ``/alerts``, ``/api/alerts``     | every saved search with its count of new hits         |
| ``/alerts?name=N``               | one saved search: its hits, the new ones flagged      |
| ``POST /api/alerts``             | save a search (query, layer, filters)                 |
| ``POST /api/alerts/seen``        | mark a saved search's current hits as seen            |

Looking never marks anything (a read route has no side effect); the POSTs
need the token like every write.
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import anyio
from fastapi import APIRouter, Depends, Request

from parley.errors import ParleyError, SourceError, StoreError
from parley.ingest import url_documents
from parley.service.auth import require_read, require_write
from parley.service.errors import ERROR_RESPONSES, ServiceError
from parley.service.pages import render
from parley.service.upload import METADATA_FIELDS, _published, read_limited, store_items
from parley.sources import alerts
from parley.store import SEARCH_LAYERS

router = APIRouter(responses=ERROR_RESPONSES)


BODY_LIMIT = 64 * 1024
SEARCH_FIELDS = ("name", "q", "layer", *alerts.FILTER_NAMES)


async def _json_body(request: Request, allowed: tuple[str, ...], required: str) -> dict[str, str]:
    """The request's JSON object: only ``allowed`` keys, string values, ``required`` present."""
    raw = await read_limited(request, BODY_LIMIT)
    try:
        data = json.loads(raw or b"null")
    except ValueError as e:
        raise ServiceError(f"the body is not valid JSON: {e}", code="E704", status=422) from e
    if not isinstance(data, dict) or not isinstance(data.get(required), str):
        raise ServiceError(f"the body must be a JSON object with a string '{required}'", code="E704", status=422)
    extra = sorted(set(data) - set(allowed))
    wrong = sorted(k for k, v in data.items() if v is not None and not isinstance(v, str))
    if extra or wrong:
        raise ServiceError(f"unknown fields {extra} or fields that are not strings {wrong} "
                           f"(fields: {', '.join(allowed)})", code="E704", status=422)
    return {k: v for k, v in data.items() if v is not None}


def _service_error(e: ParleyError) -> ServiceError:
    return ServiceError(e.message, code=e.code, status=404 if e.code == "E841" else 422)


def _call(request: Request, func, write: bool = False):
    pool = request.app.state.pool
    try:
        return (pool.write if write else pool.read)(func)
    except (SourceError, StoreError) as e:
        raise _service_error(e) from e


# -- URL ingest --------------------------------------------------------------
@router.post("/api/documents/url", status_code=201, dependencies=[Depends(require_write)],
             summary="Fetch a URL (public addresses only) and store it like an upload; needs the token")
async def upload_url(request: Request) -> dict[str, Any]:
    body = await _json_body(request, ("url", *METADATA_FIELDS), "url")
    fields = {k: body[k].strip() for k in METADATA_FIELDS if body.get(k, "").strip()}
    if "published" in fields:
        fields["published"] = _published(fields["published"])
    limit = request.app.state.settings.max_upload_bytes
    items = await anyio.to_thread.run_sync(lambda: list(url_documents(body["url"].strip(), limit)))
    return await store_items(request, items, fields)


# -- saved searches ------------------------------------------------------------
def _alerts_view(request: Request, name: str | None) -> dict[str, Any]:
    if name is not None:
        alert = _call(request, lambda store: alerts.look(store, name))
        return {"one": alert.json(), "searches": None, "writes_enabled": bool(request.app.state.settings.token)}
    looks = _call(request, lambda store: alerts.look_all(store))
    searches = [{k: v for k, v in a.json().items() if k != "hits"} for a in looks]
    return {"one": None, "searches": searches, "writes_enabled": bool(request.app.state.settings.token)}


@router.get("/alerts", dependencies=[Depends(require_read)], summary="Saved searches and what is new (HTML)")
def alerts_page(request: Request, name: str | None = None):
    view = _alerts_view(request, name)
    title = f"Alert: {name}" if name is not None else "Alerts"
    return render(request, "alerts.html", title, "alerts", view=view, layers=SEARCH_LAYERS)


@router.get("/api/alerts", dependencies=[Depends(require_read)],
            summary="Saved searches with their new-hit counts, or one (name=...) with its hits")
def alerts_json(request: Request, name: str | None = None) -> dict[str, Any]:
    return _alerts_view(request, name)


@router.post("/api/alerts", status_code=201, dependencies=[Depends(require_write)],
             summary="Save a search; what it finds now counts as seen; needs the token")
async def save_alert(request: Request) -> dict[str, Any]:
    body = await _json_body(request, SEARCH_FIELDS, "name")
    filters = {k: body.get(k) for k in alerts.FILTER_NAMES}
    try:
        search = alerts.make_search(body["name"], body.get("q", ""), body.get("layer", "sentences"), filters)
    except (SourceError, StoreError) as e:
        raise _service_error(e) from e
    alert = await anyio.to_thread.run_sync(lambda: _call(request, lambda store: alerts.save(store, search), True))
    return {**alert.json(), "url": "/alerts?" + urlencode({"name": search.name})}


@router.post("/api/alerts/seen", dependencies=[Depends(require_write)],
             summary="Mark a saved search's current hits as seen; needs the token")
async def mark_seen(request: Request) -> dict[str, Any]:
    name = (await _json_body(request, ("name",), "name"))["name"]
    alert = await anyio.to_thread.run_sync(
        lambda: _call(request, lambda store: alerts.look(store, name, mark=True), True))
    return {"name": name, "marked": len(alert.hits), "new_count": 0}
