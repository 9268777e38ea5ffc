"""Corpus-level findings kept current as documents are stored: talking points
(``points``) and attribution checks (``checks``); ``update_document`` is what
the store calls for each new document, inside its write transaction."""
from __future__ import annotations

import os
from typing import Any

VECTORS_ENV = "PARLEY_CORPUS_VECTORS"  # "0": stem similarity; "1": MiniLM; unset: MiniLM when installed


def vectors_wanted(setting: bool | None = None) -> bool:
    """Whether talking points and checks use MiniLM sentence vectors: ``setting`` (a store's
    ``corpus_vectors``) when given, else ``PARLEY_CORPUS_VECTORS`` ("1"/"0"), else whenever the
    ``models`` extra is installed (the grouping is better with them: docs/corpus.md)."""
    if setting is not None:
        return bool(setting)
    value = os.environ.get(VECTORS_ENV, "").strip()
    if value in ("0", "1"):
        return value == "1"
    from parley.models import encoder

    return encoder.available() is None


def embedder_for(store: Any) -> Any:
    """The store's one ``Embedder``: MiniLM or stem similarity (``vectors_wanted``). In an ingest the
    workers embed each document's sentences (``sentence_vectors``) and the writer only reuses them
    (``Embedder.remember``), so the one process that writes does not embed the whole corpus."""
    found = getattr(store, "_corpus_embedder", None)
    if found is None:
        from parley.corpus.text import Embedder

        found = Embedder(dense=vectors_wanted(getattr(store, "corpus_vectors", None)))
        store._corpus_embedder = found
    return found


def sentence_vectors(data: dict[str, Any]) -> str:
    """The MiniLM vectors of ``vector_texts(data)`` (the sentences of talking points), packed for the
    writer (``remember_vectors``); "" when vectors are not wanted or cannot be made. Run by ingest workers."""
    from parley.corpus.text import Embedder, pack_vectors

    if not vectors_wanted():
        return ""
    embedder = Embedder(dense=True)
    if embedder.model is None:
        return ""
    texts = vector_texts(data)
    return pack_vectors(texts, embedder.vectors(texts))


def vector_texts(data: dict[str, Any]) -> list[str]:
    """The texts of an analysis JSON the writer will want vectors of, in a fixed order: the sentences
    talking points take (``points.sentences_of``)."""
    from parley.corpus.points import sentences_of

    return [body for _, _, _, body in sentences_of(data)]


def remember_vectors(store: Any, data: dict[str, Any], packed: str) -> None:
    """Give the store's embedder the vectors a worker made for ``data`` (``sentence_vectors``)."""
    from parley.corpus.text import unpack_vectors

    embedder = embedder_for(store)
    if packed and embedder.model:
        embedder.remember(vector_texts(data), unpack_vectors(packed))


def update_document(store: Any, hash: str, data: dict[str, Any], day: str | None) -> None:
    """Add a new document's sentences to the talking points and check its attributions."""
    from parley.corpus import checks, points
    from parley.corpus.text import Embedder

    embedder = embedder_for(store)
    try:
        points.add_document(store, hash, data, day, embedder)
        # Attribution checks rank and label on stems whatever the points use: on the benchmark
        # stems are the better of the two (accuracy 0.954 against 0.931, swapped names 0.917
        # against 0.771: a name barely moves a MiniLM cosine; docs/corpus.md).
        checks.add_document(store, hash, data, day, Embedder(dense=False))
    finally:
        embedder.forget()


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

