#!/usr/bin/env python3
"""Train the check-worthiness model shipped as src/parley/data/claims_model.json.

    .venv/bin/python scripts/train_claims.py [--datasets ../shared/datasets] [--out PATH]

Needs the extra ``bench-claims`` (scikit-learn; scripts/setup.sh bench-claims).
Data: the CheckThat! 2020 task 5 and 2019 task 1 training debates, without
repeats and without any debate that repeats a 2019 or 2020 test debate (see
``parley.checkthat.training_debates``). The test sets are never read here,
except to drop those repeats.

Features are ``parley.claimfeatures.sentence_features`` (word unigrams and
bigrams, number shapes, length). The regularisation strength is chosen by
mean average precision over three folds of training debates; the yes/no
threshold is the one with the best positive-class F1 on those folds' held-out
scores. Features seen in fewer than ``--min-count`` training sentences and
weights that round to zero are dropped, to keep the file small.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parley import checkthat  # noqa: E402
from parley.claimfeatures import LinearModel, sentence_features  # noqa: E402

SEED = 13


def _vectorise(debates, min_count):
    from sklearn.feature_extraction import DictVectorizer

    feats = []
    for d in debates:
        roles = checkthat.speaker_roles(d)
        feats += [sentence_features(line.text, roles[line.speaker]) for line in d.lines]
    counts = Counter(k for f in feats for k in f)
    keep = {k for k, c in counts.items() if c >= min_count}
    feats = [{k: v for k, v in f.items() if k in keep} for f in feats]
    vec = DictVectorizer()
    return vec, vec.fit_transform(feats)


def _fit(x, y, c):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=SEED)
    return model.fit(x, y)


def _best_threshold(scores, labels):
    best, best_f1 = 0.5, -1.0
    for t in sorted(set(round(s, 3) for s in scores)):
        f1 = checkthat.positive_f1([s >= t for s in scores], labels)["f1"]
        if f1 > best_f1:
            best, best_f1 = t, f1
    return best, best_f1


def train(datasets: Path, min_count: int = 2, folds: int = 3) -> tuple[LinearModel, dict]:
    import numpy as np

    held_out = checkthat.test_debates(datasets, 2019) + checkthat.test_debates(datasets, 2020)
    debates = checkthat.training_debates(datasets, exclude=held_out)
    y = np.array([line.label for d in debates for line in d.lines])
    owner = np.array([i % folds for i, d in enumerate(debates) for _ in d.lines])
    vec, x = _vectorise(debates, min_count)
    sizes = [len(d.lines) for d in debates]
    starts = np.cumsum([0] + sizes)
    report: dict = {"debates": len(debates), "sentences": int(len(y)), "positives": int(y.sum()), "cv": {}}
    best_c, best_map, best_scores = None, -1.0, None
    for c in (0.003, 0.01, 0.03, 0.1):
        scores = np.zeros(len(y))
        for k in range(folds):
            fit = _fit(x[owner != k], y[owner != k], c)
            scores[owner == k] = fit.predict_proba(x[owner == k])[:, 1]
        per = [(scores[a:b], y[a:b]) for a, b in zip(starts[:-1], starts[1:])]
        mean_ap = checkthat.ranking_measures(per)["map"]
        report["cv"][str(c)] = round(mean_ap, 4)
        print(f"C={c}: cross-validated MAP {mean_ap:.4f}", file=sys.stderr)
        if mean_ap > best_map:
            best_c, best_map, best_scores = c, mean_ap, scores
    threshold, f1 = _best_threshold(list(best_scores), list(y))
    fit = _fit(x, y, best_c)
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 4) for n, w in zip(names, fit.coef_[0]) if abs(w) >= 5e-4}
    report.update({"C": best_c, "cv_map": round(best_map, 4), "cv_threshold_f1": round(f1, 4)})
    meta = {
        "name": "parley-checkworthiness",
        "trained_on": "CLEF CheckThat! 2020 task 5 + 2019 task 1 training debates (test repeats removed)",
        "features": "parley.claimfeatures.sentence_features",
        "min_count": min_count,
        **report,
    }
    return LinearModel(round(float(fit.intercept_[0]), 4), weights, float(threshold), meta), report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "parley" / "data" / "claims_model.json")
    ap.add_argument("--min-count", type=int, default=2)
    args = ap.parse_args(argv)
    model, report = train(args.datasets, args.min_count)
    args.out.write_text(json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))
    print(f"wrote {args.out} ({len(model.weights)} weights, threshold {model.threshold:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
