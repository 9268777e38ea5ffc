"""The document text as HTML for the service's page, every mark toggleable.

What is highlighted, with which label and tooltip, is decided by the HTML
report (``render.html.marks``), so the page and the report agree. The page
draws it differently because it toggles with a script, not with the report's
inline stylesheet (the service's Content-Security-Policy allows no inline
style): the text is cut at every mark boundary into segments, each one
``<span class="seg" id="cOFFSET">`` listing the marks covering it in
``data-keys`` ("layer|label" pairs) and carrying ``h-LAYER`` classes for the
layers shown by default. ``static/parley.js`` recomputes the classes when a
toggle changes. Every piece of text and every attribute is escaped here.
"""
from __future__ import annotations

import html
from collections import Counter
from typing import Any, Iterable

from parley.document import Analysis, Span
from parley.render.html import HIGHLIGHT_DEFAULTS, css_class, marks

Mark = tuple[Span, str, str, str]  # (span, layer, label, tooltip), as render.html.marks gives them


def highlights(analysis: Analysis) -> list[Mark]:
    return marks(analysis)


def shown(layer: str) -> bool:
    return HIGHLIGHT_DEFAULTS.get(layer, True)


def key(layer: str, label: str) -> str:
    """The toggle key of a mark; keys are joined by spaces, so none holds one."""
    return f"{layer}|{label}".replace(" ", "_")


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
            "labels": [{"label": label or layer, "key": key(layer, label), "count": n}
                       for label, n in sorted(labels.items())] if len(labels) > 1 else [],
        }
        for layer, labels in sorted(per_layer.items())
    ]


def text_html(text: str, items: list[Mark], anchors: Iterable[int] = ()) -> str:
    """The whole text as escaped HTML segments carrying their marks.

    ``anchors`` are extra offsets where a segment must start, so a link to
    ``#cOFFSET`` (a side-panel cell's evidence) always has a target.
    """
    cuts = {0, len(text)} | set(anchors)
    starts: dict[int, list[int]] = {}
    for i, (span, *_rest) in enumerate(items):
        cuts.update((span.start, span.end))
        starts.setdefault(span.start, []).append(i)
    bounds = sorted(c for c in cuts if 0 <= c <= len(text))
    active: set[int] = set()
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:]):
        active = {i for i in active if items[i][0].end > a}
        active.update(starts.get(a, ()))
        piece = html.escape(text[a:b], quote=False)
        if not active:
            out.append(f'<span class="seg" id="c{a}">{piece}</span>')
            continue
        chosen = sorted(active)
        keys = sorted({key(items[i][1], items[i][2]) for i in chosen})
        classes = ["seg"] + sorted({f"h-{css_class(items[i][1])}" for i in chosen if shown(items[i][1])})
        tips: list[str] = []
        for i in chosen:
            tip = f"{items[i][1]}: {items[i][3]}" if items[i][3] else items[i][1]
            if tip not in tips:
                tips.append(tip)
        out.append(
            f'<span class="{" ".join(classes)}" id="c{a}" data-keys="{html.escape(" ".join(keys))}"'
            f' title="{html.escape(" | ".join(tips)[:500])}">{piece}</span>'
        )
    return "".join(out)
