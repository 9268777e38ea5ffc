"""Read RSS or Atom feeds and ingest their new items into the store.

Each feed and each item's link is fetched like ``parley ingest URL`` (public
addresses only, size and time limits, redirects checked: docs/sources.md).
Items already stored are skipped, so a watch can run again and again; every
item seen is recorded with the document it became or why it failed. Without
--every the feeds are read once (--once says so explicitly); with --every
they are read again at that interval until interrupted. The exit status is 1
when a feed or an item failed in the last pass.
"""
from __future__ import annotations

import argparse
import sys

from parley.cli.analyze import add_pipeline_arguments, config_from
from parley.cli.ingest import _names
from parley.cli.output import add_db_argument, db_url
from parley.store import open_store

NAME = "watch"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("feeds", nargs="+", metavar="FEED_URL", help="RSS or Atom feed URL (http or https)")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--every", metavar="DURATION", help="read the feeds again at this interval (30m, 1h, 1d)")
    when.add_argument("--once", action="store_true", help="read the feeds once and stop (the default)")
    add_db_argument(p)
    p.add_argument("--workers", type=int, default=0, metavar="N",
                   help="analyser processes (default 0: analyse in this process)")
    add_pipeline_arguments(p)


def run(args: argparse.Namespace) -> int:
    from parley.sources.feeds import every_seconds, watch

    every = every_seconds(args.every) if args.every else None
    config = config_from(args)
    with open_store(db_url(args)) as store:
        try:
            report = watch(store, args.feeds, every, sys.stderr, max_bytes=args.max_bytes, config=config,
                           only=_names(args.only), skip=_names(args.skip), workers=args.workers)
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
            return 0
    return 1 if report.failures else 0
