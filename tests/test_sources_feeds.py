"""parley watch against a real RSS and Atom server on loopback: new items are
stored, a second run stores nothing twice, failures are recorded and retried."""
from __future__ import annotations

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import needs

needs("feedparser", extra="sources")
from parley.cli import main  # noqa: E402
from parley.errors import SourceError  # noqa: E402
from parley.ingest.fetch import ALLOW_PRIVATE_ENV  # noqa: E402
from parley.sources.feeds import every_seconds, watch_once  # noqa: E402
from parley.store import open_store  # noqa: E402
from parley.store.sources import SourceBook  # noqa: E402

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Ministry briefings</title>
<item><title>Briefing on the harbour</title><link>{base}/harbour.txt</link><guid>brief-1</guid>
<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>
<item><title>Briefing on the railway</title><link>{base}/railway.html</link><guid>brief-2</guid></item>
<item><title>Gone</title><link>{base}/gone.txt</link><guid>brief-3</guid></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Statements</title>
<id>urn:statements</id><updated>2024-03-06T00:00:00Z</updated>
<entry><title>Statement on grain</title><id>urn:statement:1</id><updated>2024-03-06T00:00:00Z</updated>
<content type="html">&lt;p&gt;Minister: Grain exports will double by June, the ministry said today.&lt;/p&gt;</content></entry>
</feed>"""
PAGES = {
    "/harbour.txt": ("text/plain", "Question: When will the harbour reopen?\n\nMinister: In the spring.\n"),
    "/railway.html": ("text/html", "<html><body><article><p>Question: Is the railway finished?</p>"
                                   "<p>Minister: The railway opens in May, two months late.</p></article></body></html>"),
    "/not-a-feed.xml": ("text/plain", "just words, no feed here"),
}


class FeedHandler(BaseHTTPRequestHandler):
    base = ""

    def do_GET(self):  # noqa: N802
        feeds = {"/feed.xml": ("application/rss+xml", RSS), "/atom.xml": ("application/atom+xml", ATOM)}
        kind, body = {**PAGES, **feeds}.get(self.path, ("text/plain", None))
        data = (body or "missing").format(base=self.base).encode() if body else b"missing"
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):
            self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    FeedHandler.base = f"http://127.0.0.1:{srv.server_address[1]}"
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield FeedHandler.base
    srv.shutdown()
    srv.server_close()


@pytest.fixture(autouse=True)
def allow_private(monkeypatch):
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")


def test_watch_stores_new_items_once_and_records_what_it_saw(base, tmp_path):
    db = str(tmp_path / "feeds.db")
    with open_store(db) as store:
        first = watch_once(store, [f"{base}/feed.xml", f"{base}/atom.xml"], only=["structure"], workers=0)
        assert (first.items, first.stored, first.failed) == (4, 3, 1)
        assert store.count() == 3
        again = watch_once(store, [f"{base}/feed.xml", f"{base}/atom.xml"], only=["structure"], workers=0)
        assert (again.stored, again.known, again.failed) == (0, 3, 1)  # the failed item is tried again
        assert store.count() == 3
        items = {i.item_key: i for i in SourceBook(store).feed_items()}
        assert set(items) == {"brief-1", "brief-2", "brief-3", "urn:statement:1"}
        assert items["brief-3"].doc_hash is None and items["brief-3"].code == "E836"
        harbour = store.info(items["brief-1"].doc_hash)
        assert harbour.title == "Briefing on the harbour" and harbour.published == "2024-03-05"
        assert "railway opens in May" in store.get(items["brief-2"].doc_hash)["text"]
        assert "Grain exports" in store.get(items["urn:statement:1"].doc_hash)["text"]


def test_watch_cli_once_and_a_bad_feed(base, tmp_path, capsys):
    db = str(tmp_path / "cli.db")
    argv = ["watch", f"{base}/atom.xml", f"{base}/not-a-feed.xml", "--once", "--db", db, "--only", "structure"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "[E840]" in err and "1 stored" in err
    with open_store(db) as store:
        assert store.count() == 1


def test_every_takes_durations_only():
    assert every_seconds("30m") == 1800 and every_seconds("1h") == 3600 and every_seconds("2d") == 172800
    for bad in ("", "1 hour", "0h", "-1h", "5x"):
        with pytest.raises(SourceError) as caught:
            every_seconds(bad)
        assert caught.value.code == "E842"
