"""Task adapters: fine-tuned low-rank updates of the shared MiniLM encoder.

``scripts/finetune.py`` trains, per task, LoRA factors for the encoder's
linear layers, new LayerNorm values and a small head, and writes them to
``<task>.adapter.npz`` in the ``data/`` folder of the analyser that uses it. Here they are merged into a copy of the
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
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from parley.models import encoder
from parley.errors import ModelUnavailable

def path_of(task: str, folder: Path) -> Path:
    """Where the adapter of ``task`` lives: the data folder of its analyser."""
    return Path(folder) / f"{task}.adapter.npz"


def installed(task: str, folder: Path) -> bool:
    return path_of(task, folder).is_file()


@dataclass
class Adapter:
    task: str
    meta: dict[str, Any]
    model: Any  # a transformers BertModel with the adapter merged in
    heads: dict[str, tuple[Any, Any]]  # output -> (weight (n, 384), bias (n,)), numpy float32

    def token_probabilities(self, texts: Sequence[str]) -> list[tuple[Any, Any]]:
        """Per text, (probabilities (n,), offsets (n, 2)) of its word pieces,
        special tokens dropped; texts past ``max_length`` pieces are cut."""
        import numpy as np

        weight, bias = self.heads["out"]
        out = []
        for tv in encoder.token_embeddings(list(texts), model=self.model, max_length=int(self.meta["max_length"])):
            out.append((1.0 / (1.0 + np.exp(-(tv.vectors @ weight[0] + bias[0]))), tv.offsets))
        return out

    def classify(self, firsts: Sequence[str], seconds: Sequence[str] | None = None) -> dict[str, Any]:
        """Per output, logits ``(len(firsts), n_classes)`` of the pairs."""
        pooled = encoder.pooled(list(firsts), list(seconds) if seconds else None, model=self.model,
                                max_length=int(self.meta["max_length"]))
        return {name: pooled @ w.T + b for name, (w, b) in self.heads.items()}


@lru_cache(maxsize=None)
def load(task: str, folder: Path) -> Adapter:
    """The adapter of ``task`` in ``folder``, merged into a copy of the encoder (cached)."""
    import numpy as np
    import torch

    path = path_of(task, folder)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        meta = json.loads(str(arrays.pop("meta")))
    except (OSError, ValueError, KeyError) as e:
        raise ModelUnavailable(f"adapter {path.name} cannot be read: {e}") from e
    base, _ = encoder.load()
    model = copy.deepcopy(base)
    state = model.state_dict()
    for key, value in arrays.items():
        kind, _, name = key.partition(":")
        if kind in ("lora_a", "head"):
            continue
        if name not in state:
            raise ModelUnavailable(f"adapter {path.name} does not fit the encoder: it has no {name}")
        if kind == "lora_b":
            delta = torch.from_numpy(value.astype(np.float32)) @ torch.from_numpy(
                arrays[f"lora_a:{name}"].astype(np.float32))
            state[name] = state[name] + delta
        elif kind == "set":
            state[name] = torch.from_numpy(value.astype(np.float32))
    model.load_state_dict(state)
    model.eval()
    heads: dict[str, tuple[Any, Any]] = {}
    for key, value in arrays.items():
        if key.startswith("head:") and key.endswith(".weight"):
            stem = key[len("head:"):-len(".weight")]
            name = stem.split(".")[-1]  # "out" for a tagger, the output name for a classifier
            heads[name] = (value.astype(np.float32), arrays[f"head:{stem}.bias"].astype(np.float32))
    return Adapter(task, meta, model, heads)


__all__ = ["Adapter", "installed", "load", "path_of"]
