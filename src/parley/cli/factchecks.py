"""Fact-checks: import ClaimReview records into the store.

``parley factchecks import PATH...`` reads schema.org ClaimReview JSON-LD
(one object, a list, an @graph or a Fact Check Tools data feed), JSONL
with the ClaimReview field names, and HTML pages that embed ClaimReview
JSON-LD (the 'factchecks' extra); folders are walked for .json, .jsonld,
.jsonl, .html and .htm files. Each file's good records are stored in one
transaction; importing again adds nothing (records are keyed by URL, else
by a hash of their content). Each malformed record is reported on stderr as
``error: [CODE] FILE:POSITION: what`` and skipped. Exit status: 0 when
everything was read, 1 when some records or files failed, 2 when nothing
could be read.
"""
from __future__ import annotations

import argparse
import sys

from parley.cli.output import add_db_argument, db_url
from parley.factchecks import DEFAULT_MAX_BYTES, factcheck_files, read_factchecks
from parley.factchecks.match import embed_new_factchecks
from parley.store import open_store

NAME = "factchecks"


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True, help="what to do (import)")
    imp = sub.add_parser("import", help="store the fact-checks of files or folders",
                         description="Store the ClaimReview fact-checks of files or folders (recursive).")
    imp.add_argument("paths", nargs="+", metavar="PATH",
                     help="a .json, .jsonld, .jsonl, .html or .htm file, or a folder")
    add_db_argument(imp)
    imp.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, metavar="N",
                     help=f"refuse files larger than this (default {DEFAULT_MAX_BYTES})")
    imp.add_argument("--no-vectors", action="store_true",
                     help="store no sentence vectors (claim matching is then lexical only)")
    imp.set_defaults(run=run_import)


def run(args: argparse.Namespace) -> int:  # the sub-command sets its own run
    return run_import(args)


def store_vectors(store, skip: bool) -> str:
    """Embed the fact-checks that have no current vector (``claims match``
    reads them); what was done, in words."""
    from parley.models import encoder

    reason = "--no-vectors" if skip else encoder.available()
    if reason:
        return f"no sentence vectors computed ({reason}): claim matching will be lexical only"
    return f"{embed_new_factchecks(store)} sentence vectors computed"


def run_import(args: argparse.Namespace) -> int:
    read = failed = files = 0
    with open_store(db_url(args)) as store:
        matching = store.claim_matching()
        if matching is not None and args.no_vectors:
            matching.embed_new = False  # the claims a new fact-check matches are matched without its vector
        for path in factcheck_files(args.paths):
            files += 1
            parsed = read_factchecks(path, max_bytes=args.max_bytes)
            for problem in parsed.problems:
                print(f"error: {problem.line(path)}", file=sys.stderr)
            counts = store.put_factchecks(parsed.factchecks(), source=path)
            read += len(parsed.records)
            failed += len(parsed.problems)
            print(f"{path}: added {counts.added}, unchanged {counts.unchanged}, updated {counts.updated}, "
                  f"failed {len(parsed.problems)}")
        total = store.factcheck_count()
        embedded = store_vectors(store, args.no_vectors)
    print(f"{files} files, {read} fact-checks read, {failed} failed; the store holds {total} fact-checks; "
          f"{embedded}", file=sys.stderr)
    if failed and not read:
        return 2
    return 1 if failed else 0
