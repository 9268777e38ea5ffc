"""Claim matching (issue 13): retrieval measures, BM25, rank fusion and
``parley claims match`` on a tiny store of hand-written fact-checks."""
from __future__ import annotations

import json

import pytest

from parley.factchecks import match
from parley.scoring.ranking import average_precision_at, reciprocal_rank, retrieval_measures
from tests.conftest import BACKENDS, store_url


# -- measures, computed by hand --------------------------------------------------
def test_average_precision_at_k():
    ranked = ["a", "x", "b", "y", "c"]
    # relevant a (rank 1, P=1), b (rank 3, P=2/3); c at rank 5
    assert average_precision_at(ranked, {"a", "b"}, 1) == pytest.approx(1 / 2)
    assert average_precision_at(ranked, {"a", "b"}, 3) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision_at(ranked, {"a", "b", "c"}, 5) == pytest.approx((1 + 2 / 3 + 3 / 5) / 3)
    assert average_precision_at(ranked, {"z"}, 5) == 0.0
    assert average_precision_at(ranked, set(), 5) == 0.0


def test_reciprocal_rank_and_means():
    assert reciprocal_rank(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], {"a"}) == 0.0
    got = retrieval_measures([(["a", "b"], {"b"}), (["c", "d"], {"c"})], ks=(1, 3))
    assert got == pytest.approx({"map@1": 0.5, "map@3": (0.5 + 1) / 2, "mrr": (0.5 + 1) / 2})


# -- lexical retrieval and fusion -------------------------------------------------
def test_tokens_drop_stop_words_and_possessives():
    assert match.tokens("The Governor's tax doubled, and it's 2024!") == ["governor", "tax", "doubled", "2024"]


def test_bm25_prefers_the_document_with_the_rare_words():
    bm = match.Bm25(["tax", "bridge", "both"], ["harbour tax doubled last year", "the bridge was closed",
                                                 "tax on the bridge"])
    ranked = bm.rank("did the harbour tax double?")
    assert [d for d, _ in ranked][0] == "tax"
    assert "bridge" not in [d for d, _ in ranked]
    assert bm.rank("nothing shared here") == []


def test_fusion_by_hand():
    a = [("x", 9.0), ("y", 5.0), ("z", 1.0)]
    b = [("y", 0.9), ("w", 0.8)]
    fused = match.fuse([a, b], k=1)
    # x: 1/2; y: 1/3 + 1/2; z: 1/4; w: 1/3
    assert [d for d, _ in fused] == ["y", "x", "w", "z"]
    assert dict(fused)["y"] == pytest.approx(1 / 3 + 1 / 2)
    assert match.fuse([a, b], k=1, top=2) == fused[:2]
    assert match.fuse([]) == []


def test_fusion_ties_keep_first_appearance():
    assert [d for d, _ in match.fuse([[("p", 1.0)], [("q", 1.0)]])] == ["p", "q"]


def test_dense_ranking_by_cosine():
    np = pytest.importorskip("numpy")
    m = np.array([[1, 0], [0, 1], [0.6, 0.8]], dtype=np.float32)
    ranked = match.dense_ranking(["a", "b", "c"], m, np.array([0, 1], dtype=np.float32), top=2)
    assert [d for d, _ in ranked] == ["b", "c"]
    assert ranked[1][1] == pytest.approx(0.8)


# -- parley claims match on a tiny store ------------------------------------------
FACTCHECKS = [
    ("https://checks.example.org/harbour-tax", "The harbour tax doubled last year.", "Mara Quill", 1),
    ("https://checks.example.org/bridge", "The new bridge cost three billion euros.", "Ivo Brand", 3),
    ("https://checks.example.org/schools", "Class sizes in primary schools fell by a third.", "Mara Quill", 4),
    ("https://checks.example.org/rail", "Rail fares went up twice as fast as wages.", "Ana Sole", 2),
]


