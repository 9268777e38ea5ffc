"""Corpus-level findings kept current as documents are stored: talking points
(``points``) and attribution checks (``checks``); ``update_document`` is what
the store calls for each new document, inside its write transaction."""
from __future__ import annotations

import os
from typing import Any

VECTORS_ENV = "PARLEY_CORPUS_VECTORS"  # "1": MiniLM vectors (models extra); default: stem similarity


def embedder_for(store: Any) -> Any:
    """The store's one ``Embedder``: stem similarity, or MiniLM when turned on
    (``PARLEY_CORPUS_VECTORS=1`` or ``store.corpus_vectors = True``). Off by
    default: every store write would embed every sentence in the writing
    process, which is the one driver of a parallel ingest."""
    found = getattr(store, "_corpus_embedder", None)
    if found is None:
        from parley.corpus.text import Embedder

        dense = getattr(store, "corpus_vectors", None)
        if dense is None:
            dense = os.environ.get(VECTORS_ENV, "0") == "1"
        found = Embedder(dense=bool(dense))
        store._corpus_embedder = found
    return found


def update_document(store: Any, hash: str, data: dict[str, Any], day: str | None) -> None:
    """Add a new document's sentences to the talking points and check its attributions."""
    from parley.corpus import checks, points

    embedder = embedder_for(store)
    points.add_document(store, hash, data, day, embedder)
    checks.add_document(store, hash, data, day, embedder)


def update_store(store: Any) -> int:
    """Add every stored document without members to the points and checks; how many were added."""
    added = 0
    for data in store.export():
        h = (data.get("parley") or {}).get("hash")
        if h and not store.has_point_members(h):
            with store.batch():
                published = store.info(h).published
                update_document(store, h, data, published[:10] if published else None)
            added += 1
    return added

