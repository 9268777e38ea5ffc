"""Score Parley against gold annotations, layer by layer.

GOLD is a gold .json file or a folder of them; each names its transcript
(doc_id + .txt), looked up in --corpus, beside the gold file, or in
../corpus next to the gold folder. The figures use exactly the definitions
of the reference scorer (../shared/gold/score.py), plus metadata and
boilerplate checks.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parley.cli.analyze import add_pipeline_arguments, config_from, pipeline_from
from parley.scoring.evaluate import evaluate, find_cases, format_results

NAME = "evaluate"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("gold", metavar="GOLD", help="a gold .json file or a folder of them")
    p.add_argument("--corpus", metavar="DIR", help="folder holding the transcripts the gold files name")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    add_pipeline_arguments(p)


def run(args: argparse.Namespace) -> int:
    cases = find_cases(Path(args.gold), Path(args.corpus) if args.corpus else None)
    results = evaluate(cases, pipeline_from(args), config_from(args))
    if args.format == "json":
        json.dump(results, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_results(results))
    return 0
