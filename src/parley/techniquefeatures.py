"""Features and heads for persuasion techniques, shared by analyser and training.

A text is cut into segments (sentences); each segment goes through the MiniLM
encoder once, giving contextual token vectors with character offsets
(``TokenTable``). Two small heads read them:

- the *span head* scores every token "inside a persuasion span or not" from
  the token's vector and its segment's mean vector; runs of tokens above a
  threshold become spans (``decode_spans``);
- the *label head* classifies a span from the mean of its tokens' vectors,
  its segment's mean vector and a few surface counts (length, how often the
  same words recur in the document: the signal of *Repetition*).

Heads are small MLPs stored as NPZ files in ``parley/data/models`` and run in
numpy; ``scripts/train_techniques.py`` trains them. Everything here needs the
``models`` extra only through ``encode``.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .document import Span
from .errors import ModelUnavailable

MODELS_DIR = Path(__file__).resolve().parent / "data" / "models"
MAX_SEGMENT_WORDS = 120  # well under the encoder's 256 word pieces
_SENTENCE_END = re.compile(r"(?<=[.!?\"\u201d])\s+(?=[\"\u201c(A-Z0-9])")
_WORDS = re.compile(r"\S+")


def segments(text: str) -> list[Span]:
    """Sentence-like segments of ``text``: its lines, split at sentence ends.

    Used to train (the PTC texts are one sentence per line) and as a fallback
    when no sentences layer is given. Pieces longer than MAX_SEGMENT_WORDS
    words are cut at word boundaries.
    """
    out: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        cuts = [start] + [start + m.end() for m in _SENTENCE_END.finditer(line)] + [start + len(line)]
        for a, b in zip(cuts, cuts[1:]):
            out.extend(_cap_words(text, a, b))
    return out


def _cap_words(text: str, start: int, end: int) -> list[Span]:
    words = [m.span() for m in _WORDS.finditer(text, start, end)]
    pieces = []
    for i in range(0, len(words), MAX_SEGMENT_WORDS):
        chunk = words[i:i + MAX_SEGMENT_WORDS]
        pieces.append(Span(chunk[0][0], chunk[-1][1]))
    return pieces


@dataclass
class TokenTable:
    """Every encoded token of one text, in text order."""

    vectors: Any  # float32 (n, 384)
    offsets: Any  # int64 (n, 2), absolute [start, end) into the text
    segment: Any  # int64 (n,), index into ``segment_spans``
    segment_spans: list[Span]
    segment_means: Any  # float32 (n_segments, 384)


def encode(text: str, spans: Sequence[Span]) -> TokenTable:
    """Run the encoder over ``spans`` of ``text`` (raises E400 without the extra)."""
    import numpy as np

    from . import encoder

    spans = [s for s in spans if text[s.start:s.end].strip()]
    tables = encoder.token_embeddings([text[s.start:s.end] for s in spans])
    return assemble(spans, [(t.vectors, t.offsets) for t in tables], np)


def assemble(spans: Sequence[Span], per_segment: Sequence[tuple[Any, Any]], np: Any) -> TokenTable:
    """A TokenTable from per-segment (vectors, relative offsets)."""
    vecs, offs, segs, means = [], [], [], []
    for i, (span, (v, o)) in enumerate(zip(spans, per_segment)):
        v = np.asarray(v, dtype=np.float32)
        vecs.append(v)
        offs.append(np.asarray(o, dtype=np.int64).reshape(-1, 2) + span.start)
        segs.append(np.full(len(v), i, dtype=np.int64))
        means.append(v.mean(0) if len(v) else np.zeros(v.shape[1] if v.ndim == 2 else 384, np.float32))
    if not vecs:
        return TokenTable(np.zeros((0, 384), np.float32), np.zeros((0, 2), np.int64),
                          np.zeros(0, np.int64), [], np.zeros((0, 384), np.float32))
    return TokenTable(np.concatenate(vecs), np.concatenate(offs), np.concatenate(segs),
                      list(spans), np.stack(means).astype(np.float32))


def token_features(table: TokenTable, np: Any) -> Any:
    """Per token: its vector and its segment's mean vector (n, 768)."""
    return np.concatenate([table.vectors, table.segment_means[table.segment]], axis=1)


