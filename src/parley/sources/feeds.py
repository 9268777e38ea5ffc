"""``parley watch``: read RSS and Atom feeds and ingest their new items.

Each feed is fetched with the checks of ``ingest/fetch.py`` (public addresses
only, size and time limits, every redirect checked) and parsed by feedparser.
An item is keyed by its id (else its link, else its title); an item already
stored as a document is skipped, so running the same watch again stores
nothing twice. A new item's link is fetched like ``parley ingest URL`` (an
HTML page goes through trafilatura); an item without a link is ingested from
its own content. The item's title and date fill in what the page lacks.
Every item seen is recorded in ``feed_items`` with the hash of the document
it became, or the code and message of why it failed (a failed item is tried
again on the next run); each feed's last check is recorded in ``feeds``.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Iterator, TextIO

from parley.document import Document, Metadata
from parley.errors import ModelUnavailable, ParleyError, SourceError
from parley.ingest import DEFAULT_MAX_BYTES, Failure, documents_from_bytes, url_documents
from parley.ingest.fetch import fetch
from parley.store.ingest import ingest
from parley.store.rows import now_iso
from parley.store.sources import FeedItem, SourceBook

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass
class WatchReport:
    """What one pass over the feeds did."""

    feeds: int = 0
    items: int = 0  # items in the feeds
    known: int = 0  # already stored by an earlier run
    stored: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.feeds} feeds, {self.items} items: {self.stored} stored, {self.known} already stored, "
                f"{self.failed} failed")


def every_seconds(value: str) -> int:
    """``30m``, ``1h``, ``1d``... in seconds; E842 otherwise."""
    match = _DURATION.match(value or "")
    if not match or int(match.group(1)) == 0:
        raise SourceError(f"--every must be a duration like 30m, 1h or 1d, not {value!r}", code="E842")
    return int(match.group(1)) * _UNITS[match.group(2)]


def parse_feed(data: bytes, url: str) -> Any:
    """The feedparser result for ``data``; E840 when it holds no feed."""
    try:
        import feedparser
    except ImportError as e:
        raise ModelUnavailable(f"parley watch needs the 'sources' extra (pip install 'parley[sources]'): {e}") from e
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        why = getattr(parsed.get("bozo_exception"), "args", ["not RSS or Atom"])
        raise SourceError(f"not an RSS or Atom feed ({why[0] if why else 'no feed found'})", code="E840", path=url)
    return parsed


def item_key(entry: Any) -> str | None:
    return entry.get("id") or entry.get("link") or entry.get("title") or None


def _entry_metadata(entry: Any) -> Metadata:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    published = date(*stamp[:3]).isoformat() if stamp else None
    return Metadata(title=entry.get("title") or None, published=published)


def entry_documents(entry: Any, feed_url: str, max_bytes: int) -> Iterator[Document | Failure]:
    """The documents of one feed item, its title and date filling in what they lack."""
    link = entry.get("link") or ""
    has_content = bool(entry.get("content") or entry.get("summary"))
    if link.startswith(("http://", "https://")) or (link and not has_content):
        items = url_documents(link, max_bytes)
    else:  # no web link (feedparser gives an Atom entry's urn: id as its link): the item's own content
        content = entry.get("content") or [{"value": entry.get("summary") or ""}]
        body = "\n".join(part.get("value", "") for part in content)
        html = f"<html><body><article>{body}</article></body></html>".encode("utf-8")
        items = documents_from_bytes(html, f"{feed_url}#{item_key(entry)}", "item", "html")
    extra = _entry_metadata(entry)
    for item in items:
        if isinstance(item, Document):
            filled = extra.merged(item.metadata)  # what the page says wins; the feed fills gaps
            item = replace(item, metadata=filled)
        yield item


def watch_once(store: Any, feed_urls: list[str], *, max_bytes: int = DEFAULT_MAX_BYTES, log: TextIO | None = None,
               **ingest_options: Any) -> WatchReport:
    """One pass: every new item of every feed fetched, analysed and stored."""
    book = SourceBook(store)
    report = WatchReport()
    for feed_url in feed_urls:
        report.feeds += 1
        try:
            parsed = parse_feed(fetch(feed_url, max_bytes).data, feed_url)
        except ParleyError as e:
            book.record_feed(feed_url, None, e.code, e.message)
            report.failed += 1
            report.failures.append(Failure(feed_url, e.code, e.message))
            continue
        book.record_feed(feed_url, parsed.feed.get("title") or None)
        _ingest_entries(store, book, feed_url, parsed.entries, report, max_bytes, log, ingest_options)
    return report


def _ingest_entries(store: Any, book: SourceBook, feed_url: str, entries: list, report: WatchReport,
                    max_bytes: int, log: TextIO | None, options: dict[str, Any]) -> None:
    known = book.stored_item_keys(feed_url)
    todo: dict[str, tuple[Any, list[Document | Failure]]] = {}
    for entry in entries:
        key = item_key(entry)
        if key is None:
            continue
        report.items += 1
        if key in known or key in todo:
            report.known += key in known
            continue
        todo[key] = (entry, list(entry_documents(entry, feed_url, max_bytes)))
    documents = [d for _entry, items in todo.values() for d in items]
    done = ingest([], store, documents=documents, max_bytes=max_bytes, log=log, progress=False, **options)
    failed = {f.source: f for f in done.failures}
    stored = store.hashes()
    for key, (entry, items) in todo.items():
        docs = [d for d in items if isinstance(d, Document)]
        problems = [f for f in items if isinstance(f, Failure)]
        problems += [failed[d.metadata.source] for d in docs if d.metadata.source in failed]
        doc_hash = next((d.hash for d in docs if d.hash in stored), None)
        first = problems[0] if problems and doc_hash is None else None
        book.record_item(FeedItem(feed_url, key, entry.get("link"), entry.get("title"), now_iso(), doc_hash,
                                  first.code if first else None, first.message if first else None))
        if doc_hash is None:
            report.failed += 1
            report.failures.append(first or Failure(key, "E830", "the item held no document"))
        else:
            report.stored += 1


def watch(store: Any, feed_urls: list[str], every: int | None, log: TextIO, **options: Any) -> WatchReport:
    """``watch_once``, then (with ``every``) again every ``every`` seconds until interrupted."""
    while True:
        report = watch_once(store, feed_urls, log=log, **options)
        print(f"{now_iso()} {report.summary()}", file=log)
        for f in report.failures:
            print(f"  {f}", file=log)
        if every is None:
            return report
        time.sleep(every)
