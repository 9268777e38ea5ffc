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
