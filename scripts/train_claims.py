#!/usr/bin/env python3
"""Train the check-worthiness model shipped as src/parley/analysers/claims/data/claims_model.json.

    .venv/bin/python scripts/train_claims.py [--datasets ../shared/datasets] [--out PATH]
    .venv/bin/python scripts/train_claims.py --decider [--gold ../shared/gold] [--hold-out NAME]
    .venv/bin/python scripts/train_claims.py --head [--cache /tmp/parley-claims-cache]

Needs the extra ``bench-claims`` (scikit-learn; scripts/setup.sh bench-claims).
Data: the CheckThat! 2020 task 5 and 2019 task 1 training debates, without
repeats and without any debate that repeats a 2019 or 2020 test debate (see
``parley_lab.checkthat.training_debates``). The test sets are never read here,
except to drop those repeats.

Features are ``parley.analysers.claims.features.sentence_features`` (word unigrams and
bigrams, number shapes, length, speaker role) as binary values; ``--tfidf``
tries their TF-IDF form instead (sublinear term weights, idf, unit length,
the idf table shipped with the weights). The regularisation strength is chosen by
mean average precision over three folds of training debates; the yes/no
threshold is the one with the best positive-class F1 on those folds' held-out
scores. Features seen in fewer than ``--min-count`` training sentences and
weights smaller than ``--prune`` (0.01) are dropped, to keep the file small.

``--decider`` trains the second model, data/claims_decider.json, which says
whether a sentence is a claim in the sense of GUIDELINES.md. It reads the
annotated transcripts in ../shared/gold except the held-out seed, segments
them with the structure analyser, parses them with spaCy, labels each
sentence by the gold claims (character IoU >= 0.5, as score.py matches) and
fits a logistic regression over ``analysers.claims.decider_features``. The
yes/no threshold maximises the F1 of leave-one-transcript-out predictions.
It needs the check-worthiness model first.

``--head`` trains the encoder head, data/claims_head.npz
(``parley.analysers.claims.head``): a logistic regression over MiniLM sentence embeddings
(extra ``models``), optionally the previous/next sentence's embeddings, the
lexical model's logit and the speaker role. The lexical logits it learns from
are out-of-fold (three folds of training debates, the lexical model's C), so
the head does not learn to trust an overfitted score. The feature layout and C
are chosen by MAP over the same three folds; the yes/no threshold is the best
positive-class F1 of the chosen configuration's held-out scores. Embeddings
are cached under ``--cache`` (default /tmp/parley-claims-cache; never in the
repository), so each sentence is embedded once.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parley.analysers.claims.features import LinearModel
from parley.scoring.classes import positive_f1
from parley.scoring.ranking import ranking_measures
from parley_lab import checkthat
from parley_lab.lexical import SEED, fit_logistic, lexical_oof_logits, vectorise

ROOT = Path(__file__).resolve().parents[1]


def _tfidf(x):
    from sklearn.feature_extraction.text import TfidfTransformer

    tfidf = TfidfTransformer(sublinear_tf=True)
    return tfidf, tfidf.fit_transform(x)


def _best_threshold(scores, labels):
    best, best_f1 = 0.5, -1.0
    for t in sorted(set(round(s, 3) for s in scores)):
        f1 = positive_f1([s >= t for s in scores], labels)["f1"]
        if f1 > best_f1:
            best, best_f1 = t, f1
    return best, best_f1


def train(datasets: Path, min_count: int = 2, folds: int = 3, prune: float = 0.01,
          use_tfidf: bool = False) -> tuple[LinearModel, dict]:
    import numpy as np

    held_out = checkthat.test_debates(datasets, 2019) + checkthat.test_debates(datasets, 2020)
    debates = checkthat.training_debates(datasets, exclude=held_out)
    y = np.array([line.label for d in debates for line in d.lines])
    owner = np.array([i % folds for i, d in enumerate(debates) for _ in d.lines])
    vec, x = vectorise(debates, min_count)
    tfidf = None
    if use_tfidf:
        tfidf, x = _tfidf(x)
    sizes = [len(d.lines) for d in debates]
    starts = np.cumsum([0] + sizes)
    report: dict = {"debates": len(debates), "sentences": int(len(y)), "positives": int(y.sum()), "cv": {}}
    best_c, best_map, best_scores = None, -1.0, None
    for c in ((0.01, 0.03, 0.1, 0.3, 1.0) if use_tfidf else (0.003, 0.01, 0.03, 0.1)):
        scores = np.zeros(len(y))
        for k in range(folds):
            fit = fit_logistic(x[owner != k], y[owner != k], c)
            scores[owner == k] = fit.predict_proba(x[owner == k])[:, 1]
        per = [(scores[a:b], y[a:b]) for a, b in zip(starts[:-1], starts[1:])]
        mean_ap = ranking_measures(per)["map"]
        report["cv"][str(c)] = round(mean_ap, 4)
        print(f"C={c}: cross-validated MAP {mean_ap:.4f}", file=sys.stderr)
        if mean_ap > best_map:
            best_c, best_map, best_scores = c, mean_ap, scores
    threshold, f1 = _best_threshold(list(best_scores), list(y))
    fit = fit_logistic(x, y, best_c)
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 4) for n, w in zip(names, fit.coef_[0]) if abs(w) >= prune}
    idf = {str(n): round(float(v), 4) for n, v in zip(names, tfidf.idf_)} if tfidf is not None else None
    report.update({"C": best_c, "cv_map": round(best_map, 4), "cv_threshold_f1": round(f1, 4)})
    meta = {
        "name": "parley-checkworthiness",
        "trained_on": "CLEF CheckThat! 2020 task 5 + 2019 task 1 training debates (test repeats removed)",
        "features": "parley.analysers.claims.features.sentence_features" + (", TF-IDF (sublinear, l2)" if use_tfidf else ""),
        "min_count": min_count,
        "pruned_below": prune,
        **report,
    }
    return LinearModel(round(float(fit.intercept_[0]), 4), weights, float(threshold), meta, idf), report


HEAD_LAYOUTS = (("emb",), ("emb", "lex", "role"), ("emb", "ctx", "lex", "role"))
HEAD_CS = (0.3, 1.0, 3.0)


def _debate_features(debates, vectors, lex, layout):
    import numpy as np

    from parley.analysers.claims.head import head_features

    rows, at = [], 0
    for d in debates:
        roles = checkthat.speaker_roles(d)
        n = len(d.lines)
        rows.append(head_features(vectors[at:at + n], lex[at:at + n], [roles[l.speaker] for l in d.lines], layout))
        at += n
    return np.vstack(rows)


def train_head(datasets: Path, cache: Path, folds: int = 3, min_count: int = 2):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from parley.analysers.claims.features import load_model
    from parley.models.heads import SIGMOID, Head

    held_out = checkthat.test_debates(datasets, 2019) + checkthat.test_debates(datasets, 2020)
    debates = checkthat.training_debates(datasets, exclude=held_out)
    y = np.array([line.label for d in debates for line in d.lines])
    owner = np.array([i % folds for i, d in enumerate(debates) for _ in d.lines])
    starts = np.cumsum([0] + [len(d.lines) for d in debates])
    vectors = checkthat.cached_embeddings([line.text for d in debates for line in d.lines], cache)
    lex_c = float(load_model().meta.get("C", 0.01))
    lex_file = cache / f"lexical-oof-C{lex_c}-m{min_count}-f{folds}-n{len(y)}.npy"
    if lex_file.exists():
        lex = np.load(lex_file)
    else:
        lex = lexical_oof_logits(debates, owner, folds, lex_c, min_count)
        np.save(lex_file, lex)
    report: dict = {"debates": len(debates), "sentences": int(len(y)), "positives": int(y.sum()),
                    "lexical_C": lex_c, "cv": {}}
    per = [(lex[a:b], y[a:b]) for a, b in zip(starts[:-1], starts[1:])]
    report["cv"]["lexical only"] = round(ranking_measures(per)["map"], 4)
    print(f"lexical (out-of-fold): cross-validated MAP {report['cv']['lexical only']:.4f}", file=sys.stderr)

    def fit(x, labels, c):
        return LogisticRegression(C=c, class_weight="balanced", max_iter=1000, random_state=SEED).fit(x, labels)

    best = (-1.0, None, None, None)
    for layout in HEAD_LAYOUTS:
        x = _debate_features(debates, vectors, lex, layout)
        for c in HEAD_CS:
            scores = np.zeros(len(y))
            for k in range(folds):
                scores[owner == k] = fit(x[owner != k], y[owner != k], c).predict_proba(x[owner == k])[:, 1]
            per = [(scores[a:b], y[a:b]) for a, b in zip(starts[:-1], starts[1:])]
            mean_ap = ranking_measures(per)["map"]
            key = f"{'+'.join(layout)} C={c}"
            report["cv"][key] = round(mean_ap, 4)
            print(f"{key}: cross-validated MAP {mean_ap:.4f}", file=sys.stderr)
            if mean_ap > best[0]:
                best = (mean_ap, layout, c, scores)
    best_map, layout, c, scores = best
    threshold, f1 = _best_threshold(list(scores), list(y))
    x = _debate_features(debates, vectors, lex, layout)
    final = fit(x, y, c)
    report.update({"layout": list(layout), "C": c, "cv_map": round(best_map, 4), "cv_threshold_f1": round(f1, 4)})
    meta = {
        "name": "parley-checkworthiness-head",
        "encoder": "all-MiniLM-L6-v2 (parley.models.encoder)",
        "trained_on": "CLEF CheckThat! 2020 task 5 + 2019 task 1 training debates (test repeats removed)",
        **report,
    }
    meta.update(layout=list(layout), threshold=float(threshold))
    head = Head.linear(final.coef_[:1].astype(np.float32), np.asarray(final.intercept_[:1], np.float64), output=SIGMOID,
                       classes=("checkworthy",), meta=meta)
    return head, report


SEED_GOLD = "lavrov-kommersant-2025-10-15"


def _iou(a, b) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    longer = max(a[1] - a[0], b[1] - b[0])
    return inter / longer if longer else 0.0


def decider_rows(gold_dir: Path, hold_out: str) -> dict[str, list[tuple[dict, bool]]]:
    """Per transcript, (features, is-a-gold-claim) for every sentence."""
    from parley.analysers.claims.analyser import decider_features, role_of, sentence_tokens
    from parley.analysers.claims.features import load_model
    from parley.analysers.structure import analyser as structure  # noqa: F401  (registers the analyser)
    from parley.document import Document
    from parley.pipeline import REGISTRY, analyze
    from parley.pipeline.parse import Parser

    model, parser = load_model(), Parser.shared()
    out: dict[str, list[tuple[dict, bool]]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        if path.name.endswith(".stance.json") or path.stem == hold_out:
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        corpus = gold_dir.parent / "corpus" / f"{path.stem}.txt"
        if "claims" not in gold or not corpus.exists():
            continue
        text = corpus.read_text(encoding="utf-8")
        analysis = analyze(Document(text, path.stem), [REGISTRY["structure"]])
        parse = parser.parse(text)
        extent = gold.get("extent") or [0, len(text)]
        claims = [c["span"] for c in gold["claims"]]
        turns = analysis.layer("turns")
        rows = []
        for sentence in analysis.layer("sentences"):
            span = sentence.span
            if span.start < extent[0] or span.end > extent[1]:
                continue
            words = text[span.start:span.end]
            role = role_of(sentence, turns)
            tokens, _ = sentence_tokens(parse, span)
            feats = decider_features(tokens, words, role, model.score_text(words, role))
            rows.append((feats, any(_iou(span, c) >= 0.5 for c in claims)))
        out[path.stem] = rows
        print(f"{path.stem}: {len(rows)} sentences, {sum(y for _, y in rows)} claims", file=sys.stderr)
    return out


def train_decider(gold_dir: Path, hold_out: str = SEED_GOLD, c: float = 0.3) -> tuple[LinearModel, dict]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = decider_rows(gold_dir, hold_out)
    if len(rows) < 2:
        raise SystemExit("need at least two annotated transcripts besides the held-out seed")

    def fit(docs):
        vec = DictVectorizer()
        x = vec.fit_transform([f for d in docs for f, _ in rows[d]])
        y = [lab for d in docs for _, lab in rows[d]]
        return vec, LogisticRegression(C=c, max_iter=2000, random_state=SEED).fit(x, y)

    scores, labels = [], []
    for d in rows:
        vec, lr = fit([o for o in rows if o != d])
        scores += list(lr.predict_proba(vec.transform([f for f, _ in rows[d]]))[:, 1])
        labels += [int(lab) for _, lab in rows[d]]
    threshold, f1 = _best_threshold(scores, labels)
    vec, lr = fit(list(rows))
    weights = {str(n): round(float(w), 4) for n, w in zip(vec.get_feature_names_out(), lr.coef_[0])}
    report = {
        "transcripts": sorted(rows),
        "held_out": hold_out,
        "sentences": len(labels),
        "claims": sum(labels),
        "C": c,
        "leave_one_out_f1": round(f1, 4),
    }
    meta = {"name": "parley-claim-decider", "features": "parley.analysers.claims.analyser.decider_features", **report}
    return LinearModel(round(float(lr.intercept_[0]), 4), weights, float(threshold), meta), report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "parley" / "analysers" / "claims" / "data" / "claims_model.json")
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--tfidf", action="store_true", help="TF-IDF form of the features (an experiment; not shipped)")
    ap.add_argument("--prune", type=float, default=0.01, help="drop weights smaller than this")
    ap.add_argument("--decider", action="store_true", help="train data/claims_decider.json instead")
    ap.add_argument("--head", action="store_true", help="train data/claims_head.npz (needs the models extra)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/parley-claims-cache"), help="embedding cache (--head)")
    ap.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    ap.add_argument("--hold-out", default=SEED_GOLD, help="gold transcript never trained on (the seed)")
    args = ap.parse_args(argv)
    if args.head:
        from parley.analysers.claims.head import HEAD_NAME
        from parley.models.heads import write_heads

        out = args.out if args.out.name != "claims_model.json" else args.out.parent / "claims_head.npz"
        head, report = train_head(args.datasets, args.cache)
        write_heads(out, {HEAD_NAME: head}, {"task": "checkworthiness"})
        print(json.dumps(report, indent=1))
        print(f"wrote {out} ({head.n_features} weights, layout {'+'.join(head.meta['layout'])}, "
              f"threshold {head.meta['threshold']:.3f})")
        return 0
    if args.decider:
        if args.out.name == "claims_model.json":
            args.out = args.out.with_name("claims_decider.json")
        model, report = train_decider(args.gold, args.hold_out)
    else:
        model, report = train(args.datasets, args.min_count, prune=args.prune, use_tfidf=args.tfidf)
    args.out.write_text(json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))
    print(f"wrote {args.out} ({len(model.weights)} weights, threshold {model.threshold:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
