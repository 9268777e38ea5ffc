import copy
import importlib.util
import json

import numpy as np
import pytest

from parley.document import Span
from parley.scoring import gold as scoring
from parley.scoring.attributions import AttributionTally, piece_iou
from parley.scoring.classes import best_threshold, macro_f1, positive_f1, precision_recall_f1
from parley.scoring.ranking import average_precision, precision_at, ranking_measures
from parley.scoring.spans import merge_spans, overlap_f1, ranked_choices_right


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
    from parley.ingest import read_document
    from parley.pipeline import analyze
    from parley.scoring.evaluate import load_gold

    name = "lavrov-kommersant-2025-10-15"
    gold = load_gold(shared / "gold" / f"{name}.json")
    pred = json.loads(json.dumps(analyze(read_document(str(shared / "corpus" / f"{name}.txt"))).to_json()))
    assert scoring.score(gold, pred) == _reference(shared).score(gold, pred)


# -- class measures -----------------------------------------------------------------

def test_precision_recall_f1_from_counts():
    assert precision_recall_f1(3, 4, 3, 6) == pytest.approx((0.75, 0.5, 0.6))  # 2 * .375 / 1.25
    assert precision_recall_f1(0, 0, 0, 5) == (0.0, 0.0, 0.0)
    assert scoring.prf(3, 4, 3, 6) == {"p": 0.75, "r": 0.5, "f1": 0.6, "pred": 4, "gold": 6}


def test_positive_f1():
    # 3 predicted, 3 positive, 2 of them found: P = R = F1 = 2/3.
    f = positive_f1([True, True, False, True], [1, 0, 1, 1])
    assert f == pytest.approx({"p": 2 / 3, "r": 2 / 3, "f1": 2 / 3})
    assert positive_f1([False, False], [1, 0]) == {"p": 0.0, "r": 0.0, "f1": 0.0}


def test_macro_f1_counts_a_class_never_predicted_as_zero():
    gold, pred = ["a", "a", "b", "c"], ["a", "b", "b", "a"]
    # a: tp 1, fp 1, fn 1 -> 1/2; b: tp 1, fp 1 -> 2/3; c never predicted -> 0.
    assert macro_f1(gold, pred, ["a", "b", "c"]) == pytest.approx((1 / 2 + 2 / 3 + 0) / 3)
    assert macro_f1(gold, pred) == pytest.approx(7 / 18)  # default labels: the gold ones
    assert macro_f1(gold, pred, ["a", "b", "c", "d"]) == pytest.approx(7 / 24)  # d: in neither
    assert macro_f1([], []) == 0.0


def test_best_threshold_takes_the_best_f1_and_the_higher_threshold_on_ties():
    scores, labels = np.array([0.9, 0.6, 0.4, 0.2]), np.array([1, 0, 1, 0])
    # 0.3: 3 predicted, 2 right -> 4/5; 0.5: 2 predicted, 1 right -> 1/2; 0.8: 1 of 1 -> 2/3.
    assert best_threshold(scores, labels, [0.3, 0.5, 0.8]) == pytest.approx((0.8, 0.3))
    assert best_threshold(np.array([0.9, 0.1]), np.array([1, 0]), [0.5, 0.8]) == (1.0, 0.8)
    assert best_threshold(np.array([0.9, 0.1]), np.array([0, 0]), [0.3]) == (0.0, 0.5)


# -- ranking measures -------------------------------------------------------------

def test_average_precision_of_a_known_ranking():
    # Ranked: neg, neg, pos (precision 1/3), pos (2/4).
    assert average_precision([0.9, 0.1, 0.5, 0.7], [0, 1, 1, 0]) == pytest.approx((1 / 3 + 1 / 2) / 2)
    assert average_precision([1.0, 1.0, 1.0], [0, 0, 1]) == pytest.approx(1 / 3)  # ties keep line order
    assert average_precision([0.5, 0.2], [0, 0]) == 0.0


