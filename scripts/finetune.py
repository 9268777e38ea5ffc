"""Fine-tune low-rank adapters of all-MiniLM-L6-v2 for Parley's model layers.

    python3 scripts/finetune.py TASK... [--bundle .finetune] [--out DIR] [--limit N]

Meant for a GPU, where every task takes minutes; on CPU it works too, an
epoch taking 15-30 minutes on 2 cores (``--limit`` trims every split for a
smoke test). Reads the bundle that scripts/finetune_prepare.py writes and
needs only torch, transformers, numpy and a few pure-Python parts of Parley
(the tasks' measures, ``parley.scoring``), not spaCy: on a machine without
the install, run it from the repository with ``PYTHONPATH=src``.

Every task trains the same way: LoRA adapters (rank ``parley_lab.lora.RANK``) on every linear
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
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from parley.document import Span
from parley.scoring.classes import best_threshold
from parley.scoring.spans import overlap_f1  # the task's span measure
from parley_lab.finetune_tasks import answers_spec, checkworthy_spec, labels_spec, read, span_examples
from parley_lab.lora import (
    ALPHA, RANK, SEED, Classifier, Tagger, autocast, batches, encode_pairs, export, load_encoder, log, optimiser,
    trainable_state,
)

START = time.time()
BUDGET = [float("inf")]  # seconds from START after which training stops (--budget)


def out_of_time() -> bool:
    return time.time() - START > BUDGET[0]


# -- training loop (the model pieces are in parley_lab.lora) ---------------------

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
