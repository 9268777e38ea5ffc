"""Score Parley against gold annotations, layer by layer.

GOLD is a gold .json file or a folder of them; each names its transcript
(doc_id + .txt), looked up in --corpus, beside the gold file, or in
../corpus next to the gold folder. The figures use exactly the definitions
of the reference scorer (../shared/gold/score.py), plus metadata and
boilerplate checks.

--store (with --db URL) scores instead against the corrected documents of
the store (docs/corrections.md): a fresh analysis of each one's stored text,
on the layers people corrected.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parley.cli.analyze import add_pipeline_arguments, config_from, pipeline_from
from parley.cli.output import add_db_argument, db_url
from parley.errors import InputError
from parley.scoring.evaluate import evaluate, find_cases, format_results

NAME = "evaluate"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("gold", metavar="GOLD", nargs="?", help="a gold .json file or a folder of them")
    p.add_argument("--corpus", metavar="DIR", help="folder holding the transcripts the gold files name")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    add_pipeline_arguments(p)
    p.add_argument("--store", action="store_true", help="score against the store's corrected documents, not GOLD")
    add_db_argument(p)


def run(args: argparse.Namespace) -> int:
    if args.store:
        from parley.scoring.corrected import evaluate_store
        from parley.store import open_store

        with open_store(db_url(args), create=False) as store:
            results = evaluate_store(store, pipeline_from(args), config_from(args))
    elif args.gold:
        cases = find_cases(Path(args.gold), Path(args.corpus) if args.corpus else None)
        results = evaluate(cases, pipeline_from(args), config_from(args))
    else:
        raise InputError("name a GOLD file or folder, or give --store", code="E109")
    if args.format == "json":
        json.dump(results, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_results(results))
    return 0
