"""Correct a finding of a stored document, or list its corrections and findings.

Without --action: lists the document's corrections, and with --layer the
findings of that layer after them, each with the KEY a correction targets.
With --action: accept, reject or edit the finding --target KEY, or add a
missing one; --set FIELD=VALUE (VALUE read as JSON when it parses, else as a
string: --set span=[120,180] --set polarity=negative) or --record JSON give
its fields (docs/corrections.md). --author is required for a correction.
"""
from __future__ import annotations

import argparse
import json
import sys

from parley.cli.output import add_db_argument, db_url
from parley.document.corrections import ACTIONS, Correction, findings
from parley.document.records import LAYERS
from parley.errors import CorrectionError

NAME = "correct"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ref", metavar="DOC", help="hash, hash prefix or doc_id of a stored document")
    p.add_argument("--layer", choices=list(LAYERS), help="the layer of the finding")
    p.add_argument("--action", choices=ACTIONS, help="what to do (none: list corrections and findings)")
    p.add_argument("--target", metavar="KEY", help="the key of the finding (accept, reject, edit)")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", dest="fields",
                   help="a field of the edited or added record (repeatable)")
    p.add_argument("--record", metavar="JSON", help="the record's fields as one JSON object")
    p.add_argument("--author", help="who makes the correction")
    p.add_argument("--reason", help="why (optional)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    add_db_argument(p)


def record_from(args: argparse.Namespace) -> dict | None:
    """The record of --record and --set, or None."""
    record: dict = {}
    if args.record:
        try:
            record = json.loads(args.record)
        except ValueError as e:
            raise CorrectionError(f"--record is not JSON: {e}", code="E824") from e
        if not isinstance(record, dict):
            raise CorrectionError("--record must be a JSON object", code="E824")
    for item in args.fields:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CorrectionError(f"--set takes FIELD=VALUE, not {item!r}", code="E824")
        try:
            record[name] = json.loads(value)
        except ValueError:
            record[name] = value
    return record or None


def run(args: argparse.Namespace) -> int:
    from parley.store import open_store

    with open_store(db_url(args), create=False) as store:
        if args.action is None:
            data, rows = store.corrected(args.ref)
            listed = {"corrections": rows}
            if args.layer:
                listed["findings"] = [{"key": k, "record": r} for k, r in findings(data, args.layer)]
            _show(listed, args.format)
            return 0
        if not args.layer:
            raise CorrectionError("--action needs --layer", code="E821")
        correction = Correction.from_json({"layer": args.layer, "action": args.action, "target": args.target,
                                           "record": record_from(args), "author": args.author or "",
                                           "reason": args.reason})
        stored = store.add_correction(args.ref, correction)
    _show({"corrections": [stored]}, args.format)
    return 0


def _show(listed: dict, form: str) -> None:
    if form == "json":
        json.dump(listed, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    for c in listed["corrections"]:
        why = f" ({c['reason']})" if c.get("reason") else ""
        print(f"#{c['id']} {c['status']:6s} {c['layer']} {c['action']} {c.get('target') or '-'} -> "
              f"{c.get('finding') or '-'} by {c['author']} at {c['created_at']}{why}")
    for f in listed.get("findings", []):
        print(f"{f['key']}\t{json.dumps(f['record'], ensure_ascii=False)}")
