"""Annotation exchange: Label Studio tasks, W3C Web Annotation, UIMA CAS XMI.

``to_<format>(analysis)`` writes the span layers of an analysis (turns,
entities, attributions, timex, claims, techniques, stance evidence);
``from_<format>(data, text)`` reads them back as Parley records,
``{layer: [records]}``. ``regions.py`` is the mapping all three share;
``offsets.py`` converts code points and UTF-16 code units. docs/exchange.md.
"""
from __future__ import annotations

import json

from parley.errors import StoreError

FORMATS = {"label-studio": ".json", "web-annotation": ".jsonld", "uima-xmi": ".xmi"}


def render(analysis, fmt: str) -> str:
    """One document in ``fmt`` as text (a Label Studio task list of one task)."""
    if fmt == "label-studio":
        from parley.exchange.labelstudio import to_label_studio

        return _json([to_label_studio(analysis)])
    if fmt == "web-annotation":
        from parley.exchange.webannotation import to_web_annotation

        return _json(to_web_annotation(analysis))
    if fmt == "uima-xmi":
        from parley.exchange.uima import to_uima_xmi

        return to_uima_xmi(analysis)
    raise StoreError(f"unknown exchange format '{fmt}' (choose from {', '.join(FORMATS)})", code="E605")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
