"""Attribution checks: labels, kept current as source words arrive, CLI, both backends."""
from __future__ import annotations

import json

import pytest

from parley.cli import main
from parley.corpus.compare import differences, label
from parley.store import open_store
from tests.corpus_fixture import analysis

SAID = "We will send 300 engineers to rebuild the bridges in Kherson next spring"


@pytest.mark.parametrize("reported,kind", [
    ("We will send 500 engineers to rebuild the bridges in Kherson next spring", "number"),
    ("We will not send 300 engineers to rebuild the bridges in Kherson next spring", "negation"),
    ("We will send 300 engineers to rebuild the bridges in Odesa next spring", "entity"),
    ("We might send 300 engineers to rebuild the bridges in Kherson next spring", "modal"),
])
def test_differences_name_what_differs(reported, kind):
    assert differences(reported, SAID) == [kind]
    assert label(reported, [(0.9, True)], [SAID], "lexical").label == "differs"


def test_labels_close_paraphrase_absent():
    assert label(SAID, [(1.0, True)], [SAID], "lexical").label == "close"
    assert label(SAID, [(0.8, True)], [SAID], "lexical").label == "paraphrase"
    assert label(SAID, [(0.1, True)], [SAID], "lexical").label == "no-statement"
    assert label(SAID, [], [], "lexical").label == "no-statement"


def _store(url):
    store = open_store(url)
    store.corpus_vectors = False
    return store


def test_checks_follow_new_source_words(url):
    report = analysis("report", "2024-05-01", [("host", "The minister said that he might send 300 engineers to "
                                                        "rebuild the bridges in Kherson next spring.")],
                      [("shoigu", "he might send 300 engineers to rebuild the bridges in Kherson next spring", False)])
    with _store(url) as store:
        store.put_json(report, "t")
        [check] = store.attribution_checks(source="shoigu")
        assert check["label"] == "no-statement" and check["passages"] == []
        store.put_json(analysis("speech", "2024-04-01", [("shoigu", SAID + ".")]), "t")  # the source's words arrive
        [check] = store.attribution_checks(source="shoigu")
        assert check["label"] == "differs" and check["differs"] == ["modal"]
        assert check["passages"][0]["doc_id"] == "speech" and check["passages"][0]["before"] is True
        assert store.attribution_checks(label="close") == []


def test_check_attributions_cli(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    with _store(db) as store:
        store.put_json(analysis("speech", "2024-04-01", [("shoigu", SAID + ".")]), "t")
        store.put_json(analysis("report", "2024-05-01", [("host", f"He said: {SAID}.")],
                                [("shoigu", SAID, True)]), "t")
    assert main(["check-attributions", "--db", db, "--source", "shoigu", "--format", "json"]) == 0
    [check] = json.loads(capsys.readouterr().out)
    assert check["label"] == "close" and check["passages"][0]["text"] == SAID + "."
    assert main(["check-attributions", "--db", db, "--label", "bogus"]) == 2
    assert "E853" in capsys.readouterr().err


def test_differences_count_negations_and_ignore_possessives():
    same = "The Soviet Union's collapse did not end the Paris talks."
    assert differences(same, same) == []
    assert differences("Russia's position never changed and it is not new.",
                       "Russia's position never changed and it is new.") == ["negation"]
    assert "entity" in differences("The talks in Paris failed.", "The talks in Vienna failed.")
