#!/usr/bin/env python3
"""Claims benchmark: Parley's check-worthiness model against a TF-IDF
logistic-regression baseline on the CheckThat! 2019 and 2020 test sets, and
the claims layer against the gold transcripts, all measured in one run.

    .venv/bin/python benchmarks/bench_claims.py [--shared ../shared]

Needs the extra ``bench-claims`` (scikit-learn, for the baseline only).

Ranking table (per test set): MAP and mean P@10 over debates (the task's
measures), and precision/recall/F1 of the positive class at each system's own
yes/no cut. Rows: ``line order`` (the floor: sentences ranked as they come),
``tfidf-lr`` (TF-IDF unigrams and bigrams, logistic regression with balanced
class weights, trained on the same training debates as Parley's model), and
``lexical`` (the shipped data/claims_model.json) and ``encoder head`` (the
shipped data/models/claims_head.npz over MiniLM embeddings, extra ``models``;
its row is skipped without the extra); neither was trained on a test debate.
Embeddings are cached under ``--cache`` (outside the project). Claims table: precision/recall/F1 of the claims layer under
``../shared/gold/score.py``'s rule (IoU >= 0.5), per gold transcript. The
claim decider was fitted on every gold transcript except the seed, so only the
seed row is held out; the others are marked ``in-sample``.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parley_lab import checkthat  # noqa: E402
from parley.analysers.claims.features import load_model  # noqa: E402

SEED = "lavrov-kommersant-2025-10-15"


def rank_rows(name: str, per_debate, cut) -> dict:
    measures = checkthat.ranking_measures(per_debate)
    flat_scores = [s for scores, _ in per_debate for s in scores]
    flat_labels = [l for _, labels in per_debate for l in labels]
    f = checkthat.positive_f1([cut(s) for s in flat_scores], flat_labels)
    return {"system": name, **measures, **{f"pos_{k}": v for k, v in f.items()}}


def parley_scores(debates):
    model = load_model()
    out = []
    for d in debates:
        roles = checkthat.speaker_roles(d)
        out.append(([model.score_text(l.text, roles[l.speaker]) for l in d.lines], [l.label for l in d.lines]))
    return out, model.threshold


def head_scores(debates, lexical, cache: Path):
    """The encoder head's scores per debate, or None without the models extra."""
    from parley.models import encoder
    from parley.analysers.claims.analyser import logit
    from parley.analysers.claims.head import load_head

    if encoder.available():
        return None, None
    head = load_head()
    vectors = checkthat.cached_embeddings([l.text for d in debates for l in d.lines], cache)
    out, at = [], 0
    for d, (lex, labels) in zip(debates, lexical):
        roles = checkthat.speaker_roles(d)
        n = len(d.lines)
        out.append((head.score(vectors[at:at + n], [logit(p) for p in lex], [roles[l.speaker] for l in d.lines]), labels))
        at += n
    return out, head.threshold


def adapter_debate_scores(debates, lexical):
    """The fine-tuned encoder's scores per debate (mixed as the claims
    analyser mixes them), or None when no adapter is installed."""
    from parley.models import adapters
    from parley.models import encoder
    from parley.analysers.claims.analyser import ADAPTER, DATA, FINETUNED, adapter_scores, threshold_of

    if encoder.available() or not adapters.installed(ADAPTER, DATA):
        return None, None
    out = []
    for d, (lex, labels) in zip(debates, lexical):
        roles = checkthat.speaker_roles(d)
        out.append((adapter_scores([l.text for l in d.lines], [roles[l.speaker] for l in d.lines], lex), labels))
    return out, threshold_of(FINETUNED)


def tfidf_baseline(train, tests):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    x = vec.fit_transform([l.text for d in train for l in d.lines])
    y = [l.label for d in train for l in d.lines]
    lr = LogisticRegression(class_weight="balanced", max_iter=2000, random_state=13).fit(x, y)
    return {
        year: [(list(lr.predict_proba(vec.transform([l.text for l in d.lines]))[:, 1]), [l.label for l in d.lines]) for d in debates]
        for year, debates in tests.items()
    }


