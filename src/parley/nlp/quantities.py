"""Numbers and quantities with their units, as spans of the document text.

A quantity is a number (digits, or a number word the parser tags as one),
with any currency sign before it and scale words ("billion"), percent signs
or unit nouns after it: "$2 billion", "100 percent", "over 750 children",
"339 names", "fourfold". Dates, times and ordinals are left to the timex
layer. ``find`` reads the spaCy tokens of one sentence; ``find_in_text`` is
the parse-free fallback over a plain string (digits only).
"""
from __future__ import annotations

import re
from typing import Any

from parley.document import Span

SCALES = frozenset({"hundred", "thousand", "million", "billion", "trillion", "dozen", "bn", "mn", "m", "k"})
_MULTIPLIERS = re.compile(r"^(?:two|three|four|five|six|seven|eight|nine|ten|hundred)fold$|^(?:double|triple|quadruple)d?$", re.I)
_SKIP_ENTS = frozenset({"DATE", "TIME", "ORDINAL"})
_UNIT_POS = frozenset({"NOUN", "PROPN", "SYM"})
_DIGITS = re.compile(
    r"(?:[$€£¥]\s?)?\d+(?:,\d{3})*(?:\.\d+)?(?:\s?%|\s?(?:percent|per cent|hundred|thousand|million|billion|trillion)\b)?"
)


def _is_number(tok: Any) -> bool:
    if tok.ent_type_ in _SKIP_ENTS:
        return False
    return tok.like_num or tok.tag_ == "CD" or bool(_MULTIPLIERS.match(tok.text))


def find(tokens: Any, offset: int) -> list[Span]:
    """Quantity spans among ``tokens`` (a spaCy Doc or Span); ``offset`` maps
    the Doc's character offsets to the document text."""
    spans: list[Span] = []
    i, toks = 0, list(tokens)
    while i < len(toks):
        tok = toks[i]
        if not _is_number(tok):
            i += 1
            continue
        start, j = i, i
        while j + 1 < len(toks) and (_is_number(toks[j + 1]) or toks[j + 1].lower_ in SCALES):
            j += 1
        if start > 0 and toks[start - 1].tag_ == "$":
            start -= 1
        if j + 1 < len(toks) and (toks[j + 1].text == "%" or toks[j + 1].lower_ in ("percent", "per")):
            j += 1
            if toks[j].lower_ == "per" and j + 1 < len(toks) and toks[j + 1].lower_ == "cent":
                j += 1
        elif j + 1 < len(toks) and toks[j + 1].pos_ in _UNIT_POS and toks[j + 1].tag_ != "NNP":
            # the counted noun: "750 children", "339 names", "100 tanks"
            if toks[j + 1].head.i == toks[j + 1].i or any(toks[k].head.i == toks[j + 1].i for k in range(start, j + 1)):
                j += 1
        first, last = toks[start], toks[j]
        spans.append(Span(offset + first.idx, offset + last.idx + len(last.text)))
        i = j + 1
    return spans


def find_in_text(text: str, offset: int = 0) -> list[Span]:
    """Digit-based quantities in a plain string, for use without a parse."""
    out = []
    for m in _DIGITS.finditer(text):
        value = m.group().rstrip()
        if re.fullmatch(r"(?:1[89]|20)\d\d", value):
            continue  # a year
        out.append(Span(offset + m.start(), offset + m.start() + len(value)))
    return out
