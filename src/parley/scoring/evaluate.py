"""Analyse the transcripts that gold files name, and score every layer.

``evaluate`` is a plain function; ``parley evaluate`` only wraps it. Besides
the gold scorer's layers it reports two checks of the structure layer that
score.py leaves out: metadata fields equal to the gold, and boilerplate spans
found (exact match P/R/F1).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from parley.errors import GoldError
from parley.ingest import read_document
from parley.pipeline import Analyser, Config, analyze
from parley.scoring import gold as scoring
from parley.scoring.trust import trust_scores


@dataclass
class GoldCase:
    gold_path: Path
    text_path: Path
    gold: dict[str, Any]


def load_gold(path: Path) -> dict[str, Any]:
    """A gold file with its stance sidecar merged in; GoldError if broken."""
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise GoldError("gold file does not exist", path=str(path)) from e
    except (OSError, UnicodeDecodeError) as e:
        raise GoldError(f"gold file cannot be read: {e}", path=str(path)) from e
    except json.JSONDecodeError as e:
        raise GoldError(f"gold file is not valid JSON ({e.msg}, line {e.lineno} column {e.colno})", path=str(path)) from e
    if not isinstance(gold, dict) or not gold.get("doc_id"):
        raise GoldError("gold file must be a JSON object with a 'doc_id'", path=str(path))
    for layer in ("turns", "entities", "attributions", "timex", "claims", "boilerplate"):
        if layer in gold and not isinstance(gold[layer], list):
            raise GoldError(f"'{layer}' must be a list", path=str(path))
    sidecar = path.with_name(path.name[: -len(".json")] + ".stance.json")
    if "stance" not in gold and sidecar.exists():
        try:
            gold["stance"] = json.loads(sidecar.read_text(encoding="utf-8"))["stance"]
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise GoldError(f"stance sidecar is malformed: {e}", path=str(sidecar)) from e
    _check_spans(gold, path)
    return gold


def _check_spans(gold: dict[str, Any], path: Path) -> None:
    def ok(x: Any) -> bool:
        return isinstance(x, list) and len(x) == 2 and all(isinstance(v, int) for v in x) and 0 <= x[0] <= x[1]

    checks = [("turns", "span"), ("timex", "span"), ("claims", "span"), ("attributions", "content_span")]
    for layer, key in checks:
        for i, record in enumerate(gold.get(layer, [])):
            if not isinstance(record, dict) or not ok(record.get(key)):
                raise GoldError(f"{layer}[{i}].{key} is not a [start, end] pair", path=str(path))
    for i, e in enumerate(gold.get("entities", [])):
        if not isinstance(e, dict) or not all(ok(m) for m in e.get("mentions", [])):
            raise GoldError(f"entities[{i}] has a mention that is not a [start, end] pair", path=str(path))


def find_cases(target: Path, corpus: Path | None = None) -> list[GoldCase]:
    """Gold files under ``target`` (a file or folder) and their transcripts."""
    if target.is_dir():
        paths = sorted(p for p in target.glob("*.json") if not p.name.endswith(".stance.json"))
        if not paths:
            raise GoldError("folder holds no gold .json files", path=str(target))
    elif target.exists():
        paths = [target]
    else:
        raise GoldError("no such gold file or folder", path=str(target))
    cases = []
    for path in paths:
        gold = load_gold(path)
        name = f"{gold['doc_id']}.txt"
        places = ([corpus] if corpus else []) + [path.parent, path.parent.parent / "corpus"]
        text = next((d / name for d in places if (d / name).is_file()), None)
        if text is None:
            where = ", ".join(str(d) for d in places)
            raise GoldError(f"transcript {name} not found (looked in {where}; use --corpus DIR)", path=str(path))
        cases.append(GoldCase(path, text, gold))
    return cases


def score_structure(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "metadata" in gold:
        fields = {k: v == pred.get("metadata", {}).get(k) for k, v in gold["metadata"].items()}
        out["metadata"] = {"acc": round(sum(fields.values()) / len(fields), 4) if fields else 0.0,
                           "wrong": sorted(k for k, ok in fields.items() if not ok)}
    if "boilerplate" in gold:
        g = {tuple(s) for s in gold["boilerplate"]}
        p = {tuple(s) for s in pred.get("boilerplate", [])}
        out["boilerplate"] = scoring.prf(len(g & p), len(p), len(g & p), len(g))
    return out


def evaluate(cases: Sequence[GoldCase], pipeline: Sequence[Analyser], config: Config) -> dict[str, dict[str, Any]]:
    """{doc_id: {layer: scores}} for every case."""
    results: dict[str, dict[str, Any]] = {}
    for case in cases:
        analysis = analyze(read_document(str(case.text_path)), pipeline, config)
        pred = analysis.to_json(include_text=False)
        scores = score_structure(case.gold, pred)
        scores.update(scoring.score(case.gold, pred))
        scores["trust"] = trust_scores(pred, len(analysis.text.split()))
        if analysis.unavailable:
            scores["unavailable"] = dict(analysis.unavailable)
        results[case.gold["doc_id"]] = scores
    return results


def format_results(results: dict[str, dict[str, Any]]) -> str:
    """The terminal table: one line per document and layer."""
    lines = []
    for doc_id, layers in results.items():
        lines.append(doc_id)
        for layer, r in layers.items():
            if layer == "unavailable":
                lines.append(f"  {'not run':13s} " + "; ".join(f"{k}: {v}" for k, v in r.items()))
                continue
            lines.append(f"  {layer:13s} {_describe(r)}")
    return "\n".join(lines) + "\n"


def _describe(r: dict[str, Any]) -> str:
    parts = []
    if "f1" in r:
        parts.append(f"F1 {r['f1']:.3f} (P {r['p']:.3f} R {r['r']:.3f}, {r['pred']} predicted, {r['gold']} gold)")
    for k, v in r.items():
        if isinstance(v, dict) and "f1" in v:
            parts.append(f"{k}: F1 {v['f1']:.3f} (P {v['p']:.3f} R {v['r']:.3f})")
        elif k.endswith("_acc") or k in ("acc", "coverage", "techniques_per_1000_words"):
            parts.append(f"{k} {v:.3f}")
        elif k == "wrong" and v:
            parts.append("wrong: " + ", ".join(v))
    return "; ".join(parts)
