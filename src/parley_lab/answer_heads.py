"""Fitting and saving the answer clarity and evasion heads
(``parley.analysers.answers.analyser``), shared by scripts/train_answers.py
(which chooses their settings and ships them) and scripts/finetune_decoding.py
(which refits them without the held-out interviews). Needs scikit-learn and
scipy (the ``lab`` extra).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from parley.analysers.answers.analyser import FEATURES_VERSION, HEADS_PATH
from parley.analysers.answers.ngrams import NgramVectoriser
from parley.models.heads import SOFTMAX, Head, write_heads

PCA_COMPONENTS = 128


def fit_head(X, y, classes, c, n_embedding, components=PCA_COMPONENTS):
    """Standardise, project the embedding part on its first principal
    components, fit a balanced logistic regression on (components, scalar
    features), and fold the projection back into one linear head."""
    import numpy as np
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(0)
    scale = X.std(0) + 1e-6
    Z = (X - mean) / scale
    pca = PCA(components, random_state=0).fit(Z[:, :n_embedding])
    reduced = np.hstack([pca.transform(Z[:, :n_embedding]), Z[:, n_embedding:]])
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, tol=1e-4)
    model.fit(reduced, y)
    w_pca, w_rest = model.coef_[:, :components], model.coef_[:, components:]
    coef = np.hstack([w_pca @ pca.components_, w_rest])
    intercept = model.intercept_ - w_pca @ (pca.components_ @ pca.mean_)
    order = [list(model.classes_).index(k) for k in classes if k in model.classes_]
    return Head.linear(coef[order].astype(np.float32), intercept[order].astype(np.float32), mean.astype(np.float32),
                       scale.astype(np.float32), output=SOFTMAX, classes=tuple(str(model.classes_[i]) for i in order))


def ngram_matrix(vectoriser, texts):
    """The n-gram TF-IDF rows as a scipy sparse matrix (for training only)."""
    import numpy as np
    import scipy.sparse as sp

    rows = vectoriser.rows(texts)
    indptr = np.cumsum([0] + [len(c) for c, _ in rows])
    cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int64)
    vals = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float32)
    return sp.csr_matrix((vals, cols, indptr), shape=(len(rows), len(vectoriser.vocabulary)))


def fit_ngram_head(answers, y, classes, c, vectoriser=None):
    """A balanced logistic regression over the answers' n-gram TF-IDF vectors."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    vectoriser = vectoriser or NgramVectoriser.fit(answers)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, tol=1e-4)
    model.fit(ngram_matrix(vectoriser, answers), y)
    order = [list(model.classes_).index(k) for k in classes if k in model.classes_]
    n = len(vectoriser.vocabulary)
    head = Head.linear(model.coef_[order].astype(np.float32), model.intercept_[order].astype(np.float32),
                       np.zeros(n, np.float32), np.ones(n, np.float32), output=SOFTMAX,
                       classes=tuple(str(model.classes_[i]) for i in order))
    return head, vectoriser


def save_heads(heads: dict[str, Any], path: Path = HEADS_PATH) -> Path:
    """Write ``heads`` (``Head`` objects by name and the ``ngrams``
    vectoriser) to ``path`` in the one model file layout
    (``parley.models.heads.write_heads``), which
    ``parley.analysers.answers.analyser.load_heads`` reads."""
    arrays: dict[str, Any] = {}
    for item in heads.values():
        if not isinstance(item, Head):
            arrays.update(item.arrays())
    return write_heads(path, {name: h for name, h in heads.items() if isinstance(h, Head)},
                       {"task": "answers", "features_version": FEATURES_VERSION}, arrays)
