"""The gold JSON form of every layer: records to JSON and back.

The JSON form of a record is its fields with spans as ``[start, end]`` lists,
which for the gold layers is exactly the format of ``../shared/gold``.
Boilerplate is the one gold layer stored as bare pairs: its kinds, confidences
and analysers travel in the extra keys ``boilerplate_kinds``,
``boilerplate_confidence`` and ``boilerplate_analyser``.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from parley.document.records import LAYERS, TRUST_FIELDS, Boilerplate
from parley.document.spans import Span
from parley.errors import SpanError


def record_to_json(record: Any) -> dict[str, Any]:
    """``record`` as JSON; a trust field nobody set (a gold or hand-made record) is left out."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if value is None and f.name in TRUST_FIELDS:
            continue
        if isinstance(value, Span):
            value = value.json()
        elif isinstance(value, tuple):
            value = [v.json() if isinstance(v, Span) else v for v in value]
        out[f.name] = value
    return out


def record_from_json(cls: type, data: dict[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:  # type: ignore[misc]
                raise SpanError(f"a {cls.__name__} record lacks '{f.name}': {data!r}"[:300])
            continue
        value, hint = data[f.name], hints[f.name]
        if _holds(hint, Span):
            value = Span.of(value)
        elif typing.get_origin(hint) is tuple:
            item = typing.get_args(hint)[0]
            value = tuple(Span.of(v) if item is Span else v for v in (value or ()))
        kwargs[f.name] = value
    return cls(**kwargs)


def _holds(hint: Any, cls: type) -> bool:
    if hint is cls:
        return True
    return typing.get_origin(hint) in (typing.Union, types.UnionType) and cls in typing.get_args(hint)


def layer_to_json(name: str, records: list[Any]) -> dict[str, Any]:
    if name == "boilerplate":
        out = {"boilerplate": [r.span.json() for r in records], "boilerplate_kinds": [r.kind for r in records]}
        for name in TRUST_FIELDS:
            values = [getattr(r, name) for r in records]
            if not values or any(v is not None for v in values):
                out[f"boilerplate_{name}"] = values
        return out
    return {name: [record_to_json(r) for r in records]}


def layers_from_json(data: dict[str, Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for name, cls in LAYERS.items():
        if name not in data or not isinstance(data[name], list):
            continue
        if name == "boilerplate":
            kinds = data.get("boilerplate_kinds") or ["boilerplate"] * len(data[name])
            n = len(data[name])
            trust = zip(data.get("boilerplate_confidence") or [None] * n, data.get("boilerplate_analyser") or [None] * n)
            out[name] = [Boilerplate(Span.of(s), k, confidence=c, analyser=a)
                         for s, k, (c, a) in zip(data[name], kinds, trust)]
        else:
            out[name] = [record_from_json(cls, r) for r in data[name]]
    return out
