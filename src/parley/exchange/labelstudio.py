"""Label Studio tasks JSON: one task per document, Parley's layers as ``predictions``.

Each region is a ``labels`` result (``from_name`` the layer, ``to_name``
"text", ``value: {start, end, text, labels}``); a head region carries the
record's other fields as JSON in the region's ``meta.text``; every other
region of a record is tied to its head by a ``relation`` result labelled with
its role (an attribution's ``source --said--> content``, ``cue --cue-->
content``). Offsets count code points by default: Label Studio's front end
has stored code points since label-studio-frontend PR #308 (label-studio PR
#1559, "store code points instead of js length"), so they index Python
strings directly; ``units="utf16"`` writes and reads the UTF-16 code units
of older versions. ``label_config`` gives a labeling config that shows them.
"""
from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import quoteattr

from parley.document.model import Analysis
from parley.document.spans import Span
from parley.errors import SpanError
from parley.exchange.offsets import Utf16Offsets
from parley.exchange.regions import EXPORTED, Region, head_of, records_from_regions, regions_of

TEXT_NAME = "text"
UNITS = ("codepoints", "utf16")
MODEL_VERSION = "parley"
# A relation's label says how a region stands to its record's head ("source said content").
RELATION_LABELS = {"source_span": "said", "cue_span": "cue-of", "label_span": "label-of", "body_span": "body-of",
                   "mentions": "same-entity", "quantities": "quantity-of", "evidence": "evidence-of"}
RELATION_ROLES = {v: k for k, v in RELATION_LABELS.items()}


def _converter(text: str, units: str):
    if units not in UNITS:
        raise SpanError(f"unknown offset units '{units}' (choose from {', '.join(UNITS)})")
    return Utf16Offsets(text) if units == "utf16" else None


def to_label_studio(analysis: Analysis, units: str = "codepoints") -> dict[str, Any]:
    """One Label Studio task: ``data.text`` and one prediction holding every region."""
    text = analysis.text
    offsets = _converter(text, units)
    regions = regions_of(analysis.layers)
    heads = head_of(regions)
    result: list[dict[str, Any]] = []
    for region in regions:
        start, end = region.span
        if offsets is not None:
            start, end = offsets.span_to_utf16(start, end)
        item: dict[str, Any] = {
            "id": region.key, "from_name": region.layer, "to_name": TEXT_NAME, "type": "labels",
            "value": {"start": start, "end": end, "text": text[region.span.start:region.span.end],
                      "labels": [region.label]},
        }
        if region.attrs is not None:
            item["meta"] = {"text": [json.dumps(region.attrs, ensure_ascii=False, sort_keys=True)]}
        result.append(item)
    for region in regions:
        if region.attrs is None:
            result.append({"type": "relation", "from_id": region.key, "to_id": heads[region.head_key].key,
                           "direction": "right", "labels": [RELATION_LABELS[region.role]]})
    meta = analysis.metadata.json()
    return {
        "data": {TEXT_NAME: text, "doc_id": analysis.document.doc_id, "hash": analysis.document.hash,
                 **{k: v for k, v in meta.items() if isinstance(v, (str, int, float)) and k != TEXT_NAME}},
        "predictions": [{"model_version": MODEL_VERSION, "result": result}],
    }


def from_label_studio(task: dict[str, Any], text: str | None = None, units: str = "codepoints",
                      which: str = "predictions") -> dict[str, list[Any]]:
    """The records of one task's first prediction (or annotation, ``which="annotations"``)."""
    text = task.get("data", {}).get(TEXT_NAME) if text is None else text
    if not isinstance(text, str):
        raise SpanError("the Label Studio task holds no data.text and none was given")
    offsets = _converter(text, units)
    entries = task.get(which) or []
    result = entries[0].get("result", []) if entries else []
    relations = {r["from_id"]: r for r in result if r.get("type") == "relation"}
    regions = []
    for item in result:
        if item.get("type") != "labels" or item.get("from_name") not in EXPORTED:
            continue
        regions.append(_region(item, text, offsets, relations.get(item.get("id"))))
    return records_from_regions(regions)


def _region(item: dict[str, Any], text: str, offsets: Utf16Offsets | None, relation: dict | None) -> Region:
    value = item["value"]
    start, end = int(value["start"]), int(value["end"])
    if offsets is not None:
        start, end = offsets.span_to_code_points(start, end)
    if "text" in value and text[start:end] != value["text"]:
        raise SpanError(f"region {item.get('id')}: offsets {start}-{end} do not hold {value['text']!r}"[:300])
    layer, index, role, k = _parse_key(item["id"], item["from_name"])
    meta = (item.get("meta") or {}).get("text")
    attrs = json.loads(meta[0]) if meta else None
    if relation is not None and relation.get("labels"):
        role = RELATION_ROLES.get(relation["labels"][0], role)
    return Region(layer, index, role, k, Span(start, end), (value.get("labels") or [""])[0], attrs)


def _parse_key(key: str, layer: str) -> tuple[str, int, str, int]:
    """``entities-3-mentions-1`` back to its parts; the layer is the from_name."""
    rest = key[len(layer) + 1:] if key.startswith(layer + "-") else ""
    index, _, tail = rest.partition("-")
    role, _, k = tail.rpartition("-")
    if not (index.isdigit() and k.isdigit() and role):
        raise SpanError(f"region id {key!r} is not LAYER-INDEX-ROLE-K (a Parley export)")
    return layer, int(index), role, int(k)


def label_config(tasks: list[dict[str, Any]]) -> str:
    """A Label Studio labeling config (XML) with every layer and label the tasks use."""
    labels: dict[str, set[str]] = {}
    roles: set[str] = set()
    for task in tasks:
        for prediction in task.get("predictions", []):
            for item in prediction["result"]:
                if item["type"] == "labels":
                    labels.setdefault(item["from_name"], set()).update(item["value"]["labels"])
                else:
                    roles.update(item["labels"])
    lines = ["<View>", f'  <Text name="{TEXT_NAME}" value="${TEXT_NAME}"/>']
    for layer in EXPORTED:
        if layer in labels:
            lines.append(f'  <Labels name="{layer}" toName="{TEXT_NAME}">')
            lines += [f"    <Label value={quoteattr(v)}/>" for v in sorted(labels[layer])]
            lines.append("  </Labels>")
    lines.append("  <Relations>")
    lines += [f"    <Relation value={quoteattr(v)}/>" for v in sorted(roles)]
    lines += ["  </Relations>", "</View>"]
    return "\n".join(lines) + "\n"