def claims_rows(shared: Path, checkworthiness: str) -> list[dict]:
    from parley.analysers.claims import analyser as claims  # noqa: F401  (register)
    from parley.analysers.structure import analyser as structure
    from parley.document import Document
    from parley.pipeline import REGISTRY, Config, analyze
    from parley.pipeline.parse import Parser

    config = Config(options={"claims": {"checkworthiness": checkworthiness}})

    spec = importlib.util.spec_from_file_location("gold_score", shared / "gold" / "score.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)  # type: ignore[union-attr]
    decider = claims.load_decider()
    trained_on = set(decider.meta.get("transcripts", []))
    rows = []
    for path in sorted((shared / "gold").glob("*.json")):
        if path.name.endswith(".stance.json"):
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        corpus = shared / "corpus" / f"{path.stem}.txt"
        if "claims" not in gold or not corpus.exists():
            continue
        text = corpus.read_text(encoding="utf-8")
        analysis = analyze(Document(text, path.stem), [REGISTRY["structure"], REGISTRY["claims"]], config,
                           parser=Parser.shared())
        if "claims" in analysis.unavailable:
            continue
        used = {r.model for r in analysis.layer("checkworthiness")}
        extent = gold.get("extent") or [0, len(text)]
        pred = [c for c in analysis.to_json(include_text=False)["claims"] if extent[0] <= c["span"][0] and c["span"][1] <= extent[1]]
        res = scorer.score_claims(gold["claims"], pred)
        kinds = {tuple(c["span"]): c["kind"] for c in gold["claims"]}
        same = [c for c in pred if tuple(c["span"]) in kinds]
        res["cw_yes"] = sum(1 for c in pred if c["checkworthy"])
        res["kind_acc"] = sum(kinds[tuple(c["span"])] == c["kind"] for c in same) / len(same) if same else 0.0
        res["transcript"] = path.stem
        res["model"] = ",".join(sorted(used)) or "-"
        res["split"] = "in-sample" if path.stem in trained_on else ("held-out seed" if path.stem == SEED else "held-out")
        rows.append(res)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/parley-claims-cache"), help="MiniLM embedding cache")
    args = ap.parse_args(argv)
    datasets = args.shared / "datasets"
    started = time.time()
    tests = {year: checkthat.test_debates(datasets, year) for year in (2019, 2020)}
    train = checkthat.training_debates(datasets, exclude=tests[2019] + tests[2020])
    baseline = tfidf_baseline(train, tests)
    print(f"CheckThat! check-worthiness ({len(train)} training debates; test debates never trained on)")
    print(f"{'test':<6}{'system':<14}{'MAP':>8}{'P@10':>8}{'pos P':>8}{'pos R':>8}{'pos F1':>8}")
    for year, debates in tests.items():
        ours, cut = parley_scores(debates)
        head, head_cut = head_scores(debates, ours, args.cache)
        table = [
            rank_rows("line order", [([-i for i in range(len(l))], l) for _, l in ours], lambda s: False),
            rank_rows("tfidf-lr", baseline[year], lambda s: s >= 0.5),
            rank_rows("lexical", ours, lambda s, t=cut: s >= t),
        ]
        if head is not None:
            table.append(rank_rows("encoder head", head, lambda s, t=head_cut: s >= t))
        tuned, tuned_cut = adapter_debate_scores(debates, ours)
        if tuned is not None:
            table.append(rank_rows("fine-tuned", tuned, lambda s, t=tuned_cut: s >= t))
        for r in table:
            print(f"{year:<6}{r['system']:<14}{r['map']:>8.4f}{r['p@10']:>8.4f}{r['pos_p']:>8.4f}{r['pos_r']:>8.4f}{r['pos_f1']:>8.4f}")
    print()
    print("Claims layer against gold (score.py rule: IoU >= 0.5)")
    print(f"{'transcript':<56}{'split':<15}{'scores by':<10}{'P':>7}{'R':>7}{'F1':>7}{'pred':>6}{'gold':>6}{'kind':>7}{'cw yes':>7}")
    for wanted in ("lexical", "encoder"):
        for r in claims_rows(args.shared, wanted):
            print(f"{r['transcript']:<56}{r['split']:<15}{r['model']:<10}{r['p']:>7.3f}{r['r']:>7.3f}{r['f1']:>7.3f}"
                  f"{r['pred']:>6}{r['gold']:>6}{r['kind_acc']:>7.3f}{r['cw_yes']:>7}")
    print(f"\n(one run, {time.time() - started:.0f} s; kind = kind accuracy over exact-span matches; "
          "cw yes = claims marked check-worthy. The decider reads the lexical logit with either "
          "scoring model, so which claims are found does not depend on it.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
