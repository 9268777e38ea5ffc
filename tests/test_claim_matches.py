"""Stored claim matches (issue 13): computed at ingest and at fact-check
import, never by rescanning the store; the document and fact-check pages and
their JSON twins; POST /api/factchecks. Small invented fixtures, both backends."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from parley.factchecks import from_claimreview
from parley.factchecks.claim_matching import LEXICAL_THRESHOLD, RERANK_THRESHOLD, similarity
from parley.factchecks.match import VECTOR_MODEL, StoreMatcher, embed_new_factchecks
from parley.store import open_store
from tests.conftest import BACKENDS, store_url

HARBOUR = "https://checks.example.org/harbour-tax"
CHECKS = [
    (HARBOUR, "The harbour tax doubled last year.", "Mara Quill", 1, "Example Checks", "2024-01-10"),
    ("https://checks.example.org/bridge", "The new bridge cost three billion euros.", "Ivo Brand", 3,
     "Other Checks", "2023-05-02"),
]
LATE = ("https://checks.example.org/ferry", "Ferry tickets to the islands became free for pensioners.", "Ana Sole", 5,
        "Example Checks", "2024-06-01")
HOSTILE = "The harbour tax doubled last year <i>&</i>."


def claimreview(url, claim, claimant, rating, publisher, date) -> dict:
    return {"@type": "ClaimReview", "url": url, "claimReviewed": claim, "datePublished": date,
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": claimant}},
            "author": {"@type": "Organization", "name": publisher},
            "reviewRating": {"@type": "Rating", "ratingValue": rating, "bestRating": 5, "worstRating": 1}}


def analysis(doc_id: str, published: str, claims: list[str], filler: str = "Thank you for coming today.") -> dict:
    """An analysis JSON: one answer turn by Mara Quill holding a filler
    sentence and the ``claims`` (each one sentence and one claim)."""
    text = "Mara Quill: " + filler
    sentences = [{"span": [12, len(text)], "turn": 0}]
    found = []
    for claim in claims:
        text += " "
        start = len(text)
        text += claim
        sentences.append({"span": [start, len(text)], "turn": 0})
        found.append({"span": [start, len(text)], "kind": "numeric", "score": 0.9, "checkworthy": True,
                      "quantities": []})
    turn = {"span": [0, len(text)], "speaker": "mara-quill", "kind": "answer", "label_span": [0, 10],
            "body_span": [12, len(text)], "speaker_name": "Mara Quill"}
    return {"doc_id": doc_id, "metadata": {"title": f"Interview {doc_id}", "published": published},
            "turns": [turn], "sentences": sentences, "claims": found, "text": text,
            "parley": {"version": "test", "pipeline": [], "unavailable": {}}}


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path) -> str:
    url = store_url(request.param, tmp_path)
    with open_store(url) as store:
        store.put_factchecks([from_claimreview(claimreview(*c)) for c in CHECKS])
    return url


@pytest.fixture(params=BACKENDS)
def dense_db(request, tmp_path) -> str:
    """The fact-checks with their MiniLM vectors (the ``models`` extra): the re-ranker path."""
    from parley.models import encoder

    if encoder.available():
        pytest.skip(encoder.available())
    url = store_url(request.param, tmp_path)
    with open_store(url) as store:
        store.put_factchecks([from_claimreview(claimreview(*c)) for c in CHECKS])
        assert embed_new_factchecks(store) == len(CHECKS)
    return url


def matches(store, kind: str, score: bool = False) -> list[tuple]:
    return store._rows(f"SELECT segment_id, factcheck_key, target_segment, rank{', score' if score else ''} "
                       "FROM claim_matches WHERE kind = ? ORDER BY segment_id, rank", (kind,))


def test_similarity_is_a_weighted_cosine():
    w = {"a": 1.0, "b": 2.0, "c": 1.0}
    assert similarity({"a", "b"}, {"a", "b"}, w) == pytest.approx(1.0)
    assert similarity({"a", "b"}, {"c"}, w) == 0.0
    assert similarity({"a", "b", "c"}, {"b", "c"}, w) == pytest.approx(5 / (6 ** 0.5 * 5 ** 0.5))
    assert similarity({"a", "b"}, {"b", "c"}, w) == 0.0  # one shared word is not enough


def test_matches_are_stored_at_ingest(db, caplog):
    with open_store(db) as store, caplog.at_level("WARNING", "parley.factchecks"):
        store.put_json(analysis("old", "2023-01-01", ["The harbour tax doubled, last year."]), "t")
        store.put_json(analysis("new", "2024-02-02", ["Last year the harbour tax doubled.",
                                                      "Nobody can count the seagulls."]), "t")
        fc = matches(store, "factcheck")
        assert [key for _, key, _, _ in fc] == [HARBOUR, HARBOUR]  # one per harbour claim, nothing for seagulls
        assert store.claim_matching().method == "lexical"  # no vectors stored: the fallback, and it says so
        assert "lexical, scored by word overlap (no fact-check vectors" in caplog.text
        [(seg, _, target, rank)] = matches(store, "claim")
        assert rank == 1 and store.segments_by_id([target])[0][4].startswith("The harbour tax")
        new_hash = store.info("new").hash
        claims = store.claim_matches_of(new_hash)
        assert [len(c["factchecks"]) for c in claims] == [1, 0]
        assert claims[0]["factchecks"][0]["publisher"] == "Example Checks"
        assert claims[0]["factchecks"][0]["score"] >= LEXICAL_THRESHOLD
        [earlier] = claims[0]["statements"]
        assert earlier["doc_id"] == "old" and earlier["earlier"] and earlier["speaker"] == "mara-quill"
        # the old document sees the new one too, as a later statement
        [later] = store.claim_matches_of(store.info("old").hash)[0]["statements"]
        assert later["doc_id"] == "new" and not later["earlier"]


def test_a_new_factcheck_matches_old_claims_without_a_rescan(db):
    with open_store(db) as store:
        for i in range(30):  # claims the new fact-check shares no rare word with
            store.put_json(analysis(f"filler-{i}", "2022-03-03", [f"Harbour parking rose by {i} percent."]), "t")
        store.put_json(analysis("ferry", "2023-03-03", ["Ferry tickets to the islands are now free for pensioners."]),
                       "t")
        assert not [r for r in matches(store, "factcheck") if r[1] == LATE[0]]
        matching = store.claim_matching()
        before = matching.candidates_read
        store.put_factchecks([from_claimreview(claimreview(*LATE))])
        read = matching.candidates_read - before
        assert 1 <= read < 5  # the full-text index gave the candidates, not the 31 stored claims
        [(seg, key, _, rank)] = [r for r in matches(store, "factcheck") if r[1] == LATE[0]]
        assert rank == 1 and store.segments_by_id([seg])[0][1] == store.info("ferry").hash


def test_replacing_a_document_drops_its_matches(db):
    with open_store(db) as store:
        data = analysis("old", "2023-01-01", ["The harbour tax doubled last year."])
        store.put_json(data, "t")
        store.put_json(analysis("new", "2024-01-01", ["The harbour tax doubled last year!"]), "t")
        [(new_seg, _, old_seg, _)] = matches(store, "claim")
        store.put_json(data, "t2", replace=True)
        # the old claim's segment is gone, and its match with it; stored again, it matches the new one
        [(again, _, target, _)] = matches(store, "claim")
        assert target == new_seg and again not in (new_seg, old_seg)
        assert len(matches(store, "factcheck")) == 2


@pytest.mark.slow
def test_ingest_stores_the_rerankers_probability(dense_db):
    claim = "Last year the harbour tax doubled."
    with open_store(dense_db) as store:
        store.put_json(analysis("new", "2024-02-02", [claim, "Nobody can count the seagulls."]), "t")
        matching = store.claim_matching()
        assert matching.method == "re-ranked"
        [(_, key, _, rank, score)] = matches(store, "factcheck", score=True)
        expected = dict(StoreMatcher(store).rank([claim], top=5, dates=["2024-02-02"])[0])
        assert key == HARBOUR and rank == 1 and score == pytest.approx(expected[HARBOUR]) and score >= RERANK_THRESHOLD
        assert all(p < RERANK_THRESHOLD for k, p in expected.items() if k != HARBOUR)
        matcher = matching.matcher
        store.put_json(analysis("other", "2024-03-03", ["The new bridge cost three billion euros."]), "t")
        assert matching.matcher is matcher  # the vectors were read once, not per document
        assert [k for _, k, _, _ in matches(store, "factcheck")] == [HARBOUR, CHECKS[1][0]]
        # no date: the re-ranker's order, scored by the word cosine (identical words: 1.0, not its 0.99...)
        store.put_json(analysis("undated", None, ["The harbour tax doubled last year."]), "t")
        [*_, (_, key, _, _, score)] = matches(store, "factcheck", score=True)
        assert key == HARBOUR and score == pytest.approx(1.0) and not matching.probability(None)


@pytest.mark.slow
def test_import_embeds_new_factchecks_and_reranks_old_claims(dense_db):
    claim = "Ferry tickets to the islands are now free for pensioners."
    with open_store(dense_db) as store:
        store.put_json(analysis("ferry", "2024-05-20", [claim]), "t")
        assert matches(store, "factcheck") == []
        store.put_factchecks([from_claimreview(claimreview(*LATE))])
        assert len(store.factcheck_vectors(VECTOR_MODEL)[0]) == len(CHECKS) + 1  # embedded in the import
        [(_, key, _, rank, score)] = matches(store, "factcheck", score=True)
        expected = dict(StoreMatcher(store).rank([claim], top=5, dates=["2024-05-20"])[0])
        assert key == LATE[0] and score == pytest.approx(expected[LATE[0]]) and score >= RERANK_THRESHOLD


@pytest.mark.slow
def test_vectors_stored_by_another_process_are_read_again(dense_db):
    with open_store(dense_db) as service, open_store(dense_db) as cli:
        service.put_json(analysis("first", "2024-05-01", ["The harbour tax doubled last year."]), "t")
        cli.put_factchecks([from_claimreview(claimreview(*LATE))])  # no claim matches it: nothing embedded
        assert embed_new_factchecks(cli) == 1  # what `parley factchecks import` does next
        service.put_json(analysis("ferry", "2024-05-20", ["Ferry tickets to the islands are now free for pensioners."]),
                         "t")
        assert LATE[0] in [key for _, key, _, _ in matches(service, "factcheck")]


@pytest.mark.slow
def test_import_with_no_vectors_embeds_nothing(dense_db, tmp_path):
    from parley.cli import main

    with open_store(dense_db) as store:
        store.put_json(analysis("ferry", "2024-05-20", ["Ferry tickets to the islands are now free for pensioners."]),
                       "t")
    feed = tmp_path / "late.json"
    feed.write_text(json.dumps(claimreview(*LATE)), encoding="utf-8")
    assert main(["factchecks", "import", str(feed), "--db", dense_db, "--no-vectors"]) == 0
    with open_store(dense_db) as store:
        assert len(store.factcheck_vectors(VECTOR_MODEL)[0]) == len(CHECKS)


# -- the pages, their JSON twins, POST /api/factchecks ------------------------------
TOKEN = "s3cret-token"


@pytest.fixture
def client(db):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from parley.service import Settings, create_app

    with open_store(db) as store:
        store.put_json(analysis("old", "2023-01-01", ["The harbour tax doubled, last year."]), "t")
        store.put_json(analysis("new", "2024-02-02", [HOSTILE, "Nobody can count the seagulls."]), "t")
    with TestClient(create_app(db, Settings(token=TOKEN), pipeline=[])) as c:
        yield c


def test_document_page_shows_matches_and_says_when_none(client):
    view = client.get("/api/documents/new").json()
    hostile, seagulls = view["claim_matches"]
    assert [f["key"] for f in hostile["factchecks"]] == [HARBOUR]
    assert hostile["statements"][0]["doc_id"] == "old" and seagulls["factchecks"] == []
    page = client.get("/documents/new", headers={"accept": "text/html"})
    assert page.status_code == 200
    html = page.text
    assert "No earlier check found." in html and "Example Checks" in html and "2024-01-10" in html
    assert "/factchecks/https%3A%2F%2Fchecks.example.org%2Fharbour-tax" in html
    assert f"/documents/{view['claim_matches'][0]['statements'][0]['hash']}?at=" in html
    assert HOSTILE not in html and "last year &lt;i&gt;&amp;&lt;/i&gt;." in html


def test_factcheck_pages_and_twins(client):
    listing = client.get("/api/factchecks", params={"publisher": "Example Checks"}).json()
    assert [f["key"] for f in listing["factchecks"]] == [HARBOUR] and listing["factchecks"][0]["matches"] == 2
    assert client.get("/api/factchecks", params={"q": "bridge billion"}).json()["factchecks"][0]["claimant"] == \
        "Ivo Brand"
    assert client.get("/api/factchecks", params={"verdict": "false", "until": "2023-12-31"}).json()["factchecks"] == []
    assert client.get("/api/factchecks", params={"verdict": "wrong"}).json()["error"]["code"] == "E704"
    html = client.get("/factchecks", params={"q": "harbour"}, headers={"accept": "text/html"}).text
    assert "The harbour tax doubled last year." in html and 'href="/factchecks/https%3A%2F%2F' in html
    detail = client.get("/api/factchecks/" + quote(HARBOUR, safe="")).json()
    assert detail["factcheck"]["publisher"] == "Example Checks"
    assert sorted(t["doc_id"] for t in detail["transcripts"]) == ["new", "old"]
    page = client.get("/factchecks/" + quote(HARBOUR, safe=""), headers={"accept": "text/html"}).text
    assert "last year &lt;i&gt;&amp;&lt;/i&gt;." in page and HOSTILE not in page
    missing = client.get("/api/factchecks/" + quote("https://nowhere.example/x", safe=""))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "E806"


def test_post_factchecks_needs_the_token_and_matches_old_claims(client):
    body = json.dumps(claimreview(*LATE[:1], "Nobody can count the seagulls of the bay.", *LATE[2:]))
    assert client.post("/api/factchecks", content=body).status_code == 401
    bad = client.post("/api/factchecks", content=body, headers={"authorization": "Bearer wrong"})
    assert bad.json()["error"]["code"] == "E701"
    empty = client.post("/api/factchecks", content=b'{"@type": "Thing"}', headers={"authorization": f"Bearer {TOKEN}"})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "E808"
    jsonl = body + "\n" + json.dumps(claimreview(*CHECKS[1])) + "\n"
    done = client.post("/api/factchecks", content=jsonl, headers={"authorization": f"Bearer {TOKEN}"})
    assert done.status_code == 201 and done.json()["added"] == 1 and done.json()["unchanged"] == 1
    _, seagulls = client.get("/api/documents/new").json()["claim_matches"]
    assert [f["key"] for f in seagulls["factchecks"]] == [LATE[0]]
