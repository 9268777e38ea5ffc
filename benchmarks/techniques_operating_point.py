"""The techniques analyser's operating point: a precision-first ``min_score``
per taxonomy, chosen on held-out *training* articles, reported on dev.

    .venv/bin/python benchmarks/techniques_operating_point.py [--out out/bench] [--limit N] [--dev-limit N]

The analyser runs once per article (at min_score 0); its scored spans are
cached in ``CACHE`` (a pickle under /tmp) and the thresholds are swept on
the cache in memory, so a second run takes seconds. ``--limit`` and
``--dev-limit`` take the first N held-out / dev articles (on 2 shared CPU
cores an article takes 10-40 s).

For each taxonomy the analyser's own code path (``find_techniques`` at
``min_score`` 0) scores every span of:

- the held-out 10% of the training articles (``parley_lab.ptc.split``, the
  articles the adapters' decoding was chosen on, never dev): PTC train for
  ``semeval2020``, SemEval-2023 Task 3 train for ``semeval2023``;
- PTC dev (``semeval2020`` only: its gold is in that taxonomy);
- the reference interview (../shared/corpus/lavrov-kommersant-2025-10-15.txt).

The threshold of a taxonomy is the lowest score (on a 0.01 grid) at which
span-identification precision on the held-out articles reaches ``TARGET``
(a margin above the 0.55 floor on dev), with at least ``MIN_SPANS``
predicted spans left; where no threshold reaches it (both taxonomies, as
measured), the threshold of highest held-out precision with ``MIN_SPANS``
spans left. Precision and recall on PTC dev and the count of spans
per 1,000 words on the reference interview are then measured at that
threshold and written, with the whole sweep, to ``--out``; dev and the
interview are never used to choose.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from pathlib import Path

from parley.analysers.techniques.analyser import find_techniques
from parley.analysers.techniques.features import segments
from parley.scoring.spans import merge_spans, overlap_f1
from parley_lab.ptc import PTC, SHARED, load, split

REFERENCE = SHARED.parent / "corpus" / "lavrov-kommersant-2025-10-15.txt"
TARGET = 0.60  # held-out span precision the threshold must reach
MIN_SPANS = 20  # predicted spans the threshold must leave on the held-out articles
GRID = [round(k / 100, 2) for k in range(0, 100)]
TRAIN_SET = {"semeval2020": "ptc-train", "semeval2023": "st3-train"}
# Scored spans per (taxonomy, dataset, article id), kept between runs so the
# analyser runs once per article and the sweep works on the cache in memory.
CACHE = Path(os.environ.get("PARLEY_OPERATING_POINT_CACHE", "/tmp/parley-operating-point.pkl"))


def scored(taxonomy: str, text: str) -> list[tuple[float, tuple[int, int]]]:
    """(score, (start, end)) of every technique record of ``text`` (min_score 0)."""
    return [(r.score, (r.span.start, r.span.end))
            for r in find_techniques(text, segments(text), (taxonomy,), 0.0)]


def scored_all(taxonomy: str, dataset: str, articles: list) -> list[list]:
    """``scored`` for each of ``articles``, read from CACHE where it is there
    and saved to it after each new article (a stopped run loses nothing)."""
    return [cached((taxonomy, dataset, a.id), lambda a=a: scored(taxonomy, a.text)) for a in articles]


_LOADED: dict = {}  # CACHE's contents, read once per process


def cached(key: tuple, compute):
    """CACHE[key], computed by ``compute()`` and saved first when missing."""
    if not _LOADED and CACHE.is_file():
        _LOADED.update(pickle.loads(CACHE.read_bytes()))
    cache = _LOADED
    if key not in cache:
        cache[key] = compute()
        tmp = CACHE.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(cache))
        tmp.replace(CACHE)
    return cache[key]


def at(threshold: float, found: list, gold: list) -> dict:
    """Span-identification P/R/F1 of the records scoring at least ``threshold``."""
    from parley.document import Span

    pred = [[("x", Span(*s)) for score, s in doc if score >= threshold] for doc in found]
    gold_ = [[("x", s) for s in merge_spans(spans)] for spans in gold]
    p, r, f = overlap_f1(pred, gold_, labelled=False)
    return {"threshold": threshold, "p": round(p, 4), "r": round(r, 4), "f1": round(f, 4),
            "spans": sum(len(d) for d in pred)}


def choose(sweep: list[dict]) -> float:
    """The lowest threshold reaching TARGET precision with MIN_SPANS spans
    left; where none does, the one of highest precision with MIN_SPANS left
    (the lowest such), else the grid's top."""
    for row in sweep:
        if row["p"] >= TARGET and row["spans"] >= MIN_SPANS:
            return row["threshold"]
    left = [row for row in sweep if row["spans"] >= MIN_SPANS]
    return max(left, key=lambda row: (row["p"], -row["threshold"]))["threshold"] if left else sweep[-1]["threshold"]


