"""The figure of docs/sources.md: what ``parley ingest URL`` refuses, and proof
that nothing was sent.

Starts an HTTP server on 127.0.0.1 (and one on ::1 when the machine has
IPv6), then fetches each target with ``parley.ingest.fetch.fetch`` and prints
a Markdown table: the error code and message, the socket connections this
process attempted (seen through Python's ``socket.connect`` audit event, which
fires on every connect), and the requests the loopback servers received. The
public name that resolves to a private address goes through the fetcher's
resolver parameter (no DNS server is needed). A last row fetches the loopback
server with PARLEY_ALLOW_PRIVATE_URLS=1, to show the counters do count.

    PYTHONPATH=src python scripts/url_refusals.py
"""
from __future__ import annotations

import os
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from parley.errors import ParleyError
from parley.ingest.fetch import ALLOW_PRIVATE_ENV, fetch, system_resolver

REQUESTS: list[str] = []
CONNECTS: list[object] = []


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        REQUESTS.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"Minister: The harbour reopens in spring.\n")

    def log_message(self, *args):
        pass


class Server6(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def serve(cls, host: str) -> int:
    srv = cls((host, 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv.server_address[1]


def resolver(host: str, port: int) -> list[str]:
    """A DNS answer mixing a public and a private address for one public-looking name."""
    return ["93.184.215.14", "192.168.1.10"] if host == "intranet.example.org" else system_resolver(host, port)


def main() -> int:
    sys.addaudithook(lambda event, args: event == "socket.connect" and CONNECTS.append(args[1]))
    port = serve(ThreadingHTTPServer, "127.0.0.1")
    targets = [f"http://127.0.0.1:{port}/file.txt"]
    try:
        targets.append(f"http://[::1]:{serve(Server6, '::1')}/file.txt")
    except OSError:
        print("(no IPv6 loopback here: the ::1 row has no server behind it)", file=sys.stderr)
        targets.append("http://[::1]:8080/file.txt")
    targets += ["http://10.0.0.1/", "http://172.16.0.1/", "http://172.31.255.254/", "http://192.168.0.1/",
                "http://169.254.169.254/latest/meta-data/", "http://intranet.example.org/file.txt"]
    os.environ.pop(ALLOW_PRIVATE_ENV, None)
    print("| URL | result | connections attempted | requests received |\n|---|---|---|---|")
    for url in targets + ["ALLOWED " + targets[0]]:
        if url.startswith("ALLOWED "):
            url = url.split(" ", 1)[1]
            os.environ[ALLOW_PRIVATE_ENV] = "1"
        before_c, before_r = len(CONNECTS), len(REQUESTS)
        try:
            got = fetch(url, 10_000, timeout=5, resolver=resolver)
            result = f"fetched {len(got.data)} bytes ({ALLOW_PRIVATE_ENV}=1)"
        except ParleyError as e:
            result = f"[{e.code}] {e.message}"
        print(f"| `{url}` | {result} | {len(CONNECTS) - before_c} | {len(REQUESTS) - before_r} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
