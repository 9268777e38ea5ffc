"""The write route: ``POST /api/documents`` stores an uploaded transcript.

The body is either the transcript itself (``text/plain``, ``text/html``,
``application/x-ndjson``...; name it with ``X-Filename`` if you like) or a
``multipart/form-data`` form with a ``file`` part. Metadata can come as query
parameters or form fields (title, published, place, outlet, interviewee,
genre). The size limit is checked on the declared length and again while
reading, so an oversized body is refused (E706, 413) without being held in
memory. Each document is analysed with the one pipeline function and stored
(idempotent by text hash); the answer lists what was stored and what failed.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import PurePath
from typing import Any

import anyio
from fastapi import APIRouter, Depends, Request
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from parley.document import Document, Metadata
from parley.ingest import HTML_SUFFIXES, JSONL_SUFFIXES, documents_from_bytes
from parley.pipeline import analyze, build_pipeline, pipeline_version
from parley.service.auth import require_write
from parley.service.errors import ERROR_RESPONSES, ServiceError

router = APIRouter(responses=ERROR_RESPONSES)
METADATA_FIELDS = ("title", "published", "place", "outlet", "interviewee", "genre")


async def read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit, at_least=True)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int, at_least: bool = False) -> ServiceError:
    more = "more than " if at_least else ""
    return ServiceError(f"the upload is {more}{size} bytes, over the limit of {limit} bytes",
                        code="E706", status=413)


async def _form_file(request: Request, body: bytes) -> tuple[bytes, str, dict[str, str]]:
    """The ``file`` part and text fields of a multipart body already read."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=1, max_fields=len(METADATA_FIELDS) + 2)
    except (HTTPException, MultiPartException) as e:  # Starlette wraps the parser's complaint in a 400
        detail = getattr(e, "detail", None) or getattr(e, "message", None) or str(e)
        raise ServiceError(f"the multipart form cannot be read: {detail}", code="E707", status=400) from e
    part = form.get("file")
    if part is None or isinstance(part, str):
        raise ServiceError("the form has no 'file' part holding the transcript", code="E707", status=422)
    data = await part.read()
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k in METADATA_FIELDS and v.strip()}
    return data, part.filename or "upload.txt", fields


def _published(value: str) -> str:
    from datetime import date

    try:
        date.fromisoformat(value.strip()[:10])
    except ValueError as e:
        raise ServiceError(f"'published' must start with a date YYYY-MM-DD, not {value!r}",
                           code="E704", status=422) from e
    return value.strip()


def _kind(filename: str) -> str | None:
    suffix = PurePath(filename).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return None  # sniffed from the text


def _pipeline(request: Request):
    state = request.app.state
    if state.pipeline is None:
        state.pipeline = build_pipeline(only=state.settings.only or None)
    return state.pipeline


def _analyse(request: Request, document: Document, pipeline):
    """One analysis at a time: the shared spaCy parser is not made for threads."""
    with request.app.state.analysis_lock:
        return analyze(document, pipeline)


@router.post("/api/documents", status_code=201, dependencies=[Depends(require_write)],
             summary="Upload a transcript (raw body or multipart 'file'); needs the token")
async def upload(request: Request, title: str | None = None, published: str | None = None, place: str | None = None,
                 outlet: str | None = None, interviewee: str | None = None, genre: str | None = None) -> dict[str, Any]:
    settings = request.app.state.settings
    body = await read_limited(request, settings.max_upload_bytes)
    fields = {k: v for k, v in dict(title=title, published=published, place=place, outlet=outlet,
                                     interviewee=interviewee, genre=genre).items() if v}
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        data, filename, form_fields = await _form_file(request, body)
        fields = {**form_fields, **fields}
    else:
        data, filename = body, request.headers.get("x-filename") or "upload.txt"
    if "published" in fields:
        fields["published"] = _published(fields["published"])
    filename = PurePath(filename).name or "upload.txt"
    if not data:
        raise ServiceError("the upload is empty", code="E707", status=422)
    stem = PurePath(filename).stem or "upload"
    return await store_items(request, list(documents_from_bytes(data, f"upload:{filename}", stem, _kind(filename))),
                             fields)


async def store_items(request: Request, items: list, fields: dict[str, str]) -> dict[str, Any]:
    """Analyse and store the documents among ``items`` (``fields`` win over their
    metadata); 422 with the first failure's code when none is a document."""
    documents = [d for d in items if isinstance(d, Document)]
    failures = [{"source": f.source, "code": f.code, "message": f.message} for f in items if not isinstance(f, Document)]
    if not documents:
        first = failures[0] if failures else {"code": "E707", "message": "no transcript found"}
        raise ServiceError(first["message"], code=first["code"], status=422)
    pipeline = _pipeline(request)
    version = pipeline_version(pipeline)
    pool = request.app.state.pool
    stored = []
    for doc in documents:
        doc = replace(doc, metadata=doc.metadata.merged(Metadata(**fields))) if fields else doc
        analysis = await anyio.to_thread.run_sync(lambda d=doc: _analyse(request, d, pipeline))
        result = await anyio.to_thread.run_sync(lambda a=analysis: pool.write(lambda s: s.put_analysis(a, version)))
        stored.append({"doc_id": result.doc_id, "hash": result.hash, "created": result.created,
                       "url": f"/documents/{result.hash}", "api": f"/api/documents/{result.hash}"})
    return {"stored": stored, "failures": failures, "pipeline_version": version}
