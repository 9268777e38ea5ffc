"""The ``parley`` command line: one module per command, each a thin wrapper.

Every command module defines ``NAME``, ``add_arguments(parser)`` and
``run(args) -> int``; its one-line help is in ``COMMANDS``, and its module is
imported only when that command runs. The work itself is a library function. ``main`` maps any
``ParleyError`` to one line on stderr and a non-zero exit, and any other
exception to one line naming it (no traceback unless PARLEY_DEBUG is set).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Collection

from parley import __version__
from parley.errors import ParleyError

# Command name -> its one-line help, in the order --help lists them. The help
# lives here, not in the command's module, so that ``parley --help`` and every
# command imports only the module of the command that runs (see docs/startup.md).
COMMANDS = {
    "analyze": "analyse transcripts (text, Markdown, HTML, JSONL, stdin)",
    "evaluate": "score analyses against gold files (precision/recall/F1 per layer)",
    "serve": "serve the web UI and JSON API over a store (needs the 'service' extra)",
    "ingest": "analyse transcripts and store them (SQLite file or PostgreSQL)",
    "search": "full-text search of the store (filters: speaker, entity, dates, layer)",
    "show": "show a stored document (hash, hash prefix or doc_id)",
    "entity": "an entity's mentions, statements, quotes by others and stance over time",
    "export": "export the store as JSONL, CSV, Parquet, Label Studio tasks, Web Annotation or UIMA XMI",
    "factchecks": "import fact-checks (schema.org ClaimReview) into the store",
    "claims": "match claims against the stored fact-checks (full text and embeddings)",
    "correct": "accept, reject, edit or add a finding of a stored document; list its corrections",
    "watch": "read RSS/Atom feeds and ingest their new items (needs the 'sources' extra)",
    "alerts": "saved searches: what is new since they were last looked at",
    "import": "import Label Studio, Web Annotation or UIMA XMI annotations as corrections of stored documents",
    "points": "talking points: near-paraphrase sentences recurring across documents",
    "check-attributions": "what documents say a source said, beside the source's own words",
    "shifts": "position shifts: where a holder's stance toward a target changes between documents",
}


def chosen_command(argv: list[str]) -> str | None:
    """The command ``argv`` runs: its first word that is not an option, if it names one."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(load: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The parser, with the arguments of the commands in ``load`` (None: all).

    Every command is listed (``parley --help`` shows them all), but only those
    in ``load`` have their module imported; the others get an empty sub-parser,
    which is never asked to parse anything: argparse hands the arguments to the
    sub-parser of the command named, and ``main`` loads exactly that one.
    """
    parser = argparse.ArgumentParser(
        prog="parley",
        description="Evidence-linked analysis of transcripts of official statements.",
    )
    parser.add_argument("--version", action="version", version=f"parley {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if load is not None and name not in load:
            sub.add_parser(name, help=help_text)
            continue
        module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
        cmd = sub.add_parser(module.NAME, help=help_text, description=module.__doc__)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    command = chosen_command(argv)
    parser = build_parser(load=[command] if command else [])
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
