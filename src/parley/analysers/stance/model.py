"""The target-aware stance head: features of a target in its sentence, and the head over them.

A target mention in a sentence is replaced by the tokenizer's ``[MASK]``
(so that the head learns what is said of the target, not what news usually
says of that name: trained on named targets, it read "Trump" as negative
whatever the words around it), and the sentence so masked is described by
the frozen MiniLM encoder (``parley.models.encoder``, the ``models`` extra):

- the contextual vector of the marker (what the sentence makes of the target),
- the mean of the word pieces within ``WINDOW`` pieces either side of the
  mention, the mention left out (the words aimed at it),
- the mean of all the sentence's word pieces (its overall tone).

The three are concatenated (``FEATURES_VERSION``); a small softmax head,
``data/stance_head.npz`` (``parley.models.heads`` layout, trained by
scripts/train_stance.py on NewsMTSC), gives per mention the probabilities
of ``negative``, ``neutral`` and ``positive``. Only sentences that mention a
target are encoded, once per mention, batched by length.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from parley.errors import ModelUnavailable
from parley.models.heads import Head, read_head

DATA = Path(__file__).resolve().parent / "data"
HEAD_PATH = DATA / "stance_head.npz"
FEATURES_VERSION = "stance-mask-1"
MASK = "[MASK]"  # what the mention is replaced with: the model reads the words aimed at it, not its name
CLASSES = ("negative", "neutral", "positive")
WINDOW = 6  # word pieces either side of a mention that count as aimed at it
MAX_CHARS = 1200  # longer sentences are cut around their mentions

Item = tuple[str, Sequence[tuple[int, int]]]  # a sentence and mention offsets into it


def _clip(text: str, mentions: Sequence[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The sentence, cut to MAX_CHARS around its mentions when longer."""
    if len(text) <= MAX_CHARS:
        return text, [tuple(m) for m in mentions]
    first = min(a for a, _ in mentions) if mentions else 0
    start = max(0, min(first - MAX_CHARS // 2, len(text) - MAX_CHARS))
    return text[start:start + MAX_CHARS], [(a - start, b - start) for a, b in mentions]


def mention_features(vectors: Any, offsets: Any, start: int, end: int, window: int = WINDOW) -> Any:
    """(target mean, context mean, sentence mean) of one mention, concatenated."""
    import numpy as np

    dim = vectors.shape[1] if len(vectors) else 384
    if not len(vectors):
        return np.zeros(3 * dim, np.float32)
    inside = (offsets[:, 0] < end) & (offsets[:, 1] > start)
    idx = np.flatnonzero(inside)
    sentence = vectors.mean(0)
    if not len(idx):  # the mention was cut off (very long sentence): the sentence stands for it
        return np.concatenate([sentence, sentence, sentence]).astype(np.float32)
    lo, hi = int(idx[0]), int(idx[-1])
    near = np.zeros(len(vectors), bool)
    near[max(0, lo - window):hi + window + 1] = True
    near &= ~inside
    context = vectors[near].mean(0) if near.any() else sentence
    return np.concatenate([vectors[idx].mean(0), context, sentence]).astype(np.float32)


def masked(items: Sequence[Item]) -> list[tuple[str, int, int]]:
    """One text per (sentence, mention): the sentence (cut to MAX_CHARS) with
    that mention replaced by MASK, and the marker's offsets."""
    out = []
    for text, mentions in items:
        text, spans = _clip(text, mentions)
        for a, b in spans:
            a, b = max(0, a), min(len(text), b)
            out.append((text[:a] + MASK + text[b:], a, a + len(MASK)))
    return out


def features(items: Sequence[Item], window: int = WINDOW) -> Any:
    """One feature row per (sentence, mention), in order: ``(n_mentions, 1152)``."""
    import numpy as np

    from parley.models.encoder import DIMENSION, token_embeddings

    texts = masked(items)
    rows = [mention_features(tv.vectors, tv.offsets, a, b, window)
            for (_, a, b), tv in zip(texts, token_embeddings([t for t, _, _ in texts]))]
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, 3 * DIMENSION), np.float32)


@lru_cache(maxsize=2)
def load_head(path: str = str(HEAD_PATH)) -> Head:
    """The trained head (E401 when missing, malformed or for other features)."""
    head = read_head(path, "the stance head", "run scripts/train_stance.py")
    if head.meta.get("features_version") != FEATURES_VERSION:
        raise ModelUnavailable(f"the stance head in {path} was trained on features "
                               f"'{head.meta.get('features_version')}', this code makes '{FEATURES_VERSION}'; "
                               "rerun scripts/train_stance.py", code="E401")
    if tuple(head.classes) != CLASSES:
        raise ModelUnavailable(f"the stance head in {path} has classes {head.classes}, not {CLASSES}", code="E401")
    return head


def probabilities(items: Sequence[Item], head: Head | None = None) -> Any:
    """Per mention, (p_negative, p_neutral, p_positive): ``(n_mentions, 3)``."""
    head = head or load_head()
    x = features(items, int(head.meta.get("window", WINDOW)))
    import numpy as np

    if not len(x):
        return np.zeros((0, 3), np.float32)
    return head.probabilities(x)


def check() -> str | None:
    """None when the model can run (the encoder and the head), else why not."""
    from parley.models.encoder import available

    reason = available()
    if reason:
        return reason
    if not HEAD_PATH.is_file():
        return f"the stance head {HEAD_PATH.name} is missing; run scripts/train_stance.py"
    return None


__all__ = ["CLASSES", "FEATURES_VERSION", "HEAD_PATH", "check", "features", "load_head", "mention_features",
           "probabilities"]
