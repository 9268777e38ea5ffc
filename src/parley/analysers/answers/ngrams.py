"""Word n-gram TF-IDF vectors of answers, for the answers analyser's text heads.

A small, self-contained vectoriser (numpy only, no scikit-learn at run time):
lower-cased word tokens of two or more word characters, their unigrams and
bigrams, sublinear term frequency (1 + ln tf), smoothed inverse document
frequency (ln((1 + n) / (1 + df)) + 1) and unit length. The vocabulary is
fitted on training answers (n-grams seen in at least ``min_df`` answers, the
``max_features`` most frequent by document frequency, ties alphabetical) and
stored with the heads (``NgramVectoriser.arrays``).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

_TOKEN = re.compile(r"\b\w\w+\b")


def ngrams(text: str) -> list[str]:
    """Unigrams and bigrams of the lower-cased word tokens of ``text``."""
    tokens = _TOKEN.findall(text.lower().replace("’", "'"))
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


@dataclass(frozen=True)
class NgramVectoriser:
    """A fitted vocabulary (n-gram -> column) with each column's idf."""

    vocabulary: tuple[str, ...]
    idf: Any  # (len(vocabulary),) float32

    @classmethod
    def fit(cls, texts: Iterable[str], min_df: int = 3, max_features: int = 20000) -> "NgramVectoriser":
        import numpy as np

        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            df.update(set(ngrams(text)))
            n += 1
        kept = sorted((g for g, c in df.items() if c >= min_df), key=lambda g: (-df[g], g))[:max_features]
        vocabulary = tuple(sorted(kept))
        idf = np.asarray([math.log((1 + n) / (1 + df[g])) + 1.0 for g in vocabulary], dtype=np.float32)
        return cls(vocabulary, idf)

    def rows(self, texts: Sequence[str]) -> list[tuple[Any, Any]]:
        """Per text, (column indices, unit-length tf-idf values)."""
        import numpy as np

        index = self.index
        out = []
        for text in texts:
            counts = Counter(g for g in ngrams(text) if g in index)
            cols = np.asarray([index[g] for g in counts], dtype=np.int64)
            vals = np.asarray([1.0 + math.log(c) for c in counts.values()], dtype=np.float32)
            vals = vals * self.idf[cols] if len(cols) else vals
            norm = float(np.linalg.norm(vals))
            out.append((cols, vals / norm if norm > 0 else vals))
        return out

    def transform(self, texts: Sequence[str]) -> Any:
        """A dense ``(len(texts), len(vocabulary))`` float32 matrix."""
        import numpy as np

        matrix = np.zeros((len(texts), len(self.vocabulary)), dtype=np.float32)
        for i, (cols, vals) in enumerate(self.rows(texts)):
            matrix[i, cols] = vals
        return matrix

    @property
    def index(self) -> dict[str, int]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {g: i for i, g in enumerate(self.vocabulary)}
            object.__setattr__(self, "_index", cached)
        return cached

    def arrays(self, prefix: str = "ngrams") -> dict[str, Any]:
        """Its arrays in the model file layout: ``ngrams:vocabulary``, ``ngrams:idf``."""
        import numpy as np

        return {f"{prefix}:vocabulary": np.asarray(self.vocabulary), f"{prefix}:idf": self.idf}

    @staticmethod
    def has_arrays(data: Any, prefix: str = "ngrams") -> bool:
        return f"{prefix}:vocabulary" in data

    @classmethod
    def from_arrays(cls, data: Any, prefix: str = "ngrams") -> "NgramVectoriser":
        return cls(tuple(str(g) for g in data[f"{prefix}:vocabulary"]), data[f"{prefix}:idf"])
