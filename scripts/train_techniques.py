"""Train the persuasion-technique heads in src/parley/analysers/techniques/data/.

    .venv/bin/python scripts/train_techniques.py [semeval2020] [semeval2023]

Needs the ``models`` extra and ../shared/datasets (research data, never copied
into the repo). Each taxonomy gets two heads over frozen all-MiniLM-L6-v2
token vectors (see parley/analysers/techniques/features.py). To spare CPU, the encoder
sees every segment of 10% held-out training articles but, of the others, only
segments touching a technique span and 15% of the rest (``parley_lab.ptc``):

- ``<taxonomy>-spans.npz``: token "inside a technique span" MLP; its decoding
  threshold is chosen on 10% of the training articles held out (never on the
  evaluation sets);
- ``<taxonomy>-labels.npz``: span -> technique MLP.

semeval2020 trains on PTC train only (evaluated on PTC dev); semeval2023 on the
SemEval-2023 Task 3 English train (evaluated on the CheckThat! 2024 English
test; its texts include PTC dev, so it is never evaluated there). Token
embeddings are computed once and cached under /tmp (``parley_lab.ptc``).
Training is seeded; on CPU it takes a few minutes once the cache is filled.
"""
from __future__ import annotations

import sys
import time
from dataclasses import replace

import numpy as np

from parley.analysers.techniques.features import SPAN_BLOCKS, decode_spans, span_features, token_features
from parley.scoring.spans import overlap_f1
from parley_lab.ptc import Article, load, split, tables
from parley_lab.techniques import MAX_GAPS, MIN_TOKENS, fit_mlp, save_head

TAXONOMIES = {"semeval2020": "ptc-train", "semeval2023": "st3-train"}
# Settings tried, each scored on the held-out articles (kept few and small:
# these were trained on 2 shared CPU cores).
# Span settings may add context=True (previous/next token vectors; tried, held-out
# span F1 0.385 vs 0.388 without, so not listed); label settings may add
# blocks=(...) (parley.analysers.techniques.features.span_features; tried on held-out
# articles: adding max 0.589, context 0.576, hashed words 0.585, all blocks
# 0.578, against 0.589 for the default blocks and 0.596 with "repeat").
SPAN_SETTINGS = [dict(hidden=256, epochs=6, batch=512, lr=1e-3),
                 dict(hidden=128, epochs=3, batch=512, lr=1e-3, dropout=0.5, weight_decay=1e-2)]
LABEL_SETTINGS = [dict(hidden=512, epochs=40, dropout=0.5, batch=128),
                  dict(hidden=512, epochs=40, dropout=0.5, batch=128, blocks=("mean", "segment", "surface", "repeat")),
                  dict(hidden=1024, epochs=40, dropout=0.6, batch=128, blocks=("mean", "segment", "surface", "repeat")),
                  dict(hidden=512, epochs=40, dropout=0.5, batch=128,
                       blocks=("mean", "segment", "surface", "repeat", "alone")),
                  dict(hidden=512, epochs=40, dropout=0.5, batch=128,
                       blocks=("mean", "segment", "surface", "repeat", "alone", "lexical"))]
# Also tried with "alone" (held-out): hidden 1024, dropout 0.6: 0.617; adding "max": 0.613.
REFIT = True  # True: refit the label head on the held-out articles too


def token_targets(table, article: Article) -> np.ndarray:
    y = np.zeros(len(table.offsets), np.float32)
    for _, span in article.labels:
        y[(table.offsets[:, 0] < span.end) & (table.offsets[:, 1] > span.start)] = 1.0
    return y


