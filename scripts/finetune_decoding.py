"""Choose how a fine-tuned adapter's scores become outputs, on held-out training data.

    .venv/bin/python scripts/finetune_decoding.py [semeval2020] [semeval2023] [checkworthy]

Each choice is made on the held-out part of the training split (never on dev
or test) and written into the adapter's meta:

- ``<taxonomy>``: for ``<taxonomy>-spans.adapter.npz``, scores the held-out
  training articles (the 10% that ``parley_lab.ptc.split`` holds out)
  once, then picks the threshold, the longest gap bridged and the shortest
  run kept that give the best span-identification F1 there;
- ``<taxonomy>-labels``: refits the frozen-encoder label head on the training
  articles that are not held out (the shipped head has seen them all), scores
  the held-out articles' gold spans with it and with the label adapter, and
  picks the weight of the head in the geometric mean of the two
  (``frozen_head_weight``; 0 keeps the adapter alone) that classifies the most
  spans right, the k-th copy of a span getting the k-th choice as in the task;
- ``checkworthy``: scores the held-out training debates, fits the mix of the
  adapter's logit, the lexical model's logit and the speaker's role (a
  three-weight logistic regression), keeps it only if it ranks better (MAP)
  than the adapter alone, and picks the yes/no threshold with the best F1 of
  the positive class.
- ``answers``: refits the answer heads (scripts/train_answers.py's choices)
  on the QEvasion training interviews that are not held out, scores the
  held-out interviews with them and with the answers adapter, and picks, per
  task (clarity, evasion), the adapter's weight in the geometric mean of the
  two that gives the best macro-F1 there (``adapter_weight``); evasion is
  scored as the analyser labels it, under the chosen clarity.

Needs the models extra and ../shared/datasets (and the export extra for QEvasion).
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from parley.analysers.answers.analyser import DATA as ANSWERS_DATA
from parley.analysers.claims.analyser import DATA as CLAIMS_DATA
from parley.analysers.techniques.analyser import heads
from parley.analysers.techniques.features import (
    MODELS_DIR,
    adapter_label_probabilities,
    adapter_token_probabilities,
    decode_spans,
    segments,
    span_features,
)
from parley.models import adapters
from parley.models.heads import mix_probabilities
from parley.models.modelfile import read_model, write_model
from parley.scoring.classes import best_threshold, macro_f1
from parley.scoring.ranking import ranking_measures
from parley.scoring.spans import overlap_f1, ranked_choices_right
from parley_lab import checkthat
from parley_lab.ptc import load, split, tables
from parley_lab.splits import checkthat_splits, interview_of, qevasion_held_interviews
from parley_lab.techniques import MAX_GAPS, MIN_TOKENS, fit_mlp

TRAIN = {"semeval2020": "ptc-train", "semeval2023": "st3-train"}


def folder_of(task: str):
    """The data folder of the analyser that ships the adapter of ``task``."""
    return {"answers": ANSWERS_DATA, "checkworthy": CLAIMS_DATA}.get(task, MODELS_DIR)


def choose(taxonomy: str) -> dict:
    task = f"{taxonomy}-spans"
    adapter = adapters.load(task, folder_of(task))
    articles = load(TRAIN[taxonomy])
    held = [articles[i] for i in split(articles)[1]]
    scored = [adapter_token_probabilities(adapter, a.text, segments(a.text), np) for a in held]
    gold = [a.labels for a in held]
    best = (-1.0, {})
    for threshold in np.arange(0.2, 0.81, 0.05):
        for gap in MAX_GAPS:
            for min_tokens in MIN_TOKENS:
                pred = [[("x", s) for s, _ in decode_spans(table, probs, float(threshold), gap, min_tokens)]
                        for probs, table in scored]
                f1 = overlap_f1(pred, gold, labelled=False)[2]
                if f1 > best[0]:
                    best = (f1, {"threshold": round(float(threshold), 2), "max_gap": gap, "min_tokens": min_tokens})
    settings = dict(best[1], held_out_decoded_span_f1=round(best[0], 4))
    path = update_meta(task, settings)
    print(f"{task}: {len(held)} held-out articles, span F1 {best[0]:.3f} with {best[1]}; wrote {path}")
    return settings


def choose_label_mix(taxonomy: str) -> dict:
    task = f"{taxonomy}-labels"
    adapter = adapters.load(task, folder_of(task))
    articles = load(TRAIN[taxonomy])
    token_tables = tables(TRAIN[taxonomy], articles, sample=True)
    fit_ids, held_ids = split(articles)
    shipped = heads(taxonomy)[1]
    labels = list(adapter.meta["outputs"]["label"])
    settings = dict(shipped.meta["settings"])
    blocks = tuple(settings.pop("blocks"))

    def features(ids):
        rows = [(articles[i], span_features(token_tables[i], articles[i].text, [s for _, s in articles[i].labels],
                                            np, blocks)) for i in ids if articles[i].labels]
        return rows, np.concatenate([x for _, x in rows])

    fit_rows, x = features(fit_ids)
    y = np.asarray([labels.index(label) for a, _ in fit_rows for label, _ in a.labels], np.int64)
    head = fit_mlp(x, y, len(labels), **settings)
    scored = []
    for article, x_held in features(held_ids)[0]:
        scored.append((article, adapter_label_probabilities(adapter, article.text, segments(article.text),
                                                            [s for _, s in article.labels]),
                       head.probabilities(x_held)))
    total = sum(len(a.labels) for a, _, _ in scored)
    best = (-1, 0.0)
    for weight in np.round(np.arange(0.0, 1.01, 0.1), 1):
        right = sum(ranked_choices_right(a.labels, labels, mix_probabilities(p_adapter, p_head, weight))
                    for a, p_adapter, p_head in scored)
        print(f"  frozen head weight {weight}: {right} of {total} held-out spans right", flush=True)
        if right > best[0]:
            best = (right, float(weight))
    settings = {"frozen_head_weight": best[1], "held_out_micro_f1_mixed": round(best[0] / total, 4)}
    path = update_meta(task, settings)
    print(f"{task}: {len(scored)} held-out articles, micro-F1 {best[0] / total:.3f} with {settings}; wrote {path}")
    return settings


# The regularisation scripts/train_answers.py chose for each task's heads
# (embedding head C, n-gram head C; docs/models/answers.md).
ANSWER_HEADS_C = {"clarity": (0.01, 1.0), "evasion": (0.01, 3.0)}


def choose_answers(shared: Path) -> dict:
    from parley.analysers.answers.analyser import (
        CLARITY,
        EVASION,
        adapter_probabilities,
        consistent_labels,
        load_heads,
        mixed_proba,
        pair_features,
    )
    from parley.models.encoder import DIMENSION
    from parley_lab.answer_heads import fit_head, fit_ngram_head
    from parley_lab.qevasion import cached_embedder, load_split, pairs_of

    adapter = adapters.load("answers", folder_of("answers"))
    train = load_split(shared, "train")
    held_names = qevasion_held_interviews(train)
    held = np.asarray([interview_of(r) in held_names for r in train])
    pairs = pairs_of(train)
    X = pair_features(pairs, cached_embedder())
    answers = np.asarray([a for _, a in pairs], dtype=object)
    held_pairs = [p for p, h in zip(pairs, held) if h]
    from_adapter_all = adapter_probabilities(adapter, held_pairs, {"clarity": CLARITY, "evasion": EVASION})
    shipped = load_heads()
    weights, figures, chosen = {}, {}, {}
    # Clarity first: evasion labels are decoded under the chosen clarity
    # (answers.consistent_labels), so the evasion weight is scored that way.
    for name, classes in (("clarity", CLARITY), ("evasion", EVASION)):
        y = np.asarray([r[f"{name}_label"] for r in train])
        c, c_ngram = ANSWER_HEADS_C[name]
        fitted = fit_head(X[~held], y[~held], classes, c, 5 * DIMENSION)
        head = replace(fitted, mix_weight=shipped[name].mix_weight, offset=shipped[name].offset)
        ngram_head, vectoriser = fit_ngram_head(list(answers[~held]), y[~held], classes, c_ngram)
        from_heads = mixed_proba([(head, X[held]), (ngram_head, vectoriser.transform(list(answers[held])))])
        from_adapter = from_adapter_all[name]
        best = (-1.0, 0.0, None)
        for weight in np.round(np.arange(0.0, 1.01, 0.1), 1):
            mixed = mix_probabilities(from_heads, from_adapter, weight)
            if name == "clarity":
                predicted = [head.classes[i] for i in mixed.argmax(1)]
            else:
                predicted = [e for _, _, e, _ in consistent_labels(*chosen["clarity"], mixed, head.classes)]
            f1 = macro_f1(list(y[held]), predicted, classes)
            print(f"  {name}: adapter weight {weight}: held-out macro-F1 {f1:.3f}", flush=True)
            if f1 > best[0]:
                best = (f1, float(weight), (mixed, head.classes))
        figures[name], weights[name], chosen[name] = round(best[0], 4), best[1], best[2]
    settings = {"adapter_weight": weights, "held_out_macro_f1_mixed": figures}
    path = update_meta("answers", settings)
    print(f"answers: {int(held.sum())} held-out pairs; {settings}; wrote {path}")
    return settings


def update_meta(task: str, settings: dict) -> Path:
    path = adapters.path_of(task, folder_of(task))
    meta, arrays = read_model(path, "the adapter")
    write_model(path, {**meta, **settings}, arrays)
    adapters.load.cache_clear()
    return path


def lexical_logits(debates, folds: int = 3, min_count: int = 2):
    """Out-of-fold logits of the lexical model over ``debates`` (as
    scripts/train_claims.py computes them for the encoder head), cached."""
    from parley.analysers.claims.features import load_model
    from parley_lab.lexical import lexical_oof_logits

    c = float(load_model().meta.get("C", 0.01))
    n = sum(len(d.lines) for d in debates)
    cache = Path("/tmp/parley-claims-cache") / f"lexical-oof-C{c}-m{min_count}-f{folds}-n{n}.npy"
    if cache.exists():
        return np.load(cache)
    owner = np.array([i % folds for i, d in enumerate(debates) for _ in d.lines])
    z = lexical_oof_logits(debates, owner, folds, c, min_count)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, z)
    return z


def choose_checkworthy(shared: Path) -> dict:
    from sklearn.linear_model import LogisticRegression

    from parley.analysers.claims.analyser import ADAPTER
    from parley.analysers.claims.features import ASKER

    adapter = adapters.load(ADAPTER, folder_of(ADAPTER))
    training, held_names, _ = checkthat_splits(shared)
    # The shipped lexical model was trained on every training debate, the
    # held-out ones too: its out-of-fold logits stand in for it here.
    lexical = dict(zip(((d.name, i) for d in training for i in range(len(d.lines))), lexical_logits(training)))
    rows, owners, labels = [], [], []
    for d in training:
        if d.name not in held_names:
            continue
        roles = checkthat.speaker_roles(d)
        texts = [line.text for line in d.lines]
        z = adapter.classify(texts, [""] + texts[:-1])["checkworthy"][:, 0]
        for i, (line, zi) in enumerate(zip(d.lines, z)):
            rows.append([float(zi), lexical[d.name, i], 1.0 if roles[line.speaker] == ASKER else 0.0])
            owners.append(d.name)
            labels.append(line.label)
    held = sorted(set(owners))
    x, y = np.asarray(rows), np.asarray(labels)

    def held_map(scores) -> float:
        per = [([s for s, o in zip(scores, owners) if o == name], [l for l, o in zip(labels, owners) if o == name])
               for name in sorted(set(owners))]
        return ranking_measures(per)["map"]

    alone = held_map(x[:, 0])
    fit = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    mixed_scores = fit.decision_function(x)
    mixed = held_map(mixed_scores)
    if mixed > alone:
        w = fit.coef_[0]
        mix = {"adapter": float(w[0]), "lexical": float(w[1]), "asker": float(w[2]), "bias": float(fit.intercept_[0])}
        z = mixed_scores
    else:
        mix = {"adapter": 1.0, "lexical": 0.0, "asker": 0.0, "bias": 0.0}
        z = x[:, 0]
    probs = 1 / (1 + np.exp(-z))
    best = best_threshold(probs, y, np.unique(np.round(probs, 3)))
    settings = {"mix": mix, "threshold": round(best[1], 3), "held_out_map_alone": round(alone, 4),
                "held_out_map_mixed": round(mixed, 4), "held_out_positive_f1": round(best[0], 4)}
    path = update_meta(ADAPTER, settings)
    print(f"checkworthy: {len(held)} held-out debates, MAP adapter alone {alone:.4f}, mixed {mixed:.4f}; "
          f"{settings}; wrote {path}")
    return settings


if __name__ == "__main__":
    shared = Path(__file__).resolve().parents[2] / "shared"
    installed = [t for t in TRAIN if adapters.installed(f"{t}-spans", folder_of(f"{t}-spans"))]
    installed += [f"{t}-labels" for t in TRAIN if adapters.installed(f"{t}-labels", folder_of(f"{t}-labels"))]
    installed += [task for task in ("checkworthy", "answers") if adapters.installed(task, folder_of(task))]
    for name in sys.argv[1:] or installed:
        if name == "checkworthy":
            choose_checkworthy(shared)
        elif name == "answers":
            choose_answers(shared)
        elif name.endswith("-labels"):
            choose_label_mix(name.removesuffix("-labels"))
        else:
            choose(name)
