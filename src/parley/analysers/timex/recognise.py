"""Finding temporal expressions in text, rule-based and fast.

``recognise(text)`` returns ``Mention``s: a ``[start, end)`` span into the
text and a ``normalise.Meaning`` saying what the expression means. Patterns
are regular expressions built from the word tables in
``data/timex_words.json``; every pattern that matches proposes a candidate,
and the longest candidates win where they overlap. Spans follow the gold
guidelines: governing prepositions ("in", "since", "after") stay out,
"ago"/"later"/"earlier" stay in, "today’s" gives ``today``.

Offsets are those of the original text. Before matching, a copy of the text
of the same length is made in which web addresses cannot match and editorial
markup (``<s>30</s> \\[300\\]``, ``[...]``) reads as spaces, so that a span
found in the copy is a span of the original.

``resolve_all`` then normalises mentions in document order (``normalise``),
each anchored either on the reference date or on the time mentioned just
before it ("15 years later").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from parley.analysers.timex.normalise import Meaning, Point, Resolved, resolve
from parley.analysers.timex.patterns import PATTERNS, not_until_past, tense, words, words_before

__all__ = ["Mention", "masked", "recognise", "resolve_all", "tense", "words"]


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    meaning: Meaning


_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}/\S*|"
                  r"\b[\w.-]+\.(?:com|net|org|gov|mil|edu|ru|int|info|io|uk|eu|ua|cn|de|fr)\b", re.I)
_MARKUP = re.compile(r"<s>.*?</s>|</?\w+>|\\\[|\\\]|[\[\]]", re.S)


def masked(text: str) -> str:
    """A same-length copy of ``text`` where URLs cannot match and markup reads as spaces."""
    chars = list(text)
    for m in _MARKUP.finditer(text):
        for i in range(m.start(), m.end()):
            if chars[i] != "\n":
                chars[i] = " "
    for m in _URL.finditer(text):
        for i in range(m.start(), m.end()):
            chars[i] = "\x01"
    return "".join(chars)


def recognise(text: str, style: str = "parley") -> list[Mention]:
    """Every temporal expression in ``text``, in order, longest match first where they overlap."""
    view = masked(text)
    candidates: list[tuple[int, int, int, Meaning]] = []
    for rank, (name, regex, handler) in enumerate(PATTERNS):
        if name == "timeml-only" and style != "timeml":
            continue
        for mt in regex.finditer(view):
            if mt.end() == mt.start():
                continue
            if mt.start() > 0 and view[mt.start() - 1].isalnum():
                continue  # "now" in "snow"
            if mt.end() < len(view) and view[mt.end()].isalnum() and view[mt.end() - 1].isalnum():
                continue
            meaning = handler(mt, view)
            if meaning is not None:
                start, end = mt.span("x") if "x" in regex.groupindex else mt.span()
                start, end = _trim(view, start, end)
                candidates.append((start, end, rank, meaning))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2]))
    taken: list[tuple[int, int, Meaning]] = []
    for start, end, _, meaning in candidates:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, meaning))
    taken.sort(key=lambda t: t[0])
    return [Mention(s, e, m) for s, e, m in taken]


def _trim(view: str, start: int, end: int) -> tuple[int, int]:
    while start < end and view[start].isspace():
        start += 1
    while end > start and (view[end - 1].isspace() or view[end - 1] == ","):
        end -= 1
    return start, end


def resolve_all(text: str, mentions: list[Mention], reference: str | None, style: str = "parley") -> list[Resolved]:
    """Values for ``mentions`` in document order; anchored ones count from the mention before."""
    ref, ref_grain = _parse_reference(reference)
    previous: Point | None = None
    previous_end = 0
    out: list[Resolved] = []
    for mention in mentions:
        m = mention.meaning
        if m.anchored and "\n\n" in text[previous_end:mention.start]:
            previous = None  # "later" counts only from a time in the same paragraph
        if m.extra.get("new_year") and ref is not None and ref.month < 7:
            m = Meaning("unit", unit="Y", rel=None)
        if m.extra.get("yrel"):
            m = Meaning("month", month=m.month, year=(ref.year + {"last": -1, "next": 1}.get(m.extra["yrel"], 0))
                        if ref else None)
            if m.year is None:
                out.append(Resolved(None, "DATE", "reference", None))
                continue
        t = 0
        if m.kind in ("weekday", "month", "monthday"):
            before = words_before(text, mention.start, 1)
            if before and before[0] in ("since", "last"):
                t = -1
            elif before and before[0] in ("until", "till", "through", "next"):
                # "postponed until Saturday" looks ahead; "was not made until August" looks back
                t = -1 if not_until_past(text, mention.start, mention.end) else 1
            elif m.kind in ("weekday", "month"):  # a day of a month without a year: the nearest one
                t = tense(text, mention.start, mention.end)
        r = resolve(m, ref, previous, style, t, ref_grain)
        out.append(r)
        if r.type != "DURATION" and m.kind != "vague":
            previous, previous_end = r.point, mention.end
    return out


def _parse_reference(value: str | None) -> tuple[date | None, str]:
    """The reference date and its grain: "2015-07" is a month, known to the month only."""
    value = (value or "").strip()
    for size, grain in ((10, "day"), (7, "month"), (4, "year")):
        if len(value) >= size:
            try:
                return date.fromisoformat((value[:size] + "-01-01"[size - 4:])[:10]), grain
            except ValueError:
                continue
    return None, "day"
