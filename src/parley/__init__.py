"""Parley: evidence-linked analysis of transcripts of official statements.

The public API, imported lazily so that ``import parley`` stays cheap::

    import parley

    analysis = parley.analyze(parley.read_document("interview.txt"))
    store = parley.open_store("parley.db")  # SQLite file or postgresql:// URL

Everything else is reached through its folder (``parley.document``,
``parley.pipeline``, ``parley.store``, ...); see docs/ARCHITECTURE.md.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name -> the module that defines it
_API = {
    "analyze": "parley.pipeline.run",
    "read_document": "parley.ingest.read",
    "open_store": "parley.store",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'parley' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
