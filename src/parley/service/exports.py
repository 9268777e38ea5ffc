"""Downloads of one document: ``GET /api/documents/{ref}/export?format=FORMAT``.

The document as its corrections left it, as a file to save: ``gold`` (the
gold JSON of ``parley export --format gold``), ``label-studio`` (a task list
of one task), ``web-annotation`` (one JSON-LD collection) or ``uima-xmi``
(needs the ``exchange`` extra). A read: open unless the deployment requires
the read token. The document page links to each.
"""
from __future__ import annotations

import json
import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from parley.document import Analysis
from parley.exchange import FORMATS, render
from parley.scoring.corrected import gold_of
from parley.service.auth import require_read
from parley.service.errors import ERROR_RESPONSES, ServiceError

router = APIRouter(dependencies=[Depends(require_read)], responses=ERROR_RESPONSES)
DOWNLOADS = {"gold": ".json", **FORMATS}
MEDIA = {".json": "application/json", ".jsonld": "application/ld+json", ".xmi": "application/xml"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def document_export(store, ref: str, fmt: str) -> tuple[str, str]:
    """The corrected document ``ref`` in ``fmt``: (file name, content)."""
    if fmt not in DOWNLOADS:
        raise ServiceError(f"unknown export format '{fmt}' (choose from {', '.join(DOWNLOADS)})",
                           code="E704", status=422)
    data, _rows = store.corrected(ref)
    stem = _UNSAFE.sub("-", str(data.get("doc_id") or data["parley"]["hash"][:12])).strip("-.") or "document"
    if fmt == "gold":
        content = json.dumps(gold_of(data), ensure_ascii=False, indent=1) + "\n"
    else:
        content = render(Analysis.from_json(data), fmt)
    return f"{stem}.{fmt}{DOWNLOADS[fmt]}", content


@router.get("/api/documents/{ref}/export", summary="Download the corrected document (gold, label-studio, "
            "web-annotation or uima-xmi)")
def export_document(request: Request, ref: str, format: str = "gold") -> Response:  # noqa: A002 (query name)
    name, content = request.app.state.pool.read(lambda store: document_export(store, ref, format))
    ext = "." + name.rsplit(".", 1)[-1]
    return Response(content.encode("utf-8"), media_type=MEDIA.get(ext, "application/octet-stream"),
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
