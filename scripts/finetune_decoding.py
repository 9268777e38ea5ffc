"""Choose how a fine-tuned technique tagger's token scores become spans.

    .venv/bin/python scripts/finetune_decoding.py [semeval2020] [semeval2023]

For ``src/parley/data/models/<taxonomy>-spans.adapter.npz`` (from
scripts/finetune.py), scores the held-out training articles (the same 10%
that scripts/train_techniques.py holds out; never dev or test) once, then
picks the threshold, the longest gap bridged and the shortest run kept that
give the best span-identification F1 there, and writes them into the
adapter's meta. Needs the models extra and ../shared/datasets.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from techniques_data import load, split  # noqa: E402
from train_techniques import MAX_GAPS, MIN_TOKENS, overlap_f1  # noqa: E402

from parley import adapters  # noqa: E402
from parley.techniquefeatures import adapter_token_probabilities, decode_spans, segments  # noqa: E402

TRAIN = {"semeval2020": "ptc-train", "semeval2023": "st3-train"}


def choose(taxonomy: str) -> dict:
    task = f"{taxonomy}-spans"
    adapter = adapters.load(task)
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
    path = adapters.path_of(task)
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays.pop("meta")))
    meta.update(settings)
    np.savez_compressed(path, meta=np.asarray(json.dumps(meta)), **arrays)
    print(f"{task}: {len(held)} held-out articles, span F1 {best[0]:.3f} with {best[1]}; wrote {path}")
    return settings


if __name__ == "__main__":
    for name in sys.argv[1:] or [t for t in TRAIN if adapters.installed(f"{t}-spans")]:
        choose(name)
