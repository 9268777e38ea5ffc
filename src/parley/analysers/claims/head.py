"""The encoder check-worthiness head: a logistic scorer over MiniLM sentence
embeddings, their neighbours' embeddings, the lexical model's logit and the
speaker's role.

It is trained by ``scripts/train_claims.py --head`` on the CheckThat! training
debates and shipped in ``data/claims_head.npz`` (a few thousand floats), a
one-layer sigmoid ``parley.models.heads.Head`` named ``checkworthy`` whose
meta holds its ``threshold`` and ``layout``. Inference is numpy only; the
embeddings come from the shared encoder (``parley.models.encoder``, the
``models`` extra), so callers check ``encoder.available()`` first and fall
back to the lexical model without it.

Feature layout of one sentence ``i`` of a sequence (a debate, or the sentences
of a transcript in order), named by ``layout`` in the head's meta:

- ``emb``: its embedding ``e[i]`` (384 values);
- ``ctx``: the embeddings of the previous and next sentence (zeros at the
  edges), 2 x 384 values;
- ``lex``: the lexical model's logit (``features``);
- ``role``: 1.0 when the speaker is an asker (interviewer, moderator).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from parley.analysers.claims.features import ASKER
from parley.errors import ModelUnavailable
from parley.models.heads import Head, read_head

HEAD_FILE = "claims_head.npz"
HEAD_NAME = "checkworthy"  # the head's name in its file
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


def score(head: Head, vectors: Any, lexical_logits: Sequence[float], roles: Sequence[str]) -> list[float]:
    """Check-worthiness in [0, 1] of each sentence of one ordered sequence."""
    if len(vectors) == 0:
        return []
    x = head_features(vectors, lexical_logits, roles, head.meta["layout"])
    if x.shape[1] != head.n_features:
        raise ModelUnavailable(f"the claims head expects {head.n_features} features, got {x.shape[1]}", code="E401")
    return [float(v) for v in head.probabilities(x)]


@lru_cache(maxsize=2)
def load_head(name: str = HEAD_FILE) -> Head:
    """The shipped head (``data/claims_head.npz``); E401 when missing or malformed."""
    head = read_head(Path(__file__).resolve().parent / "data" / name, "the claims head",
                     "run scripts/train_claims.py --head")
    layout = head.meta.get("layout")
    if not isinstance(layout, list) or not set(layout) <= set(PARTS) or "threshold" not in head.meta:
        raise ModelUnavailable(f"the claims head {name} is malformed: its layout {layout!r} or threshold is wrong",
                               code="E401")
    return head


__all__ = ["HEAD_FILE", "HEAD_NAME", "PARTS", "head_features", "load_head", "score"]
