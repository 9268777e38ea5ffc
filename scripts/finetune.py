"""Fine-tune low-rank adapters of all-MiniLM-L6-v2 for Parley's model layers.

    python3 scripts/finetune.py TASK... [--bundle .finetune] [--out DIR] [--limit N]

Meant for a GPU, where every task takes minutes; on CPU it works too, an
epoch taking 15-30 minutes on 2 cores (``--limit`` trims every split for a
smoke test). Reads the bundle that scripts/finetune_prepare.py writes and
needs only torch, transformers, numpy and a few pure-Python parts of Parley
(the tasks' measures, ``parley.scoring``), not spaCy: on a machine without
the install, run it from the repository with ``PYTHONPATH=src``.

Every task trains the same way: LoRA adapters (rank ``RANK``) on every linear
layer of the six transformer blocks, the LayerNorms, and a small head, with
the encoder's own weights frozen. After each epoch the held-out part of the
training split is scored; the epoch and learning rate that score best there
are kept (dev and test sets are only scored, at the end, for the log). One
``<task>.npz`` per task is written to ``--out``: the adapter factors (float16),
the LayerNorms and the head (float32) and a JSON ``meta`` string; Parley
merges them into the encoder's weights at load time (``parley.models.adapters``).

Tasks:

- ``semeval2020-spans`` / ``semeval2023-spans``: is each word piece inside a
  persuasion-technique span (binary, per token, over a segment);
- ``semeval2020-labels`` / ``semeval2023-labels``: which technique a span
  shows, from the pair (span text, its segments' text);
- ``answers``: clarity (3) and evasion (9) of a (question, answer) pair;
- ``checkworthy``: is a debate sentence worth checking, from the pair
  (sentence, the line before it).
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from parley.document import Span
from parley.models.modelfile import write_model
from parley.scoring.classes import best_threshold, macro_f1
from parley.scoring.ranking import ranking_measures
from parley.scoring.spans import overlap_f1  # the task's span measure

RANK = 16
ALPHA = 32
NEGATIVE_SHARE = 0.3  # of the lines that are not check-worthy, trained on (checkworthy)
SEED = 13
START = time.time()
BUDGET = [float("inf")]  # seconds from START after which training stops (--budget)


def out_of_time() -> bool:
    return time.time() - START > BUDGET[0]


def log(*parts: object) -> None:
    print(*parts, flush=True)


# -- the model ------------------------------------------------------------------

class LoRALinear(nn.Module):
    """``base(x) + scale * (x A^T) B^T`` with ``base`` frozen."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)
        self.a = nn.Parameter(torch.empty(rank, base.in_features))
        nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = alpha / rank
        self.dropout = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (self.dropout(x) @ self.a.t() @ self.b.t()) * self.scale


def load_encoder(bundle: Path, device: str) -> tuple[nn.Module, object, dict[str, LoRALinear]]:
    from transformers import AutoModel, AutoTokenizer

    path = str(bundle / "encoder")
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).float()
    for p in model.parameters():
        p.requires_grad_(False)
    adapters: dict[str, LoRALinear] = {}
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            full = f"{name}.{child_name}" if name else child_name
            if isinstance(child, nn.Linear) and full.startswith("encoder.layer."):
                wrapped = LoRALinear(child, RANK, ALPHA)
                setattr(module, child_name, wrapped)
                adapters[full + ".weight"] = wrapped
    for name, p in model.named_parameters():
        if "LayerNorm" in name and name.startswith("encoder.layer."):
            p.requires_grad_(True)
    return model.to(device), tokenizer, adapters


class Tagger(nn.Module):
    """Encoder + one logit per token."""

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(384, 1)

    def forward(self, batch: dict) -> torch.Tensor:
        hidden = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                              token_type_ids=batch.get("token_type_ids")).last_hidden_state
        return self.out(self.drop(hidden)).squeeze(-1)


