"""Words per second of ``parley analyze`` against a bare spaCy parse, one run.

    .venv/bin/python benchmarks/bench_spine.py [TRANSCRIPT] [--repeat N] [--out out/bench]

Default transcript: ../shared/corpus/lavrov-kommersant-2025-10-15.txt. Two
comparisons, both measured here, in this run, on the same text:

1. in process, model already loaded: ``parley.pipeline.analyze`` (default
   pipeline, and structure only) against ``nlp(text)``;
2. whole processes, model loading included: ``parley analyze FILE --format
   json`` against ``python -c 'spacy.load(...)(text)'``, and against the same
   with torch hidden from thinc while spaCy loads (``x bare, torch hidden``:
   Parley hides it, ``parley.pipeline.parse.torch_hidden``), each with its
   peak resident memory (each child's VmHWM).

Times are medians over --repeat runs; the machines are noisy, so read the
ratios, not the absolute figures. The "systems" of the harness
(``harness.py``) are the configurations; a configuration that fails counts in
the ``err`` column with no time.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "corpus" / "lavrov-kommersant-2025-10-15.txt"


def median_seconds(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed(name: str, func, repeat: int, dataset: str) -> harness.System:
    """A configuration: its "prediction" is its median time over ``repeat`` runs."""
    return harness.System(name, lambda item: median_seconds(func, repeat), datasets=(dataset,))


# Appended to each child's code: its own peak resident memory (VmHWM, kB) as the last line of stderr.
# (A child's rusage would count the pages of this process it was forked from, before its exec.)
PEAK = "; print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0], file=sys.stderr)"


def run_child(cmd: list[str]) -> int:
    """Run ``cmd`` (``python -c CODE ...`` ending with ``PEAK``); its peak resident memory in MB."""
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return int(done.stderr.strip().splitlines()[-1]) // 1024


def timed_process(name: str, cmd: list[str], repeat: int, peaks: dict[str, int]) -> harness.System:
    """A whole-process configuration: median time; its largest peak RSS goes to ``peaks``."""
    def once() -> None:
        peaks[name] = max(peaks.get(name, 0), run_child(cmd))

    return harness.System(name, lambda item: median_seconds(once, repeat), datasets=("whole process",))


def ratio_to_first(dataset_name: str, scores: dict[str, dict]) -> None:
    """'x bare': each configuration's time over the first one's (the bare parse); 'x hidden':
    over the bare spaCy process with torch hidden from thinc, where that row exists."""
    bare = next(iter(scores.values()))["seconds"]
    hidden = next((m["seconds"] for n, m in scores.items() if "torch hidden" in n), None)
    for name, measures in scores.items():
        measures["x_bare"] = measures["seconds"] / bare
        if hidden:
            measures["x_hidden"] = measures["seconds"] / hidden
        if name in PEAKS:
            measures["peak_mb"] = PEAKS[name]


PEAKS: dict[str, int] = {}  # whole-process rows: peak resident MB
MEASURES = [harness.Measure("seconds", "seconds"), harness.Measure("words_s", "words/s", ".0f"),
            harness.Measure("x_bare", "x bare", ".2f"), harness.Measure("x_hidden", "x bare, torch hidden", ".2f"),
            harness.Measure("peak_mb", "peak RSS MB", "d")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("transcript", nargs="?", default=str(SEED))
    ap.add_argument("--repeat", type=int, default=5)
    harness.add_arguments(ap)
    args = ap.parse_args(argv)
    path = Path(args.transcript)
    if not path.exists():
        print(f"no transcript at {path} (give one as the first argument)", file=sys.stderr)
        return 2

    from parley.ingest import read_document
    from parley.pipeline import analyze, build_pipeline
    from parley.pipeline.parse import Parser, default_model

    doc = read_document(str(path))
    words = len(doc.text.split())
    parser = Parser.shared()
    nlp = parser.nlp
    full = build_pipeline()
    structure_only = build_pipeline(only=["structure"])
    analyze(doc, full, parser=parser)  # warm up caches and lazy tables

    model = default_model()
    spacy_cmd = [sys.executable, "-c", f"import spacy,sys; nlp=spacy.load({model!r}); "
                 f"nlp(open(sys.argv[1], encoding='utf-8').read())" + PEAK, str(path)]
    # The same with torch hidden while spaCy loads, as parley.pipeline.parse.torch_hidden does:
    # the fairer baseline for a Parley that no longer imports torch.
    hidden_cmd = [sys.executable, "-c", "import sys; sys.modules['torch'] = None; " + spacy_cmd[2], str(path)]
    parley_cmd = [sys.executable, "-c", "import sys; from parley.cli import main; rc = main(sys.argv[1:])" + PEAK
                  + "; sys.exit(rc)", "analyze", str(path), "--format", "json"]
    procs = max(1, args.repeat // 2)
    systems = [
        timed("bare spaCy parse (nlp(text))", lambda: nlp(doc.text), args.repeat, "in process"),
        timed("parley: default pipeline", lambda: analyze(doc, full, parser=parser), args.repeat, "in process"),
        timed("parley: structure only", lambda: analyze(doc, structure_only, parser=parser), args.repeat, "in process"),
        timed_process("process: bare spaCy (load + parse)", spacy_cmd, procs, PEAKS),
        timed_process("process: bare spaCy, torch hidden", hidden_cmd, procs, PEAKS),
        timed_process("process: parley analyze --format json", parley_cmd, procs, PEAKS),
    ]
    bench = harness.Benchmark(
        "bench_spine", systems, [harness.Dataset("in process", [doc], [path]), harness.Dataset("whole process", [path])],
        MEASURES, lambda dataset, seconds: {"seconds": seconds[0], "words_s": words / seconds[0]},
        miss=lambda item: float("nan"), packages=("parley", "spacy", model), derive=ratio_to_first)
    report = harness.run(bench, argv)
    report.note(f"{path.name}: {words:,} words, {len(doc.text):,} characters; model {model}; "
                f"analysers {', '.join(a.name for a in full)}; median of {args.repeat} runs", words=words)
    timings = analyze(doc, full, parser=parser).timings
    report.note("one default run, seconds per step: " + ", ".join(f"{k} {v:.3f}" for k, v in timings.items()),
                **timings)
    report.note("'x bare' is time over the bare spaCy parse measured above (process rows: over the bare spaCy process).")
    harness.finish(bench, report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
