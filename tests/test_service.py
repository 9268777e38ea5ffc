"""The HTTP service through FastAPI's test client: pages, JSON twins, errors,
tokens, upload limits, the search time limit, OpenAPI, escaping."""
from __future__ import annotations

import html
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import needs

needs("fastapi", extra="service")
needs("httpx", extra="service")

from fastapi.testclient import TestClient  # noqa: E402

try:  # tests/ may or may not be a package
    from . import service_corpus
except ImportError:
    import service_corpus  # type: ignore[no-redef]  # noqa: E402
from parley.service import Settings, create_app  # noqa: E402
from parley.store import SearchResult, open_store  # noqa: E402

TOKEN = "test-token-123"
HTML = {"accept": "text/html"}


@pytest.fixture
def store_url(tmp_path):
    url = str(tmp_path / "service.db")
    with open_store(url) as store:
        service_corpus.fill(store)
    return url


@pytest.fixture
def hashes():
    return {"interview": service_corpus.interview().document.hash, "hostile": service_corpus.hostile().document.hash}


def client_for(url, **settings) -> TestClient:
    settings.setdefault("token", TOKEN)
    return TestClient(create_app(url, Settings(**settings), pipeline=[]))


@pytest.fixture
def client(store_url):
    with client_for(store_url) as c:
        yield c


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body


# -- every page and its JSON twin ------------------------------------------
def pages(hashes) -> list[str]:
    return [
        "/documents", "/documents?outlet=Invented+Gazette", "/documents?speaker=anna-kovacs",
        "/documents?entity=geneva", "/documents?date=2024-03-03",
        f"/documents/{hashes['interview']}", "/entities/geneva", "/search?q=sanctions", "/upload",
    ]


def test_every_page_loads_and_has_a_json_twin(client, hashes):
    for path in pages(hashes):
        page = client.get(path, headers=HTML)
        assert page.status_code == 200, (path, page.text[:300])
        assert page.headers["content-type"].startswith("text/html")
        twin_path = "/api" + path
        twin = client.get(twin_path)
        assert twin.status_code == 200, (twin_path, twin.text[:300])
        assert twin.headers["content-type"].startswith("application/json")
        # the page links to its twin, and the link gives the same view
        link = html.unescape(re.search(r'<a href="([^"]+)" class="twin">', page.text).group(1))
        assert link.split("?")[0] == twin_path.split("?")[0], (path, link)
        linked = client.get(link).json()
        linked.pop("elapsed", None)
        assert linked == {k: v for k, v in twin.json().items() if k != "elapsed"}, (path, link)


def test_every_html_route_has_a_twin():
    from parley.service import pages

    routes = {(r.path, m) for r in pages.router.routes for m in r.methods}
    html_gets = {p for p, m in routes if m == "GET" and not p.startswith(("/api/", "/static"))
                 and p not in ("/", "/favicon.ico")}
    assert html_gets >= {"/documents", "/documents/{ref}", "/entities/{entity_id}", "/search", "/upload"}
    for path in html_gets:
        assert ("/api" + path, "GET") in routes, path


def test_library_filters(client, hashes):
    def listed(query: str) -> set[str]:
        return {d["hash"] for d in client.get("/api/documents" + query).json()["documents"]}

    assert listed("") == set(hashes.values())
    assert listed("?outlet=Invented+Gazette") == {hashes["interview"]}
    assert listed("?entity=brazil") == {hashes["interview"]}
    assert listed("?date=2024-05-01") == {hashes["hostile"]}
    assert listed("?since=2024-04-01") == {hashes["hostile"]}
    assert listed("?speaker=nobody-at-all") == set()
    page = client.get("/documents?entity=brazil", headers=HTML).text
    assert hashes["interview"] in page and hashes["hostile"] not in page


def test_document_page_shows_layers_and_panels(client, hashes):
    view = client.get(f"/api/documents/{hashes['interview']}").json()
    assert view["analysis"]["text"].startswith("Foreign Minister")
    assert {e["id"] for e in view["entities"]} >= {"geneva", "brazil"}
    page = client.get(f"/documents/{hashes['interview']}", headers=HTML).text
    for layer in ("entities", "attributions", "timex"):
        assert f'data-layer="{layer}"' in page, layer
    assert 'class="seg h-entities" id="c' in page  # entities are highlighted by default
    assert 'href="/entities/geneva"' in page
    for section in view["sections"]:  # side panels come from render.sections
        assert f'id="panel-{section["key"]}"' in page


