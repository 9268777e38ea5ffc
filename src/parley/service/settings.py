"""Settings of the HTTP service, read from the environment or given in code.

``PARLEY_TOKEN``                 the token every write needs (no token: writes are refused)
``PARLEY_READ_TOKEN_REQUIRED``   "1"/"true": reads need the token too (default: open)
``PARLEY_MAX_UPLOAD_BYTES``      largest accepted upload body (default 10 MiB)
``PARLEY_SEARCH_TIMEOUT``        seconds a search may run before it is answered E705 (default 2)
``PARLEY_SERVE_ONLY``            analysers run on uploads, comma-separated (default: all)
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from parley.ingest import DEFAULT_MAX_BYTES
from parley.service.errors import ServiceError

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    read_token_required: bool = False
    max_upload_bytes: int = DEFAULT_MAX_BYTES
    search_timeout_s: float = 2.0
    search_limit: int = 50  # hits per search page
    only: tuple[str, ...] = ()  # analysers for uploads; () means every registered one

    def __post_init__(self) -> None:
        if self.max_upload_bytes <= 0:
            raise ServiceError(f"the upload limit must be above zero, not {self.max_upload_bytes}", code="E709")
        if self.search_timeout_s <= 0:
            raise ServiceError(f"the search time limit must be above zero, not {self.search_timeout_s}", code="E709")
        if self.search_limit <= 0:
            raise ServiceError(f"the search page size must be above zero, not {self.search_limit}", code="E709")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        values: dict = {}
        if env.get("PARLEY_TOKEN"):
            values["token"] = env["PARLEY_TOKEN"]
        if "PARLEY_READ_TOKEN_REQUIRED" in env:
            values["read_token_required"] = _flag(env["PARLEY_READ_TOKEN_REQUIRED"], "PARLEY_READ_TOKEN_REQUIRED")
        if env.get("PARLEY_MAX_UPLOAD_BYTES"):
            values["max_upload_bytes"] = int(_number(env["PARLEY_MAX_UPLOAD_BYTES"], "PARLEY_MAX_UPLOAD_BYTES"))
        if env.get("PARLEY_SEARCH_TIMEOUT"):
            values["search_timeout_s"] = _number(env["PARLEY_SEARCH_TIMEOUT"], "PARLEY_SEARCH_TIMEOUT")
        if env.get("PARLEY_SERVE_ONLY"):
            values["only"] = tuple(x.strip() for x in env["PARLEY_SERVE_ONLY"].split(",") if x.strip())
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _flag(value: str, name: str) -> bool:
    v = value.strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise ServiceError(f"{name} must be true or false, not {value!r}", code="E709")


def _number(value: str, name: str) -> float:
    try:
        number = float(value)
    except ValueError as e:
        raise ServiceError(f"{name} must be a number, not {value!r}", code="E709") from e
    if number <= 0:
        raise ServiceError(f"{name} must be above zero, not {value!r}", code="E709")
    return number
