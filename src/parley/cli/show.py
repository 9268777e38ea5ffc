"""Show one stored document: its metadata, pipeline version and layers.

DOC is the text hash, a unique prefix of it (6+ characters) or a unique
doc_id. ``--format json`` prints the whole stored analysis (gold format
superset, with the text).
"""
from __future__ import annotations

import argparse

from parley.cli.output import add_db_argument, add_format_argument, db_url, emit
from parley.store import open_store

NAME = "show"
TURN_COLUMNS = ["turn", "speaker", "kind", "start", "end", "text"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("doc", metavar="DOC", help="text hash, hash prefix or doc_id")
    add_db_argument(p)
    add_format_argument(p)


def run(args: argparse.Namespace) -> int:
    with open_store(db_url(args), create=False) as store:
        info = store.info(args.doc)
        data = store.get(info.hash)
    text = data["text"]
    if args.format == "json":
        emit("json", [], [], data)
        return 0
    fields = info.json()
    layers = {k: len(v) for k, v in data.items() if isinstance(v, list) and k != "boilerplate_kinds"}
    rows = [{"field": k, "value": v} for k, v in fields.items()]
    rows += [{"field": f"layer {k}", "value": n} for k, n in sorted(layers.items())]
    turns = [{"turn": i, "speaker": t.get("speaker"), "kind": t.get("kind"), "start": t["span"][0],
              "end": t["span"][1], "text": text[t["span"][0]:t["span"][1]]}
             for i, t in enumerate(data.get("turns") or [])]
    if args.format == "csv":
        emit("csv", rows, ["field", "value"])
        return 0
    emit("table", rows, ["field", "value"])
    if turns:
        print()
        emit("table", turns, TURN_COLUMNS)
    return 0
