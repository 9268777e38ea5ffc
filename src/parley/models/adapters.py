"""Task adapters: fine-tuned low-rank updates of the shared MiniLM encoder.

``scripts/finetune.py`` trains, per task, LoRA factors for the encoder's
linear layers, new LayerNorm values and a small head, and writes them to
``<task>.adapter.npz`` in the ``data/`` folder of the analyser that uses it,
in the one model file layout (``parley.models.modelfile``; its head is a
``parley.models.heads.Head``). Here they are merged into a copy of the
bundled encoder (``W + B A``) once per process, so inference costs one plain
forward pass. Two kinds:

- ``tagger``: one probability per word piece of each text
  (``Adapter.token_probabilities``), for technique spans;
- ``classifier``: mean-pooled logits per output for (first, second) text
  pairs (``Adapter.classify``), for technique labels.

Inputs are tokenised exactly as in training (pairs truncated longest first to
the ``max_length`` in the adapter's meta). Needs the ``models`` extra.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from parley.errors import ModelUnavailable
from parley.models import encoder, runtime
from parley.models.heads import SIGMOID, SOFTMAX, Head
from parley.models.modelfile import read_model


def path_of(task: str, folder: Path) -> Path:
    """Where the adapter of ``task`` lives: the data folder of its analyser."""
    return Path(folder) / f"{task}.adapter.npz"


def installed(task: str, folder: Path) -> bool:
    return path_of(task, folder).is_file()


@dataclass
class Adapter:
    task: str
    meta: dict[str, Any]
    heads: dict[str, Head]  # output -> its one-layer head over the encoder's 384 values
    parley_weights: str | None  # names its exported ONNX graph (parley.models.runtime.fingerprint)
    merge: Callable[[], Any]  # builds the encoder copy with the adapter merged in
    changed: frozenset[str] = frozenset()  # the encoder tensors the adapter changes
    _model: Any = field(default=None, repr=False)

    def shared_tensors(self) -> dict[str, Any]:
        """The encoder tensors the adapter leaves as they are, to share across ONNX sessions."""
        return encoder.shared_tensors(self.changed)

    @property
    def model(self) -> Any:
        """The transformers BertModel with the adapter merged in, built on
        first use (an ONNX runtime with the graph already exported never needs it)."""
        if self._model is None:
            self._model = self.merge()
        return self._model

    def torch_model(self) -> Any:
        return self.model

    def token_probabilities(self, texts: Sequence[str]) -> list[tuple[Any, Any]]:
        """Per text, (probabilities (n,), offsets (n, 2)) of its word pieces,
        special tokens dropped; texts past ``max_length`` pieces are cut."""
        head = self.heads["out"]
        return [(head.probabilities(tv.vectors), tv.offsets)
                for tv in encoder.token_embeddings(list(texts), model=self, max_length=int(self.meta["max_length"]))]

    def classify(self, firsts: Sequence[str], seconds: Sequence[str] | None = None) -> dict[str, Any]:
        """Per output, logits ``(len(firsts), n_classes)`` of the pairs."""
        pooled = encoder.pooled(list(firsts), list(seconds) if seconds else None, model=self,
                                max_length=int(self.meta["max_length"]))
        return {name: head.logits(pooled) for name, head in self.heads.items()}


@lru_cache(maxsize=None)
def load(task: str, folder: Path) -> Adapter:
    """The adapter of ``task`` in ``folder``; merged into a copy of the encoder when first run (cached)."""
    path = path_of(task, folder)
    meta, arrays = read_model(path, "the adapter")
    base = encoder.weights()  # no torch: the merge below runs only when torch or an export needs it
    for key in arrays:
        kind, _, name = key.partition(":")
        if kind in ("lora_b", "set") and name not in base.names:
            raise ModelUnavailable(f"adapter {path.name} does not fit the encoder: it has no {name}", code="E401")
    output = SIGMOID if meta.get("kind") == "tagger" else SOFTMAX
    heads: dict[str, Head] = {}
    for key in arrays:
        if key.startswith("head:") and key.endswith(".weight"):
            stem = key[len("head:"):-len(".weight")]
            name = stem.split(".")[-1]  # "out" for a tagger, the output name for a classifier
            heads[name] = Head.from_arrays(arrays, stem, {"output": output,
                                                          "classes": meta.get("outputs", {}).get(name, ())})
    weights = runtime.file_digest(path, base.parley_weights) if base.parley_weights else None
    changed = frozenset(key.partition(":")[2] for key in arrays if key.partition(":")[0] in ("lora_b", "set"))
    return Adapter(task, meta, heads, weights, lambda: merged(encoder.load()[0], arrays, weights), changed)


def merged(base: Any, arrays: dict[str, Any], weights: str | None) -> Any:
    """A copy of ``base`` with the adapter's arrays merged in (``W + B A``, new LayerNorm values)."""
    import numpy as np
    import torch

    model = copy.deepcopy(base)
    state = model.state_dict()
    for key, value in arrays.items():
        kind, _, name = key.partition(":")
        if kind == "lora_b":
            delta = torch.from_numpy(value.astype(np.float32)) @ torch.from_numpy(
                arrays[f"lora_a:{name}"].astype(np.float32))
            state[name] = state[name] + delta
        elif kind == "set":
            state[name] = torch.from_numpy(value.astype(np.float32))
    model.load_state_dict(state)
    model.eval()
    model.parley_weights = weights
    return model


__all__ = ["Adapter", "installed", "load", "path_of"]
