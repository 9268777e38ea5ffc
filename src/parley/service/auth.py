"""Who may read and who may write.

Writes need ``PARLEY_TOKEN`` in a header (``Authorization: Bearer ...`` or
``X-Parley-Token``), never from a cookie, so no other site can make a
browser write. Reads are open unless ``read_token_required`` is set; then a
header or the ``parley_token`` cookie must carry the token.
"""
from __future__ import annotations

import hmac
from urllib.parse import unquote

from starlette.requests import Request

from parley.service.errors import ServiceError
from parley.service.settings import Settings


def presented_token(request: Request, allow_cookie: bool) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    if request.headers.get("x-parley-token"):
        return request.headers["x-parley-token"]
    if allow_cookie:
        return unquote(request.cookies.get("parley_token", "")) or None  # the page stores it URI-encoded
    return None


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def require_read(request: Request) -> None:
    settings: Settings = request.app.state.settings
    if settings.read_token_required and not _same(presented_token(request, allow_cookie=True), settings.token or ""):
        raise ServiceError("reading needs the token: send Authorization: Bearer <token>", code="E701", status=401)


def require_write(request: Request) -> None:
    """Writes take the token from a header only (never a cookie: no cross-site writes)."""
    settings: Settings = request.app.state.settings
    if not settings.token:
        raise ServiceError("writes are disabled: start the server with PARLEY_TOKEN set", code="E702", status=403)
    if not _same(presented_token(request, allow_cookie=False), settings.token):
        raise ServiceError("writing needs the token: send Authorization: Bearer <token>", code="E701", status=401)
