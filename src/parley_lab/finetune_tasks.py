"""The training data of each fine-tuning task, read from the bundle that
``scripts/finetune_prepare.py`` writes: examples, class lists and the measure
that chooses the epoch on held-out training data.

Used by ``scripts/finetune.py``.
"""
from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import numpy as np

from parley.scoring.classes import macro_f1
from parley.scoring.ranking import ranking_measures
from parley_lab.lora import SEED

NEGATIVE_SHARE = 0.3  # of the lines that are not check-worthy, trained on (checkworthy)



def read(bundle: Path, name: str) -> dict:
    with gzip.open(bundle / name, "rt", encoding="utf-8") as fh:
        return json.load(fh)



def span_examples(articles: list[dict], tokenizer, max_length: int = 256) -> list[dict]:
    """Per segment: token ids, each token's absolute offsets and 0/1 target."""
    out = []
    for a in articles:
        text = a["text"]
        segs = [s for s in a["segments"] if text[s[0]:s[1]].strip()]
        if not segs:
            continue
        enc = tokenizer([text[s:e] for s, e in segs], truncation=True, max_length=max_length,
                        return_offsets_mapping=True)
        spans = [(s, e) for _, s, e in a["spans"]]
        for (start, _), ids, offsets in zip(segs, enc["input_ids"], enc["offset_mapping"]):
            offs = [(start + s, start + e) if e > s else (-1, -1) for s, e in offsets]
            target = [1.0 if o[0] >= 0 and any(o[0] < e and o[1] > s for s, e in spans) else 0.0 for o in offs]
            out.append({"article": a["id"], "ids": ids, "offsets": offs, "target": target})
    return out



def technique_pairs(articles: list[dict]) -> tuple[list[str], list[str], list[str]]:
    """(span text, context, label) per gold span; the context is the text of
    the segments the span touches."""
    firsts, seconds, labels = [], [], []
    for a in articles:
        text = a["text"]
        for label, s, e in a["spans"]:
            touched = [seg for seg in a["segments"] if seg[0] < e and seg[1] > s] or [[s, e]]
            firsts.append(text[s:e])
            seconds.append(text[touched[0][0]:touched[-1][1]])
            labels.append(label)
    return firsts, seconds, labels



def checkthat_pairs(debates: list[dict]) -> tuple[list[str], list[str], list[int], list[str]]:
    firsts, seconds, labels, owners = [], [], [], []
    for d in debates:
        previous = ""
        for speaker, text, label in d["lines"]:
            firsts.append(text)
            seconds.append(previous)
            labels.append(int(label))
            owners.append(d["name"])
            previous = text
    return firsts, seconds, labels, owners



def mean_average_precision(scores: np.ndarray, labels: list[int], owners: list[str]) -> float:
    """MAP over the debates in ``owners`` (``parley.scoring.ranking.ranking_measures``)."""
    per = [([float(scores[i]) for i in idx], [labels[i] for i in idx])
           for idx in ([i for i, o in enumerate(owners) if o == name] for name in sorted(set(owners)))]
    return ranking_measures(per)["map"] if per else 0.0



def labels_spec(task: str, data: dict, limit: int | None) -> dict:
    taxonomy = task.split("-")[0]
    split = data[taxonomy]
    classes = sorted({label for a in split["train"] for label, _, _ in a["spans"]})
    index = {c: i for i, c in enumerate(classes)}

    def part(articles):
        a, b, labels = technique_pairs(articles)
        return a[:limit], b[:limit], labels[:limit]

    fa, fb, fl = part([a for a in split["train"] if not a["held"]])
    ha, hb, hl = part([a for a in split["train"] if a["held"]])
    ta, tb, tl = part(split["test"])

    def accuracy(gold):
        return lambda logits: float(np.mean([classes[int(r.argmax())] == g for r, g in zip(logits["label"], gold)]))

    return {"outputs": {"label": classes}, "fit": (fa, fb, {"label": [index[x] for x in fl]}),
            "held": (ha, hb, None), "score": accuracy(hl), "measure": "micro-F1 given gold spans",
            "tests": {split["test_name"]: (ta, tb, accuracy(tl))}, "max_length": 256, "epochs": 10, "batch": 32,
            "pair": ["span", "segments"]}



