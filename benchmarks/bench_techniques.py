"""Persuasion-technique heads against the tasks' own measures, in one run.

    .venv/bin/python benchmarks/bench_techniques.py [--no-timing] [--semeval2020-only]

Prints one table:
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
under /tmp by scripts/techniques_data.py.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from techniques_data import PTC, SHARED, load, tables  # noqa: E402
from train_techniques import merge, overlap_f1, ranked_choices_right  # noqa: E402

from parley.models import adapters  # noqa: E402
from parley.analysers.techniques.analyser import find_spans, label_probabilities  # noqa: E402
from parley.document import Span  # noqa: E402
from parley.analysers.techniques.features import MODELS_DIR, segments  # noqa: E402

SEED = SHARED.parent / "corpus" / "lavrov-kommersant-2025-10-15.txt"


def classify_gold(articles, taxonomy: str, frozen) -> float:
    """Micro-F1 (= accuracy) of the label model on the gold spans."""
    right = total = 0
    for k, article in enumerate(articles):
        if not article.labels:
            continue
        spans = [s for _, s in article.labels]
        labels, probs = label_probabilities(taxonomy, article.text, segments(article.text), spans,
                                            lambda: frozen()[k])
        right += ranked_choices_right(article.labels, labels, probs)
        total += len(article.labels)
    return right / total if total else 0.0


def predict(articles, taxonomy: str, frozen, labelled: bool):
    out = []
    for k, article in enumerate(articles):
        segs = segments(article.text)
        found = find_spans(taxonomy, article.text, segs, lambda: frozen()[k])
        if not labelled or not found:
            out.append([("x", s) for s, _ in found])
            continue
        labels, probs = label_probabilities(taxonomy, article.text, segs, [s for s, _ in found], lambda: frozen()[k])
        out.append([(labels[int(r.argmax())], s) for (s, _), r in zip(found, probs)])
    return out


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


def main() -> None:
    rows = []
    dev = load("ptc-dev")
    dev_tabs = frozen_tables("ptc-dev", dev)
    gold_si = si_gold()
    pred = predict(dev, "semeval2020", dev_tabs, labelled=False)
    p, r, f = overlap_f1(pred, [[("x", s) for s in merge(gold_si.get(a.id, []))] for a in dev], labelled=False)
    kind = model_kind("semeval2020")
    rows.append(("PTC dev", "span identification F1 (partial overlap)", f"{f:.3f}", f"P {p:.3f} R {r:.3f}; {kind}",
                 "0.40 (best test 0.516)"))
    acc = classify_gold(dev, "semeval2020", dev_tabs)
    rows.append(("PTC dev", "technique classification micro-F1 (gold spans)", f"{acc:.3f}",
                 f"{sum(len(a.labels) for a in dev)} spans; {kind}", "0.55 (best test 0.62)"))

    if "--semeval2020-only" not in sys.argv:  # the CheckThat! 2024 rows (frozen tables take minutes on CPU)
        rows += semeval2023_rows()
    if "--no-timing" not in sys.argv:
        base, full = timing()
        rows.append(("seed transcript, CPU", "time with techniques / default without", f"{full / base:.2f}x",
                     f"{full:.1f}s vs {base:.1f}s", "reported"))

    widths = [max(len(str(r[i])) for r in rows + [("set", "measure", "value", "detail", "target")]) for i in range(5)]
    for row in [("set", "measure", "value", "detail", "target")] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))


def semeval2023_rows() -> list[tuple[str, ...]]:
    rows = []
    test = load("ct24-test")
    test_tabs = frozen_tables("ct24-test", test)
    kind = model_kind("semeval2023")
    pred = predict(test, "semeval2023", test_tabs, labelled=True)
    p, r, f = overlap_f1(pred, [a.labels for a in test], labelled=True)
    rows.append(("CheckThat! 2024 EN test", "spans + technique micro-F1 (partial overlap)", f"{f:.3f}",
                 f"P {p:.3f} R {r:.3f}; {kind}", "reported"))
    acc = classify_gold(test, "semeval2023", test_tabs)
    rows.append(("CheckThat! 2024 EN test", "technique micro-F1 (gold spans)", f"{acc:.3f}",
                 f"{sum(len(a.labels) for a in test)} spans; {kind}", "reported"))
    si = predict(test, "semeval2023", test_tabs, labelled=False)
    p, r, f = overlap_f1(si, [a.labels for a in test], labelled=False)
    rows.append(("CheckThat! 2024 EN test", "span identification F1 (partial overlap)", f"{f:.3f}",
                 f"P {p:.3f} R {r:.3f}; {kind}", "reported"))
    return rows


if __name__ == "__main__":
    main()
