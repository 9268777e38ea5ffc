"""Cross-document identity (store/linking.py) and position shifts (store/shifts.py, parley shifts)."""
from __future__ import annotations

import json

import pytest

from tests.dossier_corpus import VERSION, transcript
from parley.cli import main
from parley.errors import StoreError
from parley.store import open_store
from parley.store.linking import name_key
from parley.store.shifts import find_shifts

LAVROV = ("sergey-lavrov", "Sergey Lavrov")


def _said(doc_id: str, day: str | None, sentence: str, target: str, surface: str, polarity: str,
          confidence: float) -> dict:
    """A one-statement transcript: Lavrov on ``target`` named ``surface``."""
    return transcript(doc_id, day, [("interviewer", "Question", ["What now?"]), (*LAVROV, [sentence])],
                      entities={target: (surface, "PERSON", [surface])},
                      stances=[("sergey-lavrov", target, polarity, confidence, sentence)])


def test_name_keys_cut_titles_and_standardise_spellings():
    assert name_key("president-zelensky") == ("zelenskyy",)
    assert name_key("vladimir-zelenskiy") == name_key("volodymyr-zelenskyy") == ("volodymyr", "zelenskyy")
    assert name_key("foreign-minister-dmitry-kuleba") == ("dmytro", "kuleba")
    assert name_key("nato") == ("nato",)
    assert name_key("president") == ("president",)  # a title alone stays


def test_ids_link_across_documents_in_any_order(url):
    docs = [  # the surname alone arrives before the full name; then a title, then a variant spelling
        _said("d1", "2024-01-10", "Reznikov is a fine partner.", "reznikov", "Reznikov", "positive", 0.8),
        _said("d2", "2024-02-10", "Oleksii Reznikov lies.", "oleksii-reznikov", "Oleksii Reznikov", "negative", 0.9),
        _said("d3", "2024-03-10", "Minister Reznikov lies.", "minister-reznikov", "Minister Reznikov", "negative", 0.9),
        _said("d4", "2024-04-10", "Oleksiy Reznikov helps.", "oleksiy-reznikov", "Oleksiy Reznikov", "positive", 0.9),
    ]
    with open_store(url) as store:
        for doc in docs:
            store.put_json(doc, VERSION)
        assert store.aliases("reznikov") == ["oleksii-reznikov", "minister-reznikov", "oleksiy-reznikov", "reznikov"]
        assert store.canonical("oleksiy-reznikov") == "oleksii-reznikov"
        history = store.stance_history(target="minister-reznikov")
    assert [(s.target, s.doc_id, s.polarity) for s in history] == [
        ("oleksii-reznikov", "d1", "positive"), ("oleksii-reznikov", "d2", "negative"),
        ("oleksii-reznikov", "d3", "negative"), ("oleksii-reznikov", "d4", "positive")]


def test_a_shared_surname_links_to_no_one(url):
    with open_store(url) as store:
        store.put_json(_said("a", "2024-01-01", "Anna Smith agrees.", "anna-smith", "Anna Smith", "positive", .8), VERSION)
        store.put_json(_said("b", "2024-01-02", "John Smith agrees.", "john-smith", "John Smith", "positive", .8), VERSION)
        store.put_json(_said("c", "2024-01-03", "Smith agrees.", "smith", "Smith", "positive", .8), VERSION)
        assert store.canonical("smith") == "smith"
        assert store.aliases("anna-smith") == ["anna-smith"]


def test_shifts_need_confidence_on_both_sides_and_skip_neutral(url):
    docs = [
        _said("jan", "2024-01-10", "Mark Rutte is a reliable man.", "mark-rutte", "Mark Rutte", "positive", 0.8),
        _said("feb", "2024-02-10", "Mark Rutte spoke today.", "mark-rutte", "Mark Rutte", "neutral", 0.9),
        _said("mar", "2024-03-10", "Mark Rutte is maybe a liar.", "mark-rutte", "Mark Rutte", "negative", 0.55),
        _said("apr", "2024-04-10", "Mark Rutte is a warmonger.", "mark-rutte", "Mark Rutte", "negative", 0.9),
        _said("undated", None, "Mark Rutte is great.", "mark-rutte", "Mark Rutte", "positive", 0.9),
    ]
    with open_store(url) as store:
        for doc in docs:
            store.put_json(doc, VERSION)
        shifts = store.shifts(target="mark-rutte")
        assert len(store.shifts(target="mark-rutte", min_confidence=0.95)) == 0
        assert len(store.shifts(target="mark-rutte", min_confidence=0.5)) == 1  # jan -> mar
        with pytest.raises(StoreError) as bad:
            store.shifts(min_confidence=2)
    assert bad.value.code == "E890"
    assert len(shifts) == 1
    shift = shifts[0].json()
    assert (shift["from"], shift["to"]) == ("positive", "negative")
    assert (shift["before"]["day"], shift["after"]["day"]) == ("2024-01-10", "2024-04-10")
    assert [e["text"] for e in shift["before"]["evidence"]] == ["Mark Rutte is a reliable man."]
    assert [e["text"] for e in shift["after"]["evidence"]] == ["Mark Rutte is a warmonger."]


