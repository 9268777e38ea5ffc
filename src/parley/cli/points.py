"""Talking points: sentences of different documents that say the same thing.

``parley points`` lists the points whose members come from at least
--min-docs documents (default 2), largest first, with their representative
wording, first and last seen dates and counts per speaker; --point ID shows
one point with every member (document, speaker, date, offsets). Points are
kept current as documents are stored; --update adds documents stored before
this feature (or with nothing assigned yet) without reclustering the rest.
"""
from __future__ import annotations

import argparse

from parley.cli.output import add_db_argument, add_format_argument, db_url, emit
from parley.corpus import points as talking_points
from parley.corpus import update_store
from parley.store import open_store

NAME = "points"
COLUMNS = ["id", "documents", "first_seen", "last_seen", "speakers", "representative"]
MEMBER_COLUMNS = ["doc_id", "speaker", "day", "start", "end", "text"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--speaker", metavar="ID", help="only points with a member said by this speaker")
    p.add_argument("--since", metavar="DATE", help="only members dated on or after DATE (YYYY-MM-DD)")
    p.add_argument("--min-docs", type=int, default=talking_points.DEFAULT_MIN_DOCS, metavar="N",
                   help="distinct documents a point needs (default 2)")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="points listed (default 50)")
    p.add_argument("--point", type=int, metavar="ID", help="show one point with all its members")
    p.add_argument("--update", action="store_true", help="first add stored documents that have no members yet")
    add_format_argument(p)
    add_db_argument(p)


def run(args: argparse.Namespace) -> int:
    with open_store(db_url(args)) as store:
        if args.update:
            update_store(store)
        if args.point is not None:
            found = talking_points.point(store, args.point)
            rows = [{**vars(m), "doc_id": m.doc_id} for m in found.members]
            emit(args.format, rows, MEMBER_COLUMNS, data=found.json())
            return 0
        found_all = talking_points.points(store, args.speaker, args.since, args.min_docs, args.limit)
    rows = [{"id": p.id, "documents": p.documents, "first_seen": p.first_seen, "last_seen": p.last_seen,
             "speakers": ", ".join(f"{k}:{v}" for k, v in p.per_speaker.items()),
             "representative": p.representative} for p in found_all]
    emit(args.format, rows, COLUMNS, data=[p.json() for p in found_all])
    return 0
