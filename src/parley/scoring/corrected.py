"""Corrected documents as gold: ``export --format gold`` and ``evaluate --store``.

``gold_of`` turns an analysis (with its corrections applied) into the gold
JSON format of ``../shared/gold/GUIDELINES.md``: the gold layers with their
gold fields only. ``export_gold`` writes one ``NAME.json`` per stored
document and its transcript ``NAME.txt`` beside it, so ``parley evaluate DIR``
reads the folder as it reads ``../shared/gold``. ``evaluate_store`` scores a
fresh analysis of every corrected document's stored text against that gold,
for the layers people corrected: the accuracy of the current analysers on a
team's own material.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Sequence

from parley.document import Analysis
from parley.errors import CorrectionError
from parley.files import write_atomic
from parley.pipeline import Analyser, Config, analyze
from parley.scoring import gold as scoring
from parley.scoring.evaluate import score_structure

GOLD_FIELDS = {
    "turns": ("span", "speaker", "kind"),
    "entities": ("id", "name", "type", "mentions"),
    "attributions": ("source", "source_span", "cue_span", "content_span", "direct"),
    "timex": ("span", "value"),
    "claims": ("span", "kind"),
    "stance": ("holder", "target", "polarity"),
}
GOLD_METADATA = ("title", "published", "place", "outlet", "interviewee", "genre")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def gold_of(data: dict[str, Any]) -> dict[str, Any]:
    """The gold-format object of an analysis JSON (corrections already applied)."""
    meta = data.get("metadata") or {}
    gold: dict[str, Any] = {
        "doc_id": data.get("doc_id"),
        "reference_date": data.get("reference_date"),
        "metadata": {k: meta[k] for k in GOLD_METADATA if meta.get(k) is not None},
    }
    if "boilerplate" in data:
        gold["boilerplate"] = [list(s) for s in data["boilerplate"]]
    for layer, fields in GOLD_FIELDS.items():
        if layer in data:
            gold[layer] = [{f: r.get(f) for f in fields if f in r} for r in data[layer]]
    return gold


def _file_stem(doc_id: str, h: str, taken: set[str]) -> str:
    stem = _UNSAFE.sub("-", doc_id).strip("-.") or h[:12]
    if stem in taken:
        stem = f"{stem}-{h[:12]}"
    taken.add(stem)
    return stem


def export_gold(store, folder: str, corrected_only: bool = False) -> list[Path]:
    """Write every stored document (or only the corrected ones) as gold into ``folder``;
    the gold files written."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    hashes = store.corrected_hashes() if corrected_only else sorted(store.hashes())
    taken: set[str] = set()
    written = []
    for h in hashes:
        data, _rows = store.corrected(h)
        stem = _file_stem(str(data.get("doc_id") or h[:12]), h, taken)
        gold = dict(gold_of(data), doc_id=stem)
        write_atomic(str(out / f"{stem}.txt"), data["text"])
        path = out / f"{stem}.json"
        write_atomic(str(path), json.dumps(gold, ensure_ascii=False, indent=1) + "\n")
        written.append(path)
    return written


def techniques(gold: list[dict], pred: list[dict]) -> dict[str, Any]:
    """Techniques: exact (span, label) match, P/R/F1."""
    g = {(tuple(t["span"]), t.get("label")) for t in gold}
    p = {(tuple(t["span"]), t.get("label")) for t in pred}
    return scoring.prf(len(g & p), len(p), len(g & p), len(g))


def score_layers(gold_data: dict[str, Any], pred: dict[str, Any], layers: Sequence[str]) -> dict[str, Any]:
    """The scores of ``layers`` (those a scorer exists for) of ``pred`` against the corrected analysis."""
    gold = gold_of(gold_data)
    scores = score_structure({"boilerplate": gold["boilerplate"]} if "boilerplate" in gold else {}, pred)
    scores.update(scoring.score(gold, pred))
    if "techniques" in gold_data:
        scores["techniques"] = techniques(gold_data["techniques"], pred.get("techniques", []))
    return {layer: scores[layer] for layer in layers if layer in scores}


def evaluate_store(store, pipeline: Sequence[Analyser], config: Config) -> dict[str, dict[str, Any]]:
    """{doc_id: {layer: scores}}: a fresh analysis of each corrected document's text,
    scored on the layers people corrected; E827 when no document is corrected."""
    hashes = store.corrected_hashes()
    if not hashes:
        raise CorrectionError("the store holds no corrected document (add corrections first: parley correct, "
                              "or POST /api/documents/REF/corrections)", code="E827")
    results: dict[str, dict[str, Any]] = {}
    taken: set[str] = set()
    for h in hashes:
        data, _rows = store.corrected(h)
        document = Analysis.from_json(data).document
        analysis = analyze(document, pipeline, config)
        scores = score_layers(data, analysis.to_json(include_text=False), store.corrected_layers(h))
        if analysis.unavailable:
            scores["unavailable"] = dict(analysis.unavailable)
        results[_file_stem(str(data.get("doc_id") or h[:12]), h, taken)] = scores
    return results
