"""Ranking measures of the CLEF CheckThat! check-worthiness task: average
precision of one ranking, precision at k, and MAP / mean P@10 over rankings
(one per debate). Ties keep the input order, as the task's scorer does."""
from __future__ import annotations

from typing import Sequence


def _ranked(scores: Sequence[float]) -> list[int]:
    """Indices from the highest score down; equal scores keep their order."""
    return sorted(range(len(scores)), key=lambda i: -scores[i])


def average_precision(scores: Sequence[float], labels: Sequence[int]) -> float:
    """AP of one ranking: the mean, over the positives, of the precision at
    each positive's rank; 0.0 without positives."""
    hits, total = 0, 0.0
    for rank, i in enumerate(_ranked(scores), 1):
        if labels[i]:
            hits += 1
            total += hits / rank
    positives = sum(1 for v in labels if v)
    return total / positives if positives else 0.0


def precision_at(scores: Sequence[float], labels: Sequence[int], k: int) -> float:
    """Share of positives among the ``k`` best-scored items (over ``k``, even
    when there are fewer items)."""
    return sum(labels[i] for i in _ranked(scores)[:k]) / k


def ranking_measures(per_ranking: Sequence[tuple[Sequence[float], Sequence[int]]]) -> dict[str, float]:
    """``map`` and ``p@10``: AP and P@10 averaged over (scores, labels) rankings."""
    aps = [average_precision(s, l) for s, l in per_ranking]
    p10 = [precision_at(s, l, 10) for s, l in per_ranking]
    return {"map": sum(aps) / len(aps), "p@10": sum(p10) / len(p10)}


# -- retrieval measures (one ranked list of documents per query) -----------------

def average_precision_at(ranked: Sequence, relevant: set, k: int) -> float:
    """AP@k of one query: the sum, over relevant documents within the first
    ``k``, of the precision at their rank, divided by the number of relevant
    documents (trec_eval's AP cut at depth k, what the CheckThat! 2020-2022
    claim-retrieval scorer computes through trectools); 0.0 without relevant."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, doc in enumerate(ranked[:k], 1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


def reciprocal_rank(ranked: Sequence, relevant: set) -> float:
    """1 / the rank of the first relevant document; 0.0 when none is ranked."""
    for rank, doc in enumerate(ranked, 1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def retrieval_measures(per_query: Sequence[tuple[Sequence, set]], ks: Sequence[int] = (1, 3, 5)) -> dict[str, float]:
    """``map@k`` for each k and ``mrr``, averaged over (ranked docs, relevant set) queries."""
    n = len(per_query) or 1
    out = {f"map@{k}": sum(average_precision_at(r, g, k) for r, g in per_query) / n for k in ks}
    out["mrr"] = sum(reciprocal_rank(r, g) for r, g in per_query) / n
    return out
