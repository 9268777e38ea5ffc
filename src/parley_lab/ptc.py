"""Readers for the persuasion-technique datasets in ../shared/datasets, and
the per-process token-table cache under /tmp, shared by
scripts/train_techniques.py, scripts/finetune_prepare.py,
scripts/finetune_decoding.py and benchmarks/bench_techniques.py.

Datasets (research use only; never copied into the repo):
- ``ptc-train`` / ``ptc-dev``: SemEval-2020 Task 11 PTC (14 techniques),
  labels TSV ``article_id, technique, start, end`` (end exclusive);
- ``st3-train``: SemEval-2023 Task 3 English train (23-label taxonomy; the
  texts are the PTC articles, so it is never evaluated on PTC dev);
- ``ct24-test``: CheckThat! 2024 English test, ``data/formatted/test.json``
  whose ``end`` offsets are inclusive (1 is added here).

Fill the cache ahead of training with
``.venv/bin/python -m parley_lab.ptc ptc-dev ptc-train ...``.
"""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parley.analysers.techniques.features import TokenTable, assemble, segments
from parley.document import Span

ROOT = Path(__file__).resolve().parents[2]  # the repository (an editable install)
SHARED = Path(os.environ.get("PARLEY_SHARED", ROOT.parent / "shared")) / "datasets"
PTC = SHARED / "semeval2020-task11-ptc"
ST3 = SHARED / "semeval2023-task3-checkthat2024-en" / "data"
CACHE = Path(os.environ.get("PARLEY_TECHNIQUES_CACHE", "/tmp/parley-techniques-cache"))


@dataclass
class Article:
    id: str
    text: str
    labels: list[tuple[str, Span]]  # (technique, span)


def _read_dir(folder: Path) -> dict[str, str]:
    out = {}
    for path in sorted(folder.glob("article*.txt")):
        out[path.stem.removeprefix("article")] = path.read_text(encoding="utf-8")
    return out


