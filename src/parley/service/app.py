"""The FastAPI application: ``create_app(store_url, settings)``.

Conventions, applied to every page:

- every HTML page at ``/PATH`` has a JSON twin at ``/api/PATH`` that returns
  the very dict the page is drawn from (``views.py``);
- every error is ``{"error": {"code": "E...", "message": "..."}}`` with a
  fitting status (a browser asking for a page gets the same code and message
  drawn as HTML);
- writes need ``Authorization: Bearer $PARLEY_TOKEN``; reads need it only
  when ``read_token_required`` is set (a ``parley_token`` cookie also works
  for reads, so a browser can hold it);
- every response carries a strict Content-Security-Policy: scripts, styles
  and images only from this server, no inline script, nothing from elsewhere.

The OpenAPI description is at ``/api/openapi.json``. No interactive docs page
is served: FastAPI's would load scripts from a CDN.
"""
from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from typing import Any, Sequence

from parley.errors import ParleyError
from parley.service.errors import HTTP_CODES, ServiceError, error_body, status_of
from parley.service.settings import Settings
from parley.service.templating import STATIC, environment

LOG = logging.getLogger("parley.service")

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(store_url: str | None = None, settings: Settings | None = None, pipeline: Sequence[Any] | None = None):
    """The service over the store at ``store_url`` (default ``parley.db``).

    ``pipeline``: the analysers run on uploads (default: those named by
    ``settings.only``, or every registered one).
    """
    try:
        from fastapi import FastAPI
        from fastapi.exceptions import RequestValidationError
        from fastapi.staticfiles import StaticFiles
        from starlette.exceptions import HTTPException as StarletteHTTPException
    except ImportError as e:
        from parley.errors import ModelUnavailable

        raise ModelUnavailable(f"the service needs the 'service' extra (pip install 'parley[service]'): {e}") from e
    from parley.service import (
        corpus_api, corrections, exports, factcheck_pages, pages, points_pages, shifts, sources, upload
    )
    from parley.service.stores import StorePool
    from parley.store import DEFAULT_URL

    settings = settings or Settings.from_env()
    if settings.read_token_required and not settings.token:
        raise ServiceError("PARLEY_READ_TOKEN_REQUIRED is set but PARLEY_TOKEN is not", code="E709")
    pool = StorePool(store_url or DEFAULT_URL)
    pool.migrate()

    @asynccontextmanager
    async def lifespan(_app):
        yield
        pool.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Parley",
        description="Evidence-linked records of official statements: library, documents, entities, search.",
        version=_version(),
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.pool = pool
    app.state.pipeline = list(pipeline) if pipeline is not None else None
    app.state.templates = environment()
    app.state.analysis_lock = threading.Lock()

    @app.middleware("http")
    async def security_headers(request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(ParleyError)
    async def parley_error(request, exc: ParleyError):
        return error_response(request, status_of(exc), exc.code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request, exc):
        code = HTTP_CODES.get(exc.status_code, "E700")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        return error_response(request, exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request, exc):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err.get('loc', ()) if p not in ('query', 'path', 'body'))}: {err.get('msg')}"
            for err in exc.errors()
        )
        return error_response(request, 422, "E704", f"invalid request: {problems}"[:500])

    @app.exception_handler(Exception)
    async def unexpected(request, exc):
        LOG.exception("unexpected error answering %s", request.url.path)
        return error_response(request, 500, "E700", f"unexpected {type(exc).__name__} (see the server log)")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages.router)
    app.include_router(upload.router)
    app.include_router(corrections.router)
    app.include_router(sources.router)
    app.include_router(exports.router)
    app.include_router(factcheck_pages.router)
    app.include_router(corpus_api.router)
    app.include_router(points_pages.router)
    app.include_router(shifts.router)
    return app


def wants_html(request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/static/")):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(request, status: int, code: str, message: str, headers: dict | None = None):
    from fastapi.responses import HTMLResponse, JSONResponse

    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    if wants_html(request):
        page = request.app.state.templates.get_template("error.html").render(
            title=f"Error {code}", status=status, code=code, message=message, nav=None)
        return HTMLResponse(page, status_code=status, headers=headers)
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def _version() -> str:
    from parley import __version__

    return __version__
