"""Which runtime executes the MiniLM encoder: torch, or ONNX Runtime.

``parley.models.encoder`` tokenises; this module turns one tokenised batch
into hidden states with the runtime in force:

- ``torch``: the transformers model itself (the ``models`` extra);
- ``onnx``: ONNX Runtime over the same weights exported to ONNX (the
  ``onnx`` extra);
- ``onnx-int8``: that graph with its weights quantised to int8 by
  ``onnxruntime.quantization.quantize_dynamic``.

The runtime is the pipeline setting ``encoder.runtime`` (``--option
encoder.runtime=onnx``), else ``PARLEY_ENCODER_RUNTIME``, else ``DEFAULT``.
The ONNX graphs are made here from the installed weights, never downloaded:
on first use each model (the frozen encoder, each merged adapter) is exported
with ``torch.onnx.export`` into the user cache folder
(``PARLEY_CACHE_DIR``, else ``$XDG_CACHE_HOME/parley``, else
``~/.cache/parley``), under a name that is the SHA-256 of its weights and the
torch version, written to a temporary file and renamed, so a later run (or
another process) reuses it and a half-written graph is never read.
"""
from __future__ import annotations

import copy
import hashlib
import importlib.util
import logging
import os
import warnings
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from parley.errors import ModelUnavailable, PipelineError

RUNTIMES = ("torch", "onnx", "onnx-int8")
# ONNX Runtime (fp32) when the onnx extra is installed: on the reference
# interview it gave the torch outputs to 1e-5, 2.6 times faster (docs/speed.md).
# int8 is faster still but moves the outputs too far to be the default.
DEFAULT = "onnx"
FALLBACK = "torch"  # the default without the onnx extra
EXPORT_VERSION = "1"  # bump when the export below changes; old graphs are then ignored
INPUTS = ("input_ids", "attention_mask", "token_type_ids")

_active: str | None = None
_sessions: dict[tuple[int, str], Any] = {}
_values: dict[str, Any] = {}  # shared initialisers (``_shared_values``)
_threads: int | None = None  # intra-op threads of new sessions (None: ONNX Runtime's default, every core)
GRAPH_PREFIX = "inner."  # what ``_export``'s wrapper puts before the encoder's tensor names
_fingerprints: dict[int, str] = {}


def check(name: str) -> str:
    """``name`` when it is a known runtime, else E411 (a setting error, not a missing model)."""
    if name not in RUNTIMES:
        raise PipelineError(f"unknown encoder runtime {name!r} (known: {', '.join(RUNTIMES)})", code="E411")
    return name


def current() -> str:
    """The runtime in force: the one ``use`` set, else PARLEY_ENCODER_RUNTIME,
    else DEFAULT when the onnx extra is installed and no PARLEY_DEVICE other
    than the CPU is asked for (a training machine's GPU runs torch), else FALLBACK."""
    on_cpu = os.environ.get("PARLEY_DEVICE", "cpu") == "cpu"
    return check(_active or os.environ.get("PARLEY_ENCODER_RUNTIME")
                 or (DEFAULT if on_cpu and onnx_installed() else FALLBACK))


@lru_cache(maxsize=1)
def onnx_installed() -> bool:
    """Whether onnxruntime and onnx (the onnx extra) can be imported."""
    return importlib.util.find_spec("onnxruntime") is not None and importlib.util.find_spec("onnx") is not None


@contextmanager
def use(name: str | None) -> Iterator[None]:
    """Run the encoder with runtime ``name`` inside the block (None: leave it as it is)."""
    global _active
    previous = _active
    _active = check(name) if name is not None else previous
    current()  # a bad PARLEY_ENCODER_RUNTIME fails here, before anything runs
    try:
        yield
    finally:
        _active = previous


