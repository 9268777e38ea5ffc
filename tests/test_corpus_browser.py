"""The talking-point pages and the document page's attribution-check panel in headless Chromium
(as test_ui_browser): each loads with a clean console, the filter works, the chart draws, and
hostile text stays text."""
from __future__ import annotations

import pytest

from tests.test_ui_browser import CHROMIUM, CHROMIUM_ARGS, Watched, serving, sync_api  # noqa: F401 (skips)

from parley.service import Settings, create_app  # noqa: E402
from parley.store import open_store  # noqa: E402
from tests.corpus_fixture import analysis  # noqa: E402

pytestmark = pytest.mark.slow

EVIL = '<img src=x onerror="window.__parleyPwned=1">'
LINE = f"The sanctions {EVIL} against our country have completely failed to damage the economy"
PARAPHRASE = f"The sanctions {EVIL} against our country completely failed to damage our economy"
SAID = "We will send 300 engineers to rebuild the bridges in Kherson next spring"
REPORTED = "he might send 300 engineers to rebuild the bridges in Kherson next spring"


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("corpus-ui") / "corpus.db")
    with open_store(db) as store:
        store.corpus_vectors = False
        store.put_json(analysis("a", "2024-01-05", [("lavrov", LINE + "."), ("shoigu", SAID + ".")]), "t")
        store.put_json(analysis("b", "2024-02-07", [("peskov", PARAPHRASE + "!")]), "t")
        store.put_json(analysis("report", "2024-05-01", [("host", f"He said {REPORTED}.")],
                                [("shoigu", REPORTED, False)]), "t")
        hashes = {d: store.info(d).hash for d in ("a", "report")}
    with serving(create_app(db, Settings(token="corpus-token"), pipeline=[])) as base, \
            sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=30_000)
        w = Watched(browser, base)
        w.hashes = hashes
        try:
            yield w
        finally:
            w.close()
            browser.close()


def _safe(watched) -> None:
    page = watched.page
    assert page.evaluate("typeof window.__parleyPwned") == "undefined"
    assert page.locator("main img:not([src^='/api/points/'])").count() == 0


def test_points_list_filters_and_point_chart_draws(watched):
    page = watched.page
    watched.goto("/points")
    assert page.locator("#points tbody tr").count() == 2  # the sanctions line, and the engineers (said, reported)
    assert EVIL in page.locator("#points").inner_text()
    _safe(watched)
    page.fill("form.filters input[name=speaker]", "nobody")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/points?speaker=nobody*")
    assert "No talking point matches" in page.locator("main").inner_text()
    page.fill("form.filters input[name=speaker]", "peskov")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/points?speaker=peskov*")
    assert page.locator("#points tbody tr").count() == 1
    page.locator("#points tbody a").first.click()
    page.wait_for_url("**/points/*")
    chart = page.locator("main img[src$='chart.svg']")
    chart.wait_for()
    page.wait_for_function("document.querySelector(\"main img[src$='chart.svg']\").complete")
    assert page.evaluate("document.querySelector(\"main img[src$='chart.svg']\").naturalWidth") == 360
    assert EVIL in page.locator("main").inner_text()
    _safe(watched)
    assert watched.problems == []


def test_document_page_shows_the_attribution_check_panel(watched):
    page = watched.page
    watched.goto(f"/documents/{watched.hashes['report']}")
    panel = page.locator("#panel-attribution-checks")
    assert panel.count() == 1
    text = panel.inner_text()
    assert "differs" in text and "modal" in text and "never a verdict of truth" in text
    link = panel.locator("ul.check-passages a").first
    assert link.get_attribute("href").startswith(f"/documents/{watched.hashes['a']}?at=")
    link.click()
    page.wait_for_url(f"**/documents/{watched.hashes['a']}?at=*")
    _safe(watched)
    assert watched.problems == []
