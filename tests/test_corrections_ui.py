"""Corrections on the document page, in headless Chromium (as tests/test_ui_browser.py):
accept, reject, edit and add a finding through the page; a correction survives a
re-ingest with --recompute; an export downloads; a read-only deployment shows no
edit controls; the console stays free of errors throughout."""
from __future__ import annotations

import io
import json

import pytest

from parley.cli import main
from tests.conftest import FIXTURES
from tests.test_ui_browser import TOKEN, Watched, browser, serving  # noqa: F401 (the browser fixture)

try:  # tests/ may or may not be a package
    from . import service_corpus
except ImportError:
    import service_corpus  # type: ignore[no-redef]  # noqa: E402
from parley.document import Analysis, Document, Span  # noqa: E402
from parley.document.corrections import Correction  # noqa: E402
from parley.document.records import Claim, Turn  # noqa: E402
from parley.service import Settings, create_app  # noqa: E402
from parley.store import open_store  # noqa: E402

pytestmark = pytest.mark.slow
ASTRAL = "Question: Is the 🇷🇺 𝕏 bridge ready?\n\nAnna Berg: The 𝕏 bridge opens in May.\n"


def astral() -> Analysis:
    """A small analysis whose text has a flag and 𝕏 (astral code points) before its findings."""
    analysis = Analysis(Document(ASTRAL, "astral-bridge"))
    answer = ASTRAL.index("Anna Berg")
    analysis.set_layer("turns", [Turn(Span(0, answer - 2), "interviewer", "question"),
                                 Turn(Span(answer, len(ASTRAL) - 1), "anna-berg", "answer")])
    start = ASTRAL.index("opens")
    analysis.set_layer("claims", [Claim(Span(start, start + len("opens in May")), "event")])
    return analysis


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = str(tmp_path_factory.mktemp("corr-ui") / "ui.db")
    with open_store(url) as store:
        hashes = service_corpus.fill(store)
        hashes["astral"] = store.put_json(astral().to_json(), service_corpus.VERSION).hash
    with serving(create_app(url, Settings(token=TOKEN), pipeline=[])) as base:
        yield base, hashes, url


@pytest.fixture
def page(browser, site):
    base, hashes, _url = site
    w = Watched(browser, base)
    yield w, hashes
    assert w.problems == []
    w.close()


def stored(url: str, ref: str) -> list[dict]:
    with open_store(url) as store:
        return store.corrections(ref)


def sign_in(w) -> None:
    w.page.wait_for_selector("#panel-corrections.ready")
    w.page.fill("#correction-author", "ann")
    w.page.fill("#correction-token", TOKEN)


def open_finding(w, segment: str, key_prefix: str):
    """Click a passage of the layer named by ``key_prefix`` (switched on first): its panel entry."""
    w.page.check(f"#toggle-{key_prefix.split(':')[0]}")
    w.page.click(segment)
    return w.page.wait_for_selector(f'#finding-panel .finding[data-key^="{key_prefix}"]')


def saved(w, expect: str) -> None:
    w.page.wait_for_function("(s) => document.getElementById('correction-result').textContent.includes(s)", arg=expect)


def test_accept_and_reject_a_finding(page, site):
    w, hashes = page
    _base, _hashes, url = site
    w.goto(f"/documents/{hashes['interview']}")
    sign_in(w)
    box = open_finding(w, "#text .h-entities >> nth=0", "entities:")
    box.query_selector('button[data-action="accept"]').click()
    saved(w, "Saved: accept entities:")
    assert "accept" in w.page.locator("#correction-list li").first.inner_text()
    w.page.fill("#correction-token", "")  # entered once: the tab keeps it
    box = open_finding(w, "#text .h-timex >> nth=0", "timex:")
    marked = w.page.locator("#text .h-timex").count()
    w.page.fill("#correction-reason", "not a date of the talks")
    box.query_selector('button[data-action="reject"]').click()
    saved(w, "Saved: reject timex:")
    w.page.reload()
    w.page.check("#toggle-timex")
    assert w.page.locator("#text .h-timex").count() < marked  # the page draws the corrected findings
    rows = stored(url, hashes["interview"])
    assert [(r["action"], r["author"]) for r in rows[-2:]] == [("accept", "ann"), ("reject", "ann")]
    assert rows[-1]["reason"] == "not a date of the talks" and rows[-1]["target"].startswith("timex:")


def test_edit_a_finding(page, site):
    w, hashes = page
    _base, _hashes, url = site
    w.goto(f"/documents/{hashes['interview']}")
    sign_in(w)
    box = open_finding(w, "#text .h-claims >> nth=0", "claims:")
    box.query_selector('button[data-action="edit"]').click()
    w.page.fill('#finding-panel .finding[data-key^="claims:"] .edit-form input[name="kind"]', "event")
    w.page.click('#finding-panel .finding[data-key^="claims:"] .edit-form button[type="submit"]')
    saved(w, "Saved: edit claims:")
    last = stored(url, hashes["interview"])[-1]
    assert (last["action"], last["record"]["kind"], last["status"]) == ("edit", "event", "active")


def select_and_add(w, phrase: str, layer: str, label: str) -> None:
    """Select ``phrase`` in the text (a DOM range, as a mouse drag makes) and add it."""
    w.page.evaluate("""(phrase) => {
        const seg = Array.from(document.querySelectorAll('#text .seg')).find((s) => s.textContent.includes(phrase));
        const node = seg.firstChild, at = node.textContent.indexOf(phrase), range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + phrase.length);
        window.getSelection().removeAllRanges(); window.getSelection().addRange(range);
        seg.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""", phrase)
    w.page.select_option('#add-form select[name="layer"]', layer)
    w.page.fill('#add-form input[name="label"]', label)
    w.page.click('#add-form button[type="submit"]')
    saved(w, "Saved: add")