class Classifier(nn.Module):
    """Encoder + mean pooling + one linear head per output."""

    def __init__(self, encoder: nn.Module, sizes: dict[str, int]) -> None:
        super().__init__()
        self.encoder = encoder
        self.drop = nn.Dropout(0.1)
        self.heads = nn.ModuleDict({k: nn.Linear(384, n) for k, n in sizes.items()})

    def forward(self, batch: dict) -> dict[str, torch.Tensor]:
        hidden = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                              token_type_ids=batch.get("token_type_ids")).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = self.drop((hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0))
        return {k: head(pooled) for k, head in self.heads.items()}


def trainable_state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.named_parameters() if v.requires_grad}


def export(model: nn.Module, adapters: dict[str, LoRALinear], path: Path, meta: dict) -> None:
    """The adapters as factors, LayerNorms and head as they are, and meta."""
    arrays: dict[str, np.ndarray] = {}
    for key, module in adapters.items():
        arrays[f"lora_a:{key}"] = module.a.detach().float().cpu().numpy().astype(np.float16)
        arrays[f"lora_b:{key}"] = (module.b.detach().float().cpu().numpy() * module.scale).astype(np.float16)
    for name, p in model.named_parameters():
        if not p.requires_grad or ".a" == name[-2:] or ".b" == name[-2:]:
            continue
        if name.startswith("encoder."):
            key = name[len("encoder."):]  # the encoder's own state-dict key
            arrays[f"set:{key}"] = p.detach().float().cpu().numpy()
        else:
            arrays[f"head:{name}"] = p.detach().float().cpu().numpy()
    write_model(path, meta, arrays)
    log(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


# -- batching -------------------------------------------------------------------

def batches(n: int, lengths: list[int], size: int, shuffle: bool, rng: random.Random) -> list[list[int]]:
    """Index batches of similar lengths (less padding), in random order when training."""
    order = sorted(range(n), key=lambda i: lengths[i])
    out = [order[i:i + size] for i in range(0, n, size)]
    if shuffle:
        rng.shuffle(out)
    return out


def encode_pairs(tokenizer, firsts: list[str], seconds: list[str] | None, max_length: int, device: str) -> dict:
    enc = tokenizer(firsts, seconds, truncation="longest_first" if seconds else True, max_length=max_length,
                    padding=True, return_tensors="pt")
    return {k: v.to(device) for k, v in enc.items()}


def optimiser(model: nn.Module, lr: float, steps: int) -> tuple[torch.optim.Optimizer, object]:
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / max(1, steps - warm)))
    return opt, sched


def autocast(device: str):
    return torch.autocast("cuda", dtype=torch.bfloat16) if device.startswith("cuda") else torch.autocast(
        "cpu", enabled=False)


def fit(task: str, args, device: str, build, lengths: list[int], batch_size: int, epochs: int, loss_of, evaluate):
    """Train one model per learning rate in ``args.lrs``; after each epoch
    ``evaluate(model) -> (score, extra)`` on held-out data, and keep the best.

    ``build(encoder) -> model`` adds the task's head; ``loss_of(model, idx)``
    is the loss of one batch of training examples. Returns ``(score, lr,
    epoch, extra)``, with the best state loaded into the returned model, its
    adapters and tokenizer."""
    best = None
    for lr in args.lrs:
        torch.manual_seed(SEED)
        encoder, tokenizer, adapters = load_encoder(args.bundle, device)
        model = build(encoder).to(device)
        rng = random.Random(SEED)
        plan = [batches(len(lengths), lengths, batch_size, True, rng) for _ in range(epochs)]
        opt, sched = optimiser(model, lr, sum(len(p) for p in plan))
        for epoch, plan_epoch in enumerate(plan, 1):
            model.train()
            t0 = time.time()
            for step, idx in enumerate(plan_epoch, 1):
                if step % 50 == 0:
                    log(f"{task} epoch {epoch}: batch {step}/{len(plan_epoch)}, {time.time() - t0:.0f}s")
                loss = loss_of(model, tokenizer, idx)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
            score, extra = evaluate(model, tokenizer)
            log(f"{task} lr={lr} epoch {epoch}: held-out {score:.4f} {extra} ({time.time() - t0:.0f}s)")
            if best is None or score > best[0]:
                best = (score, lr, epoch, extra, trainable_state(model))
            if out_of_time():
                break
        if out_of_time():
            log(f"{task}: out of time, keeping the best state so far")
            break
    score, lr, epoch, extra, state = best
    model.load_state_dict(state, strict=False)
    return (score, lr, epoch, extra), model, adapters, tokenizer


