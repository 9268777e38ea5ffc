"""The evaluation gate: every figure of ``parley evaluate`` against a floor.

``tests/eval_floors.json`` holds, per gold file, a floor for each figure that
``parley evaluate GOLD --format json`` reports (the ``FIGURES`` below), and
the sha256 of the gold files (the ``.json`` and its ``.stance.json``) the
floors were set on, and optionally ``ceilings``: figures that must stay at
or *under* a bound set by hand (``CEILINGS``: how many technique spans per
1,000 words the default view shows), which ``--update`` keeps as they are. :func:`check` lists every figure under its floor, every
figure missing, and every gold file whose sha256 changed (the floors must
then be reset on purpose, with ``scripts/eval_gate.py --update``).
:func:`updated` makes new floors from a run, and refuses to lower one unless
asked to.
"""
from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ROOT / "tests" / "eval_floors.json"
GOLD = ROOT.parent / "shared" / "gold"

# Dotted paths into one gold file's scores, as `parley evaluate --format json` writes them.
FIGURES = (
    "turns.f1", "turns.speaker_acc",
    "metadata.acc",
    "boilerplate.f1",
    "entities.untyped.f1", "entities.typed.f1", "entities.identity_b3.f1",
    "attributions.f1", "attributions.with_source.f1",
    "timex.f1", "timex.value_acc",
    "claims.f1",
    "stance.acc",
    "trust.coverage",  # every record carries confidence and analyser (floor 1.0)
)
# Figures gated from above (set by hand in the floors file's "ceilings", never by --update).
CEILINGS = (
    "trust.techniques_per_1000_words",  # the default view stays readable (issue 12: at most 15)
)
DECIMALS = 4


def run_evaluation(gold: Path = GOLD) -> dict[str, dict[str, Any]]:
    """The JSON of ``parley evaluate GOLD --format json``, run as a process."""
    done = subprocess.run([sys.executable, "-m", "parley", "evaluate", str(gold), "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"parley evaluate exited {done.returncode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def figures(scores: dict[str, Any]) -> dict[str, float | None]:
    """The gated figures of one gold file (None where the layer was not scored)."""
    out: dict[str, float | None] = {}
    for path in FIGURES + CEILINGS:
        value: Any = scores
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        out[path] = float(value) if isinstance(value, (int, float)) else None
    return out


def gold_hashes(gold: Path, doc_id: str) -> dict[str, str]:
    """sha256 of a gold file and of its stance sidecar, when there is one."""
    out = {}
    for name in (f"{doc_id}.json", f"{doc_id}.stance.json"):
        if (gold / name).is_file():
            out[name] = hashlib.sha256((gold / name).read_bytes()).hexdigest()
    return out


def round_down(value: float) -> float:
    """``value`` cut (never rounded up) at the 4th decimal."""
    return math.floor(round(value * 10 ** DECIMALS, 6)) / 10 ** DECIMALS


def floors_from(results: dict[str, dict[str, Any]], gold: Path) -> dict[str, Any]:
    """Floors at the figures of ``results`` (cut at the 4th decimal)."""
    return {"command": "parley evaluate ../shared/gold --format json",
            "gold": {doc_id: {"sha256": gold_hashes(gold, doc_id),
                              "floors": {k: round_down(v) for k, v in figures(scores).items()
                                         if v is not None and k in FIGURES}}
                     for doc_id, scores in sorted(results.items())}}


def check(floors: dict[str, Any], results: dict[str, dict[str, Any]], gold: Path) -> list[str]:
    """One line per problem: a figure under its floor or missing, a gold file
    changed, added or gone. Empty when the gate passes."""
    problems = []
    recorded = floors["gold"]
    for doc_id in sorted(set(recorded) | set(results)):
        if doc_id not in results:
            problems.append(f"{doc_id}: has floors but was not evaluated")
            continue
        if doc_id not in recorded:
            problems.append(f"{doc_id}: evaluated but has no floors (run scripts/eval_gate.py --update)")
            continue
        now = gold_hashes(gold, doc_id)
        if now != recorded[doc_id]["sha256"]:
            changed = sorted(k for k in set(now) | set(recorded[doc_id]["sha256"])
                             if now.get(k) != recorded[doc_id]["sha256"].get(k))
            problems.append(f"{doc_id}: gold changed since the floors were set ({', '.join(changed)}); "
                            "reset them on purpose with scripts/eval_gate.py --update")
        got = figures(results[doc_id])
        unavailable = results[doc_id].get("unavailable")
        for name, floor in recorded[doc_id]["floors"].items():
            value = got.get(name)
            if value is None:
                why = f" (unavailable: {unavailable})" if unavailable else ""
                problems.append(f"{doc_id} {name}: missing, floor {floor}{why}")
            elif value < floor:
                problems.append(f"{doc_id} {name}: {value} is below its floor {floor}")
        for name, ceiling in recorded[doc_id].get("ceilings", {}).items():
            value = got.get(name)
            if value is None:
                problems.append(f"{doc_id} {name}: missing, ceiling {ceiling}")
            elif value > ceiling:
                problems.append(f"{doc_id} {name}: {value} is above its ceiling {ceiling}")
    return problems


def updated(old: dict[str, Any] | None, results: dict[str, dict[str, Any]], gold: Path,
            allow_lower: bool) -> tuple[dict[str, Any], list[str]]:
    """New floors from ``results``, and the lines saying which floor each
    lowers; raises ValueError when one would be lowered (or dropped) and
    ``allow_lower`` is not given."""
    new = floors_from(results, gold)
    lowered = []
    for doc_id, entry in (old or {}).get("gold", {}).items():
        fresh = new["gold"].get(doc_id, {}).get("floors", {})
        for name, floor in entry["floors"].items():
            if name not in fresh:
                lowered.append(f"{doc_id} {name}: {floor} -> dropped")
            elif fresh[name] < floor:
                lowered.append(f"{doc_id} {name}: {floor} -> {fresh[name]}")
    if lowered and not allow_lower:
        raise ValueError("refusing to lower floors (pass --allow-lower):\n" + "\n".join(lowered))
    for doc_id, entry in (old or {}).get("gold", {}).items():
        if entry.get("ceilings") and doc_id in new["gold"]:
            new["gold"][doc_id]["ceilings"] = dict(entry["ceilings"])
    return new, lowered


def read_floors(path: Path = FLOORS) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def write_floors(floors: dict[str, Any], path: Path = FLOORS) -> None:
    path.write_text(json.dumps(floors, indent=1, sort_keys=False) + "\n", encoding="utf-8")
