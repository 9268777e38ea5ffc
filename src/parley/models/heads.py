"""Small heads over features, and the logistic, softmax and mixing they use.

One class serves every head Parley ships: the check-worthiness scorer
(``analysers/claims``), the technique span and label heads
(``analysers/techniques``), the answer clarity and evasion heads
(``analysers/answers``) and the output layers of the fine-tuned adapters
(``parley.models.adapters``). A ``Head`` is

1. optional standardisation, ``(x - mean) / scale``;
2. one or more linear layers ``h @ W.T + b`` with a ReLU between two layers
   (one layer: a logistic or multinomial regression; two: a small MLP),
   computed in float32;
3. an output: ``sigmoid`` (one output: a probability per row) or
   ``softmax`` (a probability per class).

Heads are stored with ``write_heads`` and read with ``read_heads`` in the
one model file layout (``parley.models.modelfile``): per head ``NAME``, the
arrays ``head:NAME.mean`` and ``head:NAME.scale`` when it standardises,
``head:NAME.weight`` and ``head:NAME.bias`` for a one-layer head (so an
adapter's ``head:heads.label.*`` is a one-layer head named ``heads.label``)
or ``head:NAME.0.weight``, ``head:NAME.1.weight``... for several layers,
``head:NAME.offset`` when it has one; and in the meta, under
``heads.NAME``, its ``output``, ``classes``, ``mix_weight`` and its own
settings (thresholds, decoding, what its features are). Numpy only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from parley.errors import ModelUnavailable
from parley.models.modelfile import read_model, write_model

CLAMP = 30.0  # logits are clamped to [-CLAMP, CLAMP] before the logistic: exp cannot overflow
SIGMOID = "sigmoid"
SOFTMAX = "softmax"
OUTPUTS = (SIGMOID, SOFTMAX)
PREFIX = "head:"
_STRUCTURE = ("output", "classes", "mix_weight")  # what a head's meta entry says besides its own settings


def sigmoid(z: Any) -> Any:
    """The logistic function of a number (a float back) or of an array
    (elementwise, same dtype), its argument clamped to [-CLAMP, CLAMP]."""
    if isinstance(z, (int, float)):
        return 1.0 / (1.0 + math.exp(-max(-CLAMP, min(CLAMP, z))))
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.clip(z, -CLAMP, CLAMP)))


def softmax(z: Any) -> Any:
    """Row-wise softmax of logits ``z`` (n, k); each row is shifted by its
    maximum first, so that ``exp`` never overflows."""
    import numpy as np

    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def mix_probabilities(first: Any, second: Any, second_weight: float) -> Any:
    """The normalised weighted geometric mean of two models' class
    probabilities (rows over the same classes): ``first ** (1 - w) *
    second ** w``, renormalised per row (how an adapter and a head are mixed)."""
    import numpy as np

    w = float(second_weight)
    return softmax((1.0 - w) * np.log(first + 1e-9) + w * np.log(second + 1e-9))


@dataclass(frozen=True, eq=False)
class Head:
    """Standardise (optional), linear layers with ReLU between, an output."""

    layers: tuple[tuple[Any, Any], ...]  # (weight (out, in), bias (out,)) per layer
    mean: Any = None  # (in,): with ``scale``, inputs are standardised first
    scale: Any = None
    output: str = SOFTMAX  # SIGMOID (one output) or SOFTMAX
    classes: tuple[str, ...] = ()  # the outputs' names, in column order
    mix_weight: float = 1.0  # of this head's log-probabilities when several heads are mixed
    offset: Any = None  # (n_classes,) added to the mixed scores
    meta: dict[str, Any] = field(default_factory=dict)  # its own settings: threshold, features, decoding

    def __post_init__(self) -> None:
        if self.output not in OUTPUTS:
            raise ValueError(f"a head's output is one of {', '.join(OUTPUTS)}, not {self.output!r}")
        if not self.layers:
            raise ValueError("a head has at least one layer")

    @classmethod
    def linear(cls, coef: Any, intercept: Any, mean: Any = None, scale: Any = None, **options: Any) -> "Head":
        """A one-layer head, ``coef`` (out, in) and ``intercept`` (out,): a
        logistic (``output="sigmoid"``) or multinomial regression."""
        return cls(((coef, intercept),), mean, scale, **options)

    @property
    def n_features(self) -> int:
        return int(self.layers[0][0].shape[1])

    def logits(self, x: Any) -> Any:
        """The last layer's outputs ``(len(x), n_outputs)``."""
        import numpy as np

        h = x if self.mean is None else (x - self.mean) / self.scale
        for i, (w, b) in enumerate(self.layers):
            h = h @ w.astype(np.float32).T + b.astype(np.float32)
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        return h

    def probabilities(self, x: Any) -> Any:
        """``sigmoid``: one probability per row ``(n,)``; ``softmax``: ``(n, k)``."""
        z = self.logits(x)
        return sigmoid(z[:, 0]) if self.output == SIGMOID else softmax(z)

    def log_probabilities(self, x: Any) -> Any:
        """The log of ``probabilities``, floored at 1e-12 (for mixing heads)."""
        import numpy as np

        return np.log(self.probabilities(x) + 1e-12)

    def arrays(self, name: str, half: bool = False) -> dict[str, Any]:
        """This head's arrays in the model file layout; with ``half``, layer
        weights are stored as float16 (half the size, computed in float32)."""
        import numpy as np

        stem = PREFIX + name
        out: dict[str, Any] = {}
        if self.mean is not None:
            out[f"{stem}.mean"], out[f"{stem}.scale"] = self.mean, self.scale
        for i, (w, b) in enumerate(self.layers):
            key = stem if len(self.layers) == 1 else f"{stem}.{i}"
            out[f"{key}.weight"] = np.asarray(w, np.float16) if half else w
            out[f"{key}.bias"] = b
        if self.offset is not None:
            out[f"{stem}.offset"] = self.offset
        return out

    def entry(self) -> dict[str, Any]:
        """What the model file's meta says of this head (under ``heads.NAME``)."""
        return {"output": self.output, "classes": list(self.classes), "mix_weight": self.mix_weight, **self.meta}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, Any], name: str, entry: Mapping[str, Any] | None = None) -> "Head":
        """The head ``name`` of a model file's ``arrays``, its meta ``entry`` giving the rest."""
        stem = PREFIX + name
        entry = dict(entry or {})
        if f"{stem}.weight" in arrays:
            layers = [(arrays[f"{stem}.weight"], arrays[f"{stem}.bias"])]
        else:
            layers = []
            while f"{stem}.{len(layers)}.weight" in arrays:
                layers.append((arrays[f"{stem}.{len(layers)}.weight"], arrays[f"{stem}.{len(layers)}.bias"]))
        if not layers:
            raise KeyError(f"no arrays for the head '{name}'")
        return cls(tuple(layers), arrays.get(f"{stem}.mean"), arrays.get(f"{stem}.scale"),
                   output=str(entry.get("output", SOFTMAX)), classes=tuple(str(c) for c in entry.get("classes", ())),
                   mix_weight=float(entry.get("mix_weight", 1.0)), offset=arrays.get(f"{stem}.offset"),
                   meta={k: v for k, v in entry.items() if k not in _STRUCTURE})


