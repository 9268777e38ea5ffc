"""The web UI in headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright): every page loads, a layer toggles, a search returns results,
the console stays free of errors, and a hostile transcript runs nothing.

The server runs in a thread on 127.0.0.1 (a free port) and stops when the
module's tests end; every wait is bounded.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time

import pytest

from tests.conftest import needs

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
if not shutil.which(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is not installed (scripts/ci-chromium.sh installs it)", allow_module_level=True)
needs("fastapi", extra="service")
uvicorn = needs("uvicorn", extra="service")
sync_api = needs("playwright.sync_api", extra="browser-tests")

try:  # tests/ may or may not be a package
    from . import service_corpus
except ImportError:
    import service_corpus  # type: ignore[no-redef]  # noqa: E402
from parley.service import Settings, create_app  # noqa: E402
from parley.store import open_store  # noqa: E402

TOKEN = "browser-test-token"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WAIT_MS = 10_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(app):
    """``app`` served on 127.0.0.1 at a free port in a thread, stopped on exit."""
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.05)
    try:
        if not srv.started:
            pytest.fail("the test server did not start within 15 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = str(tmp_path_factory.mktemp("ui") / "ui.db")
    with open_store(url) as store:
        hashes = service_corpus.fill(store)
    with serving(create_app(url, Settings(token=TOKEN), pipeline=[])) as base:
        yield base, hashes


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=30_000)
        yield b
        b.close()


class Watched:
    """A page with its console errors, uncaught exceptions, dialogs and failed requests."""

    def __init__(self, browser, base: str):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.base = base
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"uncaught: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        # A load cancelled by the next navigation (a favicon, say) is not a failure.
        self.page.on("requestfailed", lambda r: "ERR_ABORTED" not in (r.failure or "")
                     and self.problems.append(f"request failed: {r.url} {r.failure}"))
        # Only this server may be reached.
        self.page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                        else (self.problems.append(f"off-site request: {route.request.url}"), route.abort()))

    def goto(self, path: str, status: int = 200):
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == status, (path, response and response.status)
        return response

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, server):
    base, _hashes = server
    w = Watched(browser, base)
    yield w
    w.close()


def test_every_page_loads_without_console_errors(watched, server):
    _base, hashes = server
    paths = ["/documents", "/documents?entity=geneva", f"/documents/{hashes['interview']}",
             f"/documents/{hashes['interview']}?at=0-10", "/entities/elena-petrova", "/search?q=talks", "/upload",
             "/"]
    for path in paths:
        watched.goto(path)
        assert watched.page.locator("main#main h1").count() >= 1, path
        assert watched.page.title().endswith("Parley"), path
    assert watched.problems == []
    watched.goto("/documents/ffffffffffff", status=404)
    assert "E603" in watched.page.locator("#error").inner_text()
    # Chromium logs the 404 of the page itself, and nothing else.
    assert [p for p in watched.problems if "404 (Not Found)" not in p] == []


def test_a_layer_toggles(watched, server):
    _base, hashes = server
    watched.goto(f"/documents/{hashes['interview']}")
    marked = watched.page.locator("#text .h-entities")
    assert marked.count() >= 5
    watched.page.uncheck("#toggle-entities")
    assert marked.count() == 0
    watched.page.check("#toggle-entities")
    assert marked.count() >= 5
    sentences = watched.page.locator("#text .h-sentences")
    assert sentences.count() == 0  # off by default
    watched.page.check("#toggle-sentences")
    assert sentences.count() >= 6
    assert watched.problems == []


def test_techniques_open_hidden_and_the_toggle_shows_them(browser, tmp_path):
    url = str(tmp_path / "techniques.db")
    with open_store(url) as store:
        doc = store.put_json(service_corpus.with_techniques().to_json(), service_corpus.VERSION).hash
    with serving(create_app(url, Settings(token=TOKEN), pipeline=[])) as base:
        w = Watched(browser, base)
        try:
            w.goto(f"/documents/{doc}")
            marked = w.page.locator("#text .h-techniques")
            assert w.page.locator("#text [data-keys*='techniques']").count() >= 2  # the records are on the page
            assert marked.count() == 0 and not w.page.is_checked("#toggle-techniques")
            w.page.check("#toggle-techniques")
            assert marked.count() >= 2
            w.page.uncheck("#toggle-techniques")
            assert marked.count() == 0
            assert w.problems == []
        finally:
            w.close()


def test_a_search_returns_results(watched, server):
    _base, hashes = server
    watched.goto("/search")
    watched.page.fill("#q", "sanctions")
    watched.page.press("#q", "Enter")
    watched.page.wait_for_selector("li.hit")
    hits = watched.page.locator("li.hit a")
    assert hits.count() == 1
    assert "14 packages of sanctions" in hits.first.inner_text()
    hits.first.click()
    watched.page.wait_for_url(f"**/documents/{hashes['interview']}?at=*")
    selected = "".join(watched.page.locator("#text .h-selected").all_inner_texts())
    assert selected == "The European Union has imposed 14 packages of sanctions since 2022."
    assert watched.problems == []


def test_upload_form(watched, server):
    watched.goto("/upload")
    watched.page.set_input_files("#file", files=[{
        "name": "briefing.txt", "mimeType": "text/plain",
        "buffer": b"Question: Is the invented bridge finished?\n\nMaria Lopez: It opens in May.\n"}])
    watched.page.fill("#token", TOKEN)
    watched.page.click("#upload-form button[type=submit]")
    link = watched.page.wait_for_selector("#upload-result a")
    assert "briefing" in link.inner_text()
    link.click()
    watched.page.wait_for_url("**/documents/*")
    assert "invented bridge" in watched.page.locator("#text").inner_text()
    assert watched.problems == []


def test_hostile_transcript_is_text_and_runs_nothing(watched, server):
    _base, hashes = server
    for path in (f"/documents/{hashes['hostile']}", "/documents", "/search?q=shown", "/entities/evil-<img>"):
        watched.goto(path)
        page = watched.page
        assert page.evaluate("typeof window.__parleyPwned") == "undefined", path
        assert page.title() != "pwned"
        # the dossier draws its own charts (svg.chart); nothing else may become markup
        assert page.locator("main img, main svg:not(.chart), main iframe, main b, main i").count() == 0, path
        scripts = page.evaluate("Array.from(document.scripts, (s) => s.getAttribute('src'))")
        assert set(scripts) <= {"/static/parley.js", "/static/corrections.js"}, scripts  # ours only
    page = watched.page
    watched.goto(f"/documents/{hashes['hostile']}")
    text = page.locator("#text").inner_text()
    assert '<script>window.__parleyPwned = "script"' in text
    assert "<img src=\"x\" onerror=" in text
    assert page.locator("#text a").count() == 0
    page.hover("#text .h-entities >> nth=1")  # mouse events on the marks run nothing either
    page.click("#toggle-entities")
    assert page.evaluate("typeof window.__parleyPwned") == "undefined"
    assert watched.problems == []


def test_read_token_form(browser, server, tmp_path):
    """A server that protects reads shows a token form; the token then opens the library."""
    base, hashes = server
    url = str(tmp_path / "locked.db")
    with open_store(url) as store:
        service_corpus.fill(store)
    app = create_app(url, Settings(token="tök;en=1", read_token_required=True), pipeline=[])
    with serving(app) as locked:
        w = Watched(browser, locked)
        try:
            w.goto("/documents", status=401)
            assert "E701" in w.page.locator("#error").inner_text()
            w.page.fill("#read-token", "tök;en=1")
            with w.page.expect_navigation():
                w.page.click("#token-form button")
            assert w.page.locator("#documents").count() == 1
            assert hashes["interview"] in w.page.content()
            assert [p for p in w.problems if "401 (Unauthorized)" not in p] == []
        finally:
            w.close()


# -- the real pipeline on the reference transcript -----------------------
@pytest.fixture(scope="module")
def real_server(tmp_path_factory, shared):
    """A server over a store holding the reference transcript, analysed by every analyser."""
    from parley.ingest import read_document
    from parley.pipeline import analyze, build_pipeline, pipeline_version

    url = str(tmp_path_factory.mktemp("real") / "real.db")
    pipeline = build_pipeline()
    analysis = analyze(read_document(str(shared / "corpus" / "lavrov-kommersant-2025-10-15.txt")), pipeline)
    with open_store(url) as store:
        stored = store.put_analysis(analysis, pipeline_version(pipeline))
    with serving(create_app(url, Settings(token=TOKEN), pipeline=[])) as base:
        yield base, stored.hash, analysis


@pytest.mark.corpus
def test_real_analysis_pages(browser, real_server):
    base, doc_hash, analysis = real_server
    w = Watched(browser, base)
    try:
        w.goto(f"/documents/{doc_hash}")
        panels = w.page.locator("aside .panel").count()
        assert panels >= 2  # entity pages plus the sections the analysers register
        for layer in analysis.layers:
            toggle = w.page.locator(f'#toggles input[data-layer="{layer}"]')
            if toggle.count():
                was = w.page.locator(f"#text .h-{layer}").count()
                toggle.set_checked(not toggle.is_checked())
                assert w.page.locator(f"#text .h-{layer}").count() != was or was == 0, layer
        entity = analysis.layer("entities")[0].id if analysis.layer("entities") else None
        if entity:
            w.goto(f"/entities/{entity}")
        w.goto("/search?q=sanctions")
        assert w.page.locator("li.hit").count() >= 1
        assert w.problems == []
    finally:
        w.close()