def claimreview(url: str, claim: str, claimant: str, rating: int) -> dict:
    return {"@context": "https://schema.org", "@type": "ClaimReview", "url": url, "claimReviewed": claim,
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": claimant}},
            "author": {"@type": "Organization", "name": "Example Checks"},
            "reviewRating": {"@type": "Rating", "ratingValue": rating, "bestRating": 5, "worstRating": 1}}


@pytest.fixture(params=BACKENDS)
def store_path(request, tmp_path):
    """A store (SQLite, and PostgreSQL when PARLEY_TEST_PG is set) holding FACTCHECKS, no vectors."""
    from parley.cli import main

    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([claimreview(*fc) for fc in FACTCHECKS]), encoding="utf-8")
    db = store_url(request.param, tmp_path)
    assert main(["factchecks", "import", str(feed), "--db", db, "--no-vectors"]) == 0
    return db


def queries_file(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text("q1\tDid the harbour tax really double?\n\nq2\tbridge cost billion\n", encoding="utf-8")
    return str(path)


def test_match_file_lexical_tsv(store_path, tmp_path, capsys):
    from parley.cli import main

    assert main(["claims", "match", "--file", queries_file(tmp_path), "--db", store_path, "--lexical"]) == 0
    out, err = capsys.readouterr()
    lines = [line.split("\t") for line in out.splitlines()]
    assert [(l[0], l[1], l[2]) for l in lines] == [("q1", "1", "https://checks.example.org/harbour-tax"),
                                                    ("q2", "1", "https://checks.example.org/bridge")]
    assert all(float(l[3]) > 0 for l in lines)
    assert "lexical matching only" in err


def test_match_without_the_models_extra(store_path, monkeypatch, capsys):
    from parley.cli import main
    from parley.models import encoder

    monkeypatch.setattr(encoder, "available", lambda: "the 'models' extra is not installed")
    assert main(["claims", "match", "rail fares and wages", "--db", store_path, "--format", "json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["dense"] is False
    [query] = data["queries"]
    assert query["matches"][0]["factcheck_url"] == "https://checks.example.org/rail"
    assert "not installed" in err


def test_match_top_and_bad_file(store_path, tmp_path, capsys):
    from parley.cli import main

    assert main(["claims", "match", "Mara Quill on the harbour tax and schools", "--db", store_path, "--lexical",
                 "--top", "1", "--format", "tsv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    bad = tmp_path / "bad.tsv"
    bad.write_text("no tab here\n", encoding="utf-8")
    assert main(["claims", "match", "--file", str(bad), "--db", store_path]) == 2
    assert "E807" in capsys.readouterr().err
    assert main(["claims", "match", "--db", store_path]) == 2


def test_fts_follows_a_revised_factcheck(store_path, tmp_path):
    from parley.cli import main
    from parley.store import open_store

    feed = tmp_path / "revised.json"
    url, _, claimant, rating = FACTCHECKS[1]
    feed.write_text(json.dumps([claimreview(url, "The ferry cost three billion euros.", claimant, rating)]))
    assert main(["factchecks", "import", str(feed), "--db", store_path, "--no-vectors"]) == 0
    with open_store(store_path) as store:
        assert [k for k, _ in store.factcheck_lexical("ferry")] == [url]
        assert store.factcheck_lexical("bridge") == []


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_match_dense_vectors_stored_at_import(backend, tmp_path, capsys):
    from tests.conftest import needs

    needs("torch", "models")
    from parley.cli import main
    from parley.store import open_store

    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([claimreview(*fc) for fc in FACTCHECKS]), encoding="utf-8")
    db = store_url(backend, tmp_path)
    assert main(["factchecks", "import", str(feed), "--db", db]) == 0
    assert "4 sentence vectors computed" in capsys.readouterr().err
    assert main(["factchecks", "import", str(feed), "--db", db]) == 0
    assert "0 sentence vectors computed" in capsys.readouterr().err  # only new fact-checks are embedded
    with open_store(db) as store:
        keys, blobs = store.factcheck_vectors("all-MiniLM-L6-v2")
        assert len(keys) == 4 and all(len(b) == 384 * 4 for b in blobs)
    # no shared word with the bridge claim: only the dense ranking can find it
    assert main(["claims", "match", "How expensive was the river crossing?", "--db", db, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dense"] is True
    assert "https://checks.example.org/bridge" in [m["factcheck_url"] for m in data["queries"][0]["matches"][:2]]


def test_migration_5_indexes_factchecks_stored_before_it(tmp_path):
    """A store at schema 4 holding fact-checks is upgraded: the full-text index covers them."""
    from parley.factchecks import from_claimreview
    from parley.store import migrations, open_store

    db = str(tmp_path / "old.db")
    with open_store(db, migrate=False) as s:
        with s._transaction():
            s.schema_version()
            for m in migrations.MIGRATIONS[:4]:
                for statement in m.statements(s.dialect):
                    s._execute(statement)
                s._execute("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, 'now')",
                           (m.version, m.description))
        s.put_factchecks([from_claimreview(claimreview(*fc)) for fc in FACTCHECKS])
        assert s.schema_version() == 4
        assert s.migrate() == migrations.LATEST
        assert [k for k, _ in s.factcheck_lexical("primary schools class sizes")][0] == FACTCHECKS[2][0]
        assert [k for k, _ in s.factcheck_lexical("Ana Sole")] == [FACTCHECKS[3][0]]


# -- the trained re-ranker (factchecks.rerank) --------------------------------------
def test_rerank_text_and_date_features_by_hand():
    from datetime import date

    from parley.factchecks import rerank

    assert rerank.numbers("Incomes fell $4,300, 23 million.") == {"4300", "23"}
    # query words {incomes, fell, 4, 300}; claim words {incomes, fell, 2012}; numbers {4300} vs {2012}
    assert rerank.text_features("Incomes fell 4,300.", "Incomes fell in 2012") == pytest.approx([2 / 4, 2 / 3, 0.0])
    assert rerank.text_features("", "x") == [0.0, 0.0, 0.0]
    said = date(2012, 10, 23)
    assert rerank.parse_date("2012-10-22T10:00:00Z") == date(2012, 10, 22)
    assert rerank.parse_date("October 2012") is None
    assert rerank.date_features(said, "2012-10-22", "2012-11-01")[:3] == [1.0, 1.0, 1.0]
    assert rerank.date_features(said, "2012-10-22", "2012-11-01")[4] == 1.0
    far = rerank.date_features(said, "2002-10-23", None)
    assert far[1:3] == [0.0, 0.0] and far[3] == pytest.approx(1.0) and far[4] == 0.0
    assert rerank.date_features(None, "2012-10-22", None) == [0.0] * 5


def test_rerank_score_features_by_hand():
    from parley.factchecks import rerank

    rows = rerank.score_features(["a", "b"], [("a", 4.0), ("c", 2.0)], [("b", 0.9), ("a", 0.5)], [0.5, 0.9],
                                  match.RRF_K)
    k = match.RRF_K
    assert rows[0] == pytest.approx([1.0, 1.0, 0.5, -0.4, 0.5, (1 / (k + 1) + 1 / (k + 2)) * (k + 1)])
    assert rows[1] == pytest.approx([0.0, 0.0, 0.9, 0.0, 1.0, 1.0])


def ranker_file(path, weights):
    """A re-ranker model file whose logit is ``weights . features``."""
    np = pytest.importorskip("numpy")
    from parley.models.heads import SIGMOID, Head, write_heads

    head = Head.linear(np.asarray([weights], dtype=np.float32), np.zeros(1, dtype=np.float32), output=SIGMOID)
    return write_heads(path, {"claim_ranker": head})


def test_reranker_model_file_round_trip_and_missing(tmp_path):
    from parley.factchecks import rerank

    weights = [0.0] * len(rerank.FEATURES)
    weights[rerank.FEATURES.index("same day")] = 5.0
    reranker, why = rerank.load_reranker(ranker_file(tmp_path / "r.npz", weights))
    assert why is None
    x = pytest.importorskip("numpy").zeros((2, len(rerank.FEATURES)), dtype="float32")
    x[1, rerank.FEATURES.index("same day")] = 1.0
    ranked = reranker.rank(["far", "near"], x, top=2)
    assert [k for k, _ in ranked] == ["near", "far"] and ranked[0][1] == pytest.approx(1 / (1 + 2.718281828 ** -5))
    reranker, why = rerank.load_reranker(tmp_path / "absent.npz")
    assert reranker is None and "missing" in why
    reranker, why = rerank.load_reranker(ranker_file(tmp_path / "short.npz", [1.0, 2.0]))
    assert reranker is None and "features" in why


def test_shipped_reranker_loads():
    pytest.importorskip("numpy")
    from parley.factchecks import rerank

    reranker, why = rerank.load_reranker()
    assert why is None and reranker.head.n_features == len(rerank.FEATURES)


def toy_embed(texts):
    """A real, tiny sentence embedding: hashed bag of words, unit length (no model needed)."""
    np = pytest.importorskip("numpy")
    import zlib

    out = np.zeros((len(texts), 32), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in match.tokens(text):
            out[i, zlib.crc32(word.encode()) % 32] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_store_matcher_reranks_when_a_model_is_there_and_falls_back(backend, tmp_path):
    from parley.factchecks import from_claimreview, rerank
    from parley.store import open_store

    reviews = [claimreview(*fc) for fc in FACTCHECKS]
    reviews[2]["itemReviewed"]["datePublished"] = "2024-03-01"  # the schools claim was said on the query's day
    with open_store(store_url(backend, tmp_path)) as store:
        store.put_factchecks([from_claimreview(r) for r in reviews])
        todo = store.factchecks_needing_vectors(match.VECTOR_MODEL)
        store.put_factcheck_vectors([(k, h, v.tobytes()) for (k, h, _), v in
                                     zip(todo, toy_embed([c for _, _, c in todo]))], match.VECTOR_MODEL)
        weights = [0.0] * len(rerank.FEATURES)
        weights[rerank.FEATURES.index("same day")], weights[rerank.FEATURES.index("rrf")] = 5.0, 1.0
        reranker, _ = rerank.load_reranker(ranker_file(tmp_path / "r.npz", weights))
        query = ["The harbour tax doubled"]
        fused = match.StoreMatcher(store, reranker=None, embed=toy_embed)
        assert fused.rerank_off == "re-ranking turned off"
        plain = fused.rank(query, top=2)[0]
        assert plain[0][0] == FACTCHECKS[0][0] and plain[0][1] == pytest.approx(2 / (match.RRF_K + 1))
        matcher = match.StoreMatcher(store, reranker=reranker, embed=toy_embed)
        assert matcher.rank(query, top=2)[0][0][0] == FACTCHECKS[0][0]  # no date: the fused order
        dated = matcher.rank(query, top=2, dates=["2024-03-01"])[0]
        assert dated[0][0] == FACTCHECKS[2][0] and 0 < dated[0][1] < 1
        [(keys, x)] = matcher.candidates(query, ["2024-03-01"])
        assert set(keys) == {fc[0] for fc in FACTCHECKS} and x.shape == (4, len(rerank.FEATURES))
        assert match.StoreMatcher(store, dense=False).rerank_off == "the re-ranker needs the dense ranking"


def test_match_file_date_column(store_path, tmp_path, capsys):
    from parley.cli import main

    good = tmp_path / "dated.tsv"
    good.write_text("q1\tDid the harbour tax really double?\t2024-03-01\n", encoding="utf-8")
    assert main(["claims", "match", "--file", str(good), "--db", store_path, "--lexical"]) == 0
    assert capsys.readouterr().out.split("\t")[2] == "https://checks.example.org/harbour-tax"
    bad = tmp_path / "bad-date.tsv"
    bad.write_text("q1\tDid the harbour tax really double?\tMarch 2024\n", encoding="utf-8")
    assert main(["claims", "match", "--file", str(bad), "--db", store_path]) == 2
    assert "E807" in capsys.readouterr().err
    assert main(["claims", "match", "harbour tax", "--date", "soon", "--db", store_path]) == 2
