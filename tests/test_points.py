"""Talking points: incremental grouping across documents, boilerplate, filters, CLI, both backends."""
from __future__ import annotations

import json

import pytest

from parley.cli import main
from parley.corpus import points as talking_points
from parley.corpus.text import boilerplate, content_stems, keys
from parley.errors import CorpusError
from parley.store import open_store
from tests.corpus_fixture import analysis

LINE = "The sanctions against our country have completely failed to damage the economy"
PARAPHRASE = "The sanctions against our country completely failed to damage our economy"


def _docs() -> list[dict]:
    return [
        analysis("a", "2024-01-05", [("lavrov", LINE + "."), ("host", "Thank you very much."),
                                     ("lavrov", "Bridges in the northern provinces were rebuilt by local engineers.")]),
        analysis("b", "2024-02-07", [("lavrov", PARAPHRASE + "!"), ("host", "Thank you very much."),
                                     ("peskov", "Grain exports through southern ports reached record volumes.")]),
        analysis("c", "2024-03-09", [("peskov", "Indeed " + LINE.lower() + "."), ("host", "Next question.")]),
    ]


def _store(url):
    store = open_store(url)
    store.corpus_vectors = False  # stem similarity: fast and the same on every machine
    return store


@pytest.mark.parametrize("text", ["Thank you very much.", "Next question.", "Go ahead, please."])
def test_boilerplate_is_never_a_point_member(text):
    assert boilerplate(text)
    assert not boilerplate(LINE)


def test_keys_are_pairs_of_long_stems():
    found = keys(["sancti", "countr", "econom", "damage"])
    assert "countr sancti" in found and len(found) == 6


def test_points_group_across_documents_incrementally(url):
    with _store(url) as store:
        docs = _docs()
        store.put_json(docs[0], "t")
        store.put_json(docs[1], "t")
        found = talking_points.points(store)
        assert len(found) == 1 and found[0].documents == 2
        first_id = found[0].id
        store.put_json(docs[2], "t")  # joins the existing point, ids unchanged
        found = talking_points.points(store)
        assert [p.id for p in found] == [first_id]
        p = found[0]
        assert p.documents == 3 and p.first_seen == "2024-01-05" and p.last_seen == "2024-03-09"
        assert p.per_speaker == {"lavrov": 2, "peskov": 1}
        assert p.per_month == {"2024-01": 1, "2024-02": 1, "2024-03": 1}
        assert all(not m.text.startswith("Thank") for m in p.members)
        assert {m.text[:10] for m in p.members} >= {LINE[:10]}
        assert talking_points.points(store, speaker="peskov")[0].id == first_id
        assert talking_points.points(store, since="2024-02-01")[0].documents == 2
        assert talking_points.points(store, min_docs=4) == []
        assert "<svg" in talking_points.chart_svg(p) and p.representative
        with pytest.raises(CorpusError) as e:
            talking_points.point(store, 999_999)
        assert e.value.code == "E851"


