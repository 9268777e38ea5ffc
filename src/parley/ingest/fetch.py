"""Fetch one URL's bytes for ingest, refusing every address that is not public.

``fetch(url)`` returns the body of an ``http://`` or ``https://`` URL, with
these guarantees (each refusal is a ``SourceError`` with its code):

- only http and https (E831);
- the host is resolved here (``socket.getaddrinfo``) and refused if ANY of
  its addresses is not public (E832): loopback, private, link-local (the
  cloud metadata address 169.254.169.254 too), unspecified, multicast,
  reserved, shared (100.64/10), documentation, and IPv6 forms that carry one
  of those (IPv4-mapped, NAT64 ``64:ff9b::/96``, 6to4, Teredo). The check
  comes before any connection;
- the connection goes to the very address that was checked: the httpx
  transport's network backend connects to the pinned address of the host,
  and to no other host, so a DNS answer that changes between the check and
  the connection (DNS rebinding) is never used. TLS still verifies the
  certificate for, and sends SNI of, the URL's host name, since only the
  socket's address is pinned;
- redirects are not followed by httpx: each hop's Location is checked again
  (scheme, resolution, addresses) before it is fetched, at most
  ``MAX_REDIRECTS`` hops (E837);
- the body is streamed and the fetch stops at ``max_bytes`` (E834); the
  whole fetch, redirects included, has one time limit (E835);
- an HTTP error status is E836, a content type that is not text, HTML, XML
  or JSON is E838, a connection that fails is E839.

Environment proxies are ignored (``trust_env=False``): a proxy would connect
to hosts that were never checked. ``PARLEY_ALLOW_PRIVATE_URLS=1`` lifts the
address check (E832) and nothing else; it exists for tests against a server
on loopback and must never be set in production.
"""
from __future__ import annotations

import ipaddress
import os
import socket
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urljoin, urlsplit

from parley.errors import ModelUnavailable, SourceError

MAX_REDIRECTS = 5
DEFAULT_TIMEOUT_S = 20.0
ALLOW_PRIVATE_ENV = "PARLEY_ALLOW_PRIVATE_URLS"
USER_AGENT = "parley-ingest"
TEXT_TYPES = ("text/", "application/xhtml+xml", "application/xml", "application/json", "application/x-ndjson",
              "application/rss+xml", "application/atom+xml", "application/ld+json")
# Ranges ``is_global`` lets through on some Python versions, refused anyway.
_ALWAYS_REFUSED = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32", "64:ff9b:1::/48", "2001:db8::/32", "fc00::/7",
    "fe80::/10", "fec0::/10", "ff00::/8", "::/128", "::1/128",
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class Fetched:
    """A fetched body: the URL asked for, the one that answered, its type."""

    url: str
    final_url: str
    content_type: str
    data: bytes

    @property
    def kind(self) -> str | None:
        """"html", "jsonl" or None (then the text is sniffed)."""
        if "html" in self.content_type:
            return "html"
        if "ndjson" in self.content_type or "jsonl" in self.content_type:
            return "jsonl"
        return None


def is_url(value: str) -> bool:
    """Whether ``value`` names a URL (``scheme://...``) rather than a path."""
    scheme, sep, _rest = value.partition("://")
    return bool(sep) and scheme.isascii() and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum()


