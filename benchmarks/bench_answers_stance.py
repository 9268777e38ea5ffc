"""Answers and stance against their gold, and what the models cost, in one run.

    .venv/bin/python benchmarks/bench_answers_stance.py [--shared ../shared] [--no-timing]

Prints one table:
- QEvasion test (308 pairs): clarity macro-F1 (3 classes) and evasion
  macro-F1 (9 labels; a prediction that matches any of the three annotators
  counts as that label, as in SemEval-2026 Task 6), for a majority-class
  baseline (the most frequent train label), for the answers heads alone
  (MiniLM embedding heads mixed with answer n-gram heads) and, when the
  fine-tuned answers adapter is installed, for the heads mixed with it (as
  the analyser runs);
- stance polarity accuracy over the gold (holder, target) records of the
  three gold transcripts, scored by ../shared/gold/score.py: with the gold
  turns and entities as input (the analyser alone) and end to end (Parley's
  own structure and entities analysers), next to constant floors;
- the time to analyse the seed transcript with the model analysers (those
  with a ``check``, i.e. the models extra) on CPU, as a ratio to the default
  pipeline without them, for all model analysers that can run and for
  answers alone; the pipelines are warmed up once, then timed interleaved,
  best of 3 (the machine is shared, so the ratio is noisy).

Needs the models extra and the export extra (pyarrow) for the QEvasion rows;
embeddings are cached under /tmp (scripts/train_answers.py fills the cache).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parley.models import adapters  # noqa: E402
from parley.analysers.answers.analyser import ADAPTER, CLARITY, DATA, EVASION, load_heads, predict  # noqa: E402
from parley.analysers.stance.analyser import analyse_stance  # noqa: E402
from parley.document import Analysis  # noqa: E402
from parley.ingest import read_document  # noqa: E402
from parley.pipeline.parse import Parser  # noqa: E402
from parley.pipeline import Config, analyze, build_pipeline  # noqa: E402
from parley_lab.qevasion import cached_embedder, evasion_gold, load_split, macro_f1, pairs_of  # noqa: E402

REPEATS = 3
GOLD_STANCE = ("lavrov-kommersant-2025-10-15", "putin_2019-10_al-arabiya-interview",
               "wh_2022-12-21_biden-zelenskyy-joint-press-conference")


def qevasion_rows(shared: Path) -> list[tuple[str, str, str]]:
    train, test = load_split(shared, "train"), load_split(shared, "test")
    gold_clarity = [r["clarity_label"] for r in test]
    rows = []
    major_c = Counter(r["clarity_label"] for r in train).most_common(1)[0][0]
    major_e = Counter(r["evasion_label"] for r in train).most_common(1)[0][0]
    rows.append((f"QEvasion test, majority class ({major_c} / {major_e})",
                 f"{macro_f1(gold_clarity, [major_c] * len(test), CLARITY):.3f}",
                 f"{macro_f1([evasion_gold(r, major_e) for r in test], [major_e] * len(test), EVASION):.3f}"))
    runs = [("heads over frozen MiniLM + n-grams", False)]
    if adapters.installed(ADAPTER, DATA):
        weights = adapters.load(ADAPTER, DATA).meta.get("adapter_weight", {})
        runs.append((f"heads mixed with the fine-tuned adapter (adapter weight {weights})", True))
    for name, adapter in runs:
        labels = predict(pairs_of(test), cached_embedder(), load_heads(), adapter=adapter)
        clarity = [c for c, _, _, _ in labels]
        evasion = [e for _, _, e, _ in labels]
        rows.append((f"QEvasion test, {name}",
                     f"{macro_f1(gold_clarity, clarity, CLARITY):.3f}",
                     f"{macro_f1([evasion_gold(r, p) for r, p in zip(test, evasion)], evasion, EVASION):.3f}"))
    return rows


def load_scorer(shared: Path):
    spec = importlib.util.spec_from_file_location("gold_score", shared / "gold" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stance_rows(shared: Path, skip: list[str]) -> list[tuple[str, ...]]:
    scorer = load_scorer(shared)
    parser = Parser.shared()
    pipeline = build_pipeline(skip=skip)
    results: dict[str, list[str]] = {k: [] for k in ("gold input", "end to end", "all positive", "all negative")}
    totals: dict[str, list[int]] = {k: [0, 0] for k in results}
    for name in GOLD_STANCE:
        gold = json.loads((shared / "gold" / f"{name}.json").read_text(encoding="utf-8"))
        gold_stance = json.loads((shared / "gold" / f"{name}.stance.json").read_text(encoding="utf-8"))["stance"]
        text = (shared / "corpus" / f"{name}.txt").read_text(encoding="utf-8")
        oracle = Analysis.from_json({k: v for k, v in gold.items() if k in ("doc_id", "metadata", "turns", "entities")},
                                    text=text)
        records = analyse_stance(oracle, parser.parse(text), Config())["stance"]
        oracle.set_layer("stance", records)
        predictions = {"gold input": oracle.to_json(include_text=False)}
        document = read_document(str(shared / "corpus" / f"{name}.txt"))
        predictions["end to end"] = analyze(document, pipeline, parser=parser).to_json(include_text=False)
        for polarity in ("positive", "negative"):
            predictions[f"all {polarity}"] = {"entities": gold["entities"], "stance": [
                dict(g, polarity=polarity) for g in gold_stance]}
        for key, pred in predictions.items():
            r = scorer.score_stance(gold_stance, pred.get("stance", []), gold["entities"], pred.get("entities", []))
            results[key].append(f"{r['right']}/{r['gold']} = {r['acc']:.3f}")
            totals[key][0] += r["right"]
            totals[key][1] += r["gold"]
    rows = []
    for key, cells in results.items():
        right, total = totals[key]
        rows.append((f"stance accuracy, {key}", *cells, f"{right}/{total} = {right / total:.3f}"))
    return rows


def timing_rows(shared: Path, model_analysers: list[str]) -> list[tuple[str, str]]:
    """Seed analysis time with the model analysers that can run (all of them,
    then answers alone) as a ratio to the default pipeline without them."""
    document = read_document(str(shared / "corpus" / "lavrov-kommersant-2025-10-15.txt"))
    parser = Parser.shared()
    without = build_pipeline(skip=model_analysers)
    analyze(document, without, parser=parser)
    warm = analyze(document, build_pipeline(), parser=parser)  # loads the encoder and heads once
    ran = [name for name in model_analysers if name not in warm.unavailable]
    if "answers" not in ran:
        return [("seed analysis time, with models / default", f"n/a: unavailable {sorted(warm.unavailable)}")]
    variants = {"without": without,
                ", ".join(ran): build_pipeline(skip=[n for n in model_analysers if n not in ran]),
                "answers": build_pipeline(skip=[n for n in model_analysers if n != "answers"])}
    times: dict[str, list[float]] = {key: [] for key in variants}
    for _ in range(REPEATS):
        for key, pipeline in variants.items():
            t0 = time.perf_counter()
            analyze(document, pipeline, parser=parser)
            times[key].append(time.perf_counter() - t0)
    base = min(times["without"])
    note = f"; unavailable: {', '.join(sorted(warm.unavailable))}" if warm.unavailable else ""
    return [(f"seed analysis time with {key} / default without models (CPU, best of {REPEATS})",
             f"{min(t) / base:.2f}x ({min(t):.2f}s / {base:.2f}s{note})")
            for key, t in times.items() if key != "without"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--only-timing", action="store_true", help="skip the QEvasion and stance rows")
    ap.add_argument("--only-stance", action="store_true", help="print the stance rows alone")
    ap.add_argument("--only-qevasion", action="store_true", help="print the QEvasion rows alone")
    args = ap.parse_args(argv)
    registry = build_pipeline()
    model_analysers = [a.name for a in registry if a.check is not None]

    if args.only_timing:
        for row in timing_rows(args.shared, model_analysers):
            print("| " + " | ".join(row) + " |")
        return 0
    if args.only_stance:
        print("| stance | " + " | ".join(n.split("_")[0].split("-")[0] for n in GOLD_STANCE) + " | all |")
        print("|---|---|---|---|---|")
        for row in stance_rows(args.shared, model_analysers):
            print("| " + " | ".join(row) + " |")
        return 0
    print("| measure | clarity macro-F1 | evasion macro-F1 |")
    print("|---|---|---|")
    for row in qevasion_rows(args.shared):
        print("| " + " | ".join(row) + " |")
    if args.only_qevasion:
        return 0
    print()
    print("| stance | " + " | ".join(n.split("_")[0].split("-")[0] for n in GOLD_STANCE) + " | all |")
    print("|---|---|---|---|---|")
    for row in stance_rows(args.shared, model_analysers):
        print("| " + " | ".join(row) + " |")
    if not args.no_timing:
        print()
        print("| cost | value |")
        print("|---|---|")
        for row in timing_rows(args.shared, model_analysers):
            print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
