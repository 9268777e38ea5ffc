"""What the service's document page highlights and the toggles it offers.

What is marked, with which label and tooltip, is decided by
``render.highlight`` and drawn by the macros of
``render/templates/highlight.html``, exactly as in the HTML report. The page differs in who
toggles: its script (``static/parley.js``), not the report's inline
stylesheet (the service's Content-Security-Policy allows no inline style).
A segment lists the marks covering it in ``data-keys`` ("layer|label"
pairs) and starts with ``h-LAYER`` classes for the layers shown by default;
the script recomputes the classes when a toggle changes.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from parley.document import Analysis, Span
from parley.render import accuracy
from parley.render.highlight import Mark, css_class, marks, segments, shown, toggle_key

SELECTED = "selected"  # the layer of the passage a link led to (``?at=START-END``)


def toggles(items: Iterable[Mark]) -> list[dict[str, Any]]:
    """One toggle per layer, with one per label when a layer has several."""
    per_layer: dict[str, Counter] = {}
    for _span, layer, label, _tip in items:
        per_layer.setdefault(layer, Counter())[label] += 1
    return [
        {
            "layer": layer,
            "class": css_class(layer),
            "count": sum(labels.values()),
            "shown": shown(layer),
            "accuracy": accuracy.note(layer),
            "labels": [{"label": label or layer, "key": toggle_key(layer, label), "count": n}
                       for label, n in sorted(labels.items())] if len(labels) > 1 else [],
        }
        for layer, labels in sorted(per_layer.items())
    ]


def document_text(analysis: Analysis, selected: Span | None, anchors: Iterable[int]) -> tuple[list, list[dict]]:
    """The page's text segments and toggles; a ``selected`` passage is one
    more mark, with its own toggle first."""
    items = marks(analysis)
    layer_toggles = toggles(items)
    if selected is not None:
        items.append((selected, SELECTED, "", "the passage you followed a link to"))
        layer_toggles.insert(0, {"layer": SELECTED, "class": SELECTED, "count": 1, "shown": True, "labels": [],
                                 "accuracy": ""})
    return segments(analysis.text, items, anchors), layer_toggles
