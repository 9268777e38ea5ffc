"""The evaluation gate: ``parley evaluate`` against tests/eval_floors.json.

The real gate (slow, corpus) runs the evaluation once and fails on any figure
under its floor or any gold file changed since the floors were set. The other
tests check the gate's logic on small invented results.
"""
from __future__ import annotations

import hashlib
import json

import pytest

from parley_lab import eval_gate


@pytest.mark.slow
@pytest.mark.corpus
def test_every_figure_is_at_or_above_its_floor(shared):
    gold = shared / "gold"
    problems = eval_gate.check(eval_gate.read_floors(), eval_gate.run_evaluation(gold), gold)
    assert not problems, "eval gate:\n" + "\n".join(problems)


def test_the_floors_cover_every_figure():
    floors = eval_gate.read_floors()
    assert floors["gold"], "tests/eval_floors.json holds no gold files"
    for doc_id, entry in floors["gold"].items():
        assert set(entry["floors"]) == set(eval_gate.FIGURES), doc_id
        assert f"{doc_id}.json" in entry["sha256"]


SCORES = {"turns": {"f1": 1.0, "speaker_acc": 0.9},
          "entities": {"untyped": {"f1": 0.99876}, "typed": {"f1": 0.5}, "identity_b3": {"f1": 0.75}},
          "stance": {"acc": 0.913}}


@pytest.fixture
def gold(tmp_path):
    (tmp_path / "doc.json").write_text(json.dumps({"doc_id": "doc"}), encoding="utf-8")
    (tmp_path / "doc.stance.json").write_text(json.dumps({"stance": []}), encoding="utf-8")
    return tmp_path


def test_floors_are_cut_at_the_fourth_decimal(gold):
    floors = eval_gate.floors_from({"doc": SCORES}, gold)["gold"]["doc"]
    assert floors["floors"]["entities.untyped.f1"] == 0.9987
    assert floors["floors"]["stance.acc"] == 0.913
    assert "claims.f1" not in floors["floors"]  # not scored: no floor
    assert floors["sha256"]["doc.json"] == hashlib.sha256((gold / "doc.json").read_bytes()).hexdigest()
    assert set(floors["sha256"]) == {"doc.json", "doc.stance.json"}


def test_the_gate_passes_at_its_own_floors(gold):
    floors = eval_gate.floors_from({"doc": SCORES}, gold)
    assert eval_gate.check(floors, {"doc": SCORES}, gold) == []


def test_a_figure_below_its_floor_is_named_with_value_and_floor(gold):
    floors = eval_gate.floors_from({"doc": SCORES}, gold)
    worse = json.loads(json.dumps(SCORES))
    worse["entities"]["typed"]["f1"] = 0.4
    del worse["stance"]
    problems = eval_gate.check(floors, {"doc": worse}, gold)
    assert problems == ["doc entities.typed.f1: 0.4 is below its floor 0.5", "doc stance.acc: missing, floor 0.913"]


def test_a_changed_gold_file_fails_the_gate(gold):
    floors = eval_gate.floors_from({"doc": SCORES}, gold)
    (gold / "doc.stance.json").write_text(json.dumps({"stance": [{}]}), encoding="utf-8")
    problems = eval_gate.check(floors, {"doc": SCORES}, gold)
    assert len(problems) == 1 and "gold changed" in problems[0] and "doc.stance.json" in problems[0]


def test_a_gold_file_without_floors_or_without_results_fails(gold):
    floors = eval_gate.floors_from({"doc": SCORES}, gold)
    assert eval_gate.check(floors, {"doc": SCORES, "new": SCORES}, gold) == [
        "new: evaluated but has no floors (run scripts/eval_gate.py --update)"]
    assert eval_gate.check(floors, {}, gold) == ["doc: has floors but was not evaluated"]


def test_update_refuses_to_lower_unless_allowed(gold):
    old = eval_gate.floors_from({"doc": SCORES}, gold)
    worse = json.loads(json.dumps(SCORES))
    worse["turns"]["speaker_acc"] = 0.8
    with pytest.raises(ValueError, match=r"doc turns.speaker_acc: 0.9 -> 0.8"):
        eval_gate.updated(old, {"doc": worse}, gold, allow_lower=False)
    new, lowered = eval_gate.updated(old, {"doc": worse}, gold, allow_lower=True)
    assert lowered == ["doc turns.speaker_acc: 0.9 -> 0.8"]
    assert new["gold"]["doc"]["floors"]["turns.speaker_acc"] == 0.8


def test_update_raises_floors_freely(gold):
    old = eval_gate.floors_from({"doc": SCORES}, gold)
    better = json.loads(json.dumps(SCORES))
    better["entities"]["typed"]["f1"] = 0.6
    new, lowered = eval_gate.updated(old, {"doc": better}, gold, allow_lower=False)
    assert lowered == [] and new["gold"]["doc"]["floors"]["entities.typed.f1"] == 0.6


def test_a_ceiling_fails_above_it_and_update_keeps_it(gold):
    scores = json.loads(json.dumps(SCORES))
    scores["trust"] = {"techniques_per_1000_words": 12.5}
    floors = eval_gate.floors_from({"doc": scores}, gold)
    floors["gold"]["doc"]["ceilings"] = {"trust.techniques_per_1000_words": 15.0}
    assert eval_gate.check(floors, {"doc": scores}, gold) == []
    scores["trust"]["techniques_per_1000_words"] = 75.21
    assert eval_gate.check(floors, {"doc": scores}, gold) == [
        "doc trust.techniques_per_1000_words: 75.21 is above its ceiling 15.0"]
    del scores["trust"]
    assert eval_gate.check(floors, {"doc": scores}, gold) == [
        "doc trust.techniques_per_1000_words: missing, ceiling 15.0"]
    new, _lowered = eval_gate.updated(floors, {"doc": SCORES}, gold, allow_lower=True)
    assert new["gold"]["doc"]["ceilings"] == {"trust.techniques_per_1000_words": 15.0}
