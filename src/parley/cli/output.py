"""Output of the query commands: ``--format table|json|csv`` in one place.

A command builds a list of flat rows (dicts) and, for JSON, the full
structure; ``emit`` writes either. Tables are for people (cells cut to a
width, newlines shown as spaces); JSON and CSV are for programs and keep
every value whole.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any, Iterable, Sequence, TextIO

FORMATS = ("table", "json", "csv")
CELL_WIDTH = 70


def add_format_argument(p: argparse.ArgumentParser, default: str = "table") -> None:
    p.add_argument("--format", choices=FORMATS, default=default, help=f"output format (default: {default})")


def add_db_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", default=None,
                   help="store: a SQLite file path (default parley.db, or $PARLEY_DB) or postgresql://...")


def db_url(args: argparse.Namespace) -> str:
    import os

    from parley.store import DEFAULT_URL

    return args.db or os.environ.get("PARLEY_DB") or DEFAULT_URL


def cell(value: Any, width: int = CELL_WIDTH) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.3g}"
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], out: TextIO, width: int = CELL_WIDTH) -> None:
    cells = [[cell(r.get(c), width) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() + "\n")


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else (json.dumps(r[c], ensure_ascii=False)
                         if isinstance(r.get(c), (list, dict)) else r[c]) for c in columns])


def emit(fmt: str, rows: Sequence[dict[str, Any]], columns: Sequence[str], data: Any = None,
         out: TextIO | None = None) -> None:
    """Write ``rows`` as a table or CSV, or ``data`` (default: the rows) as JSON."""
    out = out or sys.stdout
    if fmt == "json":
        json.dump(rows if data is None else data, out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "csv":
        write_csv(rows, columns, out)
    else:
        table(rows, columns, out)
