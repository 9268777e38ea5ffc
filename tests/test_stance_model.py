"""The target-aware stance model: its features, its head file, how the analyser combines it with the lexicon."""
from __future__ import annotations

import numpy as np
import pytest

from parley.analysers.stance import analyser as stance
from parley.analysers.stance import model
from parley.document import Span
from parley.errors import ModelUnavailable
from parley.models.heads import Head, write_heads
from parley.pipeline import Config


def test_mention_features_are_marker_context_and_sentence_means():
    # five tokens of a 2-d "encoder": the mention is token 2 (chars 10-16)
    vectors = np.array([[1, 0], [2, 0], [0, 5], [0, 1], [3, 3]], np.float32)
    offsets = np.array([[0, 3], [4, 9], [10, 16], [17, 20], [21, 25]])
    f = model.mention_features(vectors, offsets, 10, 16, window=1)
    assert f.tolist()[:2] == [0, 5]  # the mention's own vector
    assert f.tolist()[2:4] == [1, 0.5]  # tokens 1 and 3, the mention left out
    assert f.tolist()[4:] == pytest.approx(vectors.mean(0).tolist())


def test_a_mention_cut_off_falls_back_to_the_sentence():
    vectors = np.array([[1, 1], [3, 3]], np.float32)
    offsets = np.array([[0, 2], [3, 5]])
    f = model.mention_features(vectors, offsets, 50, 55)
    assert f.tolist() == [2, 2, 2, 2, 2, 2]


def test_each_mention_is_masked_in_its_own_copy_of_the_sentence():
    texts = model.masked([("Ann met Bob and Cy.", [(0, 3), (8, 11)])])
    assert [t for t, _, _ in texts] == ["[MASK] met Bob and Cy.", "Ann met [MASK] and Cy."]
    assert [t[a:b] for t, a, b in texts] == ["[MASK]", "[MASK]"]


def test_a_long_sentence_is_cut_around_its_mention():
    text = "word " * 400 + "Ostland lies." + " word" * 400
    i = text.index("Ostland")
    (cut, a, b), = model.masked([(text, [(i, i + 7)])])
    assert len(cut) <= model.MAX_CHARS and cut[a:b] == model.MASK and "lies" in cut


def _head(tmp_path, version=model.FEATURES_VERSION, classes=model.CLASSES):
    head = Head.linear(np.zeros((3, 6), np.float32), np.zeros(3, np.float32), output="softmax",
                       classes=classes, meta={"features_version": version})
    path = tmp_path / "stance_head.npz"
    write_heads(path, {"stance": head})
    return str(path)


def test_a_head_for_other_features_is_a_coded_error(tmp_path):
    with pytest.raises(ModelUnavailable) as e:
        model.load_head(_head(tmp_path, version="stance-old"))
    assert e.value.code == "E401"


def test_a_head_with_other_classes_is_a_coded_error(tmp_path):
    with pytest.raises(ModelUnavailable) as e:
        model.load_head(_head(tmp_path, classes=("bad", "neutral", "good")))
    assert e.value.code == "E401"


def test_a_missing_head_is_a_coded_error(tmp_path):
    with pytest.raises(ModelUnavailable):
        model.load_head(str(tmp_path / "nothing.npz"))


def test_combine_adds_the_weighted_model_score():
    s, m = Span(0, 10), Span(0, 3)
    contributions = [(1, "h", "t", 0.5, s, m, 1.0), (1, "h", "u", 0.0, s, Span(5, 8), 1.0)]
    assert [c[3] for c in stance.combine(contributions, [-1.0, 0.25], 2.0)] == [-1.5, 0.5]
    assert stance.combine(contributions, None) == [c[:5] for c in contributions]


def test_without_the_model_the_lexicon_alone_decides(monkeypatch):
    from tests.test_stance import invented_analysis

    monkeypatch.setattr(model, "check", lambda: "no models extra here")
    contributions = [(0, "h", "t", 0.5, Span(0, 5), Span(0, 2), 1.0)]
    assert stance.model_scores(invented_analysis(), contributions) is None


# -- the shipped head over the real encoder (models extra) --------------------------------

@pytest.fixture(scope="module")
def shipped():
    reason = model.check()
    if reason:
        pytest.skip(reason)
    return model.load_head()


def _p(sentence: str, name: str):
    i = sentence.index(name)
    return dict(zip(model.CLASSES, model.probabilities([(sentence, [(i, i + len(name))])])[0]))


@pytest.mark.slow
def test_criticism_aimed_at_a_named_target_is_negative(shipped):
    p = _p("Senator Vance lied to the voters, betrayed his allies and wrecked the talks.", "Senator Vance")
    assert max(p, key=p.get) == "negative"


@pytest.mark.slow
def test_praise_aimed_at_a_named_target_is_positive(shipped):
    p = _p("Senator Vance is an honest, brave and generous partner who kept every promise.", "Senator Vance")
    assert max(p, key=p.get) == "positive"


@pytest.mark.slow
def test_nothing_evaluative_is_neutral(shipped):
    p = _p("Senator Vance arrived in the capital on Tuesday.", "Senator Vance")
    assert max(p, key=p.get) == "neutral"


@pytest.mark.slow
def test_the_name_itself_does_not_decide(shipped):
    # the mention is masked: two names in the same words read alike
    a = _p("Donald Trump arrived in the capital on Tuesday.", "Donald Trump")
    b = _p("Anna Berg arrived in the capital on Tuesday.", "Anna Berg")
    assert a == pytest.approx(b)


@pytest.mark.slow
def test_the_analyser_with_the_model_keeps_praise_and_attack_apart(shipped, parser):
    from tests.test_stance import invented_analysis

    analysis = invented_analysis()
    records = stance.analyse_stance(analysis, parser.parse(analysis.text), Config())["stance"]
    by_target = {r.target: r for r in records if r.turn is None}
    assert by_target["norland"].polarity == "positive"
    assert by_target["ostland"].polarity == "negative"
