import copy
import importlib.util
import json

import pytest

from parley.scoring import gold as scoring


def test_small_cases_by_hand():
    gold = {"turns": [{"span": [0, 10], "speaker": "a"}, {"span": [12, 20], "speaker": "b"}],
            "entities": [{"id": "x", "type": "PERSON", "mentions": [[0, 2], [5, 7]]},
                         {"id": "y", "type": "GPE", "mentions": [[9, 11]]}],
            "attributions": [{"source": "x", "source_span": [0, 2], "content_span": [20, 40]}],
            "timex": [{"span": [50, 54], "value": "2020"}],
            "claims": [{"span": [60, 80]}]}
    pred = {"turns": [{"span": [0, 10], "speaker": "A"}, {"span": [12, 21], "speaker": "b"}],
            "entities": [{"id": "p", "type": "PERSON", "mentions": [[0, 2], [5, 7], [9, 11]]}],
            "attributions": [{"source": "z", "source_span": [5, 6], "content_span": [22, 40]},
                             {"source": "x", "content_span": [100, 110]}],
            "timex": [{"span": [51, 60], "value": "2021"}],
            "claims": [{"span": [60, 79]}, {"span": [0, 5]}]}
    s = scoring.score(gold, pred)
    assert s["turns"]["f1"] == 0.5 and s["turns"]["speaker_acc"] == 0.5
    assert s["entities"]["untyped"]["f1"] == 1.0
    assert s["entities"]["typed"]["p"] == round(2 / 3, 4)
    assert s["entities"]["identity_b3"]["r"] == 1.0 and s["entities"]["identity_b3"]["p"] == round(5 / 9, 4)
    assert s["attributions"]["f1"] == round(2 * 0.5 * 1 / 1.5, 4)
    assert s["attributions"]["with_source"]["r"] == 1.0  # source span lands on a mention of x
    assert s["timex"]["r"] == 1.0 and s["timex"]["value_acc"] == 0.0
    assert s["claims"]["p"] == 0.5 and s["claims"]["r"] == 1.0


def _reference(shared):
    spec = importlib.util.spec_from_file_location("gold_score", shared / "gold" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _perturbed(gold):
    pred = copy.deepcopy(gold)
    pred["turns"] = pred["turns"][1:]
    pred["turns"][0]["speaker"] = "someone-else"
    pred["entities"] = pred["entities"][3:]
    for e in pred["entities"][::4]:
        e["id"] = "merged"
        e["mentions"] = [[a, b + 1] for a, b in e["mentions"][::2]]
    for a in pred["attributions"][::3]:
        a["content_span"] = [a["content_span"][0] + 5, a["content_span"][1]]
        a["source"] = "nobody"
        a["source_span"] = None
    pred["timex"] = [dict(t, value="2000") if i % 3 == 0 else t for i, t in enumerate(pred["timex"]) if i % 5]
    pred["claims"] = pred["claims"][::2] + [{"span": [0, 40]}]
    pred["stance"] = [dict(s, polarity="neutral") for s in gold.get("stance", [])[::2]]
    return pred


@pytest.mark.parametrize("name", ["lavrov-kommersant-2025-10-15", "putin_2019-10_al-arabiya-interview",
                                  "wh_2022-12-21_biden-zelenskyy-joint-press-conference"])
def test_agrees_with_the_reference_scorer_on_perturbed_gold(shared, name):
    path = shared / "gold" / f"{name}.json"
    if not path.exists():
        pytest.skip(f"{name} gold not present")
    from parley.scoring.evaluate import load_gold

    gold = load_gold(path)
    pred = _perturbed(gold)
    assert scoring.score(gold, pred) == _reference(shared).score(gold, pred)


@pytest.mark.slow
def test_agrees_with_the_reference_scorer_on_a_real_analysis_of_the_seed(shared):
    from parley.scoring.evaluate import load_gold
    from parley.ingest import read_document
    from parley.pipeline import analyze

    name = "lavrov-kommersant-2025-10-15"
    gold = load_gold(shared / "gold" / f"{name}.json")
    pred = json.loads(json.dumps(analyze(read_document(str(shared / "corpus" / f"{name}.txt"))).to_json()))
    assert scoring.score(gold, pred) == _reference(shared).score(gold, pred)
