"""Quotation marks: pair them into quotations, never mistaking apostrophes.

``find_quotations(text)`` returns every quotation as a ``Quotation`` with the
span of its marks (``outer``) and of the words between them (``inner``).
Curly marks pair by direction; straight double marks alternate inside a
paragraph; single marks open only after a space or bracket and before a
letter, and close only before a space or punctuation, so the apostrophes of
"don't" and "Putin’s" are never taken for quote marks. A quotation left open
at the end of a paragraph continues when the next paragraph opens with a mark
(the typographic convention for quotes over several paragraphs); otherwise it
ends with its paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from parley.document import Span

DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»"
SINGLE_OPEN = "‘"
SINGLE_CLOSE = "’"
STRAIGHT_DOUBLE = '"'
STRAIGHT_SINGLE = "'"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")
_TRAILING = " \t\n,.;:"


@dataclass(frozen=True)
class Quotation:
    outer: Span  # from the opening mark to the closing mark, both included
    inner: Span  # the quoted words, trailing comma or full stop excluded
    closed: bool = True  # False when the paragraph ended before a closing mark


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _opens_single(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-\"“") and _is_word(after)


def _closes_single(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not _is_word(after)


def _opens_straight_double(text: str, i: int, start: int) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:'‘") and not after.isspace()


def _inner(start: int, end: int, text: str) -> Span:
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1] in _TRAILING:
        e -= 1
    return Span(s, e)


def _pair_paragraph(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], int | None]:
    """Pairs (open index, close index) in one paragraph, and an open left over."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[int, str]] = []  # (index, kind) with kind "d" or "s"
    for i in range(start, end):
        ch = text[i]
        if ch in DOUBLE_OPEN:
            stack.append((i, "d"))
        elif ch in DOUBLE_CLOSE:
            if any(k == "d" for _, k in stack):
                while stack and stack[-1][1] != "d":
                    stack.pop()  # a single left open inside: it was an apostrophe
                pairs.append((stack.pop()[0], i))
        elif ch == STRAIGHT_DOUBLE:
            if stack and stack[-1][1] == "D":
                pairs.append((stack.pop()[0], i))
            elif _opens_straight_double(text, i, start):
                stack.append((i, "D"))
        elif ch in SINGLE_OPEN or ch == STRAIGHT_SINGLE or ch in SINGLE_CLOSE:
            if stack and stack[-1][1] == "s" and _closes_single(text, i) and not (
                    _plural_possessive(text, i) and i - stack[-1][0] > 60):
                pairs.append((stack.pop()[0], i))
            elif (ch in SINGLE_OPEN or ch == STRAIGHT_SINGLE) and _opens_single(text, i):
                stack.append((i, "s"))
    doubles = [i for i, k in stack if k in "dD"]
    return pairs, (doubles[0] if doubles else None)


def _plural_possessive(text: str, i: int) -> bool:
    """``the Europeans’ plans``: an apostrophe after -s, followed by a word."""
    return text[i - 1:i] == "s" and text[i + 1:i + 2] == " " and _is_word(text[i + 2:i + 3] or " ")


def find_quotations(text: str) -> list[Quotation]:
    """Every quotation in ``text``, in order of its opening mark."""
    out: list[Quotation] = []
    carry: int | None = None  # opening index of a quote running over paragraphs
    paragraphs = _paragraphs(text)
    for n, (start, end) in enumerate(paragraphs):
        if carry is not None and not (start < end and text[start] in DOUBLE_OPEN + STRAIGHT_DOUBLE):
            carry = None
        pairs, left_open = _pair_paragraph(text, start, end)
        if carry is not None:
            # the mark opening this paragraph continues the earlier quote
            first = min((o for o, _ in pairs), default=None)
            if first == start:
                close = next(c for o, c in pairs if o == start)
                pairs = [p for p in pairs if p[0] != start]
                out.append(Quotation(Span(carry, close + 1), _inner(carry + 1, close, text)))
                carry = None
            elif left_open == start:
                left_open = carry  # still running: the next paragraph decides
            carry = None
        for o, c in pairs:
            if c > o + 1:
                out.append(Quotation(Span(o, c + 1), _inner(o + 1, c, text)))
        if left_open is not None:
            following = paragraphs[n + 1][0] if n + 1 < len(paragraphs) else None
            if following is not None and text[following:following + 1] in DOUBLE_OPEN + STRAIGHT_DOUBLE:
                carry = left_open
            else:
                stop = end
                out.append(Quotation(Span(left_open, stop), _inner(left_open + 1, stop, text), closed=False))
    return sorted((q for q in out if len(q.inner) > 0), key=lambda q: q.outer.start)
