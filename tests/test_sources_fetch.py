"""URL ingest against a real HTTP server on loopback: what is fetched, what is
refused before any connection (the server must see no request), limits."""
from __future__ import annotations

import contextlib
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import needs

needs("httpx", extra="sources")
from parley.cli import main  # noqa: E402
from parley.errors import SourceError  # noqa: E402
from parley.ingest.fetch import ALLOW_PRIVATE_ENV, fetch, refusal  # noqa: E402
from parley.store import open_store  # noqa: E402

# Every socket connect this process attempts (Python's audit event), so a
# refusal can be shown to have connected nowhere, not only to have reached no server.
CONNECTS: list = []
sys.addaudithook(lambda event, args: event == "socket.connect" and CONNECTS.append(args[1]))
TRANSCRIPT = "Question: Will the talks resume?\n\nMinister: Yes, they resume on Monday in Geneva.\n"
PAGE = ("<html><head><title>Press briefing</title></head><body><article><h1>Press briefing</h1>"
        "<p>Question: What did the minister say about the harbour?</p>"
        "<p>Minister: The harbour will reopen next spring, after the repairs are finished.</p>"
        "</article></body></html>")


class Handler(BaseHTTPRequestHandler):
    seen: list[str] = []
    routes = {
        "/file.txt": (200, "text/plain; charset=utf-8", TRANSCRIPT.encode()),
        "/page.html": (200, "text/html; charset=utf-8", PAGE.encode()),
        "/big.txt": (200, "text/plain", b"word " * 50_000),
        "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    }

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.seen.append(self.path)
        if self.path == "/slow.txt":
            time.sleep(2)
        if self.path.startswith("/redirect"):
            target = {"/redirect": "/file.txt", "/redirect-file": "file:///etc/passwd",
                      "/redirect-loop": "/redirect-loop"}[self.path]
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
            return
        unsized = self.path == "/big-unsized.txt"  # no Content-Length: the cap must stop the stream
        status, kind, body = self.routes.get("/big.txt" if unsized else self.path, (404, "text/plain", b"not here"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if not unsized:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a client that stopped at its cap
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def seen():
    Handler.seen.clear()
    return Handler.seen


@pytest.fixture
def allow_private(monkeypatch):
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")


@contextlib.contextmanager
def refused(code: str):
    with pytest.raises(SourceError) as caught:
        yield caught
    assert caught.value.code == code, caught.value


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "10.1.2.3", "172.16.0.9", "172.31.255.1", "192.168.1.1",
                                  "169.254.169.254", "0.0.0.0", "100.64.0.1", "224.0.0.1", "[::ffff:127.0.0.1]",
                                  "[64:ff9b::a00:1]", "[fe80::1]", "[fd00::1]", "[2002:a00:1::]"])
def test_non_public_addresses_are_refused_before_any_request(server, seen, monkeypatch, host):
    monkeypatch.delenv(ALLOW_PRIVATE_ENV, raising=False)
    port = server.rsplit(":", 1)[1]
    connects = len(CONNECTS)
    with refused("E832") as caught:
        fetch(f"http://{host}:{port}/file.txt", 1000)
    assert "refused before connecting" in caught.value.message
    assert seen == [] and len(CONNECTS) == connects


def test_a_public_name_resolving_to_a_private_address_is_refused(server, seen, monkeypatch):
    monkeypatch.delenv(ALLOW_PRIVATE_ENV, raising=False)
    port = int(server.rsplit(":", 1)[1])
    # The one seam: a resolver that answers like a rebinding DNS server would.
    answers = {"news.example.org": ["93.184.215.14", "127.0.0.1"]}
    connects = len(CONNECTS)
    with refused("E832") as caught:
        fetch(f"http://news.example.org:{port}/file.txt", 1000, resolver=lambda host, _port: answers[host])
    assert "news.example.org" in caught.value.message and "127.0.0.1" in caught.value.message
    assert seen == [] and len(CONNECTS) == connects


def test_the_connection_goes_to_the_checked_address(server, seen, allow_private):
    # The name resolves (through the resolver) to the loopback server's
    # address; the request is made with the name in the Host header, and the
    # socket connects to the checked address, not to a fresh DNS answer.
    port = int(server.rsplit(":", 1)[1])
    got = fetch(f"http://briefings.example.org:{port}/file.txt", 10_000, resolver=lambda host, _port: ["127.0.0.1"])
    assert got.data.decode() == TRANSCRIPT and seen == ["/file.txt"]
    assert CONNECTS[-1] == ("127.0.0.1", port)


def test_public_addresses_pass_the_check():
    assert refusal("93.184.215.14") is None
    assert refusal("2606:4700::1111") is None
    assert refusal("::ffff:10.0.0.1")


@pytest.mark.parametrize("url", ["ftp://example.org/a.txt", "file:///etc/passwd", "http:///nohost", "javascript:x"])
def test_only_http_and_https(url):
    with refused("E831"):
        fetch(url, 1000)


def test_text_and_html_are_fetched(server, seen, allow_private):
    got = fetch(f"{server}/file.txt", 10_000)
    assert got.data.decode() == TRANSCRIPT and got.kind is None
    assert fetch(f"{server}/page.html", 10_000).kind == "html"
    assert seen == ["/file.txt", "/page.html"]


def test_limits_and_statuses(server, seen, allow_private):
    with refused("E834"):
        fetch(f"{server}/big.txt", 10_000)
    with refused("E834"):
        fetch(f"{server}/big-unsized.txt", 10_000)
    with refused("E838"):
        fetch(f"{server}/image.png", 10_000)
    with refused("E836"):
        fetch(f"{server}/missing.txt", 10_000)
    with refused("E835"):
        fetch(f"{server}/slow.txt", 10_000, timeout=0.5)


def test_each_redirect_is_checked_again(server, seen, allow_private):
    assert fetch(f"{server}/redirect", 10_000).final_url == f"{server}/file.txt"
    with refused("E831"):
        fetch(f"{server}/redirect-file", 10_000)
    with refused("E837"):
        fetch(f"{server}/redirect-loop", 10_000)
    assert seen[:3] == ["/redirect", "/file.txt", "/redirect-file"]


def test_parley_ingest_url_stores_the_document(server, seen, allow_private, tmp_path, capsys):
    db = str(tmp_path / "urls.db")
    argv = ["ingest", f"{server}/file.txt", f"{server}/page.html", "--db", db, "--only", "structure",
            "--workers", "0", "--no-progress"]
    assert main(argv) == 0
    with open_store(db) as store:
        docs = {d.source: d for d in store.documents()}
        assert set(docs) == {f"{server}/file.txt", f"{server}/page.html"}
        assert store.get(docs[f"{server}/file.txt"].hash)["text"] == TRANSCRIPT
        assert docs[f"{server}/page.html"].title == "Press briefing"


def test_parley_ingest_refuses_loopback_without_the_test_setting(server, seen, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv(ALLOW_PRIVATE_ENV, raising=False)
    assert main(["ingest", f"{server}/file.txt", "--db", str(tmp_path / "r.db"), "--only", "structure",
                 "--workers", "0", "--no-progress"]) == 1
    assert "[E832]" in capsys.readouterr().err
    assert seen == []