def test_linked_passage_is_marked_and_checked(client, hashes):
    page = client.get(f"/documents/{hashes['interview']}?at=0-10", headers=HTML).text
    assert 'data-layer="selected"' in page and 'h-selected' in page
    assert_error(client.get(f"/documents/{hashes['interview']}?at=0-999999"), 422, "E704")
    assert_error(client.get(f"/documents/{hashes['interview']}?at=x"), 422, "E704")


def test_entity_page(client, hashes):
    view = client.get("/api/entities/elena-petrova").json()
    assert view["name"] == "Elena Petrova" and view["documents"] == 1
    assert [h["snippet"] for h in view["said_by_others"]] == ["the talks would resume next week"]
    page = client.get("/entities/elena-petrova", headers=HTML).text
    assert "the talks would resume next week" in page
    assert f"/documents/{hashes['interview']}?at=" in page
    assert_error(client.get("/api/entities/no-such-entity"), 404, "E603")


def test_search_returns_hits_with_offsets(client, hashes):
    view = client.get("/api/search", params={"q": "sanctions"}).json()
    assert view["complete"] is True and len(view["hits"]) == 1
    hit = view["hits"][0]
    text = service_corpus.interview().text
    assert text[hit["start"]:hit["end"]] == hit["snippet"]
    assert hit["hash"] == hashes["interview"] and hit["speaker"] == "anna-kovacs"
    page = client.get("/search", params={"q": "sanctions"}, headers=HTML).text
    assert 'class="hit"' in page and f"?at={hit['start']}-{hit['end']}" in page
    assert client.get("/api/search", params={"q": "talks", "layer": "quotes"}).json()["hits"]
    assert client.get("/api/search", params={"q": "sanctions", "speaker": "interviewer"}).json()["hits"] == []
    assert client.get("/api/search").json()["searched"] is False  # the empty search page


# -- one error shape -----------------------------------------------------
def test_errors_share_one_json_shape(client):
    assert_error(client.get("/no/such/page"), 404, "E703")
    assert_error(client.get("/api/documents/ffffffffffff"), 404, "E603")
    assert_error(client.get("/api/documents", params={"offset": -1}), 422, "E704")
    assert_error(client.get("/api/documents", params={"since": "yesterday"}), 422, "E704")
    assert_error(client.get("/api/search", params={"q": "x", "layer": "bogus"}), 422, "E704")
    assert_error(client.get("/api/search", params={"q": "!!!"}), 422, "E606")
    assert_error(client.post("/api/search"), 405, "E708")
    assert_error(client.post("/api/documents", content=b"x"), 401, "E701")


def test_pages_show_errors_as_html_to_browsers(client):
    response = client.get("/documents/ffffffffffff", headers=HTML)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "E603" in response.text
    assert_error(client.get("/api/documents/ffffffffffff", headers=HTML), 404, "E603")


def test_unexpected_failure_is_e700(store_url):
    with client_for(store_url) as c:
        c.app.state.pool.read = lambda func: 1 / 0
        with TestClient(c.app, raise_server_exceptions=False) as quiet:
            assert_error(quiet.get("/api/documents"), 500, "E700")


# -- tokens --------------------------------------------------------------
TRANSCRIPT = b"Question: Did the invented summit in Lisbon go well?\n\nMaria Lopez: It went well, thank you.\n"


def test_upload_needs_the_token(client):
    assert_error(client.post("/api/documents", content=TRANSCRIPT), 401, "E701")
    assert_error(client.post("/api/documents", content=TRANSCRIPT, headers={"authorization": "Bearer wrong"}),
                 401, "E701")
    client.cookies.set("parley_token", TOKEN)  # a cookie never authorises a write
    assert_error(client.post("/api/documents", content=TRANSCRIPT), 401, "E701")
    client.cookies.clear()
    ok = client.post("/api/documents", content=TRANSCRIPT, params={"title": "Lisbon", "published": "2024-06-01"},
                     headers={"authorization": f"Bearer {TOKEN}", "x-filename": "lisbon.txt"})
    assert ok.status_code == 201, ok.text
    stored = ok.json()["stored"]
    assert len(stored) == 1 and stored[0]["created"] is True
    info = client.get(stored[0]["api"]).json()
    assert info["metadata"]["title"] == "Lisbon" and info["document"]["doc_id"] == "lisbon"
    again = client.post("/api/documents", content=TRANSCRIPT, headers={"x-parley-token": TOKEN})
    assert again.status_code == 201 and again.json()["stored"][0]["created"] is False


