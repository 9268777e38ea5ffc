"""Lines and paragraphs of a text, as spans, and the word lists of data/structure.json."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from parley.document import Span

_BLANK = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]*")


def lines(text: str) -> list[Span]:
    """Every line of ``text`` without its newline, blank ones included."""
    out, start = [], 0
    for m in re.finditer(r"\n", text):
        out.append(Span(start, m.start()))
        start = m.end()
    out.append(Span(start, len(text)))
    return out


def is_blank(text: str, span: Span) -> bool:
    return _BLANK.fullmatch(text, span.start, span.end) is not None


def strip(text: str, span: Span) -> Span:
    """``span`` without leading and trailing whitespace (no-break spaces too)."""
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Span(s, e)


def paragraphs(text: str) -> list[Span]:
    """Non-blank runs of lines, separated by blank (or whitespace-only) lines."""
    out: list[Span] = []
    start = None
    last_end = 0
    for line in lines(text):
        if is_blank(text, line):
            if start is not None:
                out.append(strip(text, Span(start, last_end)))
                start = None
        else:
            if start is None:
                start = line.start
            last_end = line.end
    if start is not None:
        out.append(strip(text, Span(start, last_end)))
    return out


@lru_cache(maxsize=None)
def structure_tables() -> dict[str, Any]:
    with resources.files(__package__).joinpath("data", "structure.json").open(encoding="utf-8") as f:
        return json.load(f)