def test_precision_at_k_divides_by_k():
    assert precision_at([0.2, 0.9], [1, 0], 1) == 0.0
    assert precision_at([0.2, 0.9], [1, 0], 10) == pytest.approx(0.1)


def test_map_and_p_at_10_over_rankings():
    per = [([0.9, 0.1, 0.5, 0.7], [0, 1, 1, 0]), ([0.3, 0.8], [1, 1])]
    # AP 5/12 and 1; P@10 2/10 each.
    assert ranking_measures(per) == pytest.approx({"map": (5 / 12 + 1) / 2, "p@10": 0.2})


# -- span measures ------------------------------------------------------------------

def test_merge_spans_joins_overlapping_and_touching():
    assert merge_spans([Span(5, 8), Span(0, 3), Span(3, 4), Span(7, 10)]) == [Span(0, 4), Span(5, 10)]


def test_overlap_f1_gives_partial_credit():
    pred = [[("A", Span(0, 10)), ("B", Span(20, 30))]]
    gold = [[("A", Span(5, 15)), ("B", Span(40, 50))]]
    # A/A share 5 characters: 5/10 to P and 5/10 to R, each over 2 spans.
    assert overlap_f1(pred, gold, labelled=True) == pytest.approx((0.25, 0.25, 0.25))
    # Unlabelled, the predicted spans merge to [0, 12): 7 shared with [5, 15).
    p, r, f = overlap_f1([[("A", Span(0, 10)), ("B", Span(8, 12))]], [[("x", Span(5, 15))]], labelled=False)
    assert (p, r, f) == pytest.approx((7 / 12, 7 / 10, 7 / 11))


def test_overlap_f1_labels_count_only_when_labelled():
    pred, gold = [[("A", Span(0, 10))], []], [[("B", Span(0, 10))], [("B", Span(3, 6))]]
    assert overlap_f1(pred, gold, labelled=True) == (0.0, 0.0, 0.0)
    assert overlap_f1(pred, gold, labelled=False) == pytest.approx((1.0, 0.5, 2 / 3))


def test_ranked_choices_right_gives_the_kth_copy_the_kth_choice():
    rows = np.array([[0.5, 0.4, 0.1], [0.5, 0.4, 0.1], [0.2, 0.3, 0.5]])
    s1, s2 = Span(0, 5), Span(10, 15)
    assert ranked_choices_right([("A", s1), ("B", s1), ("C", s2)], ["A", "B", "C"], rows) == 3
    assert ranked_choices_right([("A", s1), ("C", s1), ("C", s2)], ["A", "B", "C"], rows) == 2


# -- attribution content matching ---------------------------------------------------

class _Said:
    def __init__(self, content: Span, source: Span | None) -> None:
        self.content_span, self.source_span = content, source


def test_piece_iou_counts_only_the_pieces():
    assert piece_iou(Span(0, 10), (Span(0, 4), Span(6, 10))) == pytest.approx(0.8)
    assert piece_iou(Span(0, 4), Span(2, 8)) == pytest.approx(1 / 3)


def test_attribution_tally():
    tally = AttributionTally()
    gold = [{"pieces": (Span(0, 4), Span(6, 10)), "source": Span(22, 30)},
            {"pieces": (Span(100, 110),), "source": None}]
    tally.add([_Said(Span(0, 10), Span(20, 25)), _Said(Span(50, 60), None)], gold)
    assert (tally.pred, tally.gold, tally.matched) == (2, 2, 1)
    assert tally.f1() == pytest.approx(0.5) and tally.source_acc() == 1.0
    tally.add([_Said(Span(0, 10), None)], [{"pieces": (Span(0, 9),), "source": Span(30, 35)}])
    assert tally.f1() == pytest.approx(2 / 3)  # 2 of 3 on both sides
    assert tally.source_acc() == pytest.approx(1 / 2)
