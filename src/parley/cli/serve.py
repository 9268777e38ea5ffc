"""Serve the web UI and HTTP API over a store.

Reads are open unless PARLEY_READ_TOKEN_REQUIRED is set; writes (uploads)
need the token in PARLEY_TOKEN, sent as "Authorization: Bearer TOKEN". The
OpenAPI description is at /api/openapi.json. Binds to 127.0.0.1 unless told
otherwise.
"""
from __future__ import annotations

import argparse

from parley.errors import ModelUnavailable

NAME = "serve"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", default=None,
                   help="store: a SQLite path, sqlite:///path or postgresql://... (default parley.db)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--max-upload-bytes", type=int, default=None, help="largest upload accepted (default 10 MiB)")
    p.add_argument("--search-timeout", type=float, default=None, metavar="SECONDS",
                   help="time limit of one search (default 2)")
    p.add_argument("--only", metavar="A,B", help="analysers run on uploads (default: all)")


def run(args: argparse.Namespace) -> int:
    from parley.service import Settings, create_app

    try:
        import uvicorn
    except ImportError as e:
        raise ModelUnavailable(f"'parley serve' needs the 'service' extra (pip install 'parley[service]'): {e}") from e
    only = tuple(x.strip() for x in args.only.split(",") if x.strip()) if args.only else None
    settings = Settings.from_env(max_upload_bytes=args.max_upload_bytes, search_timeout_s=args.search_timeout,
                                 only=only)
    app = create_app(args.db, settings)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0
