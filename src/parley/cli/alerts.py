"""Saved searches that list what is new since they were last looked at.

``parley alerts --save NAME QUERY [filters]`` saves a search (what it finds
now counts as seen); ``parley alerts [NAME...]`` prints, for each saved search
(or those named), the hits in documents it did not show at the last look, and
marks them seen (--peek leaves the marks alone); ``--list`` shows every saved
search with its count of new hits, without marking; ``--delete NAME`` removes
one. The web UI shows the same searches at /alerts with a "new" badge.
"""
from __future__ import annotations

import argparse
import sys

from parley.cli.output import add_db_argument, add_format_argument, db_url, emit
from parley.cli.search import add_filter_arguments
from parley.store import SEARCH_LAYERS, open_store

NAME = "alerts"
LIST_COLUMNS = ["name", "new", "total", "query", "layer", "filters", "last_seen_at"]
HIT_COLUMNS = ["search", "doc_id", "hash", "date", "speaker", "start", "end", "text"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("names", nargs="*", metavar="NAME", help="saved searches to look at (default: all)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--save", nargs=2, metavar=("NAME", "QUERY"), help="save a search under NAME")
    what.add_argument("--list", action="store_true", help="list saved searches and their new counts (no marking)")
    what.add_argument("--delete", metavar="NAME", help="delete a saved search")
    p.add_argument("--peek", action="store_true", help="show new hits without marking them seen")
    p.add_argument("--layer", choices=SEARCH_LAYERS, default="sentences", help="layer of a saved search (--save)")
    add_filter_arguments(p)
    add_db_argument(p)
    add_format_argument(p)


def run(args: argparse.Namespace) -> int:
    from parley.sources import alerts
    from parley.store.sources import SourceBook

    with open_store(db_url(args)) as store:
        if args.save:
            filters = {k: getattr(args, k) for k in alerts.FILTER_NAMES}
            alert = alerts.save(store, alerts.make_search(args.save[0], args.save[1], args.layer, filters))
            print(f"saved '{alert.search.name}': {len(alert.hits)} hits now; later ones will be new", file=sys.stderr)
            return 0
        if args.delete:
            SourceBook(store).delete_search(args.delete)
            print(f"deleted '{args.delete}'", file=sys.stderr)
            return 0
        mark = not (args.list or args.peek)
        looks = ([alerts.look(store, n, mark=mark) for n in args.names] if args.names
                 else alerts.look_all(store, mark=mark))
    if args.list:
        rows = [{"name": a.search.name, "new": len(a.new), "total": len(a.hits), "query": a.search.query,
                 "layer": a.search.layer, "filters": a.search.filters or None,
                 "last_seen_at": a.search.last_seen_at} for a in looks]
        emit(args.format, rows, LIST_COLUMNS, [a.json() for a in looks])
        return 0
    rows = [{"search": a.search.name, "doc_id": h.doc_id, "hash": h.hash[:12] if args.format == "table" else h.hash,
             "date": (h.published or "")[:10] or None, "speaker": h.speaker, "start": h.start, "end": h.end,
             "text": h.snippet} for a in looks for h in a.new]
    emit(args.format, rows, HIT_COLUMNS, [{**a.json(), "hits": [h.json() for h in a.new]} for a in looks])
    if args.format == "table":
        print(f"{len(rows)} new hits in {len(looks)} saved searches", file=sys.stderr)
    return 0
