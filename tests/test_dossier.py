"""The entity dossier (store/dossier.py, /entities/{id}) and the shifts page,
through the store on both backends and through FastAPI's test client."""
from __future__ import annotations

import time

import pytest

from tests.conftest import needs
from tests.dossier_corpus import HOSTILE, VERSION, fill, transcript
from parley.errors import StoreError
from parley.store import open_store
from parley.store.dossier import DOCUMENTS_PAGE, context_line, set_talking_point_grouper

HTML = {"accept": "text/html"}


def test_context_line_marks_the_mention():
    line = context_line("Yesterday Reznikov said no.", 100, 110, 118, "Reznikov")
    assert line == {"before": "Yesterday ", "mention": "Reznikov", "after": " said no."}
    assert context_line(None, None, 5, 9, "NATO") == {"before": "", "mention": "NATO", "after": ""}


def test_the_dossier_shows_the_newest_stances():
    from parley.store.dossier import STANCE_LIMIT, _newest
    from parley.store.shifts import StanceStep

    from datetime import date, timedelta

    steps = [StanceStep("a", "x", f"h{k}", str(k), (date(2020, 1, 1) + timedelta(days=k)).isoformat(), "positive", .9)
             for k in reversed(range(STANCE_LIMIT + 5))]
    shown = _newest(steps + [StanceStep("a", "x", "u", "undated", None, "negative", .9)])
    assert len(shown) == STANCE_LIMIT and shown[-1]["doc_id"] == "undated" and shown[0]["doc_id"] == "6"


def test_dossier_reads_every_alias(url):
    with open_store(url) as store:
        fill(store)
        page = store.dossier("minister-reznikov")
        with pytest.raises(StoreError) as missing:
            store.dossier("nobody-at-all")
    assert missing.value.code == "E603"
    assert page.name == "Oleksii Reznikov"  # the canonical id's name, though "Minister Reznikov" has more mentions
    assert page.id == "oleksii-reznikov" and set(page.aliases) == {"oleksii-reznikov", "minister-reznikov", "reznikov"}
    assert (page.documents, page.mentions) == (3, 7)
    assert [m["month"] for m in page.months] == ["2024-01", "2024-03", "2024-05"]
    assert [d["doc_id"] for d in page.pages] == ["may", "mar", "jan"]
    first = page.pages[1]["mentions"][0]
    assert first["context"]["mention"] == "Minister Reznikov" and first["context"]["after"] == " said talks are over."
    said = [h["snippet"] for g in page.said for h in g["sentences"]]
    assert said[0] == "We will defend every village."
    assert [h["snippet"] for h in page.said_by_others] == ["talks are over"]
    assert [(s["from"], s["to"]) for s in page.shifts] == [("positive", "negative")]


def test_library_entity_filter_matches_every_alias(url):
    from parley.store import Filters

    with open_store(url) as store:
        fill(store)
        listed = {d.doc_id for d in store.documents(Filters(entity="oleksii-reznikov"))}
        exported = {d["doc_id"] for d in store.export(Filters(entity="reznikov"))}
        exact = {d.doc_id for d in store.documents(Filters(entity="evil-img"))}
    assert listed == exported == {"jan", "mar", "may"} and exact == {"evil"}


def test_dossier_pages_documents_and_keeps_the_talking_point_hook(url):
    with open_store(url) as store:
        with store.batch():
            for k in range(DOCUMENTS_PAGE + 3):
                store.put_json(transcript(f"d{k:02d}", f"2024-01-{k + 1:02d}", [("interviewer", "Question", [
                    f"Is NATO at fault, case {k}?"])], entities={"nato": ("NATO", "ORG", ["NATO"])}), VERSION)
        first, second = store.dossier("nato"), store.dossier("nato", offset=DOCUMENTS_PAGE)
        calls = []
        set_talking_point_grouper(lambda s, eid, said: calls.append((eid, said)) or [{"point": "tp1", "label": "P",
                                                                                       "sentences": said}])
        try:
            assert store.dossier("nato").said == [{"point": "tp1", "label": "P", "sentences": []}]
        finally:
            set_talking_point_grouper(None)
        assert calls == [("nato", [])] and store.dossier("nato").said == []  # the default: no statements, no group
    assert len(first.pages) == DOCUMENTS_PAGE and first.json()["more"] is True
    assert [d["doc_id"] for d in second.pages] == ["d02", "d01", "d00"] and second.json()["more"] is False


