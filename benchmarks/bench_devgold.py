"""Turns, attributions and entities on a development gold set, per file, per split and per source family.

    .venv/bin/python benchmarks/bench_devgold.py [DEVGOLD] [--corpus DIR] [--layers A,B] [--out out/bench]

DEVGOLD is a folder of gold files in the format of ``../shared/gold/GUIDELINES.md``
(default ``$PARLEY_DEVGOLD``, else ``../devgold`` next to the checkout). Its
sub-folders are splits (``tuning/``, ``heldout/``: files the rules were tuned
on and files they were not); gold files directly in it form the split
``devgold``. Transcripts come from ``--corpus`` (default ``../shared/corpus``).
Development gold is hand-made from corpus text that may not be redistributed,
so it lives outside the repository; without the folder the benchmark says so
and exits 0.

Rows (through ``harness.py``): ``parley`` (the analysers of ``--layers``,
default structure, entities, attributions) and the floor ``nothing``. Data
sets: every file, then the micro-average of each split, of each source family
and of all files. The family is the country of the document's principal (the
non-interviewer speaker of the most gold turn text) in
``parley/nlp/data/speaker_countries.json``: Russian officials, US officials,
others (for a stance-only gold file, the holder of most of its pairs).
Columns: turn F1 and speaker accuracy, attribution F1 and F1 with the
source right, typed entity mention F1, claims F1, timex F1, stance polarity
accuracy and the recall of the negative stance pairs; a layer the gold
leaves out, or the run does not analyse, is blank. ``--layers all`` runs
the default pipeline (every layer), e.g. on ``../shared/gold`` for the
per-family figures of every layer. The scoring is ``parley.scoring.gold``
(the definitions of ``../shared/gold/score.py``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import harness

from parley.ingest import read_document
from parley.pipeline import analyze, build_pipeline
from parley.scoring import gold as scoring
from parley.scoring.evaluate import GoldCase, find_cases

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = {"russia": "Russian officials", "united-states": "US officials"}
MEASURES = [harness.Measure("turns_f1", "turnsF1"), harness.Measure("speaker_acc", "spkAcc"),
            harness.Measure("att_f1", "attF1"), harness.Measure("att_src_f1", "att+srcF1"),
            harness.Measure("ent_typed_f1", "entTypedF1"), harness.Measure("claims_f1", "claimsF1"),
            harness.Measure("timex_f1", "timexF1"), harness.Measure("stance_acc", "stanceAcc"),
            harness.Measure("stance_neg_recall", "stanceNegR"), harness.Measure("files", "files", "d")]


def default_devgold() -> Path:
    return Path(os.environ.get("PARLEY_DEVGOLD") or ROOT.parent / "devgold")


def splits(folder: Path, corpus: Path) -> dict[str, list[GoldCase]]:
    """{split: cases}: one split per sub-folder holding gold files, plus the folder itself."""
    out: dict[str, list[GoldCase]] = {}
    for sub in [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]:
        if any(p.suffix == ".json" and not p.name.endswith(".stance.json") for p in sub.glob("*.json")):
            out["devgold" if sub == folder else sub.name] = find_cases(sub, corpus)
    return out


def family(case: GoldCase) -> str:
    """The source family of a document, from the country of its principal speaker."""
    size: Counter[str] = Counter()
    for t in case.gold.get("turns", []):
        if t.get("speaker") != "interviewer":
            size[t["speaker"]] += t["span"][1] - t["span"][0]
    countries = json.loads(resources.files("parley.nlp").joinpath("data", "speaker_countries.json")
                           .read_text(encoding="utf-8"))["speakers"]
    if not size:  # a stance-only gold file: its holders are the principals
        size.update(str(st.get("holder")) for st in case.gold.get("stance", []))
    principal = size.most_common(1)[0][0] if size else None
    return FAMILIES.get(countries.get(principal or "", ""), "others")


def _hits(r: dict[str, Any]) -> tuple[int, int, int, int]:
    """(hit_pred, n_pred, hit_gold, n_gold) back from a P/R/F1 record."""
    return round(r["p"] * r["pred"]), r["pred"], round(r["r"] * r["gold"]), r["gold"]


def _micro(records: list[dict[str, Any]]) -> float | None:
    if not records:
        return None
    sums = [sum(x) for x in zip(*(_hits(r) for r in records))]
    return scoring.prf(*sums)["f1"]


def score(dataset: harness.Dataset, predictions: list[Any]) -> dict[str, Any]:
    """Micro-averaged measures over the data set's files."""
    rs = [scoring.score(case.gold, pred or {}) for case, pred in zip(dataset.items, predictions)]
    turns = [r["turns"] for r in rs if "turns" in r]
    atts = [r["attributions"] for r in rs if "attributions" in r]
    ents = [r["entities"]["typed"] for r in rs if "entities" in r]
    stances = [r["stance"] for r in rs if "stance" in r]
    negative = [hit for case, pred in zip(dataset.items, predictions) if "stance" in case.gold
                for st, hit in zip(case.gold["stance"], scoring.stance_hits(
                    case.gold["stance"], (pred or {}).get("stance", []), case.gold.get("entities", []),
                    (pred or {}).get("entities", []))) if st["polarity"] == "negative"]
    gold_turns = sum(t["gold"] for t in turns)
    gold_stances, gold_negative = sum(st["gold"] for st in stances), len(negative)
    return {
        "turns_f1": _micro(turns),
        "speaker_acc": round(sum(t["speaker_acc"] * t["gold"] for t in turns) / gold_turns, 4) if gold_turns else None,
        "att_f1": _micro(atts),
        "att_src_f1": _micro([a["with_source"] for a in atts]),
        "ent_typed_f1": _micro(ents),
        "claims_f1": _micro([r["claims"] for r in rs if "claims" in r]),
        "timex_f1": _micro([r["timex"] for r in rs if "timex" in r]),
        "stance_acc": round(sum(st["right"] for st in stances) / gold_stances, 4) if gold_stances else None,
        "stance_neg_recall": round(sum(negative) / gold_negative, 4) if gold_negative else None,
        "files": len(dataset.items),
    }


