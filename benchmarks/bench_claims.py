#!/usr/bin/env python3
"""Claims benchmark: Parley's check-worthiness model against a TF-IDF
logistic-regression baseline on the CheckThat! 2019 and 2020 test sets, and
the claims layer against the gold transcripts, all measured in one run.

    .venv/bin/python benchmarks/bench_claims.py [--shared ../shared] [--only ranking|layer] [--out out/bench]

Needs the extra ``bench-claims`` (scikit-learn, for the baseline only).

Ranking table (per test set): MAP and mean P@10 over debates (the task's
measures), and precision/recall/F1 of the positive class at each system's own
yes/no cut. Rows: ``line order`` (the floor: sentences ranked as they come),
``tfidf-lr`` (TF-IDF unigrams and bigrams, logistic regression with balanced
class weights, trained on the same training debates as Parley's model; its
yes is its own 0.5 cut), and
``lexical`` (the shipped data/claims_model.json) and ``encoder head`` (the
shipped analysers/claims/data/claims_head.npz over MiniLM embeddings, extra ``models``;
its row says so without the extra), ``fine-tuned`` (the adapter, when
installed), ``nothing`` (no line check-worthy) and ``gold`` (the labels fed
back, the ceiling); none was trained on a test debate. Parley's rows say yes as the analyser
does: at the model's cut and in the debate's top ``CHECKWORTHY_SHARE`` of
sentences (``claims.readable_flags``, the readable-list rule).
Embeddings are cached under ``--cache`` (outside the project). Claims table: precision/recall/F1 of the claims layer under
``../shared/gold/score.py``'s rule (IoU >= 0.5), per gold transcript. The
claim decider was fitted on every gold transcript except the seed, so only the
seed row is held out; the others are marked ``in-sample``. The two tables
run through ``harness.py`` (reports ``bench_claims.ranking`` and
``bench_claims.layer``).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import harness

from parley.analysers.claims.features import load_model
from parley.scoring.classes import positive_f1
from parley.scoring.ranking import ranking_measures
from parley_lab import checkthat

ROOT = Path(__file__).resolve().parents[1]

SEED = "lavrov-kommersant-2025-10-15"


# -- the ranking: CheckThat! test debates ---------------------------------------------

def ranking_score(dataset: harness.Dataset, predictions: list[tuple[list, list]]) -> dict:
    """MAP and P@10 over debates, and positive-class P/R/F1 at each system's own cut."""
    labels = [[l.label for l in d.lines] for d in dataset.items]
    measures = ranking_measures([(scores, gold) for (scores, _), gold in zip(predictions, labels)])
    f = positive_f1([yes for _, flags in predictions for yes in flags], [l for gold in labels for l in gold])
    return {**measures, **{f"pos_{k}": v for k, v in f.items()}}


def roles_of(debate) -> list[str]:
    roles = checkthat.speaker_roles(debate)
    return [roles[l.speaker] for l in debate.lines]


def cut(scores, threshold: float | None) -> tuple[list, list[bool]]:
    """Scores and the yes/no of each at ``threshold`` (None: never yes)."""
    return list(scores), [threshold is not None and s >= threshold for s in scores]


def readable(scores, threshold: float) -> tuple[list, list[bool]]:
    """Scores and the analyser's own yes/no: at ``threshold`` and in the
    debate's top CHECKWORTHY_SHARE (``claims.readable_flags``)."""
    from parley.analysers.claims.analyser import readable_flags

    return list(scores), readable_flags(list(scores), threshold)


def lexical_scores(model, debate) -> list[float]:
    return [model.score_text(l.text, role) for l, role in zip(debate.lines, roles_of(debate))]


class TfidfBaseline:
    """TF-IDF unigrams and bigrams, balanced logistic regression, fitted once on the training debates."""

    def __init__(self, train) -> None:
        self.train, self.fitted = train, None

    def prepare(self, dataset: harness.Dataset) -> None:
        if self.fitted is None:
            from sklearn.feature_extraction.text import TfidfVectorizer
            from sklearn.linear_model import LogisticRegression

            vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
            x = vec.fit_transform([l.text for d in self.train for l in d.lines])
            y = [l.label for d in self.train for l in d.lines]
            self.fitted = vec, LogisticRegression(class_weight="balanced", max_iter=2000, random_state=13).fit(x, y)

    def predict(self, debate) -> tuple[list, list[bool]]:
        vec, lr = self.fitted
        return cut(lr.predict_proba(vec.transform([l.text for l in debate.lines]))[:, 1], 0.5)