# -- techniques: spans ----------------------------------------------------------

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


def tag_batch(examples: list[dict], device: str) -> tuple[dict, torch.Tensor, torch.Tensor]:
    width = max(len(e["ids"]) for e in examples)
    ids = torch.zeros(len(examples), width, dtype=torch.long)
    mask = torch.zeros(len(examples), width, dtype=torch.long)
    target = torch.zeros(len(examples), width)
    valid = torch.zeros(len(examples), width, dtype=torch.bool)
    for i, e in enumerate(examples):
        n = len(e["ids"])
        ids[i, :n] = torch.tensor(e["ids"])
        mask[i, :n] = 1
        target[i, :n] = torch.tensor(e["target"])
        valid[i, :n] = torch.tensor([o[0] >= 0 for o in e["offsets"]])
    batch = {"input_ids": ids.to(device), "attention_mask": mask.to(device),
             "token_type_ids": torch.zeros_like(ids).to(device)}
    return batch, target.to(device), valid.to(device)


def tag_probabilities(model: Tagger, examples: list[dict], device: str) -> list[np.ndarray]:
    model.eval()
    out: list[np.ndarray | None] = [None] * len(examples)
    with torch.no_grad(), autocast(device):
        for idx in batches(len(examples), [len(e["ids"]) for e in examples], 128, False, random.Random(0)):
            batch, _, _ = tag_batch([examples[i] for i in idx], device)
            probs = torch.sigmoid(model(batch).float()).cpu().numpy()
            for row, i in enumerate(idx):
                out[i] = probs[row, :len(examples[i]["ids"])]
    return out  # type: ignore[return-value]


def token_f1(examples: list[dict], probs: list[np.ndarray]) -> tuple[float, float]:
    """Best token-level F1 over thresholds (a cheap stand-in for the span measure)."""
    y = np.concatenate([np.asarray(e["target"])[[o[0] >= 0 for o in e["offsets"]]] for e in examples])
    p = np.concatenate([pr[[o[0] >= 0 for o in e["offsets"]]] for e, pr in zip(examples, probs)])
    return best_threshold(p, y, np.arange(0.1, 0.91, 0.05))


def overlap_span_f1(examples: list[dict], probs: list[np.ndarray], articles: list[dict], threshold: float) -> float:
    """SemEval-2020 span identification F1 with plain decoding (runs >= threshold, one-token gaps)."""
    pred: dict[str, list[tuple[int, int]]] = {}
    for e, pr in zip(examples, probs):
        run = None
        gap = 0
        for o, v in zip(e["offsets"], pr):
            if o[0] < 0:
                continue
            if v >= threshold:
                run = (run[0], o[1]) if run else (o[0], o[1])
                gap = 0
            elif run:
                gap += 1
                if gap > 1:
                    pred.setdefault(e["article"], []).append(run)
                    run = None
        if run:
            pred.setdefault(e["article"], []).append(run)
    return overlap_f1([[("x", Span(*run)) for run in pred.get(a["id"], [])] for a in articles],
                      [[("x", Span(s, e)) for _, s, e in a["spans"]] for a in articles], labelled=False)[2]


