"""Corrections over HTTP: ``GET/POST /api/documents/{ref}/corrections`` (docs/corrections.md).

``GET`` (a read: open unless the deployment requires the read token) answers
the document's corrections, its findings after them (each with the key a
correction targets), and ``editable``: whether this deployment takes writes
(a read-only one, without ``PARLEY_TOKEN``, shows no edit controls). ``POST``
(a write: needs the token in a header) stores one correction and answers it
with the finding it left. Bad corrections are answered 422 with their E82x code.
"""
from __future__ import annotations

import json
from typing import Any

import anyio
from fastapi import APIRouter, Depends, Request

from parley.document.corrections import ACTIONS, Correction, findings
from parley.document.records import LAYERS
from parley.errors import CorrectionError
from parley.service.auth import require_read, require_write
from parley.service.errors import ERROR_RESPONSES, ServiceError
from parley.service.upload import read_limited

router = APIRouter(responses=ERROR_RESPONSES)
MAX_BODY_BYTES = 1 << 20  # one correction is a small JSON object

_BODY_SCHEMA = {
    "type": "object", "required": ["layer", "action", "author"],
    "properties": {
        "layer": {"type": "string", "enum": list(LAYERS)},
        "action": {"type": "string", "enum": list(ACTIONS)},
        "target": {"type": "string", "description": "key of the finding corrected (not for add)"},
        "record": {"type": "object", "description": "edit: the fields that change; add: the whole record"},
        "author": {"type": "string"},
        "reason": {"type": "string"},
    },
}


def corrections_view(store, ref: str, layer: str | None, editable: bool) -> dict[str, Any]:
    """What ``GET`` answers: the document, ``editable``, its corrections and its corrected findings."""
    if layer is not None and layer not in LAYERS:
        raise CorrectionError(f"unknown layer '{layer}' (choose from {', '.join(LAYERS)})", code="E821")
    data, rows = store.corrected(ref)
    confirmed = (data.get("parley") or {}).get("confirmed") or {}
    layers = [layer] if layer else [name for name in LAYERS if name in data]
    return {
        "document": {"hash": data["parley"]["hash"], "doc_id": data.get("doc_id"), "characters": len(data["text"])},
        "editable": editable,
        "post_to": f"/api/documents/{data['parley']['hash']}/corrections",
        "actions": list(ACTIONS),
        "corrections": [r for r in rows if layer is None or r["layer"] == layer],
        "findings": {name: [{"key": key, "record": record, "confirmed": key in confirmed.get(name, [])}
                            for key, record in findings(data, name)] for name in layers},
    }


def _refused(error: CorrectionError) -> ServiceError:
    return ServiceError(error.message, code=error.code, status=422)


@router.get("/api/documents/{ref}/corrections", dependencies=[Depends(require_read)],
            summary="Corrections of a document, and its findings (with their keys) after them")
def corrections_json(request: Request, ref: str, layer: str | None = None) -> dict[str, Any]:
    editable = bool(request.app.state.settings.token)
    try:
        return request.app.state.pool.read(lambda store: corrections_view(store, ref, layer, editable))
    except CorrectionError as e:
        raise _refused(e) from e


@router.post("/api/documents/{ref}/corrections", status_code=201, dependencies=[Depends(require_write)],
             summary="Store one correction (accept, reject, edit or add a finding); needs the token",
             openapi_extra={"requestBody": {"required": True,
                                            "content": {"application/json": {"schema": _BODY_SCHEMA}}}})
async def add_correction(request: Request, ref: str) -> dict[str, Any]:
    body = await read_limited(request, MAX_BODY_BYTES)
    try:
        correction = Correction.from_json(_json(body))
    except CorrectionError as e:
        raise _refused(e) from e
    pool = request.app.state.pool

    def store_it() -> dict[str, Any]:
        return pool.write(lambda store: store.add_correction(ref, correction))

    try:
        stored = await anyio.to_thread.run_sync(store_it)
    except CorrectionError as e:
        raise _refused(e) from e
    return {"correction": stored, "finding": stored["finding"]}


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise CorrectionError(f"the body is not JSON: {e}", code="E826") from e
