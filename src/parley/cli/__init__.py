"""The ``parley`` command line: one module per command, each a thin wrapper.

Every command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; the work itself is a library function. ``main`` maps any
``ParleyError`` to one line on stderr and a non-zero exit, and any other
exception to one line naming it (no traceback unless PARLEY_DEBUG is set).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from parley import __version__
from parley.errors import ParleyError

# Command modules, in the order --help lists them.
COMMANDS = ["analyze", "evaluate", "serve", "ingest", "search", "show", "entity", "export", "factchecks", "claims"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parley",
        description="Evidence-linked analysis of transcripts of official statements.",
    )
    parser.add_argument("--version", action="version", version=f"parley {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"{__name__}.{name}")
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.__doc__)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except ParleyError as e:
        print(f"error: {e.format()}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as e:  # the last guard: a bug, reported in one line
        if os.environ.get("PARLEY_DEBUG"):
            raise
        print(f"error: [E999] unexpected {type(e).__name__}: {e} (set PARLEY_DEBUG=1 for a traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
