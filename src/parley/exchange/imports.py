"""Annotations made in another tool come back as corrections (``parley import``).

``read_annotations(path, fmt)`` reads a Label Studio tasks JSON, Web
Annotation JSON-LD or UIMA CAS XMI file (or a folder of them) into one
``Imported`` per document; ``import_annotations(store, items, author)``
matches each to its stored document and stores, in one transaction per
document, the corrections that turn the stored findings (after their
corrections) into the imported ones (``plan``):

- a finding in both, the same in every field: nothing (an unchanged
  prediction is not a person's confirmation);
- a finding in both with a field changed (label, value, source, a span...):
  ``edit`` with the changed fields. Findings pair by key first (layer and
  main span, entity id, stance holder and target), then by the same main
  span (a technique whose label changed), then by overlapping main spans;
- a stored finding the import lacks: ``reject``;
- an imported finding with no stored partner: ``add``.

So a second import of the same file finds nothing to change (idempotent).
Only the exported layers are compared (``regions.EXPORTED``); docs/exchange.md.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from parley.document.corrections import MAIN_SPAN, Correction, apply_one, findings, keys_of
from parley.document.gold import record_from_json, record_to_json
from parley.document.model import Analysis, text_hash
from parley.document.records import LAYERS
from parley.document.spans import iter_spans
from parley.errors import CorrectionError, ExchangeImportError, SpanError, StoreError
from parley.exchange.regions import EXPORTED, layers_of

IMPORT_FORMATS = {"label-studio": (".json",), "web-annotation": (".jsonld", ".json"), "uima-xmi": (".xmi",)}
_URN = re.compile(r"urn:parley:([0-9a-f]{64})")
_PARLEY_ID = re.compile(r"^[a-z]+-\d+-[a-z_]+-\d+$")  # LAYER-INDEX-ROLE-K, as Parley's export names regions
FRESH_INDEX = 1_000_000  # record indices for regions drawn in the tool, after every exported one
HEAD_ROLE = {"entities": "mentions", "attributions": "content_span", "stance": "evidence"}


@dataclass
class Imported:
    """One document's annotations, read but not yet decoded (Web Annotation needs the stored text)."""

    source: str
    hash: str | None  # the text hash the file names, if any
    doc_id: str | None
    text: str | None  # the text the file holds, if any
    decode: Callable[[str], dict[str, list[Any]]]  # the stored text -> {layer: [records]}


# -- reading ---------------------------------------------------------------------
def read_annotations(path: str, fmt: str) -> list[Imported]:
    """Every document's annotations in the file or folder ``path``; E881 when unreadable."""
    if fmt not in IMPORT_FORMATS:
        raise ExchangeImportError(f"unknown import format '{fmt}' (choose from {', '.join(IMPORT_FORMATS)})",
                                  code="E881")
    p = Path(path)
    if not p.exists():
        raise ExchangeImportError(f"{path} does not exist", code="E881")
    files = sorted(f for f in p.iterdir() if f.suffix in IMPORT_FORMATS[fmt]) if p.is_dir() else [p]
    reader = {"label-studio": _label_studio, "web-annotation": _web_annotation, "uima-xmi": _uima}[fmt]
    items = [item for f in files for item in reader(f)]
    if not items:
        raise ExchangeImportError(f"{path} holds no {fmt} annotations", code="E885")
    return items


def _json_file(f: Path) -> Any:
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ExchangeImportError(f"{f}: not JSON: {e}", code="E881") from e


def _label_studio(f: Path) -> list[Imported]:
    from parley.exchange.labelstudio import from_label_studio

    data = _json_file(f)
    tasks = data if isinstance(data, list) else [data]
    out = []
    for n, task in enumerate(tasks):
        if not isinstance(task, dict) or not isinstance((task.get("data") or {}).get("text"), str):
            raise ExchangeImportError(f"{f}: task {n} is not a Label Studio task with data.text", code="E881")
        which = "annotations" if any((a or {}).get("result") for a in task.get("annotations") or []) \
            else "predictions"
        info = task["data"]
        task = _fresh_regions(task, which)
        out.append(Imported(f"{f}#{n}", info.get("hash"), info.get("doc_id"), info["text"],
                            lambda text, t=task, w=which: from_label_studio(t, text, which=w)))
    return out


