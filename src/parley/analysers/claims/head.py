"""The encoder check-worthiness head: a logistic scorer over MiniLM sentence
embeddings, their neighbours' embeddings, the lexical model's logit and the
speaker's role.

It is trained by ``scripts/train_claims.py --head`` on the CheckThat! training
debates and shipped as plain arrays in ``data/claims_head.npz`` (a few
thousand floats). Inference is numpy only; the embeddings come from the shared
encoder (``parley.models.encoder``, the ``models`` extra), so callers check
``encoder.available()`` first and fall back to the lexical model without it.

Feature layout of one sentence ``i`` of a sequence (a debate, or the sentences
of a transcript in order), named by ``layout`` in the head file:

- ``emb``: its embedding ``e[i]`` (384 values);
- ``ctx``: the embeddings of the previous and next sentence (zeros at the
  edges), 2 x 384 values;
- ``lex``: the lexical model's logit (``claimfeatures``);
- ``role``: 1.0 when the speaker is an asker (interviewer, moderator).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Sequence

from parley.analysers.claims.features import ASKER
from parley.errors import ModelUnavailable

HEAD_FILE = "claims_head.npz"
PARTS = ("emb", "ctx", "lex", "role")


def head_features(vectors: Any, lexical_logits: Sequence[float], roles: Sequence[str], layout: Sequence[str]) -> Any:
    """The feature matrix of one sequence of sentences, in order."""
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    blocks = []
    for part in layout:
        if part == "emb":
            blocks.append(vectors)
        elif part == "ctx":
            prev = np.zeros_like(vectors)
            nxt = np.zeros_like(vectors)
            if n > 1:
                prev[1:] = vectors[:-1]
                nxt[:-1] = vectors[1:]
            blocks += [prev, nxt]
        elif part == "lex":
            blocks.append(np.asarray(lexical_logits, dtype=np.float32).reshape(n, 1))
        elif part == "role":
            blocks.append(np.array([[1.0 if r == ASKER else 0.0] for r in roles], dtype=np.float32).reshape(n, 1))
        else:
            raise ModelUnavailable(f"the claims head names an unknown feature block '{part}'", code="E401")
    return np.hstack(blocks) if blocks else np.zeros((n, 0), dtype=np.float32)


@dataclass(frozen=True)
class EncoderHead:
    """A logistic scorer over ``head_features``."""

    weights: Any  # float32 (d,)
    bias: float
    threshold: float
    layout: tuple[str, ...]
    meta: dict

    def score(self, vectors: Any, lexical_logits: Sequence[float], roles: Sequence[str]) -> list[float]:
        """Check-worthiness in [0, 1] of each sentence of one ordered sequence."""
        import numpy as np

        if len(vectors) == 0:
            return []
        x = head_features(vectors, lexical_logits, roles, self.layout)
        if x.shape[1] != self.weights.shape[0]:
            raise ModelUnavailable(
                f"the claims head expects {self.weights.shape[0]} features, got {x.shape[1]}", code="E401")
        z = np.clip(x @ self.weights + self.bias, -30.0, 30.0)
        return [float(v) for v in 1.0 / (1.0 + np.exp(-z))]

    def save(self, path: Any) -> None:
        import numpy as np

        np.savez_compressed(
            path, weights=np.asarray(self.weights, dtype=np.float32), bias=np.float64(self.bias),
            threshold=np.float64(self.threshold), layout=np.array(",".join(self.layout)),
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
        )


@lru_cache(maxsize=2)
def load_head(name: str = HEAD_FILE) -> EncoderHead:
    """The shipped head (``data/claims_head.npz``); E401 when missing or malformed."""
    try:
        import numpy as np

        ref = resources.files(__package__).joinpath("data", name)
        with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as data:
            layout = tuple(str(data["layout"]).split(","))
            if not set(layout) <= set(PARTS):
                raise ValueError(f"unknown feature blocks in {layout}")
            return EncoderHead(
                data["weights"].astype(np.float32), float(data["bias"]), float(data["threshold"]),
                layout, json.loads(str(data["meta"])),
            )
    except (FileNotFoundError, OSError) as e:
        raise ModelUnavailable(f"the claims head {name} is missing; run scripts/train_claims.py --head", code="E401") from e
    except (KeyError, ValueError, json.JSONDecodeError) as e:
        raise ModelUnavailable(f"the claims head {name} is malformed: {e}", code="E401") from e


__all__ = ["EncoderHead", "HEAD_FILE", "PARTS", "head_features", "load_head"]