def test_add_a_finding_by_selecting_text_with_astral_characters(page, site):
    w, hashes = page
    _base, _hashes, url = site
    w.goto(f"/documents/{hashes['astral']}")
    sign_in(w)
    select_and_add(w, "𝕏 bridge", "entities", "PRODUCT")
    last = stored(url, hashes["astral"])[-1]
    at = ASTRAL.index("𝕏 bridge")  # code points, as Parley counts (JavaScript counts 𝕏 twice)
    assert last["action"] == "add" and last["record"]["mentions"] == [[at, at + len("𝕏 bridge")]]
    assert last["record"]["name"] == "𝕏 bridge" and last["record"]["type"] == "PRODUCT"
    assert "add" in w.page.locator("#correction-list li").first.inner_text()


def test_a_correction_survives_recompute(browser, tmp_path):
    """Correct a turn in the page, re-ingest with ``parley ingest --recompute``: the
    correction is still listed and still applied."""
    from parley.pipeline import build_pipeline, pipeline_version
    from parley.store.ingest import ingest

    url = str(tmp_path / "recompute.db")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "claims_interview.txt").write_text((FIXTURES / "claims_interview.txt").read_text("utf-8"), "utf-8")
    with open_store(url) as store:
        ingest([str(folder)], store, only=["structure"], workers=0, progress=False, log=io.StringIO())
        h = store.hashes()[0] if isinstance(store.hashes(), list) else sorted(store.hashes())[0]
    with serving(create_app(url, Settings(token=TOKEN), pipeline=[])) as base:
        w = Watched(browser, base)
        try:
            w.goto(f"/documents/{h}")
            sign_in(w)
            box = open_finding(w, "#text .h-turns >> nth=0", "turns:")
            box.query_selector('button[data-action="edit"]').click()
            w.page.fill('#finding-panel .finding[data-key^="turns:"] .edit-form input[name="speaker"]', "olga-ray")
            w.page.click('#finding-panel .finding[data-key^="turns:"] .edit-form button[type="submit"]')
            saved(w, "Saved: edit turns:")
            with open_store(url) as store:  # an older pipeline made the stored analysis, and cut turn 2 short
                old = store.get(h)
                start = old["turns"][1]["span"][0]
                old["turns"][1]["span"] = [start, start + 20]
                store.put_json(old, "old:0", replace=True)
                store.add_correction(h, Correction("turns", "reject", f"turns:{start}-{start + 20}", None, "bob"))
            assert main(["ingest", str(folder), "--db", url, "--recompute", "--only", "structure",
                         "--workers", "0", "--no-progress"]) == 0
            with open_store(url) as store:
                assert store.info(h).pipeline_version == pipeline_version(build_pipeline(only=["structure"]))
            w.goto(f"/documents/{h}")
            w.page.wait_for_selector("#panel-corrections.ready")
            item = w.page.locator("#correction-list li", has_text="by ann").first
            assert "edit" in item.inner_text() and "by ann" in item.inner_text()
            assert "stale" not in (item.get_attribute("class") or "")
            stale = w.page.locator("#correction-list li.stale")  # the reject of the turn that is gone
            assert stale.count() == 1 and "reject" in stale.inner_text() and "by bob" in stale.inner_text()
            assert stale.locator(".stale-mark").inner_text() == "stale"
            data = w.page.evaluate(f"fetch('/api/documents/{h}/corrections').then((r) => r.json())")
            assert data["findings"]["turns"][0]["record"]["speaker"] == "olga-ray"
            assert w.problems == []
        finally:
            w.close()


def test_exports_download(page):
    w, hashes = page
    w.goto(f"/documents/{hashes['interview']}")
    for fmt, ending in (("gold", ".gold.json"), ("label-studio", ".label-studio.json")):
        with w.page.expect_download() as got:
            w.page.click(f"#export-{fmt}")
        download = got.value
        assert download.suggested_filename == "trade-talks" + ending
        content = json.loads(open(download.path(), encoding="utf-8").read())
        if fmt == "gold":
            assert content["doc_id"] == "trade-talks" and content["claims"]
        else:
            assert content[0]["data"]["doc_id"] == "trade-talks" and content[0]["predictions"][0]["result"]


def test_read_only_deployment_shows_no_edit_controls(browser, site):
    _base, hashes, url = site
    with serving(create_app(url, Settings(token=None), pipeline=[])) as base:
        w = Watched(browser, base)
        try:
            w.goto(f"/documents/{hashes['interview']}")
            w.page.wait_for_selector("#correction-count:not(:empty)", state="attached")
            assert w.page.locator("#correction-token, #correction-author, #finding-panel, #add-form").count() == 0
            w.page.click("#text .h-entities >> nth=0")
            assert w.page.locator(".finding, button[data-action]").count() == 0
            assert w.page.locator("#export-gold").count() == 1  # reading and downloading still work
            assert w.problems == []
        finally:
            w.close()


def test_hostile_findings_stay_text_in_the_panel(page):
    """An entity named with markup, its finding panel and edit form: all text, nothing runs."""
    w, hashes = page
    w.goto(f"/documents/{hashes['hostile']}")
    sign_in(w)
    box = open_finding(w, "#text .h-entities >> nth=1", "entities:evil-")
    box.query_selector('button[data-action="edit"]').click()
    name = w.page.locator('#finding-panel .finding[data-key^="entities:evil-"] input[name="name"]').input_value()
    assert name.startswith("<img src=x onerror=")
    assert "<img src" in w.page.locator("#finding-panel").inner_text()
    assert w.page.locator("#finding-panel img, #finding-panel svg, #finding-panel script").count() == 0
    assert w.page.evaluate("typeof window.__parleyPwned") == "undefined"
