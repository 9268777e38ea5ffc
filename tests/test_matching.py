"""Claim matching (issue 13): retrieval measures, BM25, rank fusion and
``parley claims match`` on a tiny store of hand-written fact-checks."""
from __future__ import annotations

import json

import pytest

from parley.factchecks import match
from parley.scoring.ranking import average_precision_at, reciprocal_rank, retrieval_measures


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