def test_writes_are_refused_without_a_server_token(store_url):
    with client_for(store_url, token=None) as c:
        assert_error(c.post("/api/documents", content=TRANSCRIPT, headers={"authorization": "Bearer x"}),
                     403, "E702")
        assert c.get("/api/upload").json()["writes_enabled"] is False


def test_reads_can_require_the_token(store_url, hashes):
    with client_for(store_url, read_token_required=True) as c:
        for path in ("/api/documents", f"/api/documents/{hashes['interview']}", "/api/search?q=talks", "/documents"):
            assert_error(c.get(path), 401, "E701")
            assert c.get(path, headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
        c.cookies.set("parley_token", TOKEN)
        assert c.get("/documents", headers=HTML).status_code == 200
    with pytest.raises(Exception, match="E709"):
        create_app(store_url, Settings(read_token_required=True))


def test_settings_from_environment():
    s = Settings.from_env({"PARLEY_TOKEN": "t", "PARLEY_READ_TOKEN_REQUIRED": "yes",
                           "PARLEY_MAX_UPLOAD_BYTES": "1000", "PARLEY_SEARCH_TIMEOUT": "0.5",
                           "PARLEY_SERVE_ONLY": "structure, entities"})
    assert (s.token, s.read_token_required, s.max_upload_bytes, s.search_timeout_s, s.only) == (
        "t", True, 1000, 0.5, ("structure", "entities"))
    assert Settings.from_env({}).token is None and Settings.from_env({}).read_token_required is False
    with pytest.raises(Exception, match="E709"):
        Settings.from_env({"PARLEY_READ_TOKEN_REQUIRED": "maybe"})
    with pytest.raises(Exception, match="E709"):
        Settings.from_env({"PARLEY_SEARCH_TIMEOUT": "-1"})
    with pytest.raises(Exception, match="E709"):
        Settings(max_upload_bytes=0)


# -- upload --------------------------------------------------------------
def test_upload_size_limit(store_url):
    auth = {"authorization": f"Bearer {TOKEN}"}
    with client_for(store_url, max_upload_bytes=200) as c:
        assert_error(c.post("/api/documents", content=b"a " * 150, headers=auth), 413, "E706")

        def chunks():  # no Content-Length: the limit holds while reading
            for _ in range(50):
                yield b"word " * 10

        assert_error(c.post("/api/documents", content=chunks(), headers=auth), 413, "E706")
        big = {"file": ("big.txt", b"x " * 200, "text/plain")}
        assert_error(c.post("/api/documents", files=big, headers=auth), 413, "E706")
        assert c.post("/api/documents", content=TRANSCRIPT[:150], headers=auth).status_code == 201
        assert c.get("/api/documents").json()["total"] == 3


def test_multipart_upload_and_bad_input(client):
    auth = {"authorization": f"Bearer {TOKEN}"}
    files = {"file": ("summit.md", TRANSCRIPT, "text/markdown")}
    ok = client.post("/api/documents", files=files, data={"outlet": "Invented Post", "published": "2024-06-02"},
                     headers=auth)
    assert ok.status_code == 201, ok.text
    doc = client.get(ok.json()["stored"][0]["api"]).json()
    assert doc["metadata"]["outlet"] == "Invented Post" and doc["document"]["doc_id"] == "summit"
    assert_error(client.post("/api/documents", files={"other": ("a.txt", b"hi")}, headers=auth), 422, "E707")
    broken = {**auth, "content-type": "multipart/form-data; boundary=zzz"}
    assert_error(client.post("/api/documents", content=b"--zzz\r\nno headers here", headers=broken), 400, "E707")
    assert_error(client.post("/api/documents", content=b"   \n  ", headers=auth), 422, "E102")
    assert_error(client.post("/api/documents", content=b"\x00\x01\x02binary", headers=auth), 422, "E103")
    assert_error(client.post("/api/documents", content=TRANSCRIPT, params={"published": "soon"}, headers=auth),
                 422, "E704")


def test_upload_runs_the_pipeline(store_url):
    from parley.pipeline import build_pipeline, load_analysers

    if "structure" not in load_analysers():
        pytest.skip("the structure analyser is not present")
    app = create_app(store_url, Settings(token=TOKEN), pipeline=build_pipeline(only=["structure"]))
    with TestClient(app) as c:
        ok = c.post("/api/documents", content=TRANSCRIPT, headers={"authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 201, ok.text
        assert "structure@" in ok.json()["pipeline_version"]
        data = c.get(ok.json()["stored"][0]["api"]).json()["analysis"]
        assert [t["speaker"] for t in data["turns"]][:1] == ["interviewer"]


# -- search time limit ---------------------------------------------------
class SlowStore:
    """A store whose search overruns its time limit, as a stuck query would."""

    def __init__(self, store, delay: float, honour_limit: bool):
        self.store, self.delay, self.honour_limit = store, delay, honour_limit
        self.limits: list[float] = []

    def search(self, query, filters=None, layer="sentences", limit=20, time_limit=None):
        self.limits.append(time_limit)
        if self.honour_limit:  # stops at its limit with what it has
            time.sleep(min(self.delay, time_limit))
            return SearchResult(hits=[], complete=False, elapsed=time_limit)
        time.sleep(self.delay)
        return self.store.search(query, filters, layer=layer, limit=limit, time_limit=None)


def test_search_time_limit(store_url):
    with client_for(store_url, search_timeout_s=0.2) as c:
        pool = c.app.state.pool
        slow = SlowStore(pool.get(), delay=3.0, honour_limit=False)
        pool.read = lambda func: func(slow)
        started = time.monotonic()
        response = c.get("/api/search", params={"q": "sanctions"})
        took = time.monotonic() - started
        assert_error(response, 504, "E705")
        assert took < 2.0, took  # answered at the limit plus grace, not after the slow search
        assert slow.limits == [0.2]  # the store is told the limit too

        slow.honour_limit = True
        view = c.get("/api/search", params={"q": "sanctions"}).json()
        assert view["complete"] is False
        assert "cut short" in c.get("/search", params={"q": "sanctions"}, headers=HTML).text


# -- OpenAPI, headers, escaping -----------------------------------------
def test_openapi_describes_every_route(client):
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/documents", "/api/documents/{ref}", "/api/entities/{entity_id}", "/api/search",
                 "/api/upload", "/documents", "/search"):
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/api/documents"]
    for status in ("401", "404", "422"):  # the one error shape is described too
        schema = spec["paths"]["/api/search"]["get"]["responses"][status]["content"]["application/json"]["schema"]
        assert schema["required"] == ["error"], (status, schema)
    assert client.get("/docs").status_code == 404  # no CDN-loaded docs page


def test_strict_content_security_policy(client, hashes):
    for path in ("/documents", f"/documents/{hashes['interview']}", "/api/documents", "/no/such"):
        csp = client.get(path).headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert client.get("/static/parley.js").status_code == 200
    assert client.get("/static/parley.css").status_code == 200


def test_pages_load_nothing_from_elsewhere(client, hashes):
    for path in pages(hashes):
        page = client.get(path, headers=HTML).text
        assert not re.search(r'(src|href|action)="(https?:)?//', page), path
        assert "<script>" not in page and "style=" not in page and " on" + "load=" not in page


def test_hostile_transcript_is_escaped(client, hashes):
    page = client.get(f"/documents/{hashes['hostile']}", headers=HTML).text
    body = page.split('<main id="main">', 1)[1]
    assert "<script" not in body.replace('<script src="/static/parley.js" defer></script>', "")
    assert "<img" not in body and "<svg" not in body and "<b>" not in body and "<i>" not in body
    assert "&lt;script&gt;window.__parleyPwned" in body
    assert "&lt;img src=&#34;x&#34;" in body or '&lt;img src="x"' in body
    assert "javascript:" not in re.sub(r"&lt;a href=.{0,5}javascript:", "", body)
    library = client.get("/documents", headers=HTML).text
    assert "&lt;i&gt;Evil&lt;/i&gt; Outlet" in library and "<i>Evil" not in library
    entity = client.get("/entities/evil-<img>", headers=HTML)
    assert entity.status_code == 200 and "<img" not in entity.text.split('<main id="main">', 1)[1]


@pytest.mark.slow
def test_parley_serve_command(store_url, hashes):
    needs("uvicorn", extra="service")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-c", "from parley.cli import main; raise SystemExit(main())",
           "serve", "--db", store_url, "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = None
        deadline = time.monotonic() + 30
        while body is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/documents", timeout=2) as r:
                    body = r.read()
            except OSError:
                time.sleep(0.2)
        assert body is not None, server.stderr.read().decode() if server.poll() is not None else "no answer"
        assert {d["hash"] for d in __import__("json").loads(body)["documents"]} == set(hashes.values())
    finally:
        server.terminate()
        server.wait(timeout=10)
