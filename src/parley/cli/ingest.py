"""Analyse transcripts and store them in the corpus store.

Documents are keyed by a hash of their text: ingesting the same text again
does nothing, and an ingest that was interrupted (even by kill -9) resumes
where it stopped when run again. Inputs that fail are listed and recorded in
the store; the others are still stored, and the exit status is 1.
"""
from __future__ import annotations

import argparse
import sys

from parley.cli.analyze import add_pipeline_arguments, config_from
from parley.cli.output import add_db_argument, db_url
from parley.store import open_store
from parley.store.ingest import default_workers, ingest

NAME = "ingest"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="file, folder (recursive), http(s) URL (fetched with address checks: docs/sources.md) or - for stdin")
    add_db_argument(p)
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help=f"analyser processes, one thread each (default: {default_workers()} here; 0: no pool)")
    p.add_argument("--engine", choices=("pool", "ray"), default="pool",
                   help="where analyses run: a process pool here (default) or Ray (the ray extra)")
    p.add_argument("--ray-address", metavar="ADDRESS", default=None,
                   help="with --engine ray: an existing cluster (host:port or auto); default: a local Ray")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--recompute", action="store_true",
                   help="re-analyse stored documents made by another pipeline version")
    add_pipeline_arguments(p)


def _names(value: str | None) -> list[str]:
    return [x.strip() for x in value.split(",") if x.strip()] if value else []


def run(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 0:
        from parley.errors import InputError

        raise InputError("--workers must be 0 or more", code="E109")
    config = config_from(args)
    with open_store(db_url(args)) as store:
        report = ingest(
            args.paths, store, only=_names(args.only), skip=_names(args.skip), config=config,
            workers=args.workers, max_bytes=args.max_bytes,
            progress=not args.no_progress and sys.stderr.isatty(), log=sys.stderr, recompute=args.recompute,
            engine=args.engine, ray_address=args.ray_address,
        )
        total = store.count()
    print(f"{report.summary()}; the store holds {total} documents", file=sys.stderr)
    if report.failures:
        print(f"{len(report.failures)} inputs failed:", file=sys.stderr)
        for f in report.failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    return 0
