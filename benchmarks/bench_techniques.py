"""Persuasion-technique heads against the tasks' own measures, in one run.

    .venv/bin/python benchmarks/bench_techniques.py [--no-timing]

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
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from techniques_data import PTC, SHARED, load, tables  # noqa: E402
from train_techniques import merge, overlap_f1  # noqa: E402

from parley.document import Span  # noqa: E402
from parley.techniquefeatures import Head, decode_head, head_span_features  # noqa: E402

SEED = SHARED.parent / "corpus" / "lavrov-kommersant-2025-10-15.txt"


def classify_gold(articles, tabs, head: Head) -> float:
    """Micro-F1 (= accuracy) of the label head on the gold spans."""
    right = total = 0
    for article, table in zip(articles, tabs):
        if not article.labels:
            continue
        spans = [s for _, s in article.labels]
        probs = head.probabilities(head_span_features(head, table, article.text, spans, np))
        used: Counter = Counter()
        for (gold, span), row in zip(article.labels, probs):
            rank = used[span]  # the k-th copy of one span gets the k-th choice
            used[span] += 1
            order = np.argsort(-row)
            guess = head.labels[int(order[min(rank, len(order) - 1)])]
            right += guess == gold
            total += 1
    return right / total if total else 0.0


def predict(articles, tabs, spans_head: Head, labels_head: Head | None):
    out = []
    for article, table in zip(articles, tabs):
        found = decode_head(table, spans_head, np)
        if labels_head is None or not found:
            out.append([("x", s) for s, _ in found])
            continue
        probs = labels_head.probabilities(head_span_features(labels_head, table, article.text, [s for s, _ in found], np))
        out.append([(labels_head.labels[int(r.argmax())], s) for (s, _), r in zip(found, probs)])
    return out


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
    dev_tabs = tables("ptc-dev", dev)
    s20, l20 = Head.load("semeval2020-spans"), Head.load("semeval2020-labels")
    gold_si = si_gold()
    pred = predict(dev, dev_tabs, s20, None)
    p, r, f = overlap_f1(pred, [[("x", s) for s in merge(gold_si.get(a.id, []))] for a in dev], labelled=False)
    rows.append(("PTC dev", "span identification F1 (partial overlap)", f"{f:.3f}", f"P {p:.3f} R {r:.3f}", "0.40 (best test 0.516)"))
    acc = classify_gold(dev, dev_tabs, l20)
    rows.append(("PTC dev", "technique classification micro-F1 (gold spans)", f"{acc:.3f}",
                 f"{sum(len(a.labels) for a in dev)} spans", "0.55 (best test 0.62)"))

    test = load("ct24-test")
    test_tabs = tables("ct24-test", test)
    s23, l23 = Head.load("semeval2023-spans"), Head.load("semeval2023-labels")
    pred = predict(test, test_tabs, s23, l23)
    p, r, f = overlap_f1(pred, [a.labels for a in test], labelled=True)
    rows.append(("CheckThat! 2024 EN test", "spans + technique micro-F1 (partial overlap)", f"{f:.3f}", f"P {p:.3f} R {r:.3f}", "reported"))
    acc = classify_gold(test, test_tabs, l23)
    rows.append(("CheckThat! 2024 EN test", "technique micro-F1 (gold spans)", f"{acc:.3f}",
                 f"{sum(len(a.labels) for a in test)} spans, {len(l23.labels)}/23 labels trained", "reported"))
    si = predict(test, test_tabs, s23, None)
    p, r, f = overlap_f1(si, [a.labels for a in test], labelled=False)
    rows.append(("CheckThat! 2024 EN test", "span identification F1 (partial overlap)", f"{f:.3f}", f"P {p:.3f} R {r:.3f}", "reported"))

    if "--no-timing" not in sys.argv:
        base, full = timing()
        rows.append(("seed transcript, CPU", "time with techniques / default without", f"{full / base:.2f}x",
                     f"{full:.1f}s vs {base:.1f}s", "reported"))

    widths = [max(len(str(r[i])) for r in rows + [("set", "measure", "value", "detail", "target")]) for i in range(5)]
    for row in [("set", "measure", "value", "detail", "target")] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))


if __name__ == "__main__":
    main()