def train_spans(task: str, data: dict, args, device: str) -> None:
    taxonomy = task.split("-")[0]
    split = data[taxonomy]
    fit_articles = [a for a in split["train"] if not a["held"]][:args.limit]
    held = [a for a in split["train"] if a["held"]][:args.limit]
    test = split["test"][:args.limit]
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(args.bundle / "encoder"), local_files_only=True)
    fit_x, held_x = span_examples(fit_articles, tokenizer), span_examples(held, tokenizer)

    def loss_of(model, _tokenizer, idx):
        batch, target, valid = tag_batch([fit_x[i] for i in idx], device)
        with autocast(device):
            logits = model(batch).float()
        return nn.functional.binary_cross_entropy_with_logits(logits[valid], target[valid])

    def evaluate(model, _tokenizer):
        probs = tag_probabilities(model, held_x, device)
        f1, threshold = token_f1(held_x, probs)
        return overlap_span_f1(held_x, probs, held, threshold), {"threshold": threshold, "token_f1": round(f1, 4)}

    (span_f1, lr, epoch, extra), model, adapters, tokenizer = fit(
        task, args, device, Tagger, [len(e["ids"]) for e in fit_x], 32, args.epochs or 8, loss_of, evaluate)
    threshold = extra["threshold"]
    test_f1 = float("nan")
    if not args.no_tests:
        test_x = span_examples(test, tokenizer)
        test_f1 = overlap_span_f1(test_x, tag_probabilities(model, test_x, device), test, threshold)
    log(f"{task}: chose lr={lr} epoch {epoch}; held-out span F1 {span_f1:.3f}; "
        f"{split['test_name']} span F1 {test_f1:.3f} (plain decoding, for the log)")
    export(model, adapters, args.out / f"{task}.adapter.npz", {
        "task": task, "kind": "tagger", "rank": RANK, "alpha": ALPHA, "lr": lr, "epochs": epoch, "max_length": 256,
        "threshold": round(threshold, 2), "held_out_span_f1": round(span_f1, 4),
        "trained_on": f"{taxonomy} train minus held-out articles"})


# -- classification tasks -------------------------------------------------------

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


def predict(model: Classifier, tokenizer, firsts, seconds, max_length: int, device: str) -> dict[str, np.ndarray]:
    model.eval()
    out: dict[str, list] = {}
    order = batches(len(firsts), [len(a) + len(b or "") for a, b in zip(firsts, seconds)], 64, False,
                    random.Random(0))
    rows: dict[int, dict[str, np.ndarray]] = {}
    with torch.no_grad(), autocast(device):
        for idx in order:
            enc = encode_pairs(tokenizer, [firsts[i] for i in idx], [seconds[i] for i in idx], max_length, device)
            logits = {k: v.float().cpu().numpy() for k, v in model(enc).items()}
            for row, i in enumerate(idx):
                rows[i] = {k: v[row] for k, v in logits.items()}
    for k in model.heads:
        out[k] = np.stack([rows[i][k] for i in range(len(firsts))])
    return out


