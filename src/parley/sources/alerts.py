"""Saved searches that tell what is new since they were last looked at.

A saved search is a query, a layer and filters (``Filters`` fields) under a
name. Looking at it runs the search (up to ``ALERT_LIMIT`` hits) and calls a
hit new when its document was not among those the search showed at the last
look; ``look(..., mark=True)`` then records the documents shown now, so the
next look shows only what arrived since. Marking is a write: the CLI marks
by default (``parley alerts``), the web UI only on a POST with the token.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from parley.errors import SourceError
from parley.store import SEARCH_LAYERS, Filters, Store
from parley.store.base import Hit
from parley.store.query import check_day, query_words
from parley.store.sources import SavedSearch, SourceBook

ALERT_LIMIT = 500
MAX_NAME = 80
FILTER_NAMES = tuple(f.name for f in fields(Filters))


@dataclass(frozen=True)
class Alert:
    """One look at a saved search: every hit, and those that are new."""

    search: SavedSearch
    hits: list[Hit]
    new: list[Hit]
    complete: bool = True

    def json(self) -> dict[str, Any]:
        fresh = {id(h) for h in self.new}
        return {**self.search.json(), "new_count": len(self.new), "total": len(self.hits), "complete": self.complete,
                "hits": [{**h.json(), "new": id(h) in fresh} for h in self.hits]}


def make_search(name: str, query: str, layer: str = "sentences", filters: dict[str, Any] | None = None) -> SavedSearch:
    """A valid SavedSearch, or SourceError E841 naming what is wrong."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise SourceError(f"a saved search needs a name of 1 to {MAX_NAME} printable characters", code="E841")
    if layer not in SEARCH_LAYERS:
        raise SourceError(f"unknown search layer '{layer}' (choose from {', '.join(SEARCH_LAYERS)})", code="E841")
    clean = {k: str(v).strip() for k, v in (filters or {}).items() if v not in (None, "") and str(v).strip()}
    unknown = sorted(set(clean) - set(FILTER_NAMES))
    if unknown:
        raise SourceError(f"unknown filters {unknown} (choose from {', '.join(FILTER_NAMES)})", code="E841")
    for day in ("since", "until"):
        check_day(clean.get(day), day)  # E610 for a date that is not YYYY-MM-DD
    if not query_words(query or "") and not clean:
        raise SourceError("a saved search needs words to look for or at least one filter", code="E841")
    return SavedSearch(name, (query or "").strip(), layer, clean)


def save(store: Store, search: SavedSearch, mark: bool = True) -> Alert:
    """Store ``search``; with ``mark``, what it finds now counts as seen (only later arrivals are new)."""
    book = SourceBook(store)
    book.save_search(search)
    return look(store, search.name, mark=mark)


def look(store: Store, name: str, mark: bool = False) -> Alert:
    """The hits of the saved search ``name``, those new since the last look flagged."""
    book = SourceBook(store)
    search = book.saved_search(name)
    result = store.search(search.query, Filters(**search.filters), search.layer, limit=ALERT_LIMIT)
    new = [h for h in result.hits if h.hash not in search.seen]
    if mark:
        book.mark_seen(name, {h.hash for h in result.hits})
    return Alert(search, result.hits, new, result.complete)


def look_all(store: Store, mark: bool = False) -> list[Alert]:
    """Every saved search, looked at (and marked with ``mark``)."""
    return [look(store, s.name, mark=mark) for s in SourceBook(store).saved_searches()]