class EncoderHead:
    """The encoder head over MiniLM embeddings of every line of the data set (cached under ``cache``)."""

    def __init__(self, lexical, cache: Path) -> None:
        self.lexical, self.cache, self.at = lexical, cache, {}

    def prepare(self, dataset: harness.Dataset) -> None:
        from parley.analysers.claims.head import load_head

        self.head = load_head()
        self.vectors = checkthat.cached_embeddings([l.text for d in dataset.items for l in d.lines], self.cache)
        start = 0
        for d in dataset.items:
            self.at[id(d)] = start
            start += len(d.lines)

    def predict(self, debate) -> tuple[list, list[bool]]:
        from parley.analysers.claims.analyser import logit
        from parley.analysers.claims.head import score

        start, n = self.at[id(debate)], len(debate.lines)
        lex = lexical_scores(self.lexical, debate)
        return readable(score(self.head, self.vectors[start:start + n], [logit(p) for p in lex], roles_of(debate)),
                        self.head.meta["threshold"])


def ranking_systems(train, cache: Path) -> list[harness.System]:
    from parley.analysers.claims.analyser import ADAPTER, DATA, FINETUNED, adapter_scores, threshold_of
    from parley.models import adapters, encoder

    model = load_model()
    no_encoder = encoder.available()
    no_adapter = no_encoder or (None if adapters.installed(ADAPTER, DATA) else "no fine-tuned adapter installed")
    tfidf, head = TfidfBaseline(train), EncoderHead(model, cache)
    tuned = lambda d: readable(adapter_scores([l.text for l in d.lines], roles_of(d), lexical_scores(model, d)),  # noqa: E731
                          threshold_of(FINETUNED))
    return [
        harness.System("line order", lambda d: cut([-i for i in range(len(d.lines))], None), role="floor",
                       note="sentences ranked as they come"),
        harness.System("tfidf-lr", tfidf.predict, role="baseline", prepare=tfidf.prepare,
                       missing=None if harness.versions(["scikit-learn"])["scikit-learn"] != harness.NOT_INSTALLED
                       else "scikit-learn not installed (scripts/setup.sh bench-claims)"),
        harness.System("lexical", lambda d: readable(lexical_scores(model, d), model.threshold)),
        harness.System("encoder head", head.predict, missing=no_encoder, prepare=head.prepare),
        harness.System("fine-tuned", tuned, missing=no_adapter),
        harness.nothing(no_line),
        harness.System("gold", lambda d: cut([float(l.label) for l in d.lines], 0.5), role="ceiling",
                       note="gold labels fed back"),
    ]


def no_line(debate) -> tuple[list, list[bool]]:
    """No line check-worthy: every score 0 (the debate's order kept)."""
    return cut([0.0] * len(debate.lines), None)


RANKING = [harness.Measure("map", "MAP", ".4f"), harness.Measure("p@10", "P@10", ".4f"),
           harness.Measure("pos_p", "pos P", ".4f"), harness.Measure("pos_r", "pos R", ".4f"),
           harness.Measure("pos_f1", "pos F1", ".4f")]


# -- the claims layer against the gold transcripts ------------------------------------

def claims_system(wanted: str) -> harness.System:
    """The claims layer with check-worthiness scored by ``wanted``; predicts
    the claims inside the gold extent and the scoring models used."""
    from parley.analysers.claims import analyser as claims  # noqa: F401  (register)
    from parley.analysers.structure import analyser as structure  # noqa: F401  (register)
    from parley.document import Document
    from parley.pipeline import REGISTRY, Config, analyze
    from parley.pipeline.parse import Parser

    config = Config(options={"claims": {"checkworthiness": wanted}})

    def predict(case: dict) -> tuple[list, set]:
        text = case["text"]
        analysis = analyze(Document(text, case["name"]), [REGISTRY["structure"], REGISTRY["claims"]], config,
                           parser=Parser.shared())
        if "claims" in analysis.unavailable:
            raise RuntimeError(analysis.unavailable["claims"])
        extent = case["gold"].get("extent") or [0, len(text)]
        pred = [c for c in analysis.to_json(include_text=False)["claims"]
                if extent[0] <= c["span"][0] and c["span"][1] <= extent[1]]
        return pred, {r.model for r in analysis.layer("checkworthiness")}
    return harness.System(wanted, predict, note=f"checkworthiness: {wanted}")


