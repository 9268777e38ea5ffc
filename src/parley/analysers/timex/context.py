"""The context of a temporal expression: the words around it and the tense
of the sentence it sits in (``nlp.sentences.CLAUSE`` finds the sentence)."""
from __future__ import annotations

import re

from parley.nlp.sentences import CLAUSE, ends

_WORD = re.compile(r"[A-Za-z\u2019']+|\d+|[^\sA-Za-z\d]")
_PAST = re.compile(r"(?i)\b(?:was|were|did|had|said|told|ago|last|yesterday|died|went|came|saw|met|gave|took|"
                   r"made|began|held|left|sent|spoke|wrote|fell|won|lost|became|got|ran|fled|paid|led|\w{3,}ed)\b")
_FUTURE = re.compile(r"(?i)(?:\bwill\b|[\u2019']ll\b|\bgoing to\b|\bshall\b|\bnext\b|\btomorrow\b|\bplans? to\b|"
                     r"\bscheduled\b|\bexpected to\b|\bexpects?\b|\b(?:intends?|aims?|hopes?) to\b|\bupcoming\b|\bdue to\b|"
                     r"\b(?:am|is|are)\s+\w+ing\b|[\u2019'](?:m|re|s)\s+\w+ing\b)")


def words_before(text: str, pos: int, n: int = 2) -> list[str]:
    return [w.lower() for w in _WORD.findall(text[max(0, pos - 60):pos])][-n:]


def words_after(text: str, pos: int, n: int = 2) -> list[str]:
    return [w.lower() for w in _WORD.findall(text[pos:pos + 60])][:n]


_STRONG_PAST = re.compile(r"(?i)\b(?:was|were|did|had)\b")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around a span, roughly (``nlp.sentences.CLAUSE``: ends that are not "Corp.", "U.S.")."""
    window_start = max(0, start - 400)
    left = window_start
    for e in ends(text, window_start, start, CLAUSE):
        left = e.end
    e = next(ends(text, end, end + 400, CLAUSE), None)
    return left, e.mark if e else min(len(text), end + 400)


def not_until_past(text: str, start: int, end: int) -> bool:
    """Whether "until X" sits in a negated past sentence ("was not made until August": it happened then)."""
    left, right = _sentence_bounds(text, start, end)
    return (_STRONG_PAST.search(text, left, right) is not None
            and re.compile(r"(?i)\bnot\b|n[\u2019']t\b|\bnever\b").search(text, left, right) is not None)


def tense(text: str, start: int, end: int) -> int:
    """-1 when the nearest tense cue in the sentence around a span is past, +1 when future, else 0."""
    left, right = _sentence_bounds(text, start, end)
    sentence = text[left:right]
    best: tuple[int, int] | None = None
    for sign, regex in ((1, _FUTURE), (-1, _PAST)):
        for m in regex.finditer(sentence):
            a, b = left + m.start(), left + m.end()
            distance = start - b if b <= start else a - end if a >= end else 0
            if distance >= 0 and (best is None or distance < best[0]):
                best = (distance, sign)
    return best[1] if best else 0
