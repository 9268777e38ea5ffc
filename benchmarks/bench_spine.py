"""Words per second of ``parley analyze`` against a bare spaCy parse, one run.

    .venv/bin/python benchmarks/bench_spine.py [TRANSCRIPT] [--repeat N]

Default transcript: ../shared/corpus/lavrov-kommersant-2025-10-15.txt. Two
comparisons, both measured here, in this run, on the same text:

1. in process, model already loaded: ``parley.pipeline.analyze`` (default
   pipeline, and structure only) against ``nlp(text)``;
2. whole processes, model loading included: ``parley analyze FILE --format
   json`` against ``python -c 'spacy.load(...)(text)'``.

Times are medians over --repeat runs; the machines are noisy, so read the
ratios, not the absolute figures.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "corpus" / "lavrov-kommersant-2025-10-15.txt"


def median_seconds(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("transcript", nargs="?", default=str(SEED))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    path = Path(args.transcript)
    if not path.exists():
        print(f"no transcript at {path} (give one as the first argument)", file=sys.stderr)
        return 2

    from parley.ingest import read_document
    from parley.pipeline.parse import Parser, default_model
    from parley.pipeline import analyze, build_pipeline

    doc = read_document(str(path))
    words = len(doc.text.split())
    parser = Parser.shared()
    nlp = parser.nlp
    full = build_pipeline()
    structure_only = build_pipeline(only=["structure"])
    analyze(doc, full, parser=parser)  # warm up caches and lazy tables

    rows = []
    bare = median_seconds(lambda: nlp(doc.text), args.repeat)
    rows.append(("bare spaCy parse (nlp(text))", bare))
    rows.append(("parley: default pipeline", median_seconds(lambda: analyze(doc, full, parser=parser), args.repeat)))
    rows.append(("parley: structure only", median_seconds(lambda: analyze(doc, structure_only, parser=parser), args.repeat)))

    model = default_model()
    spacy_cmd = [sys.executable, "-c", f"import spacy,sys; nlp=spacy.load({model!r}); "
                 f"nlp(open(sys.argv[1], encoding='utf-8').read())", str(path)]
    parley_cmd = [sys.executable, "-m", "parley", "analyze", str(path), "--format", "json"]
    procs = []
    for label, cmd in (("process: bare spaCy (load + parse)", spacy_cmd), ("process: parley analyze --format json", parley_cmd)):
        seconds = median_seconds(lambda: subprocess.run(cmd, check=True, capture_output=True), max(1, args.repeat // 2))
        procs.append((label, seconds))

    print(f"{path.name}: {words:,} words, {len(doc.text):,} characters; model {model}; "
          f"analysers {', '.join(a.name for a in full)}; median of {args.repeat} runs")
    print(f"{'what':42s} {'seconds':>8s} {'words/s':>9s} {'x bare':>7s}")
    for label, seconds in rows:
        print(f"{label:42s} {seconds:8.3f} {words / seconds:9.0f} {seconds / bare:7.2f}")
    for label, seconds in procs:
        print(f"{label:42s} {seconds:8.3f} {words / seconds:9.0f} {seconds / procs[0][1]:7.2f}")
    timings = analyze(doc, full, parser=parser).timings
    print("one default run, seconds per step: " + ", ".join(f"{k} {v:.3f}" for k, v in timings.items()))
    print("'x bare' is time over the bare spaCy parse measured above (process rows: over the bare spaCy process).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
