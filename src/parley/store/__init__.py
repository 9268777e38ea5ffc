"""The corpus store: analysed documents in SQLite (default) or PostgreSQL.

See ``base.py`` for the interface; ``open_store(url)`` (``open.py``) picks the
backend.
"""
from parley.store.base import (  # noqa: F401
    DEFAULT_URL, SEARCH_LAYERS, DocumentInfo, EntityPage, FactCheckCounts, FailureRecord, Filters, Hit, Mention,
    PutResult, SearchResult, StancePoint, Store
)
from parley.store.open import open_store  # noqa: F401
