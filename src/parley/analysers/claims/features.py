"""Features of one sentence for the check-worthiness model.

The same function serves training (``scripts/train_claims.py``, over the
CheckThat! debate sentences) and inference (``analysers/claims.py``), so the
two can never drift. Features are sparse: a dict ``name -> value``. They come
from the sentence text alone (word unigrams and bigrams, with numbers folded
to a placeholder) plus a few shape cues (numbers, percentages, money, years,
comparatives, questions, length), so no parse is needed to score a sentence.

The model itself is a linear scorer: ``sigmoid(bias + sum(w[f] * x[f]))``,
where ``x`` is the TF-IDF form of the features when the model has an ``idf``
table (sublinear term weight ``1 + ln v``, times the feature's idf, the
vector scaled to unit length over the features the table knows; exactly
scikit-learn's ``TfidfTransformer(sublinear_tf=True)``), else the raw values.
Weights are read from ``data/claims_model.json``.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Mapping

from parley.errors import ModelUnavailable
from parley.models.heads import sigmoid

MODEL_FILE = "claims_model.json"

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*%?|[$€£?!]")
_NUMBER = re.compile(r"\d")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_PERCENT = re.compile(r"\d\s*%|\bper ?cent\b", re.I)
_MONEY = re.compile(r"[$€£]\s*\d|\b\d[\d,.]*\s*(?:dollars|euros|rubles|roubles|pounds)\b|\b(?:billion|million|trillion)\b", re.I)
_NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty "
    "hundred hundreds thousand thousands million millions billion billions trillion dozen dozens "
    "half percent twice double triple quadruple fourfold".split()
)
_COMPARATIVE = frozenset(
    "more less fewer most least largest biggest highest lowest first last only never ever "
    "record increase increased decrease decreased doubled tripled".split()
)
LENGTH_BINS = (4, 8, 14, 22, 32)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, each number folded to a shape placeholder."""
    out = []
    for m in _WORD.finditer(text):
        tok = m.group().lower().replace("’", "'")
        if _NUMBER.match(tok):
            digits = tok.rstrip("%").replace(",", "")
            if tok.endswith("%"):
                tok = "<pct>"
            elif _YEAR.match(digits):
                tok = "<year>"
            else:
                tok = "<num>"
        out.append(tok)
    return out


ASKER = "asker"  # an interviewer or moderator, who mostly asks
SPEAKER = "speaker"  # a principal: candidate, official, interviewee


def sentence_features(text: str, role: str = SPEAKER) -> dict[str, float]:
    """The sparse feature vector of one sentence said by someone in ``role``."""
    toks = tokens(text)
    feats: dict[str, float] = {}
    if role == ASKER:
        feats["role=asker"] = 1.0
    for tok in toks:
        feats["w=" + tok] = 1.0
    for a, b in zip(["<s>"] + toks, toks + ["</s>"]):
        feats[f"b={a}_{b}"] = 1.0
    n = len(toks)
    feats["len=" + str(sum(1 for edge in LENGTH_BINS if n > edge))] = 1.0
    has_digit = any(t in ("<num>", "<pct>", "<year>") for t in toks)
    if has_digit or any(t in _NUMBER_WORDS for t in toks):
        feats["shape=number"] = 1.0
    if _PERCENT.search(text):
        feats["shape=percent"] = 1.0
    if _MONEY.search(text):
        feats["shape=money"] = 1.0
    if "<year>" in toks:
        feats["shape=year"] = 1.0
    if any(t in _COMPARATIVE for t in toks):
        feats["shape=comparative"] = 1.0
    if text.rstrip().rstrip("”\"')").endswith("?"):
        feats["shape=question"] = 1.0
    caps = sum(1 for w in text.split()[1:] if w[:1].isupper())
    if caps:
        feats["shape=names"] = min(caps, 4) / 4.0
    return feats


@dataclass(frozen=True)
class LinearModel:
    """A logistic scorer over named sparse features."""

    bias: float
    weights: Mapping[str, float]
    threshold: float  # the score at and above which a sentence is check-worthy
    meta: Mapping[str, object]
    idf: Mapping[str, float] | None = None  # TF-IDF weighting when present

    def transform(self, feats: Mapping[str, float]) -> dict[str, float]:
        if self.idf is None:
            return dict(feats)
        x = {k: (1.0 + math.log(v)) * self.idf[k] for k, v in feats.items() if v > 0 and k in self.idf}
        norm = math.sqrt(sum(v * v for v in x.values()))
        return {k: v / norm for k, v in x.items()} if norm else x

    def score(self, feats: Mapping[str, float]) -> float:
        x = self.transform(feats)
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in x.items())
        return sigmoid(z)

    def score_text(self, text: str, role: str = SPEAKER) -> float:
        return self.score(sentence_features(text, role))

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "meta": dict(self.meta),
            "bias": self.bias,
            "threshold": self.threshold,
            "weights": dict(sorted(self.weights.items())),
        }
        if self.idf is not None:
            out["idf"] = dict(sorted(self.idf.items()))
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> "LinearModel":
        try:
            weights = {str(k): float(v) for k, v in dict(data["weights"]).items()}  # type: ignore[arg-type]
            idf = data.get("idf")
            idf = {str(k): float(v) for k, v in dict(idf).items()} if idf is not None else None  # type: ignore[arg-type]
            return cls(float(data["bias"]), weights, float(data["threshold"]), dict(data.get("meta") or {}), idf)  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError) as e:
            raise ModelUnavailable(f"the claims model file is malformed: {e}", code="E401") from e


@lru_cache(maxsize=4)
def load_model(name: str = MODEL_FILE) -> LinearModel:
    """A linear model shipped in this folder's ``data/`` (by default the check-worthiness one)."""
    try:
        raw = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as e:
        raise ModelUnavailable(
            f"the claims model {name} is missing; run scripts/train_claims.py", code="E401"
        ) from e
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise ModelUnavailable(f"the claims model file is not JSON: {e}", code="E401") from e
    return LinearModel.from_json(data)
