"""Feeds and saved searches in the store (migration 7): SQL both backends share.

``SourceBook(store)`` reads and writes the tables ``feeds``, ``feed_items``
and ``saved_searches`` of an open SQL store, each write in one transaction.
A feed item is keyed by (feed URL, item key) and written with an upsert, so
recording an item again (a retry after a failure) replaces its row.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from parley.errors import SourceError
from parley.store.rows import now_iso

ITEM_COLUMNS = ("feed_url", "item_key", "link", "title", "seen_at", "doc_hash", "code", "message")
SEARCH_COLUMNS = ("name", "query", "layer", "filters", "created_at", "last_seen_at", "seen")


@dataclass(frozen=True)
class FeedItem:
    """One item ``parley watch`` saw: the document it stored, or why it failed."""

    feed_url: str
    item_key: str
    link: str | None
    title: str | None
    seen_at: str
    doc_hash: str | None
    code: str | None
    message: str | None

    def json(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass(frozen=True)
class SavedSearch:
    """A query with its filters, and the documents it showed when last looked at."""

    name: str
    query: str
    layer: str = "sentences"
    filters: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
    last_seen_at: str | None = None
    seen: frozenset[str] = frozenset()

    def json(self) -> dict[str, Any]:
        return {"name": self.name, "query": self.query, "layer": self.layer, "filters": self.filters,
                "created_at": self.created_at, "last_seen_at": self.last_seen_at}


def _search_of(row: tuple) -> SavedSearch:
    name, query, layer, filters, created, last, seen = row
    return SavedSearch(name, query, layer, json.loads(filters), created, last, frozenset(json.loads(seen)))


class SourceBook:
    """The feed and saved-search tables of ``store`` (a ``SQLStore``)."""

    def __init__(self, store: Any):
        self.store = store

    # -- feeds -------------------------------------------------------------
    def record_feed(self, url: str, title: str | None, code: str | None = None, message: str | None = None) -> None:
        with self.store._transaction():
            self.store._execute(
                "INSERT INTO feeds (url, title, checked_at, code, message) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET title = coalesce(excluded.title, feeds.title), "
                "checked_at = excluded.checked_at, code = excluded.code, message = excluded.message",
                (url, title, now_iso(), code, message))

    def record_item(self, item: FeedItem) -> None:
        updates = ", ".join(f"{c} = excluded.{c}" for c in ITEM_COLUMNS[2:])
        with self.store._transaction():
            self.store._execute(
                f"INSERT INTO feed_items ({', '.join(ITEM_COLUMNS)}) VALUES ({', '.join('?' * len(ITEM_COLUMNS))}) "
                f"ON CONFLICT (feed_url, item_key) DO UPDATE SET {updates}",
                tuple(getattr(item, c) for c in ITEM_COLUMNS))

    def feed_items(self, feed_url: str | None = None) -> list[FeedItem]:
        where, params = ("WHERE feed_url = ?", (feed_url,)) if feed_url else ("", ())
        rows = self.store._rows(f"SELECT {', '.join(ITEM_COLUMNS)} FROM feed_items {where} "
                                "ORDER BY feed_url, seen_at, item_key", params)
        return [FeedItem(*row) for row in rows]

    def stored_item_keys(self, feed_url: str) -> set[str]:
        """Keys of the items of ``feed_url`` already stored as documents."""
        rows = self.store._rows("SELECT item_key FROM feed_items WHERE feed_url = ? AND doc_hash IS NOT NULL",
                                (feed_url,))
        return {row[0] for row in rows}

    # -- saved searches ----------------------------------------------------
    def save_search(self, search: SavedSearch) -> None:
        """Store ``search`` under its name, replacing one of that name (its marks start again)."""
        row = (search.name, search.query, search.layer, json.dumps(search.filters, sort_keys=True), now_iso(),
               None, json.dumps(sorted(search.seen)))
        with self.store._transaction():
            self.store._execute("DELETE FROM saved_searches WHERE name = ?", (search.name,))
            self.store._execute(f"INSERT INTO saved_searches ({', '.join(SEARCH_COLUMNS)}) VALUES "
                                f"({', '.join('?' * len(SEARCH_COLUMNS))})", row)

    def saved_searches(self) -> list[SavedSearch]:
        return [_search_of(r) for r in self.store._rows(
            f"SELECT {', '.join(SEARCH_COLUMNS)} FROM saved_searches ORDER BY name")]

    def saved_search(self, name: str) -> SavedSearch:
        row = self.store._one(f"SELECT {', '.join(SEARCH_COLUMNS)} FROM saved_searches WHERE name = ?", (name,))
        if row is None:
            raise SourceError(f"no saved search is named '{name}' (parley alerts --list shows them)", code="E841")
        return _search_of(row)

    def mark_seen(self, name: str, hashes: set[str]) -> None:
        """Record that ``name`` was looked at now, showing the documents ``hashes``."""
        with self.store._transaction():
            cursor = self.store._execute("UPDATE saved_searches SET last_seen_at = ?, seen = ? WHERE name = ?",
                                         (now_iso(), json.dumps(sorted(hashes)), name))
            if cursor.rowcount == 0:
                raise SourceError(f"no saved search is named '{name}'", code="E841")

    def delete_search(self, name: str) -> None:
        with self.store._transaction():
            cursor = self.store._execute("DELETE FROM saved_searches WHERE name = ?", (name,))
            if cursor.rowcount == 0:
                raise SourceError(f"no saved search is named '{name}'", code="E841")