def write_heads(path: Path | str, heads: Mapping[str, Head], meta: Mapping[str, Any] | None = None,
                arrays: Mapping[str, Any] | None = None, half: bool = False) -> Path:
    """Write ``heads`` by name, with the file-wide ``meta`` and any other
    named ``arrays`` (``ngrams:vocabulary``), to ``path``."""
    out: dict[str, Any] = dict(arrays or {})
    for name, head in heads.items():
        out.update(head.arrays(name, half))
    return write_model(path, {**(meta or {}), "kind": "heads", "heads": {n: h.entry() for n, h in heads.items()}}, out)


def read_heads(path: Path | str, what: str = "the heads",
               hint: str = "") -> tuple[dict[str, Any], dict[str, Head], dict[str, Any]]:
    """(file meta, heads by name in file order, the other arrays) of a heads
    file; E401 when it is missing or malformed."""
    meta, arrays = read_model(path, what, hint)
    try:
        entries = meta["heads"]
        heads = {str(name): Head.from_arrays(arrays, str(name), entry) for name, entry in entries.items()}
    except (KeyError, AttributeError, TypeError, ValueError) as e:
        raise ModelUnavailable(f"{what} {Path(path).name} is malformed: {e}", code="E401") from e
    others = {k: v for k, v in arrays.items() if not k.startswith(PREFIX)}
    return meta, heads, others


def read_head(path: Path | str, what: str = "the head", hint: str = "") -> Head:
    """The one head of a single-head file (E401 unless it holds exactly one)."""
    _, heads, _ = read_heads(path, what, hint)
    if len(heads) != 1:
        raise ModelUnavailable(f"{what} {Path(path).name} holds {len(heads)} heads, not one", code="E401")
    return next(iter(heads.values()))


__all__ = ["CLAMP", "Head", "SIGMOID", "SOFTMAX", "mix_probabilities", "read_head", "read_heads", "sigmoid",
           "softmax", "write_heads"]
