"""Claims: match claim sentences against the stored fact-checks.

``parley claims match TEXT`` ranks the store's fact-checks for one claim;
``parley claims match --file QUERIES.tsv`` for every line ``id<TAB>text`` of
a file (``id<TAB>text<TAB>date``: a third column, the ISO date the claim was
said, lets the re-ranker weigh fact-checks of claims made that day), in one
process (the stored vectors are read once), printing
``id<TAB>rank<TAB>factcheck_url<TAB>score`` lines (TSV, the default with
--file) or JSON. The ranking fuses (reciprocal rank) the store's full-text
index over fact-check claims and claimants with exact cosine over the
MiniLM vectors stored at import (``models`` extra), re-ranked by the shipped
model (``parley.factchecks.rerank``); without the extra, or
with --lexical, only the full-text ranking is used, as stderr says. A
fact-check without a URL is shown by its key (``sha256:...``).
"""
from __future__ import annotations

import argparse
import sys

from parley.cli.output import add_db_argument, db_url, emit
from parley.errors import FactCheckError
from parley.factchecks.match import StoreMatcher
from parley.factchecks.rerank import parse_date
from parley.store import open_store

NAME = "claims"
COLUMNS = ["id", "rank", "factcheck_url", "score", "verdict", "claim"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True, help="what to do (match)")
    m = sub.add_parser("match", help="rank the stored fact-checks for a claim or a file of claims",
                       description="Rank the stored fact-checks for TEXT, or for each id<TAB>text line of --file.")
    m.add_argument("text", nargs="?", metavar="TEXT", help="the claim to match")
    m.add_argument("--file", metavar="QUERIES.tsv", help="lines id<TAB>text, all matched in one process")
    m.add_argument("--date", metavar="YYYY-MM-DD", help="the day TEXT was said (a re-ranker feature)")
    m.add_argument("--top", type=int, default=5, metavar="K", help="fact-checks per claim (default 5)")
    m.add_argument("--format", choices=("tsv", "table", "json"), default=None,
                   help="output format (default: table for TEXT, tsv for --file)")
    m.add_argument("--lexical", action="store_true", help="the full-text ranking only (no vectors)")
    add_db_argument(m)
    m.set_defaults(run=run_match)


def run(args: argparse.Namespace) -> int:  # the sub-command sets its own run
    return run_match(args)


def read_queries(path: str) -> list[tuple[str, str, str | None]]:
    """``(id, text, date or None)`` of each non-blank line of a queries file (E807 on a bad line)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            qid, tab, rest = line.partition("\t")
            text, _, said = rest.partition("\t")
            if not tab or not qid or not text.strip() or (said.strip() and parse_date(said.strip()) is None):
                raise FactCheckError(f"{path}:{number}: expected id<TAB>text[<TAB>YYYY-MM-DD]", code="E807")
            out.append((qid, text, said.strip() or None))
    return out


def run_match(args: argparse.Namespace) -> int:
    if (args.text is None) == (args.file is None):
        raise FactCheckError("give either TEXT or --file QUERIES.tsv", code="E807")
    if args.date and parse_date(args.date) is None:
        raise FactCheckError(f"--date {args.date!r} is not YYYY-MM-DD", code="E807")
    queries = read_queries(args.file) if args.file else [("1", args.text, args.date)]
    fmt = args.format or ("tsv" if args.file else "table")
    with open_store(db_url(args)) as store:
        matcher = StoreMatcher(store, dense=not args.lexical)
        rankings = matcher.rank([text for _, text, _ in queries], top=args.top, dates=[d for _, _, d in queries])
        found = {key: store.factcheck(key) for ranking in rankings for key, _ in ranking}
    if matcher.dense_off:
        print(f"note: lexical matching only: {matcher.dense_off}", file=sys.stderr)
    rows = [{"id": qid, "rank": rank, "factcheck_url": found[key].url or key, "score": round(score, 6),
             "verdict": found[key].verdict, "claim": found[key].claim}
            for (qid, _, _), ranking in zip(queries, rankings) for rank, (key, score) in enumerate(ranking, 1)]
    if fmt == "tsv":
        for r in rows:
            sys.stdout.write(f"{r['id']}\t{r['rank']}\t{r['factcheck_url']}\t{r['score']:.6f}\n")
    else:
        data = {"dense": matcher.dense_off is None,
                "queries": [{"id": qid, "text": text, "matches": [r for r in rows if r["id"] == qid]}
                            for qid, text, _ in queries]}
        emit(fmt, rows, COLUMNS, data)
    return 0
