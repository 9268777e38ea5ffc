"""People's corrections of an analysis: keys of findings, validation, and applying.

Everything here works on the analysis JSON (``Analysis.to_json()``, the gold
format plus extra keys), so the store, the service and the CLI share it.

A *finding* is one record of one layer. Its *key* names it stably across
re-analyses of the same text: the layer and the record's main span
(``claims:120-180``; ``attributions`` use the content span, ``techniques``
add the label: ``techniques:12-40:Loaded_Language``), or its identity where a
record has no main span (``entities:<id>``, ``stance:<holder>><target>``,
``answers:<question_turn>-<answer_turn>``). A second record with the same key
gets ``#2``, a third ``#3``...

A correction is one of four *actions*:

- ``accept`` the finding ``target`` (it is confirmed as it is);
- ``reject`` it (it is removed);
- ``edit`` it: ``record`` holds the fields that change, merged over the finding;
- ``add`` a missing finding: ``record`` is the whole new record (an entity
  whose id is already there gets the record's mentions added to its own).

``apply`` replays corrections in order, each against the analysis as the
corrections before it left it. A correction whose target is missing (the
document was re-analysed and no longer has that finding) is *stale*, and
still keeps what the person said: a stale accept or edit puts its record in
(replacing a finding with the record's key), a stale reject has nothing left
to remove. Adds never go stale. References between layers (a sentence's turn
index, an answer's turns) are not renumbered when records come or go.
"""
from __future__ import annotations

import copy
import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any, Iterable

from parley.document.gold import record_from_json, record_to_json
from parley.document.records import LAYERS
from parley.document.spans import Span, iter_spans
from parley.errors import CorrectionError

ACTIONS = ("accept", "reject", "edit", "add")
ACTIVE, STALE = "active", "stale"
MAIN_SPAN = {"attributions": "content_span", "entities": None, "stance": None, "answers": None}
POLARITIES = ("positive", "negative", "neutral")


@dataclass(frozen=True)
class Correction:
    """One person's correction of one finding (``target`` is None for ``add``)."""

    layer: str
    action: str
    target: str | None = None
    record: dict[str, Any] | None = None
    author: str = ""
    reason: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> "Correction":
        """A correction from a request body; CorrectionError (E82x) when malformed."""
        if not isinstance(data, dict):
            raise CorrectionError("a correction must be a JSON object", code="E826")
        unknown = set(data) - {"layer", "action", "target", "record", "author", "reason"}
        if unknown:
            raise CorrectionError(f"a correction has no field {', '.join(sorted(unknown))}", code="E826")
        author = data.get("author")
        if not isinstance(author, str) or not author.strip():
            raise CorrectionError("a correction needs its 'author' (who made it)", code="E826")
        reason = data.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise CorrectionError("'reason' must be a string", code="E826")
        target, record = data.get("target"), data.get("record")
        if target is not None and not isinstance(target, str):
            raise CorrectionError("'target' must be a finding key (a string)", code="E826")
        if record is not None and not isinstance(record, dict):
            raise CorrectionError("'record' must be a JSON object of the finding's fields", code="E824")
        correction = cls(str(data.get("layer") or ""), str(data.get("action") or ""), target, record,
                         author.strip(), reason.strip() if reason and reason.strip() else None)
        correction.check_shape()
        return correction

    def check_shape(self) -> None:
        """The layer, action, target and record fit together (not yet checked against a text)."""
        if self.layer not in LAYERS:
            raise CorrectionError(f"unknown layer '{self.layer}' (choose from {', '.join(LAYERS)})", code="E821")
        if self.action not in ACTIONS:
            raise CorrectionError(f"unknown action '{self.action}' (choose from {', '.join(ACTIONS)})", code="E822")
        if self.action == "add" and self.target:
            raise CorrectionError("an 'add' names no target: it adds a finding that is missing", code="E826")
        if self.action != "add" and not self.target:
            raise CorrectionError(f"'{self.action}' needs the 'target' key of the finding it corrects", code="E826")
        if self.action in ("edit", "add") and not self.record:
            raise CorrectionError(f"'{self.action}' needs a 'record' with the finding's fields", code="E824")


