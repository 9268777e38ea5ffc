"""Training pieces of the lexical check-worthiness model
(``parley.analysers.claims.features``), shared by scripts/train_claims.py and
scripts/finetune_decoding.py: the features of CheckThat! lines as a sparse
matrix, the logistic regression, and out-of-fold logits over folds of
debates. Needs scikit-learn (the ``lab`` extra).
"""
from __future__ import annotations

from collections import Counter

from parley.analysers.claims.features import sentence_features
from parley_lab import checkthat

SEED = 13


def vectorise(debates, min_count):
    """The DictVectorizer over ``sentence_features`` of every line of
    ``debates`` (features seen in fewer than ``min_count`` lines dropped) and
    the binary feature matrix it makes."""
    from sklearn.feature_extraction import DictVectorizer

    feats = []
    for d in debates:
        roles = checkthat.speaker_roles(d)
        feats += [sentence_features(line.text, roles[line.speaker]) for line in d.lines]
    counts = Counter(k for f in feats for k in f)
    keep = {k for k, c in counts.items() if c >= min_count}
    feats = [{k: v for k, v in f.items() if k in keep} for f in feats]
    vec = DictVectorizer()
    return vec, vec.fit_transform(feats)


def fit_logistic(x, y, c):
    """The lexical model's balanced, seeded logistic regression."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=SEED)
    return model.fit(x, y)


def lexical_oof_logits(debates, owner, folds: int, c: float, min_count: int):
    """Out-of-fold logits of the lexical model (binary features, as shipped)."""
    import numpy as np

    _, x = vectorise(debates, min_count)
    y = np.array([line.label for d in debates for line in d.lines])
    z = np.zeros(len(y))
    for k in range(folds):
        fit = fit_logistic(x[owner != k], y[owner != k], c)
        z[owner == k] = fit.decision_function(x[owner == k])
    return z
