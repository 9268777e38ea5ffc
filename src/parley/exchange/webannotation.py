"""W3C Web Annotation (JSON-LD): one AnnotationCollection per document.

Each region is an ``Annotation`` whose target is the document (``source``)
with a ``TextPositionSelector`` (start, end) and a ``TextQuoteSelector``
(exact, prefix, suffix). The Web Annotation Data Model counts positions in
Unicode code points, as Python does, so offsets are Parley's own. Bodies: a
``tagging`` TextualBody with the label, a ``classifying`` one naming the
layer and role, a ``describing`` one with the record's other fields as
JSON (head regions only), and for every non-head region a ``linking``
SpecificResource pointing at its record's head annotation. On reading, a
position whose text is not the quote is re-anchored with the quote, prefix
and suffix.
"""
from __future__ import annotations

import json
from typing import Any

from parley.document.model import Analysis
from parley.document.spans import Span
from parley.errors import SpanError
from parley.exchange.regions import EXPORTED, Region, head_of, records_from_regions, regions_of

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_WINDOW = 32  # characters of prefix and suffix


def document_iri(analysis: Analysis) -> str:
    return f"urn:parley:{analysis.document.hash}"


def to_web_annotation(analysis: Analysis, window: int = CONTEXT_WINDOW) -> dict[str, Any]:
    """An AnnotationCollection with one page holding every region's annotation."""
    text, source = analysis.text, document_iri(analysis)
    regions = regions_of(analysis.layers)
    heads = head_of(regions)
    items = []
    for region in regions:
        start, end = region.span
        body: list[dict[str, Any]] = [
            {"type": "TextualBody", "purpose": "tagging", "value": region.label},
            {"type": "TextualBody", "purpose": "classifying", "value": f"{region.layer}/{region.role}/{region.k}"},
        ]
        if region.attrs is not None:
            body.append({"type": "TextualBody", "purpose": "describing", "format": "application/json",
                         "value": json.dumps(region.attrs, ensure_ascii=False, sort_keys=True)})
        else:
            body.append({"type": "SpecificResource", "purpose": "linking",
                         "source": f"{source}#{heads[region.head_key].key}"})
        items.append({
            "id": f"{source}#{region.key}", "type": "Annotation",
            "motivation": "tagging" if region.attrs is not None else "linking",
            "body": body,
            "target": {"source": source, "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {"type": "TextQuoteSelector", "exact": text[start:end],
                 "prefix": text[max(0, start - window):start], "suffix": text[end:end + window]},
            ]},
        })
    return {"@context": CONTEXT, "id": f"{source}#annotations", "type": "AnnotationCollection",
            "label": analysis.document.doc_id, "total": len(items),
            "first": {"type": "AnnotationPage", "startIndex": 0, "items": items}}


def from_web_annotation(data: dict[str, Any], text: str) -> dict[str, list[Any]]:
    """The records of a collection (or a page, or a list of annotations) written by
    ``to_web_annotation``; ``text`` is the annotated document."""
    if isinstance(data, list):
        items = data
    else:
        items = (data.get("first") or {}).get("items") if data.get("type") == "AnnotationCollection" \
            else data.get("items")
    regions = []
    for annotation in items or []:
        bodies = annotation.get("body") or []
        bodies = bodies if isinstance(bodies, list) else [bodies]
        by_purpose = {b.get("purpose"): b for b in bodies if isinstance(b, dict)}
        kind = (by_purpose.get("classifying") or {}).get("value", "")
        layer, _, rest = kind.partition("/")
        role, _, k = rest.rpartition("/")
        if layer not in EXPORTED or not k.isdigit():
            continue
        key = annotation.get("id", "").rpartition("#")[2]
        index = key[len(layer) + 1:].partition("-")[0]
        if not index.isdigit():
            raise SpanError(f"annotation {annotation.get('id')!r} has no Parley region id")
        described = by_purpose.get("describing")
        attrs = json.loads(described["value"]) if described else None
        span = _anchor(annotation.get("target") or {}, text)
        regions.append(Region(layer, int(index), role, int(k), span,
                              (by_purpose.get("tagging") or {}).get("value", ""), attrs))
    return records_from_regions(regions)


def _anchor(target: dict[str, Any], text: str) -> Span:
    selectors = target.get("selector") or []
    selectors = selectors if isinstance(selectors, list) else [selectors]
    position = next((s for s in selectors if s.get("type") == "TextPositionSelector"), None)
    quote = next((s for s in selectors if s.get("type") == "TextQuoteSelector"), None)
    if position is not None:
        start, end = int(position["start"]), int(position["end"])
        if 0 <= start <= end <= len(text) and (quote is None or text[start:end] == quote.get("exact")):
            return Span(start, end)
    if quote is None:
        raise SpanError(f"a target's position selector is outside the text and it has no quote: {target!r}"[:300])
    return quote_span(text, quote.get("exact", ""), quote.get("prefix", ""), quote.get("suffix", ""))


def quote_span(text: str, exact: str, prefix: str = "", suffix: str = "") -> Span:
    """Where a TextQuoteSelector points: the occurrence of ``exact`` whose
    surroundings match most of ``prefix`` and ``suffix``."""
    best, best_score, at = None, -1, text.find(exact)
    while at >= 0 and exact:
        before, after = text[:at], text[at + len(exact):]
        score = _common_suffix(before, prefix) + _common_prefix(after, suffix)
        if score > best_score:
            best, best_score = at, score
        at = text.find(exact, at + 1)
    if best is None:
        raise SpanError(f"the quote {exact[:60]!r} is not in the text")
    return Span(best, best + len(exact))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n
