"""Search the stored documents' text, with filters.

QUERY is plain words, all of which must occur (a trailing * matches a
prefix). Each hit names the document, the turn, and the [start, end)
offsets of the matching sentence (or quote, claim, technique) in the text.
"""
from __future__ import annotations

import argparse
import sys

from parley.cli.output import add_db_argument, add_format_argument, db_url, emit
from parley.store import SEARCH_LAYERS, Filters, open_store
from parley.store.base import DEFAULT_SEARCH_LIMIT, DEFAULT_TIME_LIMIT

NAME = "search"
COLUMNS = ["doc_id", "hash", "date", "turn", "speaker", "start", "end", "label", "text"]


def add_filter_arguments(p: argparse.ArgumentParser) -> None:
    """--speaker, --entity, --outlet, --since, --until (shared with export)."""
    p.add_argument("--speaker", metavar="ID", help="only turns by this speaker id (e.g. sergey-lavrov)")
    p.add_argument("--entity", metavar="ID", help="only documents that mention this entity id")
    p.add_argument("--outlet", help="only documents from this outlet")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="published on or after this date")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="published on or before this date")


def filters_from(args: argparse.Namespace) -> Filters:
    return Filters(speaker=args.speaker, entity=args.entity, outlet=args.outlet, since=args.since, until=args.until)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", metavar="QUERY", help="words to find (quote several words)")
    add_filter_arguments(p)
    p.add_argument("--layer", choices=SEARCH_LAYERS, default="sentences", help="what to search (default: sentences)")
    p.add_argument("--limit", type=int, default=DEFAULT_SEARCH_LIMIT, help=f"most hits (default {DEFAULT_SEARCH_LIMIT})")
    p.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, metavar="S",
                   help=f"stop after this many seconds and show what was found (default {DEFAULT_TIME_LIMIT})")
    add_db_argument(p)
    add_format_argument(p)


def run(args: argparse.Namespace) -> int:
    filters = filters_from(args)
    with open_store(db_url(args), create=False) as store:
        result = store.search(args.query, filters, layer=args.layer, limit=args.limit, time_limit=args.time_limit)
    rows = [{"doc_id": h.doc_id, "hash": h.hash[:12] if args.format == "table" else h.hash,
             "date": (h.published or "")[:10] or None, "turn": h.turn, "speaker": h.speaker,
             "start": h.start, "end": h.end, "label": h.label, "text": h.snippet} for h in result.hits]
    data = {"query": args.query, "layer": args.layer, "filters": filters.json(), "complete": result.complete,
            "hits": [h.json() for h in result.hits]}
    emit(args.format, rows, COLUMNS, data)
    if not result.complete:
        print(f"warning: the search stopped at its time limit ({args.time_limit} s); results may be missing",
              file=sys.stderr)
    if args.format == "table":
        print(f"{len(rows)} hits", file=sys.stderr)
    return 0
