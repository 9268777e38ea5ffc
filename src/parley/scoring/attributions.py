"""Attribution content matching of the PolNeAR kind, where a gold content may
be discontinuous (a quotation split by its cue): content-span F1 at IoU >=
0.5 and source accuracy over the matched relations that have a gold source.

Predictions are ``parley.document.records.Attribution`` records (anything
with ``content_span`` and ``source_span``); gold relations are dicts with
``pieces`` (the content's spans) and ``source`` (a span or None), as
the PolNeAR reader of the lab package gives them. The gold-file attribution
scorer is ``parley.scoring.gold.attributions``.
"""
from __future__ import annotations

from typing import Any, Sequence

from parley.document import Span
from parley.scoring.classes import precision_recall_f1


def piece_iou(a: Span, b: Span | tuple[Span, ...]) -> float:
    """Characters shared over the longer side; a discontinuous ``b`` (a tuple
    of spans) counts only its pieces."""
    pieces = b if isinstance(b, tuple) and b and isinstance(b[0], Span) else (b,)
    inter = sum(max(0, min(a.end, p.end) - max(a.start, p.start)) for p in pieces)
    longer = max(len(a), sum(len(p) for p in pieces))
    return inter / longer if longer else 0.0


class AttributionTally:
    """Counts over documents: predictions, gold relations, matches (each gold
    relation taken once, by the first prediction reaching IoU >= 0.5 with it,
    the best IoU among the unused ones), and sources right."""

    def __init__(self) -> None:
        self.pred = self.gold = self.matched = self.with_source = self.source_right = 0

    def add(self, pred: Sequence[Any], gold: Sequence[dict]) -> None:
        """Add one document's predicted attributions and gold relations."""
        self.pred += len(pred)
        self.gold += len(gold)
        used: set[int] = set()
        for p in pred:
            best, best_iou = None, 0.5
            for j, g in enumerate(gold):
                if j not in used and piece_iou(p.content_span, g["pieces"]) >= best_iou:
                    best, best_iou = j, piece_iou(p.content_span, g["pieces"])
            if best is None:
                continue
            used.add(best)
            self.matched += 1
            if gold[best]["source"] is not None:
                self.with_source += 1
                if p.source_span is not None and p.source_span.overlaps(gold[best]["source"]):
                    self.source_right += 1

    def f1(self) -> float:
        """Content-span F1 of the matches."""
        return precision_recall_f1(self.matched, self.pred, self.matched, self.gold)[2]

    def source_acc(self) -> float:
        """Share of matched relations with a gold source whose source span overlaps it."""
        return self.source_right / self.with_source if self.with_source else 0.0
