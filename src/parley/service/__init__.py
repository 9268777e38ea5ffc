"""The HTTP service and web UI over the corpus store (``parley serve``).

``create_app(store_url, settings)`` builds the FastAPI application; it needs
the ``service`` extra. See ``app.py`` for the conventions (JSON twins, the
error shape, tokens, the Content-Security-Policy) and ``pages.py`` for the
list of pages.
"""
from __future__ import annotations

from parley.service.settings import Settings


def create_app(store_url: str | None = None, settings: Settings | None = None, pipeline=None):
    from parley.service.app import create_app as build

    return build(store_url, settings, pipeline)


__all__ = ["Settings", "create_app"]