def test_find_shifts_keeps_pairs_apart():
    from parley.store.shifts import StanceStep

    steps = [StanceStep("a", "x", "h1", "1", "2024-01-01", "positive", 0.9),
             StanceStep("b", "x", "h2", "2", "2024-01-02", "negative", 0.9),
             StanceStep("a", "x", "h3", "3", "2024-01-03", "positive", 0.9)]
    assert find_shifts(steps) == []


def test_shifts_command_formats_and_errors(tmp_path, capsys):
    db = str(tmp_path / "s.db")
    with open_store(db) as store:
        store.put_json(_said("jan", "2024-01-10", "Mark Rutte is kind.", "mark-rutte", "Mark Rutte", "positive", .8),
                       VERSION)
        store.put_json(_said("apr", "2024-04-10", "Mark Rutte is cruel.", "mark-rutte", "Mark Rutte", "negative", .9),
                       VERSION)
    assert main(["shifts", "--db", db, "--holder", "sergey-lavrov", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(s["before"]["doc_id"], s["after"]["doc_id"]) for s in data["shifts"]] == [("jan", "apr")]
    assert main(["shifts", "--db", db, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("holder,target,from,to") and "Mark Rutte is cruel." in lines[1]
    assert main(["shifts", "--db", db, "--target", "nobody"]) == 0
    assert "0 shifts" in capsys.readouterr().out
    assert main(["shifts", "--db", db, "--history", "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 3
    assert main(["shifts", "--db", db, "--relink"]) == 0
    assert "linked 0 ids; evidence kept for 0 documents" in capsys.readouterr().err
    assert main(["shifts", "--db", db, "--min-confidence", "7"]) != 0
    assert "E890" in capsys.readouterr().err


def test_zelenskyy_spellings_are_one_entity(url):
    """Ids an older analysis or a user alias table may hold, linked by the rule."""
    spellings = [("zelensky", "Zelensky"), ("volodymyr-zelenskyy", "Volodymyr Zelenskyy"),
                 ("president-zelenskyy", "President Zelenskyy"), ("vladimir-zelensky", "Vladimir Zelensky")]
    with open_store(url) as store:
        for k, (entity_id, surface) in enumerate(spellings):
            store.put_json(_said(f"z{k}", f"2024-0{k + 1}-01", f"{surface} spoke.", entity_id, surface, "neutral", .9),
                           VERSION)
        assert {store.canonical(e) for e, _ in spellings} == {"volodymyr-zelenskyy"}
        assert store.dossier("zelensky").mentions == 4


def test_relink_registers_documents_stored_before_the_table(url):
    with open_store(url) as store:
        store.put_json(_said("a", "2024-01-01", "Anna Smith agrees.", "anna-smith", "Anna Smith", "positive", .8), VERSION)
        store.put_json(_said("b", "2024-01-02", "Smith agrees.", "smith", "Smith", "positive", .8), VERSION)
        with store.batch():
            store._execute("DELETE FROM entity_aliases")
        assert store.canonical("smith") == "smith"
        assert store.relink() == 4  # two entities, two speakers
        assert store.canonical("smith") == "anna-smith" and store.relink() == 0
        with store.batch():
            store._execute("DELETE FROM stance_evidence")
        assert store.stance_history(target="smith")[0].evidence == []
        assert store.backfill_evidence() == 2 and store.backfill_evidence() == 0
        assert [e.text for e in store.stance_history(target="smith")[0].evidence] == ["Anna Smith agrees."]
