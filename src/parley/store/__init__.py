"""The corpus store: analysed documents in SQLite (default) or PostgreSQL.

See ``base.py`` for the interface; ``open_store(url)`` picks the backend.
"""
from parley.store.base import (  # noqa: F401
    DEFAULT_URL, SEARCH_LAYERS, DocumentInfo, EntityPage, FailureRecord, Filters, Hit, Mention,
    PutResult, SearchResult, StancePoint, Store, open_store,
)