def train_classifier(task: str, spec: dict, args, device: str) -> None:
    """``spec``: fit/held/tests as (firsts, seconds, targets per output),
    ``outputs`` {name: classes or None for binary}, ``score`` (held-out
    measure from logits), ``max_length``, ``epochs``, ``batch``."""
    outputs = spec["outputs"]
    if args.max_length:
        spec["max_length"] = min(spec["max_length"], args.max_length)
    sizes = {k: (len(c) if c else 1) for k, c in outputs.items()}
    f_a, f_b, f_y = spec["fit"]
    h_a, h_b, _ = spec["held"]
    weights = {k: torch.tensor(spec["class_weights"][k], device=device) for k in spec.get("class_weights", {})}

    def loss_of(model, tokenizer, idx):
        enc = encode_pairs(tokenizer, [f_a[i] for i in idx], [f_b[i] for i in idx], spec["max_length"], device)
        with autocast(device):
            logits = model(enc)
        loss = torch.zeros((), device=device)
        for k, classes in outputs.items():
            target = torch.tensor([f_y[k][i] for i in idx], device=device)
            if classes:
                keep = target >= 0
                if keep.any():
                    loss = loss + nn.functional.cross_entropy(
                        logits[k].float()[keep], target[keep], weight=weights.get(k), label_smoothing=0.05)
            else:
                loss = loss + nn.functional.binary_cross_entropy_with_logits(logits[k].float().squeeze(-1),
                                                                             target.float())
        return loss

    def evaluate(model, tokenizer):
        return spec["score"](predict(model, tokenizer, h_a, h_b, spec["max_length"], device)), spec["measure"]

    (score, lr, epoch, _), model, adapters, tokenizer = fit(
        task, args, device, lambda encoder: Classifier(encoder, sizes), [len(a) + len(b or "") for a, b in zip(f_a, f_b)],
        spec["batch"], args.epochs or spec["epochs"], loss_of, evaluate)
    reports = {}
    for name, (t_a, t_b, scorer) in (spec["tests"].items() if not args.no_tests else ()):
        reports[name] = round(scorer(predict(model, tokenizer, t_a, t_b, spec["max_length"], device)), 4)
    log(f"{task}: chose lr={lr} epoch {epoch}; held-out {spec['measure']} {score:.4f}; for the log: {reports}")
    export(model, adapters, args.out / f"{task}.adapter.npz", {
        "task": task, "kind": "classifier", "rank": RANK, "alpha": ALPHA, "lr": lr, "epochs": epoch,
        "max_length": spec["max_length"], "outputs": {k: list(c) if c else None for k, c in outputs.items()},
        "held_out": {spec["measure"]: round(score, 4)}, "pair": spec["pair"]})


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


def read(bundle: Path, name: str) -> dict:
    with gzip.open(bundle / name, "rt", encoding="utf-8") as fh:
        return json.load(fh)


TASKS = ("semeval2020-spans", "semeval2020-labels", "answers", "checkworthy", "semeval2023-spans", "semeval2023-labels")


def main() -> int:
    ap = argparse.ArgumentParser(description="Fine-tune Parley's encoder adapters.")
    ap.add_argument("tasks", nargs="*", default=list(TASKS))
    ap.add_argument("--bundle", type=Path, default=Path(".finetune"))
    ap.add_argument("--out", type=Path, default=Path("out/finetune"))
    ap.add_argument("--limit", type=int, default=None, help="trim every split (smoke tests)")
    ap.add_argument("--epochs", type=int, default=None, help="override every task's epochs")
    ap.add_argument("--lrs", type=float, nargs="+", default=[5e-4, 1e-3])
    ap.add_argument("--no-tests", action="store_true", help="skip scoring dev/test sets (the benchmarks do)")
    ap.add_argument("--max-length", type=int, default=None, help="cap every task's input length (word pieces)")
    ap.add_argument("--budget", type=float, default=None, help="seconds after which training stops and writes what it has")
    args = ap.parse_args()
    if args.budget:
        BUDGET[0] = args.budget
    args.out.mkdir(parents=True, exist_ok=True)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cuda.matmul.allow_tf32 = True
    log(f"device {device}, torch {torch.__version__}")
    techniques = None
    for task in args.tasks:
        t0 = time.time()
        try:
            if task.endswith("-spans"):
                techniques = techniques or read(args.bundle, "techniques.json.gz")
                train_spans(task, techniques, args, device)
            elif task.endswith("-labels"):
                techniques = techniques or read(args.bundle, "techniques.json.gz")
                train_classifier(task, labels_spec(task, techniques, args.limit), args, device)
            elif task == "answers":
                train_classifier(task, answers_spec(read(args.bundle, "qevasion.json.gz"), args.limit), args, device)
            elif task == "checkworthy":
                train_classifier(task, checkworthy_spec(read(args.bundle, "checkthat.json.gz"), args.limit), args,
                                 device)
            else:
                log(f"unknown task {task}")
                continue
        except Exception as e:  # one task failing must not cost the others their device time
            import traceback

            traceback.print_exc()
            log(f"{task} FAILED: {e}")
        log(f"{task} done in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
