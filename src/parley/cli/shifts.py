"""Position shifts: where a holder's stance toward a target changes between documents.

A shift is two consecutive dated documents whose stances of the same holder
toward the same target have different polarities, each at least
--min-confidence confident (default 0.6); neutral stances are skipped. Ids
are read through the store's alias table, so any id of an entity works.
--history lists every document stance of the pairs instead. --relink first
registers what documents stored before migration 10 lack (their ids in the
alias table, their stance evidence).
"""
from __future__ import annotations

import argparse
import sys

from parley.cli.output import add_db_argument, add_format_argument, db_url, emit
from parley.store import open_store
from parley.store.shifts import MIN_CONFIDENCE

NAME = "shifts"
COLUMNS = ["holder", "target", "from", "to", "before_date", "before_doc", "after_date", "after_doc",
           "before_evidence", "after_evidence"]
HISTORY_COLUMNS = ["holder", "target", "date", "doc_id", "polarity", "confidence", "evidence"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--holder", metavar="ID", help="only stances held by this entity (e.g. sergey-lavrov)")
    p.add_argument("--target", metavar="ID", help="only stances toward this entity (e.g. nato)")
    p.add_argument("--min-confidence", type=float, default=MIN_CONFIDENCE,
                   help=f"confidence both sides of a shift need (default {MIN_CONFIDENCE})")
    p.add_argument("--history", action="store_true", help="list every document stance instead of the shifts")
    p.add_argument("--relink", action="store_true",
                   help="first link the ids and keep the evidence of documents stored before this version")
    add_db_argument(p)
    add_format_argument(p)


def _evidence(step: dict) -> str:
    return " | ".join(e["text"] for e in step["evidence"])


def run(args: argparse.Namespace) -> int:
    with open_store(db_url(args), create=False) as store:
        if args.relink:
            print(f"linked {store.relink()} ids; evidence kept for {store.backfill_evidence()} documents",
                  file=sys.stderr)
        if args.history:
            steps = [s.json() for s in store.stance_history(args.holder, args.target)]
            rows = [{"holder": s["holder"], "target": s["target"], "date": s["day"], "doc_id": s["doc_id"],
                     "polarity": s["polarity"], "confidence": f"{s['confidence']:.2f}", "evidence": _evidence(s)}
                    for s in steps]
            emit(args.format, rows, HISTORY_COLUMNS, {"history": steps})
            return 0
        shifts = [s.json() for s in store.shifts(args.holder, args.target, args.min_confidence)]
    rows = [{"holder": s["holder"], "target": s["target"], "from": s["from"], "to": s["to"],
             "before_date": s["before"]["day"], "before_doc": s["before"]["doc_id"],
             "after_date": s["after"]["day"], "after_doc": s["after"]["doc_id"],
             "before_evidence": _evidence(s["before"]), "after_evidence": _evidence(s["after"])} for s in shifts]
    if args.format == "table":
        print(f"{len(rows)} shift{'s' if len(rows) != 1 else ''} (both sides at least {args.min_confidence:g} confident)")
    emit(args.format, rows, COLUMNS, {"min_confidence": args.min_confidence, "shifts": shifts})
    return 0
