"""The dossier and shifts pages in headless Chromium (as test_ui_browser):
each loads with a clean console, the shifts filter works, the charts draw,
paging moves on, and hostile text stays text."""
from __future__ import annotations

import pytest

from tests.test_ui_browser import CHROMIUM, CHROMIUM_ARGS, Watched, serving, sync_api  # noqa: F401 (skips)

from parley.service import Settings, create_app  # noqa: E402
from parley.store import open_store  # noqa: E402
from tests.dossier_corpus import fill  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("dossier-ui") / "dossier.db")
    with open_store(db) as store:
        fill(store)
    with serving(create_app(db, Settings(token="dossier-token"), pipeline=[])) as base, \
            sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=30_000)
        w = Watched(browser, base)
        try:
            yield w
        finally:
            w.close()
            browser.close()


def test_dossier_and_shifts_pages_load_and_charts_draw(watched):
    page = watched.page
    for path in ("/entities/reznikov", "/entities/sergey-lavrov", "/shifts", "/shifts?target=nobody"):
        watched.goto(path)
        assert page.locator("main#main h1").count() == 1, path
    watched.goto("/entities/minister-reznikov")
    assert page.locator("h1").inner_text() == "Oleksii Reznikov"
    bars = page.locator("#entity-months svg.chart-months rect.bar")
    assert bars.count() == 5
    assert page.locator("#entity-months svg.chart-months").bounding_box()["width"] > 100
    assert page.locator("#entity-stance svg.chart-stance circle.dot").count() == 2
    assert page.locator("#entity-mentions mark").first.inner_text() == "Reznikov"
    assert watched.problems == []


def test_shifts_filter_narrows_the_list(watched):
    page = watched.page
    watched.goto("/shifts")
    assert page.locator("#shift-list tr.shift").count() == 1
    page.fill("#shift-filters input[name=holder]", "interviewer")
    page.click("#shift-filters button[type=submit]")
    page.wait_for_url("**/shifts?holder=interviewer*")
    assert page.locator("#shift-list tr.shift").count() == 0
    page.fill("#shift-filters input[name=holder]", "sergey-lavrov")
    page.fill("#shift-filters input[name=target]", "reznikov")
    page.click("#shift-filters button[type=submit]")
    page.wait_for_url("**target=reznikov*")
    assert page.locator("#shift-list tr.shift").count() == 1
    assert "Minister Reznikov is a liar." in page.locator("#shift-list").inner_text()
    assert page.locator("#shift-history svg.chart-stance circle.dot").count() == 2
    assert watched.problems == []


def test_hostile_names_stay_text(watched):
    page = watched.page
    for path in ("/entities/evil-img", "/entities/oleksii-reznikov"):
        watched.goto(path)
        assert page.evaluate("typeof window.__parleyPwned") == "undefined", path
        assert page.locator("main img, main iframe, main script").count() == 0, path
        assert page.locator("main svg:not(.chart)").count() == 0, path
    assert '<img src=x onerror="window.__parleyPwned=1">' in page.locator("#entity-said").inner_text()
    assert watched.problems == []
