"""Deterministic sentence segmentation of turn bodies.

A sentence ends at a paragraph break, or after ``. ! ? …`` plus any closing
quotation marks or brackets when whitespace follows and then an upper-case
letter, an opening quote or bracket, a digit or a currency sign. Title
abbreviations (``Mr.``, ``U.S.``; see data/structure.json) do not end a
sentence. A full stop glued to a capitalised word (``lost.Therefore``, where a
source ran two paragraphs together) does. Deterministic rules, rather than
the parser's sentence boundaries, keep claim spans stable across versions.
"""
from __future__ import annotations

import re
from functools import lru_cache

from parley.document import Span
from parley.nlp.textlayout import paragraphs, strip, structure_tables

_END = re.compile(
    r"(?P<punct>[.!?…]+)(?P<close>[”\"’'»)\]]*)"
    r"(?:(?P<space>\s+)(?=[A-Z\u00c0-\u00de\u0400-\u042f“\"‘'«(\[\d$£€])|(?=[A-Z][a-z]))"
)


@lru_cache(maxsize=None)
def _abbreviations() -> frozenset[str]:
    return frozenset(structure_tables()["no_split_abbreviations"])


def split(text: str, region: Span) -> list[Span]:
    """Sentence spans inside ``region`` of ``text``."""
    out: list[Span] = []
    chunk = text[region.start:region.end]
    for para in paragraphs(chunk):
        para = para.shift(region.start)
        start = para.start
        for m in _END.finditer(text, para.start, para.end):
            if m.group("space") is None and not re.match(r"[a-z]", text[m.start() - 1: m.start()] or " "):
                continue  # glued split only after a lower-case letter: 'lost.Therefore'
            if m.group("punct") == "." and _is_abbreviation(text, para.start, m.start()):
                continue
            end = m.end("close")
            if end > start:
                out.append(strip(text, Span(start, end)))
            start = m.end()
        if start < para.end:
            tail = strip(text, Span(start, para.end))
            if tail.end > tail.start:
                out.append(tail)
    return [s for s in out if s.end > s.start]


def _is_abbreviation(text: str, floor: int, dot: int) -> bool:
    """Whether the word ending at the full stop ``dot`` is a listed abbreviation."""
    begin = dot
    while begin > floor and not text[begin - 1].isspace() and text[begin - 1] not in "(“\"‘":
        begin -= 1
    word = text[begin:dot + 1]
    return word in _abbreviations() or bool(re.fullmatch(r"(?:[A-Z]\.){2,}", word)) and len(word) <= 6
