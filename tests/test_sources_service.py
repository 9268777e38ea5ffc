"""The service's source routes through FastAPI's test client: saving a search
needs the token, the alerts page flags new hits and escapes what it shows,
URL ingest refuses a non-public address with its code."""
from __future__ import annotations

import pytest

from tests.conftest import needs

needs("fastapi", extra="service")
from fastapi.testclient import TestClient  # noqa: E402

from parley.service import Settings, create_app  # noqa: E402
from parley.store import open_store  # noqa: E402
from tests.test_alerts import put  # noqa: E402

TOKEN = "sources-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HOSTILE = "<script>alert(1)</script> harbour"


@pytest.fixture
def db(tmp_path):
    url = str(tmp_path / "alerts.db")
    with open_store(url) as store:
        put(store, "old", "The harbour will reopen in spring.")
    return url


@pytest.fixture
def client(db):
    with TestClient(create_app(db, Settings(token=TOKEN), pipeline=[])) as c:
        yield c


def test_save_look_and_mark(client, db):
    assert client.post("/api/alerts", json={"name": HOSTILE, "q": "harbour"}).status_code == 401
    saved = client.post("/api/alerts", json={"name": HOSTILE, "q": "harbour"}, headers=AUTH)
    assert saved.status_code == 201 and saved.json()["total"] == 1
    assert client.get("/api/alerts").json()["searches"][0]["new_count"] == 0
    with open_store(db) as store:
        put(store, "new", "Harbour repairs are finished, <b>said</b> the minister.")
    listed = client.get("/api/alerts").json()["searches"]
    assert [(s["name"], s["new_count"], s["total"]) for s in listed] == [(HOSTILE, 1, 2)]
    page = client.get("/alerts", params={"name": HOSTILE}).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;said&lt;/b&gt;" in page and page.count('class="badge badge-new">new</span>') == 1
    assert client.post("/api/alerts/seen", json={"name": HOSTILE}, headers=AUTH).json()["marked"] == 2
    assert client.get("/api/alerts", params={"name": HOSTILE}).json()["one"]["new_count"] == 0


def test_bad_requests_have_codes(client):
    cases = [({"name": "x", "q": ""}, 404, "E841"), ({"name": "x", "q": "a", "colour": "red"}, 422, "E704"),
             ({"name": "x", "q": "a", "since": "soon"}, 422, "E610"), ({"q": "a"}, 422, "E704")]
    for body, status, code in cases:
        answer = client.post("/api/alerts", json=body, headers=AUTH)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), body
    missing = client.get("/api/alerts", params={"name": "nobody"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "E841"


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x.txt", "http://169.254.169.254/latest/meta-data/",
                                 "http://[::1]/", "ftp://example.org/x.txt"])
def test_url_upload_refuses_non_public_addresses(client, url, monkeypatch):
    monkeypatch.delenv("PARLEY_ALLOW_PRIVATE_URLS", raising=False)
    answer = client.post("/api/documents/url", json={"url": url}, headers=AUTH)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == ("E831" if url.startswith("ftp") else "E832")
