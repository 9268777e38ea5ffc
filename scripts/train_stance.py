#!/usr/bin/env python3
"""Train the target-aware stance head shipped as src/parley/analysers/stance/data/stance_head.npz.

    PYTHONPATH=src .venv/bin/python scripts/train_stance.py DATA [--cache DIR] [--out PATH] [--seed 0]

DATA is a folder holding NewsMTSC (Hamborg & Donnay, EACL 2021; the files
``NewsSentiment/experiments/default/datasets/newsmtsc-{rw,mt}/{train,dev,test}.jsonl``
of github.com/fhamborg/NewsMTSC, saved as ``rw_train.jsonl``, ``rw_dev.jsonl``,
``rw_test.jsonl``, ``mt_dev.jsonl``, ``mt_test.jsonl``; the two train files
are the same file). Nothing of it is stored in the repository.

Each (sentence, target mention) becomes the features of
``parley.analysers.stance.model`` (the mention masked, frozen MiniLM, the
``models`` extra), its
label NewsMTSC's polarity (2 negative, 4 neutral, 6 positive). A multinomial
logistic regression over standardised features (scikit-learn, the ``models``
/ ``lab`` extras) is fitted on train; the context window and the
regularisation C are chosen by macro-F1 on the dev splits (rw + mt) only; the
test splits are read once, for the figures and the calibration table printed
at the end. Token vectors are cached under ``--cache`` (default
/tmp/parley-stance-cache; never in the repository), so each sentence is
encoded once. Seeded and deterministic (lbfgs).
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
SPLITS = {"train": ("rw_train",), "dev": ("rw_dev", "mt_dev"), "test": ("rw_test", "mt_test")}
WINDOWS = (3, 6, 10)
CS = (0.001, 0.003, 0.01, 0.03)


def read_split(data: Path, names: tuple[str, ...]) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(sentence, [(start, end, label)]) per NewsMTSC line of the files ``names``."""
    out = []
    for name in names:
        with open(data / f"{name}.jsonl", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                targets = [(int(t["from"]), int(t["to"]), LABELS[float(t["polarity"])]) for t in row["targets"]]
                out.append((row["sentence_normalized"], targets))
    return out


def token_vectors(rows, cache: Path, name: str):
    """Per target, (float16 vectors, offsets) of its masked sentence, cached under ``cache``."""
    import numpy as np

    from parley.analysers.stance.model import FEATURES_VERSION, masked
    from parley.models.encoder import token_embeddings

    path = cache / f"{FEATURES_VERSION}-{name}.pkl"
    if path.is_file():
        with open(path, "rb") as f:
            return pickle.load(f)
    texts = masked([(text, [(a, b) for a, b, _ in targets]) for text, targets in rows])
    out = [(tv.vectors.astype(np.float16), tv.offsets, a, b)
           for (_, a, b), tv in zip(texts, token_embeddings([t for t, _, _ in texts]))]
    cache.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(out, f)
    return out


def design(rows, vectors, window: int):
    import numpy as np

    from parley.analysers.stance.model import mention_features

    labels = [label for _, targets in rows for _, _, label in targets]
    x = [mention_features(vec.astype(np.float32), off, a, b, window) for vec, off, a, b in vectors]
    return np.stack(x), np.asarray(labels)


def measures(y, pred) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, recall_score

    return {"acc": round(float(accuracy_score(y, pred)), 4),
            "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
            "neg_recall": round(float(recall_score(y, pred, labels=["negative"], average="macro")), 4),
            "n": int(len(y))}


def calibration(y, proba, classes, bins=(0.34, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)) -> list[tuple[str, int, float, float]]:
    """(bin, count, mean confidence, observed accuracy) of the top class."""
    import numpy as np

    conf = proba.max(1)
    pred = np.asarray(classes)[proba.argmax(1)]
    out = []
    for lo, hi in zip(bins, bins[1:]):
        sel = (conf >= lo) & (conf < hi)
        if sel.any():
            out.append((f"[{lo:.2f}, {min(hi, 1.0):.2f})", int(sel.sum()), round(float(conf[sel].mean()), 3),
                        round(float((pred[sel] == y[sel]).mean()), 3)))
    return out


def fit(x, y, c: float, seed: int):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(0)
    scale = x.std(0) + 1e-6
    model = LogisticRegression(C=c, max_iter=2000, random_state=seed)
    model.fit((x - mean) / scale, y)
    return model, mean.astype(np.float32), scale.astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    import numpy as np

    from parley.analysers.stance.model import CLASSES, FEATURES_VERSION, HEAD_PATH
    from parley.models.heads import Head, write_heads

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="folder with NewsMTSC's jsonl files")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/parley-stance-cache"))
    ap.add_argument("--out", type=Path, default=HEAD_PATH)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    np.random.seed(args.seed)
    rows = {split: read_split(args.data, names) for split, names in SPLITS.items()}
    vectors = {split: token_vectors(r, args.cache, split) for split, r in rows.items()}
    print("targets per split:", {s: sum(len(t) for _, t in r) for s, r in rows.items()}, file=sys.stderr)
    best = None
    for window in WINDOWS:
        xtr, ytr = design(rows["train"], vectors["train"], window)
        xdv, ydv = design(rows["dev"], vectors["dev"], window)
        for c in CS:
            model, mean, scale = fit(xtr, ytr, c, args.seed)
            m = measures(ydv, model.predict((xdv - mean) / scale))
            print(f"window {window} C {c}: dev {m}", file=sys.stderr)
            if best is None or m["macro_f1"] > best[0]["macro_f1"]:
                best = (m, window, c)
    dev, window, c = best
    xtr, ytr = design(rows["train"], vectors["train"], window)
    model, mean, scale = fit(xtr, ytr, c, args.seed)
    order = [list(model.classes_).index(k) for k in CLASSES]
    head = Head.linear(model.coef_[order].astype(np.float32), model.intercept_[order].astype(np.float32), mean, scale,
                       output="softmax", classes=CLASSES,
                       meta={"features_version": FEATURES_VERSION, "window": window, "C": c, "seed": args.seed,
                             "trained_on": "NewsMTSC train (Hamborg & Donnay 2021)", "dev": dev})
    xte, yte = design(rows["test"], vectors["test"], window)
    proba = head.probabilities(xte)
    pred = np.asarray(CLASSES)[proba.argmax(1)]
    test = measures(yte, pred)
    n_rw = sum(len(t) for _, t in read_split(args.data, ("rw_test",)))
    test["rw"], test["mt"] = measures(yte[:n_rw], pred[:n_rw]), measures(yte[n_rw:], pred[n_rw:])
    head = Head(head.layers, head.mean, head.scale, output=head.output, classes=head.classes,
                meta={**head.meta, "test": test})
    write_heads(args.out, {"stance": head}, {"features_version": FEATURES_VERSION})
    print(json.dumps({"chosen": {"window": window, "C": c}, "dev": dev, "test": test}, indent=1))
    print("calibration on test (bin, n, mean confidence, accuracy):")
    for row in calibration(yte, proba, CLASSES):
        print(" ", row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
