"""``open_store(url)``: the store at a URL, with the backend it names.

The backends (``sqlite.py``, ``postgres.py``) build on ``base.py``; this
module chooses between them, so ``base.py`` never imports a backend.
PostgreSQL's driver is imported only when a ``postgresql://`` URL is opened.
"""
from __future__ import annotations

import os

from parley.errors import StoreError
from parley.store.base import DEFAULT_URL, Store


def open_store(url: str | None = None, *, migrate: bool = True, create: bool = True) -> Store:
    """Open the store at ``url`` (default ``parley.db``), migrated unless told not to.

    ``create=False``: a SQLite file that does not exist is an error (E602)
    instead of a new empty store (for commands that only read).
    """
    url = url or DEFAULT_URL
    if not create and not url.startswith(("postgresql://", "postgres://")):
        from parley.store.sqlite import sqlite_path

        path = sqlite_path(url)
        if path != ":memory:" and not os.path.exists(path):
            raise StoreError(f"no store at {path} (run 'parley ingest' first, or give --db)", code="E602")
    if url.startswith(("postgresql://", "postgres://")):
        from parley.store.postgres import PostgresStore

        store: Store = PostgresStore(url)
    elif url.startswith("sqlite://") or "://" not in url:
        from parley.store.sqlite import SQLiteStore

        store = SQLiteStore(url)
    else:
        scheme = url.split("://", 1)[0]
        raise StoreError(f"unsupported database URL scheme '{scheme}://' (use a file path, sqlite:/// or postgresql://)",
                         code="E601")
    if migrate:
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store