@pytest.fixture
def client(tmp_path):
    needs("fastapi", extra="service")
    needs("httpx", extra="service")
    from fastapi.testclient import TestClient

    from parley.service import Settings, create_app

    url = str(tmp_path / "dossier.db")
    with open_store(url) as store:
        fill(store)
    with TestClient(create_app(url, Settings(token="t"), pipeline=[])) as c:
        yield c


def test_entity_page_is_a_dossier_with_charts(client):
    view = client.get("/api/entities/reznikov").json()
    assert view["id"] == "oleksii-reznikov" and view["documents"] == 3
    page = client.get("/entities/reznikov", headers=HTML).text
    body = page.split('<main id="main">', 1)[1]
    assert body.count('<svg class="chart') == 2 and body.count('class="bar"') == 5  # Jan..May, two empty
    assert "<mark>Minister Reznikov</mark> said talks are over." in body
    assert "&lt;img" in body and "<img" not in body
    evil = client.get("/entities/evil-img", headers=HTML).text.split('<main id="main">', 1)[1]
    assert "<img" not in evil and "&lt;img src=x" in evil


def test_shifts_page_and_api_filter(client):
    data = client.get("/api/shifts", params={"target": "reznikov"}).json()
    assert [(s["before"]["doc_id"], s["after"]["doc_id"]) for s in data["shifts"]] == [("jan", "mar")]
    assert data["shifts"][0]["after"]["evidence"][0]["text"] == "Minister Reznikov is a liar."
    assert client.get("/api/shifts", params={"holder": "interviewer"}).json()["shifts"] == []
    assert client.get("/api/shifts", params={"min_confidence": 5}).status_code == 422
    page = client.get("/shifts", params={"target": "oleksii-reznikov"}, headers=HTML).text
    assert "Oleksii Reznikov is a reliable partner." in page and 'class="chart chart-stance"' in page


@pytest.mark.slow
def test_dossier_time_with_5000_mentions(url):
    """Prints the dossier's time for one entity with 5,000 mentions in 100
    documents, in the store and as the HTML page (no timed assertion)."""
    needs("fastapi", extra="service")
    needs("httpx", extra="service")
    from fastapi.testclient import TestClient

    from parley.service import Settings, create_app

    with open_store(url) as store:
        with store.batch():
            for k in range(100):
                store.put_json(transcript(f"t{k:03d}", f"20{10 + k // 12:02d}-{k % 12 + 1:02d}-15", [
                    ("interviewer", "Question", [f"Putin again, {k}: " + "Putin and more. " * 49])],
                    entities={"vladimir-putin": ("Vladimir Putin", "PERSON", ["Putin"])}), VERSION)
        started = time.perf_counter()
        page = store.dossier("vladimir-putin")
        in_store = time.perf_counter() - started
    assert page.mentions == 5000
    with TestClient(create_app(url, Settings(token="t"), pipeline=[])) as client:
        client.get("/entities/vladimir-putin", headers=HTML)  # the first request opens the store
        started = time.perf_counter()
        response = client.get("/entities/vladimir-putin", headers=HTML)
        in_page = time.perf_counter() - started
    assert response.status_code == 200 and "5000 mentions in 100 documents" in response.text
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(f"\ndossier, 5000 mentions in 100 documents, {backend}: store {in_store * 1000:.0f} ms, "
          f"HTML page {in_page * 1000:.0f} ms")
