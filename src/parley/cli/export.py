"""Export the store: whole analyses as JSONL, or flat tables as CSV/Parquet.

JSONL: one stored analysis per line (the gold JSON format plus Parley's
extra keys, with the text). CSV and Parquet: one table, chosen with
--table: documents (default; metadata and counts) or a layer (sentences,
quotes, claims, techniques, entities, stance, ...), one row per record with
its offsets and text. Annotation exchange (docs/exchange.md): label-studio
writes one tasks JSON (--output FILE, default stdout); web-annotation and
uima-xmi write one file per document into --output DIR (uima-xmi also
writes the type system there as TypeSystem.xml). gold writes one gold JSON
file per document (corrections applied; GUIDELINES.md format) and its
transcript beside it into --output DIR; --corrected-only keeps the
documents that hold corrections (docs/corrections.md).
"""
from __future__ import annotations

import argparse
import json
import sys

from parley.cli.output import add_db_argument, db_url, write_csv
from parley.cli.search import add_filter_arguments, filters_from
from parley.errors import InputError
from parley.exchange import FORMATS as EXCHANGE_FORMATS
from parley.files import write_atomic
from parley.store import open_store
from parley.store.export import TABLES, columns_of, rows, write_parquet

NAME = "export"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("jsonl", "csv", "parquet", *EXCHANGE_FORMATS, "gold"), default="jsonl",
                   help="(default: jsonl)")
    p.add_argument("--table", choices=TABLES, default="documents", help="table for csv/parquet (default: documents)")
    p.add_argument("--output", "-o", metavar="FILE|DIR",
                   help="write here (needed for parquet; a folder for web-annotation and uima-xmi; default: stdout)")
    add_filter_arguments(p)
    add_db_argument(p)
    p.add_argument("--corrected-only", action="store_true", help="gold: only the documents that hold corrections")


def run(args: argparse.Namespace) -> int:
    if args.format == "parquet" and not args.output:
        raise InputError("--format parquet needs --output FILE", code="E109")
    if args.format in ("web-annotation", "uima-xmi", "gold") and not args.output:
        raise InputError(f"--format {args.format} needs --output DIR", code="E109")
    with open_store(db_url(args), create=False) as store:
        if args.format == "gold":
            from parley.scoring.corrected import export_gold

            written = export_gold(store, args.output, corrected_only=args.corrected_only)
            print(f"{len(written)} gold files written to {args.output}", file=sys.stderr)
            return 0
        analyses = store.export(filters_from(args))
        if args.format in EXCHANGE_FORMATS:
            from parley.cli.exchange import export_exchange

            return export_exchange(analyses, args.format, args.output)
        if args.format == "jsonl":
            if args.output:
                with open(args.output, "w", encoding="utf-8") as out:
                    _jsonl(analyses, out)
            else:
                _jsonl(analyses, sys.stdout)
            return 0
        table = list(rows(analyses, args.table))
    if args.format == "parquet":
        write_parquet(table, args.output)
    elif args.output:
        import io

        buffer = io.StringIO()
        write_csv(table, columns_of(table), buffer)
        write_atomic(args.output, buffer.getvalue())
    else:
        write_csv(table, columns_of(table), sys.stdout)
    return 0


def _jsonl(analyses, out) -> None:
    for data in analyses:
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