def _fresh_regions(task: dict[str, Any], which: str) -> dict[str, Any]:
    """A copy of ``task`` where each region drawn in Label Studio (its own random id, no
    attributes) is the head of a new record: its label, span and text give what they can
    (a claim's kind, an entity's type and name), the layer's defaults the rest."""
    task = copy.deepcopy(task)
    entries = task.get(which) or []
    result = (entries[0] or {}).get("result") or [] if entries else []
    renamed: dict[Any, str] = {}
    for item in result:
        if item.get("type") != "labels" or item.get("from_name") not in EXPORTED \
                or _PARLEY_ID.match(str(item.get("id", ""))):
            continue
        layer, value = item["from_name"], item.get("value") or {}
        new_id = f"{layer}-{FRESH_INDEX + len(renamed)}-{HEAD_ROLE.get(layer, 'span')}-0"
        renamed[item.get("id")] = new_id
        item["id"] = new_id
        item["meta"] = {"text": [json.dumps(_fresh_attrs(layer, str(value.get("text") or "")), ensure_ascii=False)]}
    for item in result:
        if item.get("type") == "relation":
            item["from_id"] = renamed.get(item.get("from_id"), item.get("from_id"))
            item["to_id"] = renamed.get(item.get("to_id"), item.get("to_id"))
    return task


def _fresh_attrs(layer: str, text: str) -> dict[str, Any]:
    """The fields a region drawn in the tool cannot carry, for a new record of ``layer``."""
    if layer == "entities":
        return {"id": re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "entity", "name": text}
    return {"turns": {"speaker": "unknown"}, "attributions": {"source": "unknown"}, "timex": {"value": None},
            "stance": {"holder": "unknown", "target": "unknown"}}.get(layer, {})


def _web_annotation(f: Path) -> list[Imported]:
    from parley.exchange.webannotation import from_web_annotation

    data = _json_file(f)
    if not isinstance(data, (dict, list)):
        raise ExchangeImportError(f"{f}: not a Web Annotation collection, page or list", code="E881")
    found = _URN.search(json.dumps(data)[:100_000])
    if not found:
        raise ExchangeImportError(f"{f}: names no document (urn:parley:<hash>)", code="E881")
    label = data.get("label") if isinstance(data, dict) else None
    return [Imported(str(f), found.group(1), label, None, lambda text, d=data: from_web_annotation(d, text))]


def _uima(f: Path) -> list[Imported]:
    from parley.exchange.uima import _cassis, from_uima, type_system

    cassis = _cassis()
    ts_file = f.parent / "TypeSystem.xml"
    try:
        if ts_file.exists():
            with ts_file.open("rb") as fh:
                typesystem = cassis.load_typesystem(fh)
        else:
            typesystem = type_system()
        with f.open("rb") as fh:
            cas = cassis.load_cas_from_xmi(fh, typesystem=typesystem)
    except Exception as e:  # cassis raises lxml, ValueError and its own errors for a bad file
        raise ExchangeImportError(f"{f}: not a UIMA CAS XMI file Parley can read: {type(e).__name__}: {e}"[:400],
                                  code="E881") from e
    text = cas.sofa_string
    if not isinstance(text, str):
        raise ExchangeImportError(f"{f}: the CAS holds no text", code="E881")
    return [Imported(str(f), None, None, text, lambda t, c=cas: from_uima(c, t))]


# -- matching the stored document ---------------------------------------------
def _stored(store, item: Imported) -> tuple[str, dict[str, list[Any]]]:
    """The hash of the stored document ``item`` annotates, and its decoded records."""
    refs = [r for r in (text_hash(item.text) if item.text is not None else None, item.hash, item.doc_id) if r]
    h = None
    for ref in refs:
        try:
            h = store.info(ref).hash
            break
        except StoreError:
            continue
    if h is None:
        raise ExchangeImportError(f"{item.source}: no stored document matches it (looked for "
                                  f"{', '.join(r[:16] for r in refs) or 'nothing to look for'})", code="E882")
    text = store.get(h)["text"]
    if item.text is not None and item.text != text:
        raise ExchangeImportError(f"{item.source}: its text differs from the stored document {h[:12]}'s",
                                  code="E883")
    try:
        layers = item.decode(text)
    except SpanError as e:
        raise ExchangeImportError(f"{item.source}: {e.message}", code="E884") from e
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise ExchangeImportError(f"{item.source}: malformed annotation: {type(e).__name__}: {e}"[:400],
                                  code="E881") from e
    for layer, records in layers.items():
        for record in records:
            for name, span in iter_spans(record):
                if span.end > len(text):
                    raise ExchangeImportError(f"{item.source}: a {layer} {name} {span.start}-{span.end} runs past "
                                              f"the end of the text ({len(text)} characters)", code="E884")
    return h, layers


