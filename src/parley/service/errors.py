"""The service's errors and their one JSON shape.

Every error the service answers, whatever raised it (a route, validation,
routing itself, the store), goes out as
``{"error": {"code": "E...", "message": "..."}}`` with a fitting HTTP status.
"""
from __future__ import annotations

from typing import Any

from parley.errors import InputError, ParleyError, PipelineError, SpanError, StoreError


class ServiceError(ParleyError):
    """A request the service refuses; ``status`` is the HTTP status it gets."""

    code = "E700"
    status = 500

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message, code=code)
        if status is not None:
            self.status = status


# HTTP status -> the code given to errors raised by FastAPI/Starlette themselves.
HTTP_CODES = {400: "E704", 401: "E701", 403: "E702", 404: "E703", 405: "E708", 413: "E706",
              415: "E707", 422: "E704", 504: "E705"}

# Codes raised by the library -> HTTP status (anything unlisted: 500).
STATUS_OF_CODE = {"E603": 404, "E604": 409, "E605": 422, "E606": 422, "E301": 422, "E302": 422,
                  "E851": 404, "E852": 422, "E853": 422}


def status_of(error: ParleyError) -> int:
    if isinstance(error, ServiceError):
        return error.status
    if error.code in STATUS_OF_CODE:
        return STATUS_OF_CODE[error.code]
    if isinstance(error, (InputError, SpanError, PipelineError)):
        return 422
    if isinstance(error, StoreError):
        return 500
    return 500


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _error_schema() -> dict[str, Any]:
    detail = {"type": "object", "required": ["code", "message"],
              "properties": {"code": {"type": "string", "pattern": "^E[0-9]{3}$"}, "message": {"type": "string"}}}
    return {"type": "object", "required": ["error"], "properties": {"error": detail}}


def _described(what: str) -> dict[str, Any]:
    return {"description": what, "content": {"application/json": {"schema": _error_schema()}}}


# For the OpenAPI description: every route may answer these, all in the one shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _described("token missing or wrong (E701)"),
    403: _described("writes disabled: no PARLEY_TOKEN on the server (E702)"),
    404: _described("no such document, entity or page (E603, E703)"),
    422: _described("invalid parameters or input (E704, E1xx, E605, E606)"),
    500: _described("unexpected failure (E700) or store error (E6xx)"),
}