# -- findings and their keys ------------------------------------------------
def records_of(data: dict[str, Any], layer: str) -> list[dict[str, Any]]:
    """The records of ``layer`` as JSON objects (boilerplate's bare pairs become {span, kind})."""
    if layer == "boilerplate":
        spans = data.get("boilerplate") or []
        kinds = data.get("boilerplate_kinds") or ["boilerplate"] * len(spans)
        return [{"span": list(s), "kind": k} for s, k in zip(spans, kinds)]
    return [dict(r) for r in data.get(layer) or []]


def _put_records(data: dict[str, Any], layer: str, records: list[dict[str, Any]]) -> None:
    if layer == "boilerplate":
        data["boilerplate"] = [r["span"] for r in records]
        data["boilerplate_kinds"] = [r["kind"] for r in records]
    else:
        data[layer] = records


def base_key(layer: str, record: dict[str, Any]) -> str:
    """The key of a record, before duplicates are numbered."""
    if layer == "entities":
        return f"entities:{record.get('id')}"
    if layer == "stance":
        return f"stance:{record.get('holder')}>{record.get('target')}"
    if layer == "answers":
        return f"answers:{record.get('question_turn')}-{record.get('answer_turn')}"
    span = record.get(MAIN_SPAN.get(layer, "span")) or [None, None]
    key = f"{layer}:{span[0]}-{span[1]}"
    return f"{key}:{record.get('label')}" if layer == "techniques" else key


def keys_of(layer: str, records: Iterable[dict[str, Any]]) -> list[str]:
    """The key of each record, in order; repeats numbered ``#2``, ``#3``..."""
    seen: dict[str, int] = {}
    keys = []
    for record in records:
        key = base_key(layer, record)
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def findings(data: dict[str, Any], layer: str) -> list[tuple[str, dict[str, Any]]]:
    records = records_of(data, layer)
    return list(zip(keys_of(layer, records), records))


# -- validation ----------------------------------------------------------------
def checked_record(layer: str, record: dict[str, Any], text: str) -> dict[str, Any]:
    """``record`` as the layer's JSON form, every field known and typed, every span
    inside ``text``; CorrectionError E824 (fields) or E825 (spans) otherwise."""
    cls = LAYERS[layer]
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = set(record) - set(names)
    if unknown:
        raise CorrectionError(f"a {layer} record has no field {', '.join(sorted(unknown))} "
                              f"(its fields: {', '.join(names)})", code="E824")
    hints = typing.get_type_hints(cls)
    for name, value in record.items():
        _check_type(layer, name, value, hints[name])
    try:
        built = record_from_json(cls, record)
    except (ValueError, TypeError) as e:  # SpanError is a ValueError: a missing field or a reversed span
        raise CorrectionError(f"the {layer} record does not fit: {getattr(e, 'message', e)}", code="E824") from e
    for name, span in iter_spans(built):
        if span.end > len(text):
            raise CorrectionError(f"{layer}.{name} [{span.start}, {span.end}) runs past the end of the text "
                                  f"({len(text)} characters)", code="E825")
    if layer == "stance" and built.polarity not in POLARITIES:
        raise CorrectionError(f"stance polarity must be one of {', '.join(POLARITIES)}", code="E824")
    return record_to_json(built)


def _check_type(layer: str, name: str, value: Any, hint: Any) -> None:
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    allowed = typing.get_args(hint) if union else (hint,)
    if value is None and type(None) in allowed:
        return
    ok = False
    for kind in allowed:
        if kind is Span or typing.get_origin(kind) is tuple:
            ok = ok or isinstance(value, list)
        elif kind is float:
            ok = ok or (isinstance(value, (int, float)) and not isinstance(value, bool))
        elif kind is int:
            ok = ok or (isinstance(value, int) and not isinstance(value, bool))
        elif isinstance(kind, type):
            ok = ok or isinstance(value, kind)
    if not ok:
        raise CorrectionError(f"{layer}.{name} has the wrong type ({type(value).__name__}: {value!r})"[:300],
                              code="E824")