def _read_tsv(path: Path) -> dict[str, list[tuple[str, Span]]]:
    out: dict[str, list[tuple[str, Span]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            out.setdefault(parts[0], []).append((parts[1], Span(int(parts[2]), int(parts[3]))))
    return out


def load(name: str) -> list[Article]:
    if name == "ptc-train":
        texts = _read_dir(PTC / "datasets" / "train-articles")
        labels = _read_tsv(PTC / "datasets" / "train-task2-TC.labels")
    elif name == "ptc-dev":
        texts = _read_dir(PTC / "datasets" / "dev-articles")
        labels = _read_tsv(PTC / "dev-gold" / "dev-task-TC.labels")
        texts = {k: v for k, v in texts.items() if k in labels}  # gold covers 74 of 75
    elif name == "st3-train":
        texts = _read_dir(ST3 / "raw" / "en" / "train-articles-subtask-3")
        labels = _read_tsv(ST3 / "raw" / "en" / "train-labels-subtask-3-spans.txt")
    elif name == "ct24-test":
        items = json.loads((ST3 / "formatted" / "test.json").read_text(encoding="utf-8"))
        texts, labels = {}, {}
        for item in items:
            if item.get("lang") != "en":
                continue
            aid = str(item["article_id"])
            texts[aid] = item["text"]
            labels[aid] = [(a["tag"], Span(int(a["start"]), int(a["end"]) + 1)) for a in item["annotations"]]
    else:
        raise SystemExit(f"unknown dataset {name}")
    return [Article(k, texts[k], labels.get(k, [])) for k in sorted(texts)]


SEED = 13
HELD_OUT = 0.1  # share of training articles kept whole for choosing settings
NEGATIVE_SHARE = 0.15  # share of span-free segments of the other training articles encoded


def split(articles: list[Article]) -> tuple[list[int], list[int]]:
    """(fit, held-out) article indices, seeded."""
    order = np.random.default_rng(SEED).permutation(len(articles))
    cut = int(len(articles) * HELD_OUT)
    return sorted(order[cut:].tolist()), sorted(order[:cut].tolist())


def chosen_segments(articles: list[Article], sample: bool) -> list[tuple[int, Span]]:
    """(article index, segment) to encode: all of them, or with ``sample`` (to
    spare CPU when training) every segment of the held-out articles but, of
    the others, the segments touching a technique span and a seeded
    NEGATIVE_SHARE of the rest."""
    held = set(split(articles)[1]) if sample else set()
    rng = np.random.default_rng(SEED)
    out = []
    for i, a in enumerate(articles):
        for s in segments(a.text):
            draw = rng.random()
            if not sample or i in held or draw < NEGATIVE_SHARE or any(
                    t.start < s.end and t.end > s.start for _, t in a.labels):
                out.append((i, s))
    return out


def tables(name: str, articles: list[Article], sample: bool = False) -> list[TokenTable]:
    """Token tables of every article, from the /tmp cache or computed once."""
    path = CACHE / f"{name}{'-sampled' if sample else ''}.npz"
    if path.exists():
        with np.load(path) as npz:
            data = {k: npz[k] for k in npz.files}  # read each array once
        out = []
        for i in range(len(articles)):
            tok = data["tok_article"] == i
            seg = data["seg_article"] == i
            seg_index = np.nonzero(seg)[0]
            remap = np.full(len(data["seg_article"]), -1)
            remap[seg_index] = np.arange(len(seg_index))
            out.append(TokenTable(
                data["vectors"][tok].astype(np.float32), data["offsets"][tok],
                remap[data["segment"][tok]], [Span(int(a), int(b)) for a, b in data["seg_spans"][seg]],
                data["seg_means"][seg].astype(np.float32)))
        return out
    from parley.models import encoder
    all_spans = chosen_segments(articles, sample)
    texts = [articles[i].text[s.start:s.end] for i, s in all_spans]
    known = _known_segments(name)
    todo = sorted({t for t in texts if t not in known})
    print(f"  {name}: {len(texts)} segments, {len(texts) - len(todo)} already encoded in other datasets", flush=True)
    t0 = time.time()
    step = 2048
    for k in range(0, len(todo), step):
        for text, tv in zip(todo[k:k + step], encoder.token_embeddings(todo[k:k + step], batch_size=64)):
            known[text] = (tv.vectors, tv.offsets)
        print(f"  {name}: {min(k + step, len(todo))}/{len(todo)} encoded, {time.time() - t0:.0f}s", flush=True)
    vecs = [known[t] for t in texts]
    out = []
    for i, a in enumerate(articles):
        idx = [k for k, (j, _) in enumerate(all_spans) if j == i]
        out.append(assemble([all_spans[k][1] for k in idx], [vecs[k] for k in idx], np))
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(
        path,
        vectors=np.concatenate([t.vectors for t in out]).astype(np.float16),
        offsets=np.concatenate([t.offsets for t in out]),
        segment=np.concatenate([t.segment + sum(len(u.segment_spans) for u in out[:i]) for i, t in enumerate(out)]),
        tok_article=np.concatenate([np.full(len(t.vectors), i) for i, t in enumerate(out)]),
        seg_spans=np.asarray([[s.start, s.end] for t in out for s in t.segment_spans]).reshape(-1, 2),
        seg_article=np.concatenate([np.full(len(t.segment_spans), i) for i, t in enumerate(out)]),
        seg_means=np.concatenate([t.segment_means for t in out]).astype(np.float16),
    )
    return out


def _known_segments(name: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Segment text -> (token vectors, relative offsets) from other cached datasets.

    The SemEval-2023 English texts are the PTC articles with sentences joined
    into paragraphs, so most of their segments were already encoded.
    """
    known: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for other, sample in (("ptc-train", True), ("ptc-dev", False), ("ct24-test", False)):
        if other == name or not (CACHE / f"{other}{'-sampled' if sample else ''}.npz").exists():
            continue
        for article, table in zip(*(lambda arts: (arts, tables(other, arts, sample)))(load(other))):
            for k, span in enumerate(table.segment_spans):
                sel = table.segment == k
                known[article.text[span.start:span.end]] = (table.vectors[sel], table.offsets[sel] - span.start)
    return known


def main(names: list[str]) -> int:
    """Fill the cache for the datasets named (training sets sampled)."""
    for dataset in names:
        arts = load(dataset)
        print(dataset, len(arts), "articles", sum(len(a.labels) for a in arts), "labels", flush=True)
        tables(dataset, arts, sample=dataset.endswith("-train"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
