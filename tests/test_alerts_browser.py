"""A saved search shows new results, in headless Chromium (as test_ui_browser):
save the search from the search page, store a new matching document, and the
alerts page shows a "new" badge; hostile text stays text, the console clean."""
from __future__ import annotations

import pytest

from tests.test_ui_browser import CHROMIUM, CHROMIUM_ARGS, Watched, serving, sync_api  # noqa: F401 (skips)

from parley.service import Settings, create_app  # noqa: E402
from parley.store import open_store  # noqa: E402
from tests.test_alerts import put  # noqa: E402

pytestmark = pytest.mark.slow
TOKEN = "alerts-browser-token"
HOSTILE = '<img src=x onerror="window.__parleyPwned=1"> harbour'


def test_a_saved_search_shows_new_results(tmp_path):
    db = str(tmp_path / "alerts-ui.db")
    with open_store(db) as store:
        put(store, "old-briefing", "The harbour will reopen in spring.")
    with serving(create_app(db, Settings(token=TOKEN), pipeline=[])) as base, \
            sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=30_000)
        watched = Watched(browser, base)
        page = watched.page
        try:
            watched.goto("/search?q=harbour")
            page.fill("#save-name", HOSTILE)
            page.fill("#save-token", TOKEN)
            page.click("#save-search-form button[type=submit]")
            assert "1 results now" in page.wait_for_selector("#save-result a").inner_text()
            watched.goto("/alerts")
            assert page.locator("#alerts .badge").inner_text() == "0 new"
            with open_store(db) as store:
                put(store, "new-briefing", f"Harbour repairs are finished. {HOSTILE}")
            watched.goto("/alerts")
            badge = page.locator("#alerts .badge-new")
            assert badge.inner_text() == "1 new"
            assert page.locator("#alerts a").inner_text() == HOSTILE  # the name is text, not markup
            page.click("#alerts a")
            page.wait_for_selector("#alert-hits li.hit-new")
            assert "new-briefing" in page.locator("#alert-hits li.hit-new").inner_text()
            assert page.locator("#alert-hits li").count() == 2
            assert page.locator("main img").count() == 0
            page.fill("#seen-token", TOKEN)
            page.click("#seen-form button[type=submit]")
            page.wait_for_selector("#alert-badge:not(.badge-new)")
            assert page.locator("#alert-badge").inner_text() == "0 new"
            assert page.evaluate("typeof window.__parleyPwned") == "undefined"
            assert watched.problems == []
        finally:
            watched.close()
            browser.close()
