"""Import annotations made in another tool as corrections of stored documents.

PATH is a Label Studio tasks JSON (as `parley export --format label-studio`
writes it, or as Label Studio exports it: a task's annotations win over its
predictions, and regions drawn there become new findings), a Web Annotation
JSON-LD file, a UIMA CAS XMI file (with TypeSystem.xml beside it), or a
folder of such files. Each document is found
in the store by its text (hash) or the hash/doc_id the file names; the
differences from its stored findings (after their corrections) become
corrections by --author: a changed field an edit, a missing finding a reject,
a new one an add; unchanged findings make none, so importing the same file
twice adds nothing the second time (docs/exchange.md).
"""
from __future__ import annotations

import argparse
import json
import sys

from parley.cli.output import add_db_argument, db_url
from parley.exchange.imports import IMPORT_FORMATS

NAME = "import"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH", help="a file, or a folder of files, of the format named")
    p.add_argument("--format", required=True, choices=list(IMPORT_FORMATS), dest="fmt",
                   help="label-studio, web-annotation or uima-xmi")
    p.add_argument("--author", default="import", help="who the corrections are by (default: import)")
    p.add_argument("--reason", default="imported annotation", help="the reason stored with each correction")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    add_db_argument(p)


def run(args: argparse.Namespace) -> int:
    from parley.exchange.imports import import_annotations, read_annotations
    from parley.store import open_store

    items = read_annotations(args.path, args.fmt)
    with open_store(db_url(args), create=False) as store:
        report = import_annotations(store, items, args.author, args.reason)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    for r in report:
        made = ", ".join(f"{n} {a}" for a, n in sorted(r["corrections"].items())) or "no change"
        print(f"{r['source']}: {r['doc_id']} ({r['hash'][:12]}): {made}")
    return 0
