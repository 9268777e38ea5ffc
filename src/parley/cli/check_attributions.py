"""Attribution checks: what a document says a source said, beside the source's own words.

For every stored attribution whose source is an entity, the closest
passages of the source elsewhere in the corpus (its turns, direct quotes of
it), preferring those dated before the report, with a similarity score and
a label: close, paraphrase, differs (and what: number, negation, entity,
modal) or no-statement. Never a verdict of truth: read the passages.
"""
from __future__ import annotations

import argparse

from parley.cli.output import add_db_argument, add_format_argument, db_url, emit
from parley.corpus.compare import LABELS
from parley.errors import CorpusError
from parley.store import open_store

NAME = "check-attributions"
COLUMNS = ["doc_id", "source", "label", "similarity", "differs", "body", "passage", "passage_doc"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", metavar="ID", help="only attributions to this entity id")
    p.add_argument("--document", metavar="REF", help="only attributions in this document (hash, prefix, doc_id)")
    p.add_argument("--label", metavar="LABEL", help=f"only this label ({', '.join(LABELS)})")
    p.add_argument("--limit", type=int, default=200, metavar="N", help="checks listed (default 200)")
    add_format_argument(p)
    add_db_argument(p)


def run(args: argparse.Namespace) -> int:
    if args.label and args.label not in LABELS:
        raise CorpusError(f"unknown label '{args.label}' (choose from {', '.join(LABELS)})", code="E853")
    with open_store(db_url(args)) as store:
        h = store.info(args.document).hash if args.document else None
        found = store.attribution_checks(source=args.source, hash=h, label=args.label, limit=args.limit)
    rows = [{**c, "passage": c["passages"][0]["text"] if c["passages"] else None,
             "passage_doc": c["passages"][0]["doc_id"] if c["passages"] else None} for c in found]
    emit(args.format, rows, COLUMNS, data=found)
    return 0