def test_points_cli(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    with _store(db) as store:
        for doc in _docs():
            store.put_json(doc, "t")
    assert main(["points", "--db", db, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 1 and data[0]["documents"] == 3
    assert main(["points", "--db", db, "--point", str(data[0]["id"]), "--format", "csv"]) == 0
    assert capsys.readouterr().out.count("\n") == 4  # header and three members
    assert main(["points", "--db", db, "--min-docs", "0"]) == 2
    assert "E852" in capsys.readouterr().err


def test_a_sentence_is_compared_with_the_seed_so_chains_cannot_grow(url):
    """B is close to A and C to B, but C is far from A: C must not join A's point through B."""
    a = "Bridges tunnels harbours railways airports, northern."
    b = "Harbours railways airports northern canals, museums."
    c = "Airports northern canals museums schools, stadiums."
    with _store(url) as store:
        for name, sentence in (("a", a), ("b", b), ("c", c)):
            store.put_json(analysis(name, "2024-01-01", [("lavrov", sentence)]), "t")
        found = talking_points.points(store)
        assert [sorted(m.doc_id for m in p.members) for p in found] == [["a", "b"]]


@pytest.mark.parametrize("text", ["If I may ask another question.", "Let me follow up on Jim's question.",
                                  "Mr. President, let me follow up on Jim's question about that.",
                                  "Thank you very much for the question, Mr. Secretary."])
def test_interview_procedure_is_boilerplate(text):
    """Procedure phrasing is taken out before the content words are counted (once, the stems
    "follow", "question", "ask" were content and these lines formed the corpus's largest points)."""
    assert boilerplate(text)
    assert "questi" not in content_stems("Let me ask another question about the sanctions on grain exports.")


def test_procedure_never_forms_a_point(url):
    asks = ["If I may ask another question, Mr. Minister, about this.",
            "If I may, let me ask another question, Mr. Minister.",
            "Let me follow up on that question, Mr. Minister, if I may."]
    with _store(url) as store:
        for name, sentence in zip("abc", asks):
            store.put_json(analysis(name, "2024-01-01", [("host", sentence)]), "t")
        assert talking_points.points(store) == []


def _filler(name: str, n: int) -> list[tuple[str, str]]:
    """``n`` sentences of document ``name`` that all hold "people", "time", "results" and "today"."""
    return [("host", f"People spent time on results today, item{name}{i}x tagwordq{name}{i}.") for i in range(n)]


def test_overlap_on_common_words_does_not_join(url):
    """Two sentences sharing only stems common across the store ("time", "people") stay apart, while
    a real paraphrase sharing rare stems still joins (once, plain stem cosine joined both)."""
    common_a = "People waited a long time for results today."
    common_b = "People spent time here discussing results today."
    with _store(url) as store:
        store.put_json(analysis("a", "2024-01-01", [("lavrov", common_a), ("lavrov", LINE + "."),
                                                    *_filler("a", 30)]), "t")
        store.put_json(analysis("b", "2024-01-02", [("peskov", common_b), ("peskov", PARAPHRASE + "."),
                                                    *_filler("b", 30)]), "t")
        found = talking_points.points(store)
        assert [sorted(m.text[:10] for m in p.members) for p in found] == [[LINE[:10], PARAPHRASE[:10]]]


def _unit(seed: int) -> bytes:
    import numpy as np

    v = np.random.default_rng(seed).normal(size=384).astype(np.float32)
    return (v / np.linalg.norm(v)).tobytes()


def test_a_minilm_match_must_share_content_not_only_a_name():
    from parley.corpus.text import content_stems, name_stems

    same = _unit(1)  # identical vectors: MiniLM cosine 1.0, so only the content floor can refuse
    meeting = "As you know, I'm meeting with President Putin on Monday."
    normandy = "As to President Putin: in 2019, we had a Normandy summit."
    soldiers_a = "We have, right now, 32,000 soldiers stationed in South Korea."
    soldiers_b = "We have 32,000 soldiers in South Korea."

    def sides(text):
        return content_stems(text), name_stems(text), same

    stems = {s for t in (meeting, normandy, soldiers_a, soldiers_b) for s in content_stems(t)}
    idf = {s: 1.0 for s in stems}
    assert talking_points.DENSE_CONTENT_FLOOR > 0
    assert talking_points.similarity(sides(meeting), sides(normandy), idf, set()) == (0.0, True)
    score, dense = talking_points.similarity(sides(soldiers_a), sides(soldiers_b), idf, set())
    assert dense and score == pytest.approx(1.0, abs=1e-5)


def test_vectors_made_by_a_worker_are_reused_not_recomputed():
    from parley.corpus.text import Embedder, pack_vectors, unpack_vectors

    texts, vectors = ["first sentence", "second sentence"], [_unit(2), _unit(3)]
    packed = pack_vectors(texts, vectors)
    assert unpack_vectors(packed) == vectors
    assert unpack_vectors("not base64!") == [] and unpack_vectors(packed[:-8]) == []
    assert pack_vectors(texts, [vectors[0], None]) == ""
    embedder = Embedder(dense=False)
    embedder.model = "fake"  # were anything embedded, the missing encoder would be called and fail here
    embedder.remember(texts, unpack_vectors(packed))
    assert embedder.vectors(texts[::-1]) == vectors[::-1]
    embedder.remember(["a third"], [])  # a payload that does not fit its texts is ignored
    assert "a third" not in embedder.known
    embedder.forget()
    assert embedder.known == {}


def test_whether_vectors_are_used(monkeypatch):
    from parley import corpus
    from parley.models import encoder

    monkeypatch.setenv(corpus.VECTORS_ENV, "0")
    assert not corpus.vectors_wanted() and corpus.vectors_wanted(True)
    assert corpus.sentence_vectors(analysis("a", "2024-01-05", [("lavrov", LINE + ".")])) == ""
    monkeypatch.setenv(corpus.VECTORS_ENV, "1")
    assert corpus.vectors_wanted() and not corpus.vectors_wanted(False)
    monkeypatch.delenv(corpus.VECTORS_ENV)
    assert corpus.vectors_wanted() == (encoder.available() is None)  # on by default with the models extra
