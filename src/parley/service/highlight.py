"""The document text as HTML with every span of every layer marked.

The text is cut at every span boundary into segments; each segment is one
``<span class="seg" id="cOFFSET">`` that lists the highlights covering it in
``data-keys`` ("layer|label" pairs) and carries ``h-LAYER`` classes for the
layers shown by default. ``static/parley.js`` recomputes the classes when a
toggle changes. Every piece of text and every attribute is escaped here.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any, Iterable

from ..document import Analysis, Span, iter_spans
from ..render.sections import HIGHLIGHTERS

# Layers that cover the whole text are off until asked for.
HIDDEN_BY_DEFAULT = frozenset({"turns", "sentences", "boilerplate"})
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(value: str) -> str:
    return _SLUG.sub("-", value.lower()).strip("-") or "x"


def highlights(analysis: Analysis) -> list[tuple[str, Span, str, str]]:
    """``(layer, span, label, tooltip)`` for every span of every layer."""
    out: list[tuple[str, Span, str, str]] = []
    for layer, records in analysis.layers.items():
        custom = HIGHLIGHTERS.get(layer)
        for record in records:
            if custom is not None:
                triples = custom(analysis, record)
            else:
                triples = _generic(layer, record)
            for span, label, tooltip in triples:
                if span is not None and span.end > span.start:
                    out.append((layer, span, str(label), str(tooltip)))
    return out


def _generic(layer: str, record: Any) -> list[tuple[Span, str, str]]:
    summary = _summary(layer, record)
    triples = []
    for field, span in iter_spans(record):
        label = layer if field == "span" else field.removesuffix("_span")
        triples.append((span, label, summary))
    return triples


def _summary(layer: str, record: Any) -> str:
    parts = [layer]
    for name in ("name", "type", "speaker", "kind", "source", "value", "label", "holder", "target", "polarity"):
        value = getattr(record, name, None)
        if isinstance(value, (str, int, float)) and value != "":
            parts.append(f"{name}: {value}")
    return "; ".join(parts)


def toggles(items: Iterable[tuple[str, Span, str, str]]) -> list[dict[str, Any]]:
    """One toggle per layer, each with its labels and counts, for the page."""
    per_layer: dict[str, Counter] = {}
    for layer, _span, label, _tip in items:
        per_layer.setdefault(layer, Counter())[label] += 1
    return [
        {
            "layer": layer,
            "count": sum(labels.values()),
            "shown": layer not in HIDDEN_BY_DEFAULT,
            "labels": [{"label": label, "key": _key(f"{layer}|{label}"), "count": n}
                       for label, n in sorted(labels.items())] if len(labels) > 1 else [],
        }
        for layer, labels in sorted(per_layer.items())
    ]


def text_html(text: str, items: list[tuple[str, Span, str, str]], anchors: Iterable[int] = ()) -> str:
    """The whole text as escaped HTML segments carrying their highlights.

    ``anchors`` are extra offsets where a segment must start, so a link to
    ``#cOFFSET`` (a side-panel cell's evidence) always has a target.
    """
    cuts = {0, len(text)} | set(anchors)
    for _layer, span, _label, _tip in items:
        cuts.add(span.start)
        cuts.add(span.end)
    bounds = sorted(c for c in cuts if 0 <= c <= len(text))
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for i, (_layer, span, _label, _tip) in enumerate(items):
        starts.setdefault(span.start, []).append(i)
        ends.setdefault(span.end, []).append(i)
    active: set[int] = set()
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:]):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        piece = html.escape(text[a:b], quote=False)
        if not active:
            out.append(f'<span class="seg" id="c{a}">{piece}</span>')
            continue
        chosen = sorted(active)
        keys = sorted({f"{items[i][0]}|{items[i][2]}" for i in chosen})
        layers = sorted({items[i][0] for i in chosen if items[i][0] not in HIDDEN_BY_DEFAULT})
        tips = []
        for i in chosen:
            if items[i][3] not in tips:
                tips.append(items[i][3])
        classes = " ".join(["seg"] + [f"h-{slug(layer)}" for layer in layers])
        out.append(
            f'<span class="{classes}" id="c{a}" data-keys="{html.escape(" ".join(_key(k) for k in keys))}"'
            f' title="{html.escape(" | ".join(tips))}">{piece}</span>'
        )
    return "".join(out)


def _key(key: str) -> str:
    """A key with its spaces replaced, so keys can be joined by spaces."""
    return key.replace(" ", "_")
