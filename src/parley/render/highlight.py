"""What the HTML report and the service's document page highlight, as data.

``marks`` lists every highlighted span of an analysis with its layer, label
and tooltip; ``segments`` cuts the text at every mark boundary (and at every
offset a link must reach) into pieces, each knowing the marks covering it.
The markup for them is drawn by the macros of ``templates/highlight.html``,
which the report and the page both import. Nothing here writes HTML, so
nothing here escapes: the templates autoescape every piece.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from parley.document import Analysis, Span, iter_spans
from parley.render.table import HIGHLIGHTERS

# Layers drawn in the text and whether they start switched on.
# A page opens readable: turns, entities and claims; attributions, dates and
# techniques are one click away (attributions and techniques are also listed
# in the side tables).
HIGHLIGHT_DEFAULTS = {
    "boilerplate": True, "headline": False, "turns": True, "sentences": False, "entities": True,
    "attributions": False, "timex": False, "claims": True, "techniques": False, "stance": False,
}
_SKIP_FIELDS = {"span"}  # record fields whose spans repeat another layer's
TIP_LIMIT = 500  # characters of a segment's tooltip

Mark = tuple[Span, str, str, str]  # (span, layer, label, tooltip)


def css_class(value: str) -> str:
    """``value`` as a class-name fragment: lower-case letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x"


def shown(layer: str) -> bool:
    """Whether ``layer`` is highlighted before any toggle is touched."""
    return HIGHLIGHT_DEFAULTS.get(layer, True)


def highlighted(layer: str) -> bool:
    """Whether the spans of ``layer`` are drawn in the text at all."""
    return layer in HIGHLIGHT_DEFAULTS or layer in HIGHLIGHTERS


def toggle_key(layer: str, label: str) -> str:
    """The toggle key of a mark; keys are joined by spaces, so none holds one."""
    return f"{layer}|{label}".replace(" ", "_")


def marks(analysis: Analysis) -> list[Mark]:
    """(span, layer, label, tooltip) for every highlighted span."""
    out: list[Mark] = []
    for layer, records in analysis.layers.items():
        if not highlighted(layer):
            continue
        custom = HIGHLIGHTERS.get(layer)
        for record in records:
            if custom is not None:
                trust = trust_note(record)
                out.extend((span, layer, label, f"{tip}; {trust}" if trust else tip)
                           for span, label, tip in custom(analysis, record))
                continue
            tip = _tooltip(record)
            for field_name, span in iter_spans(record):
                if layer == "turns" and field_name != "label_span":
                    continue
                if layer == "attributions" and field_name in _SKIP_FIELDS:
                    continue
                out.append((span, layer, field_name.removesuffix("_span") if field_name != "span" else "", tip))
    return [m for m in out if m[0].end > m[0].start]


def trust_note(record: Any) -> str:
    """"confidence 0.83; analyser name@version" of ``record``, or ""."""
    parts = []
    if getattr(record, "confidence", None) is not None:
        parts.append(f"confidence {record.confidence:.2f}")
    if getattr(record, "analyser", None):
        parts.append(f"analyser {record.analyser}")
    return "; ".join(parts)


def _tooltip(record: Any) -> str:
    parts = [f"{k}: {v}" for k, v in vars(record).items()
             if isinstance(v, (str, bool, float, int)) and not isinstance(v, Span) and v is not None and k not in ("turn",)]
    return "; ".join(parts)


@dataclass(frozen=True)
class Segment:
    """A piece ``[start, start + len(text))`` of the text and the marks over it.

    ``layers``, ``shown`` and ``labels`` are class-name fragments (sorted):
    every layer covering the piece, those of them highlighted by default, and
    the labels of the covering marks. ``keys`` are their toggle keys and
    ``tip`` the tooltip; all are empty for a piece no mark covers.
    """

    start: int
    text: str
    layers: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    tip: str = ""


def segments(text: str, items: list[Mark], anchors: Iterable[int] = ()) -> list[Segment]:
    """``text`` cut at every boundary of ``items`` and at every anchor.

    ``anchors`` are extra offsets where a segment must start, so a link to an
    offset (a table cell's evidence) always has a target.
    """
    cuts = {0, len(text)} | set(anchors)
    starts: dict[int, list[int]] = {}
    for i, (span, *_rest) in enumerate(items):
        cuts.update((span.start, span.end))
        starts.setdefault(span.start, []).append(i)
    bounds = sorted(c for c in cuts if 0 <= c <= len(text))
    active: set[int] = set()
    out: list[Segment] = []
    for a, b in zip(bounds, bounds[1:]):
        active = {i for i in active if items[i][0].end > a}
        active.update(starts.get(a, ()))
        if not active:
            out.append(Segment(a, text[a:b]))
            continue
        covering = [items[i] for i in active]
        tips = sorted({f"{layer}: {tip}" if tip else layer for _span, layer, _label, tip in covering})
        out.append(Segment(
            start=a,
            text=text[a:b],
            layers=tuple(sorted({css_class(layer) for _s, layer, _l, _t in covering})),
            shown=tuple(sorted({css_class(layer) for _s, layer, _l, _t in covering if shown(layer)})),
            labels=tuple(sorted({css_class(label) for _s, _layer, label, _t in covering if label})),
            keys=tuple(sorted({toggle_key(layer, label) for _s, layer, label, _t in covering})),
            tip=" | ".join(tips)[:TIP_LIMIT],
        ))
    return out
