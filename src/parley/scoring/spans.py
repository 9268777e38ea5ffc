"""Span measures of the SemEval-2020 Task 11 kind (persuasion techniques):
partial-overlap precision/recall/F1 of labelled spans, and technique
classification given the gold spans as the task's TC scorer counts it.

Spans are ``parley.document.Span`` (or any ``(start, end)`` named pair with
``len``); a document's annotations are ``(label, span)`` pairs.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from parley.document import Span
from parley.scoring.classes import precision_recall_f1

Labelled = tuple[str, Span]


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """The union of ``spans`` as sorted, disjoint spans (touching ones join)."""
    out: list[Span] = []
    for s in sorted(spans):
        if out and s.start <= out[-1].end:
            out[-1] = Span(out[-1].start, max(out[-1].end, s.end))
        else:
            out.append(s)
    return out


def overlap_f1(pred: Sequence[Sequence[Labelled]], gold: Sequence[Sequence[Labelled]],
               labelled: bool) -> tuple[float, float, float]:
    """SemEval-2020 Task 11 partial-overlap precision, recall and F1 over
    documents (``pred[i]`` and ``gold[i]`` annotate the same document).

    P = sum over predicted s, gold t of |s & t| / |s|, over |S|; R likewise
    over |T| with |t|. With ``labelled`` only pairs with the same label count
    (the span-and-technique measure); without, spans are merged per document
    and labels ignored (span identification).
    """
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for p_doc, g_doc in zip(pred, gold):
        if not labelled:
            p_doc = [("x", s) for s in merge_spans([s for _, s in p_doc])]
            g_doc = [("x", s) for s in merge_spans([s for _, s in g_doc])]
        n_pred += len(p_doc)
        n_gold += len(g_doc)
        for lp, s in p_doc:
            for lg, t in g_doc:
                if lp != lg:
                    continue
                inter = min(s.end, t.end) - max(s.start, t.start)
                if inter > 0:
                    p_sum += inter / max(1, len(s))
                    r_sum += inter / max(1, len(t))
    return precision_recall_f1(p_sum, n_pred, r_sum, n_gold)


def ranked_choices_right(gold: Sequence[Labelled], labels: Sequence[str], probs: Any) -> int:
    """How many gold (label, span) pairs the probability rows (one per gold
    pair, columns in the order of ``labels``) get right, as the SemEval-2020
    TC scorer compares them: the k-th copy of a span that carries several
    labels is given its k-th most probable label."""
    import numpy as np

    right = 0
    used: Counter = Counter()
    for (label, span), row in zip(gold, probs):
        rank = used[span]
        used[span] += 1
        order = np.argsort(-row)
        right += labels[int(order[min(rank, len(order) - 1)])] == label
    return right