CLARITY = ["Clear Reply", "Ambivalent", "Clear Non-Reply"]

EVASION = ["Explicit", "Implicit", "Dodging", "Deflection", "Partial/half-answer", "General",
           "Declining to answer", "Claims ignorance", "Clarification"]



def answers_spec(data: dict, limit: int | None) -> dict:
    def part(rows):
        rows = rows[:limit]
        return [r["q"] for r in rows], [r["a"] for r in rows], rows

    fa, fb, fr = part([r for r in data["train"] if not r["held"]])
    ha, hb, hr = part([r for r in data["train"] if r["held"]])
    ta, tb, tr = part(data["test"])
    counts = np.bincount([CLARITY.index(r["clarity"]) for r in fr], minlength=3).astype(float)
    clarity_weights = (counts.sum() / (3 * np.maximum(counts, 1))).tolist()

    def clarity_f1(rows):
        return lambda logits: macro_f1([r["clarity"] for r in rows],
                                       [CLARITY[int(x.argmax())] for x in logits["clarity"]], CLARITY)

    def evasion_f1(rows):
        def score(logits):
            pred = [EVASION[int(x.argmax())] for x in logits["evasion"]]
            gold = [p if p in r["annotators"] else (r["evasion"] or max(r["annotators"], key=r["annotators"].count))
                    for r, p in zip(rows, pred)]
            return macro_f1(gold, pred, EVASION)
        return score

    return {"outputs": {"clarity": CLARITY, "evasion": EVASION},
            "fit": (fa, fb, {"clarity": [CLARITY.index(r["clarity"]) for r in fr],
                             "evasion": [EVASION.index(r["evasion"]) if r["evasion"] in EVASION else -1 for r in fr]}),
            "class_weights": {"clarity": clarity_weights},
            "held": (ha, hb, None), "score": clarity_f1(hr), "measure": "clarity macro-F1",
            "tests": {"qevasion-test clarity": (ta, tb, clarity_f1(tr)), "qevasion-test evasion": (ta, tb, evasion_f1(tr))},
            "max_length": 512, "epochs": 8, "batch": 16, "pair": ["question", "answer"]}



def checkworthy_spec(data: dict, limit: int | None) -> dict:
    def part(debates):
        a, b, y, owners = checkthat_pairs(debates)
        return a[:limit], b[:limit], y[:limit], owners[:limit]

    fa, fb, fy, _ = part([d for d in data["train"] if not d["held"]])
    # About 1.5% of lines are check-worthy: a seeded share of the others is
    # enough to learn the ranking, at a fraction of the cost.
    draw = random.Random(SEED)
    keep = [i for i, y in enumerate(fy) if y or draw.random() < NEGATIVE_SHARE]
    fa, fb, fy = [fa[i] for i in keep], [fb[i] for i in keep], [fy[i] for i in keep]
    ha, hb, hy, ho = part([d for d in data["train"] if d["held"]])

    def map_of(labels, owners):
        return lambda logits: mean_average_precision(logits["checkworthy"][:, 0], labels, owners)

    tests = {}
    for year in ("2019", "2020"):
        ta, tb, ty, to = part(data[f"test{year}"])
        tests[f"checkthat {year} test MAP"] = (ta, tb, map_of(ty, to))
    return {"outputs": {"checkworthy": None}, "fit": (fa, fb, {"checkworthy": fy}), "held": (ha, hb, None),
            "score": map_of(hy, ho), "measure": "MAP", "tests": tests, "max_length": 128, "epochs": 4, "batch": 64,
            "pair": ["sentence", "previous line"]}