# -- applying ------------------------------------------------------------------
@dataclass
class Outcome:
    """What applying one correction did: its status and the key of the finding it left."""

    status: str
    key: str | None


def apply_one(data: dict[str, Any], correction: Correction) -> Outcome:
    """Apply ``correction`` to ``data`` in place (CorrectionError if its record does not fit)."""
    correction.check_shape()
    layer = correction.layer
    text = data.get("text") or ""
    found = findings(data, layer)
    keys = [k for k, _ in found]
    records = [r for _, r in found]
    at = keys.index(correction.target) if correction.target in keys else None
    if correction.action == "reject":
        if at is None:
            return Outcome(STALE, None)
        del records[at]
        _put_records(data, layer, records)
        confirmed = data.get("parley", {}).get("confirmed", {}).get(layer, [])
        if correction.target in confirmed:
            confirmed.remove(correction.target)
        return Outcome(ACTIVE, None)
    if correction.action == "accept" and at is not None:
        _confirm(data, layer, keys[at])
        return Outcome(ACTIVE, keys[at])
    if correction.action == "accept":  # stale: the finding is gone; keep it as it was accepted
        if not correction.record:
            return Outcome(STALE, None)
        new = checked_record(layer, correction.record, text)
    elif correction.action == "edit":
        new = checked_record(layer, {**(records[at] if at is not None else {}), **correction.record}, text)
    else:
        new = checked_record(layer, _with_mentions(layer, records, correction.record or {}), text)
    key = _insert(records, layer, new, at)
    _put_records(data, layer, records)
    _confirm(data, layer, key)
    return Outcome(ACTIVE if at is not None or correction.action == "add" else STALE, key)


def _with_mentions(layer: str, records: list[dict[str, Any]], record: dict[str, Any]) -> dict[str, Any]:
    """An added entity whose id is already there adds its mentions to that entity's."""
    if layer != "entities":
        return record
    for old in records:
        if old.get("id") == record.get("id"):
            mentions = sorted({tuple(m) for m in [*old.get("mentions", []), *record.get("mentions", [])]})
            return {**old, **record, "mentions": [list(m) for m in mentions]}
    return record


def _start(layer: str, record: dict[str, Any]) -> int | None:
    span = record.get(MAIN_SPAN.get(layer, "span")) if MAIN_SPAN.get(layer, "span") else None
    return int(span[0]) if span else None


def _insert(records: list[dict[str, Any]], layer: str, new: dict[str, Any], at: int | None) -> str:
    """Put ``new`` at index ``at`` (the finding it edits), dropping another record with
    its key; else in place of the record with its key, else in text order; its key."""
    wanted = base_key(layer, new)
    same = [i for i, r in enumerate(records) if base_key(layer, r) == wanted and i != at]
    if at is None and same:
        at = same.pop(0)
    if at is None:
        start = _start(layer, new)
        later = [i for i, r in enumerate(records) if start is not None and (_start(layer, r) or 0) > start]
        at = later[0] if later else len(records)
        records.insert(at, new)
    else:
        records[at] = new
    for i in reversed(same):
        del records[i]
        at -= i < at
    return keys_of(layer, records)[at]


def _confirm(data: dict[str, Any], layer: str, key: str) -> None:
    confirmed = data.setdefault("parley", {}).setdefault("confirmed", {})
    if key not in confirmed.setdefault(layer, []):
        confirmed[layer].append(key)


def apply(data: dict[str, Any], corrections: Iterable[Correction]) -> tuple[dict[str, Any], list[Outcome]]:
    """A copy of ``data`` with ``corrections`` applied in order, and each one's outcome."""
    out = copy.deepcopy(data)
    return out, [apply_one(out, c) for c in corrections]