# -- the diff ------------------------------------------------------------------
def _normal(layer: str, record: dict[str, Any]) -> dict[str, Any]:
    return record_to_json(record_from_json(LAYERS[layer], record))


def _anchor(layer: str, record: dict[str, Any]) -> list[int] | None:
    name = MAIN_SPAN.get(layer, "span")
    if name:
        return record.get(name)
    many = record.get("mentions" if layer == "entities" else "evidence") or []
    return many[0] if many else None


def _pairs(layer: str, mine: list[dict], theirs: list[dict]) -> list[tuple[int | None, int | None]]:
    """(stored index, imported index) pairs; None on one side: reject or add."""
    free_m, free_t = set(range(len(mine))), list(range(len(theirs)))
    pairs: list[tuple[int | None, int | None]] = []
    mk, tk = keys_of(layer, mine), keys_of(layer, theirs)
    tests = [lambda i, j: mk[i] == tk[j],
             lambda i, j: _anchor(layer, mine[i]) is not None and _anchor(layer, mine[i]) == _anchor(layer, theirs[j]),
             lambda i, j: _overlap(_anchor(layer, mine[i]), _anchor(layer, theirs[j]))]
    for same in tests:
        for j in list(free_t):
            i = next((i for i in sorted(free_m) if same(i, j)), None)
            if i is not None:
                pairs.append((i, j))
                free_m.discard(i)
                free_t.remove(j)
    return pairs + [(i, None) for i in sorted(free_m)] + [(None, j) for j in free_t]


def _overlap(a: list[int] | None, b: list[int] | None) -> bool:
    return bool(a and b and a[0] < b[1] and b[0] < a[1])


def _key_now(work: dict[str, Any], layer: str, record: dict[str, Any]) -> str:
    for key, found in findings(work, layer):
        if _normal(layer, found) == record:
            return key
    raise CorrectionError(f"the {layer} finding {record} is no longer in the document", code="E823")


def plan(data: dict[str, Any], imported: dict[str, list[Any]], author: str,
         reason: str | None = None) -> list[Correction]:
    """The corrections that make the exported layers of ``data`` (a corrected
    analysis JSON) hold ``imported``'s records, in the order to apply them."""
    work = copy.deepcopy(data)
    stored = layers_of(Analysis.from_json(work))
    out: list[Correction] = []
    for layer in EXPORTED:
        mine = [record_to_json(r) for r in stored.get(layer, [])]
        theirs = [record_to_json(r) for r in imported.get(layer, [])]
        for i, j in _pairs(layer, mine, theirs):
            if i is not None and j is not None:
                changed = {k: v for k, v in theirs[j].items() if mine[i].get(k) != v}
                if not changed:
                    continue
                c = Correction(layer, "edit", _key_now(work, layer, mine[i]), changed, author, reason)
            elif i is not None:
                c = Correction(layer, "reject", _key_now(work, layer, mine[i]), None, author, reason)
            else:
                c = Correction(layer, "add", None, theirs[j], author, reason)
            apply_one(work, c)
            out.append(c)
    return out


def import_annotations(store, items: list[Imported], author: str,
                       reason: str | None = "imported annotation") -> list[dict[str, Any]]:
    """Store the corrections each item makes (one transaction per document); a report per item."""
    report = []
    for item in items:
        h, layers = _stored(store, item)
        data, _rows = store.corrected(h)
        corrections = plan(data, layers, author, reason)
        stored = store.add_corrections(h, corrections) if corrections else []
        counts: dict[str, int] = {}
        for c in corrections:
            counts[c.action] = counts.get(c.action, 0) + 1
        report.append({"source": item.source, "hash": h, "doc_id": data.get("doc_id"), "corrections": counts,
                       "ids": [row["id"] for row in stored]})
    return report