def benchmark(folder: Path, corpus: Path, layers: list[str]) -> harness.Benchmark:
    by_split = splits(folder, corpus)
    cache: dict[str, dict[str, Any]] = {}
    pipeline = build_pipeline(only=None if layers == ["all"] else layers)

    def parley(case: GoldCase) -> dict[str, Any]:
        key = str(case.gold_path)
        if key not in cache:
            analysis = analyze(read_document(str(case.text_path)), pipeline)
            cache[key] = analysis.to_json(include_text=False)
        return cache[key]

    datasets = []
    every = [c for cases in by_split.values() for c in cases]
    for name, cases in by_split.items():
        datasets += [harness.Dataset(f"{name}/{c.gold['doc_id']}", [c], files=[c.gold_path]) for c in cases]
    for name, cases in by_split.items():
        datasets.append(harness.Dataset(f"all {name} ({len(cases)} files)", cases))
    by_family: dict[str, list[GoldCase]] = {}
    for c in every:
        by_family.setdefault(family(c), []).append(c)
    for name, cases in sorted(by_family.items()):
        datasets.append(harness.Dataset(f"family: {name} ({len(cases)} files)", cases))
    datasets.append(harness.Dataset(f"all ({len(every)} files)", every))
    systems = [harness.System("parley", parley, note=",".join(layers)), harness.nothing(lambda case: {})]
    return harness.Benchmark("bench_devgold", systems, datasets, MEASURES, score, miss=lambda case: {})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("devgold", nargs="?", type=Path, default=None)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--layers", default="structure,entities,attributions",
                    help="analysers to run, comma-separated, or 'all' (the default pipeline, every layer)")
    harness.add_arguments(ap)
    args = ap.parse_args(argv)
    folder = args.devgold or default_devgold()
    if not folder.is_dir():
        print(f"bench_devgold: no development gold at {folder} (give a folder or set PARLEY_DEVGOLD); skipped")
        return 0
    bench = benchmark(folder, args.corpus, args.layers.split(","))
    harness.finish(bench, harness.run(bench, argv), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
