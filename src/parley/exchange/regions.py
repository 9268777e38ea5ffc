"""Records to labelled regions and back: the mapping every exchange format shares.

A region is one span of one record with a label. A record's first span is
its *head* region and carries the record's other fields (``attrs``); its
other spans (a turn's label and body, an attribution's source and cue, an
entity's further mentions, a claim's quantities, a stance's further
evidence) are regions of their own that point at the head, with ``role``
naming the field they came from. ``records_from_regions`` rebuilds the
records, so ``records_from_regions(regions_of(layers))`` gives back every
exported record with the same spans, labels and sources.

The label of a head region is a record field (``LABEL_FIELD``); when a
reader finds a head label that differs from its attrs (an annotator changed
it), the label wins.
"""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any, Iterable

from parley.document.gold import record_from_json, record_to_json
from parley.document.records import LAYERS
from parley.document.spans import Span
from parley.errors import SpanError

EXPORTED = ("turns", "entities", "attributions", "timex", "claims", "techniques", "stance")
LABEL_FIELD = {"turns": "kind", "entities": "type", "timex": "type", "claims": "kind",
               "techniques": "label", "stance": "polarity"}
ROLE_LABELS = {"label_span": "speaker-label", "body_span": "turn-body", "source_span": "source",
               "cue_span": "cue", "quantities": "quantity"}
ATTRIBUTION_LABELS = {True: "direct-quote", False: "indirect-quote"}


@dataclass(frozen=True)
class Region:
    layer: str
    index: int  # the record's index in its layer
    role: str  # the field the span came from ("span", "mentions", "source_span", ...)
    k: int  # position within a tuple field (0 for a single span)
    span: Span
    label: str
    attrs: dict[str, Any] | None = field(default=None, compare=False)  # head region only

    @property
    def key(self) -> str:
        """A name unique in the document: ``entities-3-mentions-1``."""
        return f"{self.layer}-{self.index}-{self.role}-{self.k}"

    @property
    def head_key(self) -> str:
        return f"{self.layer}-{self.index}"


def span_fields(cls: type) -> list[tuple[str, bool]]:
    """The record class's span fields in order, each with whether it is a tuple."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if typing.get_origin(hint) is tuple and typing.get_args(hint)[0] is Span:
            out.append((f.name, True))
        elif hint is Span or Span in typing.get_args(hint):
            out.append((f.name, False))
    return out


def _label(layer: str, record: Any, role: str) -> str:
    if layer == "attributions":
        return ATTRIBUTION_LABELS[bool(record.direct)] if role == "content_span" else ROLE_LABELS[role]
    if role in ROLE_LABELS:
        return ROLE_LABELS[role]
    return str(getattr(record, LABEL_FIELD[layer]))


def regions_of(layers: dict[str, list[Any]]) -> list[Region]:
    """Every region of the exported layers, head regions first within a record.
    A record without any span (a stance with no evidence) has none."""
    out: list[Region] = []
    for layer in EXPORTED:
        fields = span_fields(LAYERS[layer])
        for index, record in enumerate(layers.get(layer) or []):
            attrs = {k: v for k, v in record_to_json(record).items() if k not in dict(fields)}
            first = True
            for name, many in fields:
                value = getattr(record, name)
                spans = list(value) if many else ([] if value is None else [value])
                for k, span in enumerate(spans):
                    out.append(Region(layer, index, name, k, span, _label(layer, record, name),
                                      attrs if first else None))
                    first = False
    return out


def records_from_regions(regions: Iterable[Region]) -> dict[str, list[Any]]:
    """The records the regions describe, each layer in the order of its indices."""
    grouped: dict[tuple[str, int], list[Region]] = {}
    for region in regions:
        if region.layer not in EXPORTED:
            raise SpanError(f"unknown layer '{region.layer}' in an imported region")
        grouped.setdefault((region.layer, region.index), []).append(region)
    out: dict[str, list[Any]] = {}
    for (layer, _index), parts in sorted(grouped.items()):
        out.setdefault(layer, []).append(_record(layer, parts))
    return out


def _record(layer: str, parts: list[Region]) -> Any:
    heads = [p for p in parts if p.attrs is not None]
    if len(heads) != 1:
        raise SpanError(f"record {parts[0].head_key} has {len(heads)} head regions, not 1")
    head = heads[0]
    data: dict[str, Any] = dict(head.attrs or {})
    if layer == "attributions":
        data["direct"] = head.label == ATTRIBUTION_LABELS[True] if head.label in ATTRIBUTION_LABELS.values() \
            else data.get("direct")
    elif head.label and layer in LABEL_FIELD:
        data[LABEL_FIELD[layer]] = head.label
    for name, many in span_fields(LAYERS[layer]):
        mine = sorted((p for p in parts if p.role == name), key=lambda p: p.k)
        if many:
            data[name] = [list(p.span) for p in mine]
        elif mine:
            data[name] = list(mine[0].span)
    return record_from_json(LAYERS[layer], data)


def head_of(regions: list[Region]) -> dict[str, Region]:
    """Each record's head region by ``head_key``."""
    return {r.head_key: r for r in regions if r.attrs is not None}


def layers_of(analysis: Any) -> dict[str, list[Any]]:
    """The exported layers of an analysis (what ``from_<format>`` should give back)."""
    exported = records_from_regions(regions_of(analysis.layers))
    return {layer: exported[layer] for layer in EXPORTED if layer in exported}