SURFACE_FEATURES = 6


def span_features(table: TokenTable, text: str, spans: Sequence[Span], np: Any) -> Any:
    """Per span: mean token vector, segment mean vector, surface counts (n, 768 + 6)."""
    starts, ends = table.offsets[:, 0], table.offsets[:, 1]
    lowered = text.lower()
    rows = []
    for span in spans:
        inside = np.nonzero((starts < span.end) & (ends > span.start))[0]
        if len(inside):
            mean = table.vectors[inside].mean(0)
            seg = table.segment_means[table.segment[inside[0]]]
        else:
            mean = np.zeros(table.vectors.shape[1], np.float32)
            seg = mean
        words = text[span.start:span.end].split()
        phrase = text[span.start:span.end].strip().lower()
        repeats = lowered.count(phrase) - 1 if len(phrase) >= 3 else 0
        caps = sum(1 for w in words if w[:1].isupper()) / max(1, len(words))
        surface = [
            math.log1p(len(span)),
            math.log1p(len(words)),
            math.log1p(max(0, repeats)),
            1.0 if "!" in phrase else 0.0,
            1.0 if "?" in phrase else 0.0,
            caps,
        ]
        rows.append(np.concatenate([mean, seg, np.asarray(surface, np.float32)]))
    if not rows:
        return np.zeros((0, 2 * table.vectors.shape[1] + SURFACE_FEATURES), np.float32)
    return np.stack(rows).astype(np.float32)


def decode_spans(table: TokenTable, probs: Any, threshold: float, max_gap: int = 1) -> list[tuple[Span, float]]:
    """Runs of tokens scoring >= threshold within a segment, as (span, mean score).

    A gap of up to ``max_gap`` low tokens inside a run is bridged.
    """
    out: list[tuple[Span, float]] = []
    n = len(probs)
    i = 0
    while i < n:
        if probs[i] < threshold:
            i += 1
            continue
        j = last = i
        gap = 0
        while j + 1 < n and table.segment[j + 1] == table.segment[i]:
            j += 1
            if probs[j] >= threshold:
                last, gap = j, 0
            else:
                gap += 1
                if gap > max_gap:
                    break
        span = Span(int(table.offsets[i, 0]), int(table.offsets[last, 1]))
        out.append((span, float(probs[i:last + 1].mean())))
        i = last + 1
    return out


class Head:
    """A small MLP (standardise, [Linear, ReLU]*, Linear) read from an NPZ file."""

    def __init__(self, arrays: dict[str, Any], meta: dict[str, Any]):
        self.arrays = arrays
        self.meta = meta
        self.labels: list[str] = list(meta.get("labels", []))

    @classmethod
    def load(cls, name: str, folder: Path = MODELS_DIR) -> "Head":
        import numpy as np

        path = folder / f"{name}.npz"
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except (OSError, ValueError) as e:
            raise ModelUnavailable(f"technique head {path.name} cannot be read: {e}") from e
        meta = json.loads(str(arrays.pop("meta")))
        return cls(arrays, meta)

    def save(self, name: str, folder: Path = MODELS_DIR) -> Path:
        import numpy as np

        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.npz"
        arrays = {k: v.astype(np.float16) if v.dtype.kind == "f" and v.ndim == 2 else v
                  for k, v in self.arrays.items()}
        np.savez_compressed(path, meta=np.asarray(json.dumps(self.meta)), **arrays)
        return path

    def logits(self, x: Any) -> Any:
        import numpy as np

        h = (x - self.arrays["mean"]) / self.arrays["scale"]
        layers = sorted(k for k in self.arrays if k.startswith("w"))
        for i, key in enumerate(layers):
            h = h @ self.arrays[key].astype(np.float32).T + self.arrays["b" + key[1:]]
            if i < len(layers) - 1:
                h = np.maximum(h, 0.0)
        return h

    def probabilities(self, x: Any) -> Any:
        """Sigmoid of one output, or softmax over several."""
        import numpy as np

        z = self.logits(x)
        if z.shape[1] == 1:
            return 1.0 / (1.0 + np.exp(-z[:, 0]))
        z = z - z.max(1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(1, keepdims=True)