def train(taxonomy: str) -> dict[str, float]:
    dataset = TAXONOMIES[taxonomy]
    t0 = time.time()
    articles = load(dataset)
    tabs = tables(dataset, articles, sample=True)
    fit_idx, held_idx = split(articles)
    print(f"{taxonomy}: {len(articles)} articles from {dataset}; embeddings ready in {time.time() - t0:.0f}s", flush=True)

    # Span head: tokens inside any technique span.
    gold = [articles[i].labels for i in held_idx]
    y = np.concatenate([token_targets(tabs[i], articles[i]) for i in fit_idx])
    best = (-1.0, 0.5, None, None)
    for settings in SPAN_SETTINGS:  # chosen on the held-out articles
        settings = dict(settings)
        context = bool(settings.pop("context", False))
        x = np.concatenate([token_features(tabs[i], np, context) for i in fit_idx])
        head = fit_mlp(x, y, 1, **settings)
        del x
        held_probs = [head.probabilities(token_features(tabs[i], np, context)) for i in held_idx]
        for threshold, gap, min_tokens in ((t, g, m) for t in np.arange(0.1, 0.81, 0.05) for g in MAX_GAPS
                                           for m in MIN_TOKENS):
            pred = [[("x", s) for s, _ in decode_spans(tabs[i], p, float(threshold), gap, min_tokens)]
                    for i, p in zip(held_idx, held_probs)]
            f1 = overlap_f1(pred, gold, labelled=False)[2]
            if f1 > best[0]:
                best = (f1, float(threshold), head, dict(settings, context=context, max_gap=gap, min_tokens=min_tokens))
        print(f"  span head {settings} context={context}: best held-out span F1 so far {best[0]:.3f}", flush=True)
    spans_head = replace(best[2], meta={
        "taxonomy": taxonomy, "trained_on": dataset, "settings": best[3], "threshold": round(best[1], 2),
        "max_gap": best[3]["max_gap"], "min_tokens": best[3]["min_tokens"], "context": best[3]["context"],
        "held_out_span_f1": round(best[0], 4)})
    save_head(spans_head, taxonomy, "spans")
    print(f"  span head: held-out span F1 {best[0]:.3f} with {spans_head.meta}", flush=True)

    # Label head: gold spans -> technique.
    labels = sorted({label for a in articles for label, _ in a.labels})
    index = {label: k for k, label in enumerate(labels)}

    def span_xy(ids: list[int], blocks: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = [], []
        for i in ids:
            a = articles[i]
            if a.labels:
                xs.append(span_features(tabs[i], a.text, [s for _, s in a.labels], np, blocks))
                ys.extend(index[label] for label, _ in a.labels)
        return np.concatenate(xs), np.asarray(ys, np.int64)

    held_acc, chosen = -1.0, LABEL_SETTINGS[0]
    for settings in LABEL_SETTINGS:  # chosen on the held-out articles
        settings = dict(settings)
        blocks = tuple(settings.pop("blocks", SPAN_BLOCKS))
        xf, yf = span_xy(fit_idx, blocks)
        xh, yh = span_xy(held_idx, blocks)
        acc = float((fit_mlp(xf, yf, len(labels), **settings).probabilities(xh).argmax(1) == yh).mean())
        print(f"  label head {settings} {blocks}: held-out micro-F1 given gold spans {acc:.3f}", flush=True)
        if acc > held_acc:
            held_acc, chosen = acc, dict(settings, blocks=blocks)
    print(f"  label head: held-out micro-F1 given gold spans {held_acc:.3f} ({len(labels)} labels)", flush=True)

    # The shipped label head: refit on every training article, or (to spare
    # CPU) the one fitted without the held-out articles.
    blocks = chosen["blocks"]
    settings = {k: v for k, v in chosen.items() if k != "blocks"}
    xa, ya = span_xy(fit_idx + held_idx if REFIT else fit_idx, blocks)
    label_head = replace(fit_mlp(xa, ya, len(labels), **settings), classes=tuple(labels), meta={
        "taxonomy": taxonomy, "trained_on": dataset, "settings": chosen, "span_blocks": list(blocks),
        "held_out_micro_f1": round(held_acc, 4)})
    print("  wrote", save_head(spans_head, taxonomy, "spans"), save_head(label_head, taxonomy, "labels"),
          f"in {time.time() - t0:.0f}s", flush=True)
    return {"span_f1": best[0], "label_f1": held_acc}


if __name__ == "__main__":
    for name in sys.argv[1:] or list(TAXONOMIES):
        if name not in TAXONOMIES:
            raise SystemExit(f"unknown taxonomy {name}; choose from {', '.join(TAXONOMIES)}")
        train(name)
