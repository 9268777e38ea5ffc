"""Class-prediction measures: precision/recall/F1 from counts, the F1 of the
positive class, macro-F1, and the yes/no threshold with the best F1.

One implementation each, used by ``parley evaluate`` (through
``parley.scoring.gold``), the benchmarks and the training scripts. Plain
Python; ``best_threshold`` takes numpy arrays.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence


def precision_recall_f1(hit_pred: int | float, n_pred: int, hit_gold: int | float, n_gold: int) -> tuple[float, float, float]:
    """(P, R, F1): ``hit_pred`` of ``n_pred`` predictions right, ``hit_gold``
    of ``n_gold`` gold items found; 0.0 where a denominator is 0."""
    p = hit_pred / n_pred if n_pred else 0.0
    r = hit_gold / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def positive_f1(predicted: Sequence[bool], labels: Sequence[int]) -> dict[str, float]:
    """Precision, recall and F1 of the positive class of yes/no predictions."""
    tp = sum(1 for p, l in zip(predicted, labels) if p and l)
    n_pred = sum(1 for p in predicted if p)
    n_gold = sum(1 for l in labels if l)
    p, r, f1 = precision_recall_f1(tp, n_pred, tp, n_gold)
    return {"p": p, "r": r, "f1": f1}


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] | None = None) -> float:
    """Unweighted mean of per-label F1 over ``labels`` (default: the gold
    labels); a label never predicted and never right counts 0."""
    labels = list(labels or sorted(set(gold)))
    scores = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def best_threshold(scores: Any, labels: Any, thresholds: Iterable[float]) -> tuple[float, float]:
    """(F1 of the positive class, threshold) for the threshold of
    ``thresholds`` whose ``scores >= threshold`` gives the best F1 on the 0/1
    ``labels`` (numpy arrays); ties go to the higher threshold, and
    ``(0.0, 0.5)`` when nothing scores above 0."""
    best = (0.0, 0.5)
    for t in thresholds:
        pred = scores >= t
        tp = float((pred & (labels == 1)).sum())
        f1 = 2 * tp / max(1.0, pred.sum() + (labels == 1).sum())
        best = max(best, (f1, float(t)))
    return best
