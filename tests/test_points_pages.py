"""Talking-point pages and JSON routes through FastAPI's TestClient, against a real store (both backends)."""
from __future__ import annotations

import pytest

from tests.conftest import needs

needs("fastapi", extra="service")
needs("httpx", extra="service")

from fastapi.testclient import TestClient  # noqa: E402

from parley.service import Settings, create_app  # noqa: E402
from parley.store import open_store  # noqa: E402
from tests.corpus_fixture import analysis  # noqa: E402

TOKEN = "points-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}  # reads may be open; sent anyway
HOSTILE = "The <script>alert(1)</script> sanctions against our country have completely failed to damage the economy"
OTHER = "The sanctions against our country completely failed to damage our economy at all"


@pytest.fixture
def client(url):
    with open_store(url) as store:
        store.corpus_vectors = False
        store.put_json(analysis("a", "2024-01-05", [("lavrov", HOSTILE + ".")]), "t")
        store.put_json(analysis("b", "<b>2024-02</b>", [("peskov", OTHER + ".")]), "t")
    with TestClient(create_app(url, Settings(token=TOKEN), pipeline=[])) as c:
        yield c


def test_points_pages_list_filter_and_escape(client):
    listing = client.get("/api/points", headers=AUTH).json()["points"]
    assert len(listing) == 1 and listing[0]["documents"] == 2
    point_id = listing[0]["id"]
    page = client.get("/points", headers=AUTH)
    assert page.status_code == 200 and f'href="/points/{point_id}"' in page.text
    assert "<script>" not in page.text and "<b>" not in page.text
    assert "No talking point matches" in client.get("/points?speaker=nobody", headers=AUTH).text
    assert "No talking point matches" in client.get("/points?min_docs=3", headers=AUTH).text
    one = client.get(f"/points/{point_id}", headers=AUTH)
    assert one.status_code == 200 and f"/api/points/{point_id}/chart.svg" in one.text
    assert "&lt;script&gt;" in one.text and "<script>alert" not in one.text
    chart = client.get(f"/api/points/{point_id}/chart.svg", headers=AUTH)
    assert chart.headers["content-type"].startswith("image/svg+xml") and "<b>" not in chart.text
    assert client.get("/points/999999", headers=AUTH).status_code == 404