def dev_gold() -> dict[str, list]:
    from parley.document import Span

    gold: dict[str, list] = {}
    for line in (PTC / "dev-gold" / "dev-task-SI.labels").read_text().splitlines():
        aid, start, end = line.split("\t")
        gold.setdefault(aid, []).append(Span(int(start), int(end)))
    return gold


def run_taxonomy(taxonomy: str, limit: int | None = None, dev_limit: int | None = None) -> dict:
    """The sweep on the held-out articles (the first ``limit`` of them, if
    given), the chosen threshold and, for semeval2020, PTC dev at it (the
    first ``dev_limit`` articles, if given)."""
    t0 = time.perf_counter()
    articles = load(TRAIN_SET[taxonomy])
    held = [articles[i] for i in split(articles)[1]][:limit]
    found = scored_all(taxonomy, TRAIN_SET[taxonomy], held)
    sweep = [at(t, found, [[s for _, s in a.labels] for a in held]) for t in GRID]
    threshold = choose(sweep)
    out = {"held_out": f"{TRAIN_SET[taxonomy]} held-out ({len(held)} articles)", "threshold": threshold,
           "held_out_at_threshold": next(r for r in sweep if r["threshold"] == threshold), "sweep": sweep}
    if taxonomy == "semeval2020":
        dev = load("ptc-dev")[:dev_limit]
        gold = dev_gold()
        dev_found = scored_all(taxonomy, "ptc-dev", dev)
        dev_gold_ = [gold.get(a.id, []) for a in dev]
        out["ptc_dev_at_threshold"] = at(threshold, dev_found, dev_gold_)
        out["ptc_dev_all"] = at(0.0, dev_found, dev_gold_)
        out["ptc_dev"] = f"ptc-dev ({len(dev)} articles)"
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def reference_interview() -> tuple[str, list, int]:
    """The turn text of the reference interview as the analyser sees it."""
    from parley.analysers.techniques.analyser import sentence_segments
    from parley.ingest import read_document
    from parley.pipeline import analyze, build_pipeline

    analysis = analyze(read_document(str(REFERENCE)), build_pipeline(only=["structure"]))
    return analysis.text, sentence_segments(analysis), len(analysis.text.split())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/bench")
    ap.add_argument("--taxonomies", default="semeval2020,semeval2023")
    ap.add_argument("--limit", default=None, help="only the first N held-out training articles: N for "
                    "every taxonomy, or TAXONOMY=N,...")
    ap.add_argument("--dev-limit", type=int, default=None, help="only the first N PTC dev articles")
    args = ap.parse_args(argv)
    text, spans, words = reference_interview()
    result = {"target_precision": TARGET, "min_spans": MIN_SPANS}
    for taxonomy in args.taxonomies.split(","):
        result[taxonomy] = run_taxonomy(taxonomy, limit_of(args.limit, taxonomy), args.dev_limit)
        result[taxonomy]["reference"] = reference_counts(taxonomy, text, spans, words, result[taxonomy]["threshold"])
        print(taxonomy, json.dumps({k: v for k, v in result[taxonomy].items() if k != "sweep"}), flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "techniques_operating_point.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


def limit_of(limit: str | None, taxonomy: str) -> int | None:
    """The --limit of ``taxonomy``: ``N`` for all, or ``TAXONOMY=N,...`` (absent: no limit)."""
    if limit is None or "=" not in limit:
        return None if limit is None else int(limit)
    pairs = dict(item.split("=") for item in limit.split(","))
    return int(pairs[taxonomy]) if taxonomy in pairs else None


def reference_counts(taxonomy: str, text: str, spans: list, words: int, threshold: float) -> dict:
    """Spans on the reference interview (turn sentences, as the analyser reads them), all and kept."""
    found = cached(("reference", taxonomy, REFERENCE.name),
                   lambda: [r.score for r in find_techniques(text, spans, (taxonomy,), 0.0)])
    kept = sum(1 for score in found if score >= threshold)
    return {"spans_all": len(found), "spans_kept": kept, "words": words,
            "per_1000_words": round(1000 * kept / words, 2), "scores": sorted(found, reverse=True)}


if __name__ == "__main__":
    sys.exit(main())