def claims_score(scorer, trained_on: set[str]):
    def run(dataset: harness.Dataset, predictions: list[tuple[list, set]]) -> dict:
        case, (pred, used) = dataset.items[0], predictions[0]
        res = scorer.score_claims(case["gold"]["claims"], pred)
        kinds = {tuple(c["span"]): c["kind"] for c in case["gold"]["claims"]}
        same = [c for c in pred if tuple(c["span"]) in kinds]
        res["cw_yes"] = sum(1 for c in pred if c.get("checkworthy"))
        res["kind_acc"] = sum(kinds[tuple(c["span"])] == c["kind"] for c in same) / len(same) if same else 0.0
        res["model"] = ",".join(sorted(used)) or "-"
        name = case["name"]
        res["split"] = "in-sample" if name in trained_on else ("held-out seed" if name == SEED else "held-out")
        return res
    return run


def gold_cases(shared: Path) -> list[harness.Dataset]:
    out = []
    for path in sorted((shared / "gold").glob("*.json")):
        corpus = shared / "corpus" / f"{path.stem}.txt"
        if path.name.endswith(".stance.json") or not corpus.exists():
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        if "claims" in gold:
            case = {"name": path.stem, "gold": gold, "text": corpus.read_text(encoding="utf-8")}
            out.append(harness.Dataset(path.stem, [case], [path, corpus]))
    return out


LAYER = [harness.Measure("split", "split"), harness.Measure("model", "scores by"), harness.Measure("p", "P"),
         harness.Measure("r", "R"), harness.Measure("f1", "F1"), harness.Measure("pred", "pred", "d"),
         harness.Measure("gold", "gold", "d"), harness.Measure("kind_acc", "kind"), harness.Measure("cw_yes", "cw yes", "d")]


def main(argv: list[str] | None = None) -> int:
    from parley.analysers.claims import analyser as claims

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/parley-claims-cache"), help="MiniLM embedding cache")
    ap.add_argument("--only", choices=("ranking", "layer"), help="one of the two tables only")
    harness.add_arguments(ap)
    args = ap.parse_args(argv)
    datasets = args.shared / "datasets"
    started = time.time()
    packages = ("parley", "scikit-learn", "torch", "sentence-transformers")
    if args.only != "layer":
        tests = {year: checkthat.test_debates(datasets, year) for year in (2019, 2020)}
        train = checkthat.training_debates(datasets, exclude=tests[2019] + tests[2020])
        bench = harness.Benchmark(
            "bench_claims.ranking", ranking_systems(train, args.cache),
            [harness.Dataset(f"CheckThat! {year} test", debates) for year, debates in tests.items()],
            RANKING, ranking_score, miss=no_line, packages=packages, files=[datasets / checkthat.DIR_2019, datasets / checkthat.DIR_2020])
        report = harness.run(bench, argv)
        report.note(f"CheckThat! check-worthiness ({len(train)} training debates; test debates never trained on)")
        harness.finish(bench, report, args.out)
        print()
    if args.only != "ranking":
        trained_on = set(claims.load_decider().meta.get("transcripts", []))
        bench = harness.Benchmark(
            "bench_claims.layer",
            [claims_system("lexical"), claims_system("encoder"), harness.nothing(lambda case: ([], set())),
             harness.System("gold", lambda case: (case["gold"]["claims"], set()), role="ceiling", note="gold fed back")],
            gold_cases(args.shared), LAYER, claims_score(harness.gold_scorer(args.shared), trained_on),
            miss=lambda case: ([], set()), packages=packages, files=[args.shared / "gold" / "score.py"])
        report = harness.run(bench, argv)
        report.note("Claims layer against gold (score.py rule: IoU >= 0.5)")
        report.note(f"(one run, {time.time() - started:.0f} s; kind = kind accuracy over exact-span matches; "
                    "cw yes = claims marked check-worthy. The decider reads the lexical logit with either "
                    "scoring model, so which claims are found does not depend on it.)")
        harness.finish(bench, report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
