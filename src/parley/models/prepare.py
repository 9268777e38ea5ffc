"""Export every shipped encoder model to ONNX ahead of the first analysis.

    .venv/bin/python -m parley.models.prepare [--runtime onnx|onnx-int8]

``parley.models.runtime`` exports a model's graph on first use, which costs
about 20 s on a 2-core machine: a first ``parley analyze`` (or a first
benchmark run under a time limit) would pay for it. ``scripts/setup.sh`` runs
this module when the ``onnx`` extra is installed, so the graphs of the frozen
encoder and of every adapter found in an analyser's ``data/`` folder are in
the cache (``runtime.cache_dir()``) before anything runs. Graphs already
cached are kept; the command is idempotent. It prints one line per graph.
"""
from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from parley.errors import ParleyError
from parley.models import adapters, encoder, runtime

SUFFIX = ".adapter.npz"


def shipped_adapters() -> list[tuple[str, Path]]:
    """(task, folder) of every adapter file in the analysers' data folders."""
    root = Path(str(resources.files("parley.analysers")))
    return [(p.name[: -len(SUFFIX)], p.parent) for p in sorted(root.glob(f"*/data/*{SUFFIX}"))]


def prepare(name: str = runtime.DEFAULT) -> list[tuple[str, Path]]:
    """(model, graph path) for the frozen encoder and every shipped adapter, exported if not cached."""
    runtime.check(name)
    out = [("encoder", runtime.graph_path(encoder.weights(), name))]
    for task, folder in shipped_adapters():
        out.append((task, runtime.graph_path(adapters.load(task, folder), name)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runtime", default=runtime.DEFAULT, choices=[r for r in runtime.RUNTIMES if r != "torch"])
    args = ap.parse_args(argv)
    try:
        for model, path in prepare(args.runtime):
            print(f"{model}\t{path}")
    except ParleyError as e:
        print(f"error: {e.format()}", file=sys.stderr)
        return e.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
