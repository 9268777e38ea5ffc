"""The one head class, its numerics and the one model file format
(``parley.models.heads``, ``parley.models.modelfile``): numpy only."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from parley.errors import ModelUnavailable
from parley.models.heads import (
    CLAMP,
    SIGMOID,
    SOFTMAX,
    Head,
    mix_probabilities,
    read_head,
    read_heads,
    sigmoid,
    softmax,
    write_heads,
)
from parley.models.modelfile import FORMAT, read_model, write_model


def test_sigmoid_of_numbers_and_arrays_is_clamped():
    assert sigmoid(0.0) == 0.5 and isinstance(sigmoid(2), float)
    assert sigmoid(1000.0) == sigmoid(CLAMP) and 0.0 < sigmoid(-1000.0) == sigmoid(-CLAMP) < 1e-12
    z = np.array([-1000.0, -1.0, 0.0, 3.0, 1000.0], np.float32)
    with np.errstate(over="raise"):
        p = sigmoid(z)
    assert p.dtype == np.float32 and p[0] > 0.0 and p[2] == 0.5
    assert p[3] == pytest.approx(1 / (1 + math.exp(-3.0)))


def test_softmax_is_stable_and_rows_sum_to_one():
    with np.errstate(over="raise"):
        p = softmax(np.array([[1000.0, 1000.0, -1000.0], [0.0, math.log(3.0), 0.0]]))
    assert np.allclose(p.sum(1), 1.0)
    assert np.allclose(p[0], [0.5, 0.5, 0.0]) and np.allclose(p[1], [0.2, 0.6, 0.2])


def test_mix_is_the_weighted_geometric_mean():
    a, b = np.array([[0.8, 0.2]]), np.array([[0.2, 0.8]])
    assert np.allclose(mix_probabilities(a, b, 0.0), a, atol=1e-6)
    assert np.allclose(mix_probabilities(a, b, 1.0), b, atol=1e-6)
    assert np.allclose(mix_probabilities(a, b, 0.5), [[0.5, 0.5]])


def _mlp(n_out: int) -> Head:
    rng = np.random.default_rng(3)
    layers = ((rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=4).astype(np.float32)),
              (rng.normal(size=(n_out, 4)).astype(np.float32), np.zeros(n_out, np.float32)))
    return Head(layers, np.full(3, 1.0, np.float32), np.full(3, 2.0, np.float32),
                output=SIGMOID if n_out == 1 else SOFTMAX, classes=tuple("abc"[:n_out]), meta={"threshold": 0.3})


def test_head_standardises_then_runs_layers_with_relu_between():
    head = _mlp(3)
    x = np.random.default_rng(4).normal(size=(5, 3)).astype(np.float32)
    (w1, b1), (w2, b2) = head.layers
    hidden = np.maximum(((x - 1.0) / 2.0) @ w1.T + b1, 0.0)
    assert np.allclose(head.logits(x), hidden @ w2.T + b2, atol=1e-6)
    assert np.allclose(head.probabilities(x), softmax(hidden @ w2.T + b2), atol=1e-6)
    assert np.allclose(head.log_probabilities(x), np.log(head.probabilities(x) + 1e-12))
    one = _mlp(1)
    assert one.probabilities(x).shape == (5,) and head.n_features == 3
    with pytest.raises(ValueError):
        Head(head.layers, output="relu")


def test_heads_round_trip_through_one_file(tmp_path):
    heads = {"tags": _mlp(1), "kinds": Head.linear(np.eye(3, dtype=np.float32), np.zeros(3, np.float32),
                                                   classes=("x", "y", "z"), mix_weight=0.5,
                                                   offset=np.array([0.0, 1.0, 0.0], np.float32))}
    path = write_heads(tmp_path / "h.npz", heads, {"task": "demo"}, {"extra:words": np.asarray(["a", "b"])})
    meta, again, others = read_heads(path)
    assert meta["kind"] == "heads" and meta["format"] == FORMAT and meta["task"] == "demo"
    assert list(again) == ["tags", "kinds"] and list(others) == ["extra:words"]
    assert again["kinds"].mix_weight == 0.5 and again["kinds"].classes == ("x", "y", "z")
    assert again["tags"].meta == {"threshold": 0.3} and again["tags"].output == SIGMOID
    x = np.random.default_rng(5).normal(size=(2, 3)).astype(np.float32)
    for name, head in heads.items():
        assert np.array_equal(again[name].probabilities(x), head.probabilities(x))  # same arrays, same numbers
    _, arrays = read_model(path)
    assert {"head:tags.0.weight", "head:tags.1.bias", "head:tags.mean", "head:kinds.weight",
            "head:kinds.offset"} <= set(arrays)
    with pytest.raises(ModelUnavailable) as e:
        read_head(path)  # two heads, not one
    assert e.value.code == "E401"


def test_missing_broken_and_newer_files_are_e401(tmp_path):
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    write_model(tmp_path / "newer.npz", {"kind": "heads"}, {})
    with np.load(tmp_path / "newer.npz") as data:
        meta = json.loads(str(data["meta"]))
    np.savez(tmp_path / "newer.npz", meta=np.asarray(json.dumps(dict(meta, format=FORMAT + 1))))
    np.savez(tmp_path / "nometa.npz", x=np.zeros(2))
    for name, message in (("absent", "missing"), ("broken", "cannot be read"), ("newer", "format"),
                          ("nometa", "cannot be read")):
        with pytest.raises(ModelUnavailable, match=message) as e:
            read_model(tmp_path / f"{name}.npz", "the demo")
        assert e.value.code == "E401" and "the demo" in e.value.message
