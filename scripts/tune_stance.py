#!/usr/bin/env python3
"""Stance polarity accuracy and negative recall on gold folders, for a grid of model weights.

    PYTHONPATH=src .venv/bin/python scripts/tune_stance.py GOLD_DIR [GOLD_DIR ...] [--corpus DIR]
        [--weights 0,0.5,1,2] [--head PATH] [--calibration]

Each transcript is analysed end to end (Parley's own structure and entities,
as ``parley evaluate`` does), the lexicon's and the model's contribution per
(sentence, target mention) computed once, then aggregated for each model
weight (0: the lexicon alone; ``inf``: the model alone) and scored with
``parley.scoring.gold`` (accuracy over the gold (holder, target) records;
negative recall: the share of gold negative records predicted negative).
With ``--calibration``, the document-level records' confidence at the
default weight is binned against their observed accuracy.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def prepare(case, parser, head):
    from parley.analysers.stance.analyser import model_scores, target_contributions
    from parley.ingest import read_document
    from parley.pipeline import analyze, build_pipeline

    pipeline = build_pipeline(only=["structure", "entities"])
    analysis = analyze(read_document(str(case.text_path)), pipeline, parser=parser)
    contributions = target_contributions(analysis, parser.parse(analysis.text))
    scores = model_scores(analysis, contributions, head)
    return analysis, contributions, scores


def score_case(case, analysis, records):
    from parley.scoring import gold as scoring

    pred = analysis.to_json(include_text=False)
    pred["stance"] = _json(records)
    all_ = scoring.score(case.gold, pred)["stance"]
    neg = [g for g in case.gold["stance"] if g["polarity"] == "negative"]
    negr = scoring.score(dict(case.gold, stance=neg), pred)["stance"] if neg else {"right": 0, "gold": 0}
    return all_, negr


def _json(records):
    from parley.document.gold import record_to_json

    return [record_to_json(r) for r in records]


def main(argv: list[str] | None = None) -> int:
    from parley.analysers.stance.analyser import aggregate, combine
    from parley.analysers.stance.model import HEAD_PATH, load_head
    from parley.pipeline.parse import Parser
    from parley.scoring.evaluate import find_cases

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="+", type=Path)
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--weights", default="0,0.25,0.5,1,2,4,inf")
    ap.add_argument("--floors", default="0")
    ap.add_argument("--head", default=str(HEAD_PATH))
    ap.add_argument("--calibration", action="store_true")
    args = ap.parse_args(argv)
    head = load_head(args.head)
    parser = Parser.shared()
    cases = [c for g in args.gold for c in find_cases(g, args.corpus) if "stance" in c.gold]
    prepared = [(c, *prepare(c, parser, head)) for c in cases]
    weights = [float(w) for w in args.weights.split(",")]
    grid = [(w, f) for f in (float(x) for x in args.floors.split(",")) for w in weights]
    for w, floor in grid:
        tot = [0, 0, 0, 0]
        parts = []
        for case, analysis, contributions, scores in prepared:
            if w == float("inf"):
                combined = [(c[0], c[1], c[2], m, c[4]) for c, m in zip(
                    contributions, (max(0.0, abs(m) - floor) * (1 if m > 0 else -1) for m in scores))]
            else:
                combined = combine(contributions, scores, w, floor)
            a, n = score_case(case, analysis, aggregate(combined))
            tot[0] += a["right"]; tot[1] += a["gold"]; tot[2] += n["right"]; tot[3] += n["gold"]
            parts.append(f"{case.gold['doc_id'][:22]} {a['right']}/{a['gold']} neg {n['right']}/{n['gold']}")
        print(f"weight {w} floor {floor}: all {tot[0]}/{tot[1]} = {tot[0] / max(tot[1], 1):.3f}; "
              f"neg recall {tot[2]}/{tot[3]} = {tot[2] / max(tot[3], 1):.3f} | " + " | ".join(parts))
    if args.calibration:
        calibrate(prepared, weights[0], float(args.floors.split(",")[0]))
    return 0


def calibration_rows(prepared, weight, floor=0.0):
    """Per gold record with a polar document-level prediction: (file, purity,
    strength, right), the prediction matched to the gold target by mentions
    as ``parley.scoring.gold`` matches it."""
    from parley.analysers.stance.analyser import combine, confidence_features

    rows = []
    for case, analysis, contributions, scores in prepared:
        gold = case.gold
        gold_ids = {tuple(m): e["id"] for e in gold.get("entities", []) for m in e.get("mentions", [])}
        to_gold = {}
        for e in analysis.to_json(include_text=False).get("entities", []):
            votes = {}
            for m in e.get("mentions", []):
                g = gold_ids.get(tuple(m))
                if g is not None:
                    votes[g] = votes.get(g, 0) + 1
            if votes:
                to_gold[e["id"]] = max(votes, key=votes.get)
        sums = {}
        for turn, holder, target, score, _ in combine(contributions, scores, weight, floor):
            key = (str(to_gold.get(holder, holder)).lower(), to_gold.get(target, target))
            net, total = sums.get(key, (0.0, 0.0))
            sums[key] = (net + score, total + abs(score))
        one_holder = len({g["holder"] for g in gold["stance"]}) == 1
        by_target = {}
        for (h, t), v in sums.items():
            by_target.setdefault(t, v)
        for g in gold["stance"]:
            got = sums.get((g["holder"].lower(), g["target"])) or (by_target.get(g["target"]) if one_holder else None)
            if got is None:
                continue
            record = aggregate_one(*got)
            if record == "neutral":
                continue
            rows.append((gold["doc_id"], *confidence_features(*got), record == g["polarity"]))
    return rows


def aggregate_one(net, total):
    """The polarity ``parley.analysers.stance.analyser.aggregate`` gives a net and total."""
    from parley.analysers.stance.analyser import BALANCE, MARGIN

    if abs(net) > MARGIN and abs(net) > BALANCE * total:
        return "positive" if net > 0 else "negative"
    return "neutral"


def calibrate(prepared, weight, floor=0.0, bins=(0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)):
    """Leave one file out: fit the confidence logistic on the other files,
    predict this file's; print the binned table and the fit on all files."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows = calibration_rows(prepared, weight, floor)
    files = sorted({r[0] for r in rows})
    x = np.array([[r[1], r[2]] for r in rows])
    y = np.array([r[3] for r in rows])
    f = np.array([r[0] for r in rows])
    oof = np.zeros(len(rows))
    for name in files:
        train = f != name
        if len(set(y[train])) < 2:
            oof[~train] = y[train].mean()
            continue
        m = LogisticRegression(C=1.0).fit(x[train], y[train])
        oof[~train] = m.predict_proba(x[~train])[:, 1]
    m = LogisticRegression(C=1.0).fit(x, y)
    print(f"calibration at weight {weight} floor {floor}: {len(rows)} polar records, accuracy {y.mean():.3f}")
    print(f"  fit on all files: CONFIDENCE = ({m.intercept_[0]:.3f}, {m.coef_[0][0]:.3f}, {m.coef_[0][1]:.3f})")
    print("  leave-one-file-out (bin, n, mean confidence, accuracy):")
    for lo, hi in zip(bins, bins[1:]):
        sel = (oof >= lo) & (oof < hi)
        if sel.any():
            print(f"  [{lo:.1f}, {min(hi, 1.0):.1f}) {int(sel.sum())} {oof[sel].mean():.3f} {y[sel].mean():.3f}")
    return rows


if __name__ == "__main__":
    sys.exit(main())
