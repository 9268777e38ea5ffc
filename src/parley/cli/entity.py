"""What the store knows about an entity: its mentions, what it said, what
others said it said, and the stance toward it over time.

ID is an entity id as the analysers assign it (e.g. nato, sergey-lavrov);
speakers are matched by the same id.
"""
from __future__ import annotations

import argparse

from parley.cli.output import add_db_argument, add_format_argument, db_url, emit
from parley.store import open_store

NAME = "entity"
COLUMNS = ["section", "doc_id", "date", "turn", "start", "end", "who", "value", "text"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", metavar="ID", help="entity id (e.g. nato)")
    p.add_argument("--limit", type=int, default=50, help="most rows per section (default 50)")
    add_db_argument(p)
    add_format_argument(p)


def run(args: argparse.Namespace) -> int:
    with open_store(db_url(args), create=False) as store:
        page = store.entity(args.id, limit=args.limit)
    rows: list[dict] = []
    for m in page.mentions:
        rows.append({"section": "mention", "doc_id": m.doc_id, "date": (m.published or "")[:10] or None,
                     "turn": m.turn, "start": m.start, "end": m.end, "text": m.text})
    for section, hits in (("said", page.said), ("said by others", page.said_by_others)):
        for h in hits:
            rows.append({"section": section, "doc_id": h.doc_id, "date": (h.published or "")[:10] or None,
                         "turn": h.turn, "start": h.start, "end": h.end, "who": h.speaker, "text": h.snippet})
    for s in page.stance:
        rows.append({"section": "stance", "doc_id": s.doc_id, "date": (s.published or "")[:10] or None,
                     "turn": s.turn, "who": s.holder, "value": f"{s.polarity} ({s.confidence:.2f})"})
    if args.format == "table":
        print(f"{page.id}: {page.name or '?'} ({page.type or '?'}), in {page.documents} documents; "
              f"{len(page.mentions)} mentions, {len(page.said)} statements, "
              f"{len(page.said_by_others)} quotes by others, {len(page.stance)} stances")
        print()
    emit(args.format, rows, COLUMNS, page.json())
    return 0