def refusal(address: str) -> str | None:
    """Why ``address`` (an IP literal) may not be fetched, or None if it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is None and ip.teredo is not None:
            embedded = ip.teredo[1]
        if embedded is not None:
            inner = refusal(str(embedded))
            if inner:
                return f"{ip} carries {inner}"
    for label, test in (("loopback", ip.is_loopback), ("unspecified", ip.is_unspecified),
                        ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                        ("private", ip.is_private), ("reserved", ip.is_reserved)):
        if test:
            return f"{ip} (a {label} address)"
    if any(ip in net for net in _ALWAYS_REFUSED if net.version == ip.version) or not ip.is_global:
        return f"{ip} (not a public address)"
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), through the system."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise SourceError(f"the host '{host}' cannot be resolved: {e}", code="E833") from e
    return list(dict.fromkeys(info[4][0] for info in infos))


def vet(url: str, resolver: Resolver = system_resolver) -> tuple[str, str]:
    """(host, the checked address to connect to) for ``url``; SourceError if refused."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as e:
        raise SourceError(f"the URL cannot be read: {e}", code="E831", path=url) from e
    if parts.scheme not in ("http", "https"):
        raise SourceError(f"only http:// and https:// URLs can be fetched, not '{parts.scheme}:'",
                          code="E831", path=url)
    host = parts.hostname
    if not host:
        raise SourceError("the URL has no host", code="E831", path=url)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = resolver(host, port)
    if not addresses:
        raise SourceError(f"the host '{host}' resolves to no address", code="E833", path=url)
    if os.environ.get(ALLOW_PRIVATE_ENV) != "1":
        for address in addresses:
            why = refusal(address)
            if why:
                where = why if address == host else f"'{host}' resolves to {why}"
                raise SourceError(f"refused before connecting: {where}", code="E832", path=url)
    return host, addresses[0]


def _pinned_transport(host: str, address: str):
    """An httpx transport whose connections go to ``address`` for ``host`` and nowhere else."""
    import httpcore
    import httpx

    pinned = _ascii_host(host)

    class PinnedBackend(httpcore.SyncBackend):
        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            if _ascii_host(host) != pinned:
                raise httpcore.ConnectError(f"connection to unchecked host {host!r} refused")
            return super().connect_tcp(address, port, timeout, local_address, socket_options)

    transport = httpx.HTTPTransport(trust_env=False)
    # httpx exposes no network-backend option; its pool is rebuilt with one.
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                              network_backend=PinnedBackend(), max_connections=1)
    return transport


def _ascii_host(host: str) -> str:
    """``host`` as it goes on the wire (IDNA), lower case, without IPv6 brackets."""
    host = host.strip("[]").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def fetch(url: str, max_bytes: int, timeout: float = DEFAULT_TIMEOUT_S, resolver: Resolver = system_resolver) -> Fetched:
    """The body of ``url`` (see the module docstring for every check)."""
    try:
        import httpx
    except ImportError as e:
        raise ModelUnavailable(f"fetching URLs needs the 'sources' extra (pip install 'parley[sources]'): {e}") from e
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        host, address = vet(current, resolver)
        left = deadline - time.monotonic()
        if left <= 0:
            raise SourceError(f"no answer within {timeout:g} s", code="E835", path=url)
        try:
            with httpx.Client(transport=_pinned_transport(host, address), timeout=left, trust_env=False,
                              follow_redirects=False, headers={"User-Agent": USER_AGENT}) as client:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise SourceError(f"redirect {response.status_code} without a Location",
                                              code="E837", path=url)
                        current = urljoin(current, location)
                        continue
                    return _body(url, current, response, max_bytes, deadline, timeout)
        except httpx.TimeoutException as e:
            raise SourceError(f"no answer within {timeout:g} s", code="E835", path=url) from e
        except httpx.HTTPError as e:
            raise SourceError(f"the connection failed: {e}", code="E839", path=url) from e
    raise SourceError(f"more than {MAX_REDIRECTS} redirects", code="E837", path=url)


def _body(url: str, final: str, response, max_bytes: int, deadline: float, timeout: float) -> Fetched:
    if response.status_code >= 400:
        raise SourceError(f"the server answered HTTP {response.status_code} {response.reason_phrase}".rstrip(),
                          code="E836", path=url)
    content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type and not content_type.startswith(TEXT_TYPES):
        raise SourceError(f"the content is '{content_type}', not text, HTML, XML or JSON", code="E838", path=url)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise SourceError(f"the response is {declared} bytes, over the limit of {max_bytes}", code="E834", path=url)
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise SourceError(f"the response is more than {max_bytes} bytes, the limit", code="E834", path=url)
        if time.monotonic() > deadline:
            raise SourceError(f"not fully read within {timeout:g} s", code="E835", path=url)
        chunks.append(chunk)
    return Fetched(url, final, content_type, b"".join(chunks))