def cache_dir() -> Path:
    """The folder the exported ONNX graphs are kept in."""
    if os.environ.get("PARLEY_CACHE_DIR"):
        return Path(os.environ["PARLEY_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "parley"


def hidden_states(model: Any, batch: dict[str, Any]) -> Any:
    """The last hidden states, float32 numpy ``(batch, tokens, 384)``, of one
    tokenised batch (numpy int arrays) through ``model`` with the runtime in
    force. ``model`` is a torch model or has ``torch_model()`` building one
    (an adapter, merged only when torch runs it or its graph must be exported)."""
    name = current()
    if name == "torch":
        import torch

        model = _torch(model)
        device = next(model.parameters()).device
        with torch.inference_mode():
            out = model(**{k: torch.from_numpy(batch[k]).to(device) for k in INPUTS if k in batch})
        return out.last_hidden_state.float().cpu().numpy()
    import numpy as np

    session = _session(model, name)
    feeds = {i.name: np.asarray(batch[i.name], dtype=np.int64) for i in session.get_inputs()}
    return session.run(None, feeds)[0].astype(np.float32, copy=False)


def fingerprint(model: Any) -> str:
    """What names ``model``'s ONNX graph: a hash of the files its weights came
    from (``parley_weights``, set by ``encoder.load`` and ``adapters.load``),
    else of its weights themselves, with the torch version and EXPORT_VERSION."""
    key = id(model)
    if key not in _fingerprints:
        from importlib.metadata import version  # the installed torch's version, without importing it

        digest = hashlib.sha256(f"{EXPORT_VERSION}:{version('torch')}".encode())
        weights = getattr(model, "parley_weights", None)
        if weights:
            digest.update(weights.encode())
        else:
            for name, tensor in sorted(_torch(model).state_dict().items()):
                digest.update(name.encode())
                digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
        _fingerprints[key] = digest.hexdigest()[:32]
    return _fingerprints[key]


def file_digest(path: Path, salt: str = "") -> str:
    """SHA-256 of ``salt`` and the bytes of ``path`` (a weights file)."""
    digest = hashlib.sha256(salt.encode())
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def graph_path(model: Any, name: str) -> Path:
    """The ONNX graph of ``model`` for runtime ``name``, exported (and quantised) if not yet cached."""
    if not onnx_installed():
        raise ModelUnavailable(f"encoder runtime {name!r} needs the 'onnx' extra (onnxruntime, onnx); "
                               "install it with scripts/setup.sh models onnx", code="E410")
    folder = cache_dir() / "onnx"
    fp32 = folder / f"minilm-{fingerprint(model)}.onnx"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not fp32.is_file():
            _atomic(fp32, lambda tmp: _export(_torch(model), tmp))
        if name == "onnx":
            return fp32
        int8 = fp32.with_suffix(".int8.onnx")
        if not int8.is_file():
            from onnxruntime.quantization import QuantType, quantize_dynamic

            _atomic(int8, lambda tmp: quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8))
        return int8
    except (OSError, RuntimeError, ValueError) as e:
        raise ModelUnavailable(f"the encoder could not be exported to ONNX in {folder}: {e}", code="E410") from e


def _torch(model: Any) -> Any:
    return model.torch_model() if hasattr(model, "torch_model") else model


def _atomic(path: Path, write: Any) -> None:
    """``write(tmp)`` then rename tmp to ``path``; the exporter's and the
    quantiser's warnings are not Parley's messages, so they are silenced."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    root = logging.getLogger()
    level = root.level
    try:
        root.setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            write(tmp)
        os.replace(tmp, path)
    finally:
        root.setLevel(level)
        tmp.unlink(missing_ok=True)


def _export(model: Any, path: Path) -> None:
    """``model`` as an ONNX graph with dynamic batch and sequence axes."""
    import torch

    class Graph(torch.nn.Module):
        """The encoder called by keyword (BertModel's positional order has more than these three)."""

        def __init__(self, inner: Any):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    dummy = torch.ones((2, 8), dtype=torch.long)
    axes = {k: {0: "batch", 1: "tokens"} for k in (*INPUTS, "last_hidden_state")}
    torch.onnx.export(Graph(copy.deepcopy(model).cpu()), (dummy, dummy, torch.zeros_like(dummy)), str(path), input_names=list(INPUTS),
                      output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)


def set_threads(threads: int | None) -> None:
    """How many threads each ONNX Runtime session made from now on may use (ingest workers: 1)."""
    global _threads
    _threads = threads


def _options() -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.inter_op_num_threads = 1
    if _threads:
        options.intra_op_num_threads = _threads
    # No arena: it keeps the largest activations of every model's biggest
    # batch (long answer pairs) for the rest of the process.
    options.enable_cpu_mem_arena = False
    return options


def _session(model: Any, name: str) -> Any:
    key = (id(model), name)
    if key not in _sessions:
        import onnxruntime

        path = str(graph_path(model, name))
        options = _options()
        shared = _shared_values(model) if name == "onnx" else {}  # int8 graphs hold other tensors
        for tensor, value in shared.items():
            options.add_initializer(GRAPH_PREFIX + tensor, value)
        try:
            _sessions[key] = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        except Exception:  # onnxruntime raises its own types: a graph without those names runs as it is
            if not shared:
                raise
            _sessions[key] = onnxruntime.InferenceSession(path, _options(), providers=["CPUExecutionProvider"])
    return _sessions[key]


def _shared_values(model: Any) -> dict[str, Any]:
    """OrtValues of the encoder tensors ``model`` leaves unchanged (``shared_tensors``), made once
    per process and kept alive here, so every session reads the same memory."""
    import onnxruntime

    out = {}
    for tensor, array in (model.shared_tensors() if hasattr(model, "shared_tensors") else {}).items():
        if tensor not in _values:
            _values[tensor] = onnxruntime.OrtValue.ortvalue_from_numpy(array)
        out[tensor] = _values[tensor]
    return out


__all__ = ["DEFAULT", "RUNTIMES", "cache_dir", "check", "current", "file_digest", "fingerprint", "graph_path",
           "hidden_states", "set_threads", "use"]
