"""Sentence boundaries: one rule-driven finder, used by every layer.

``ends(text, start, stop, rule)`` yields every sentence end in
``text[start:stop]`` as a ``SentenceEnd``: where the sentence stops (after
its end marks and closing quotes) and where the next one begins (after the
whitespace). What counts as an end is the ``EndRule`` passed in; the rules
the layers use are defined here, side by side, so their differences are
visible in one place:

- ``PROSE``: claims' and the ``sentences`` layer's segmentation (``split``).
  A sentence ends at a paragraph break, or after ``. ! ? …`` plus any
  closing quotation marks or brackets when whitespace follows and then an
  upper-case letter, an opening quote or bracket, a digit or a currency
  sign. Title abbreviations (``Mr.``, ``U.S.``; see data/structure.json) do
  not end a sentence. A full stop glued to a capitalised word
  (``lost.Therefore``, where a source ran two paragraphs together) does.
  Deterministic rules, rather than the parser's sentence boundaries, keep
  claim spans stable across versions.
- ``LOOSE``: any ``. ! ?`` followed by whitespace (attribution looks back for
  the start of the sentence before a quote; answers cut an answer into
  windows of whole sentences).
- ``QUOTED``: techniques' segments: a closing quotation mark ends a segment
  like a full stop does, when an upper-case letter, a digit, a bracket or a
  quotation mark follows the space.
- ``CLAUSE``: the sentence around a time expression (timex, for the tense of
  its clause): any ``?``, ``!`` or line break, and a full stop before
  whitespace unless it ends a single capital (``U.S.``) or one of a few
  abbreviations (``Mr.``, ``Corp.``, ``Sept.``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator

from parley.document import Span
from parley.nlp.textlayout import paragraphs, strip, structure_tables

# (text, floor, offset of a full stop) -> whether the word it ends is an abbreviation
Abbreviation = Callable[[str, int, int], bool]


@dataclass(frozen=True)
class EndRule:
    """What ends a sentence.

    ``marks``: punctuation that ends a sentence when whitespace follows (a
    run, "?!" or "...", is one end). ``closers``: closing quotes and brackets
    that stay with the sentence after its marks. ``next_start``: a regular
    expression character class (without the brackets) that the next
    sentence must begin with after the whitespace; None: anything.
    ``glued``: a full stop directly followed by a capitalised word, after a
    lower-case letter, is an end too. ``bare_marks``: characters that end a
    sentence by themselves, one by one, whatever follows (a line break).
    ``abbreviation``: tells a full stop that ends an abbreviation, which is
    then no end; None: every full stop may end a sentence.
    """

    marks: str
    closers: str = ""
    next_start: str | None = None
    glued: bool = False
    bare_marks: str = ""
    abbreviation: Abbreviation | None = None


@dataclass(frozen=True)
class SentenceEnd:
    """One sentence end: the sentence stops at ``end``, the next begins at
    ``next``; ``mark`` is the offset of the last end mark."""

    mark: int
    end: int
    next: int


@lru_cache(maxsize=None)
def _pattern(rule: EndRule) -> re.Pattern:
    """The one regular expression of sentence ends, built from a rule."""
    punct = rf"(?P<punct>[{re.escape(rule.marks)}]+)"
    close = rf"(?P<close>[{re.escape(rule.closers)}]*)" if rule.closers else "(?P<close>)"
    after = r"\s+" if rule.next_start is None else rf"\s+(?=[{rule.next_start}])"
    follow = rf"(?=(?P<space>{after}))"
    if rule.glued:
        follow = rf"(?:{follow}|(?=[A-Z][a-z]))"
    body = punct + close + follow
    if rule.bare_marks:
        body = rf"(?P<bare>[{re.escape(rule.bare_marks)}])|" + body
    return re.compile(body)


def ends(text: str, start: int = 0, stop: int | None = None, rule: EndRule | None = None) -> Iterator[SentenceEnd]:
    """Every sentence end in ``text[start:stop]`` under ``rule`` (``PROSE``).

    Nothing after ``stop`` is looked at (a full stop right before ``stop``
    is no end when only whitespace can tell); ``abbreviation`` sees the text
    from ``start``.
    """
    rule = rule or PROSE
    stop = len(text) if stop is None else stop
    for m in _pattern(rule).finditer(text, start, stop):
        if rule.bare_marks and m.group("bare"):
            yield SentenceEnd(m.start(), m.end(), m.end())
            continue
        if m.group("space") is None and not re.match(r"[a-z]", text[m.start() - 1: m.start()] or " "):
            continue  # glued split only after a lower-case letter: 'lost.Therefore'
        if rule.abbreviation and m.group("punct") == "." and rule.abbreviation(text, start, m.start()):
            continue
        after = m.end("space") if m.group("space") is not None else m.end()
        yield SentenceEnd(m.end("punct") - 1, m.end("close"), after)


def pieces(text: str, rule: EndRule | None = None) -> list[str]:
    """``text`` cut at its sentence ends, the whitespace between left out
    (as ``re.split`` would: an empty text gives ``[""]``)."""
    out, begin = [], 0
    for e in ends(text, rule=rule):
        out.append(text[begin:e.end])
        begin = e.next
    out.append(text[begin:])
    return out


def split(text: str, region: Span) -> list[Span]:
    """Sentence spans inside ``region`` of ``text`` (``PROSE``, paragraph by paragraph)."""
    out: list[Span] = []
    chunk = text[region.start:region.end]
    for para in paragraphs(chunk):
        para = para.shift(region.start)
        start = para.start
        for e in ends(text, para.start, para.end, PROSE):
            if e.end > start:
                out.append(strip(text, Span(start, e.end)))
            start = e.next
        if start < para.end:
            tail = strip(text, Span(start, para.end))
            if tail.end > tail.start:
                out.append(tail)
    return [s for s in out if s.end > s.start]


# -- abbreviations ---------------------------------------------------------------

@lru_cache(maxsize=None)
def _abbreviations() -> frozenset[str]:
    return frozenset(structure_tables()["no_split_abbreviations"])


def listed_abbreviation(text: str, floor: int, dot: int) -> bool:
    """Whether the word ending at the full stop ``dot`` (back to a space or an
    opening quote, not before ``floor``) is an abbreviation of
    data/structure.json or initials ("U.S.", at most six characters)."""
    begin = dot
    while begin > floor and not text[begin - 1].isspace() and text[begin - 1] not in "(“\"‘":
        begin -= 1
    word = text[begin:dot + 1]
    return word in _abbreviations() or bool(re.fullmatch(r"(?:[A-Z]\.){2,}", word)) and len(word) <= 6


_CLAUSE_ABBREVIATIONS = frozenset(
    "Mr Ms Dr St Co No vs Mrs Inc Ltd Gen Sen Rep Gov Jan Feb Mar Apr Jun Jul Aug Sep Oct Nov Dec Corp Sept".split())
_WORD_BEFORE = re.compile(r"(?<!\w)\w{1,4}\Z")


def short_abbreviation(text: str, floor: int, dot: int) -> bool:
    """Whether the word right before the full stop ``dot`` is one capital
    letter ("U.S.", "J.") or a title, company or month abbreviation
    ("Mr.", "Corp.", "Sept."); the word may start before ``floor``."""
    m = _WORD_BEFORE.search(text, max(0, dot - 4), dot)
    if m is None:
        return False
    word = m.group()
    return word in _CLAUSE_ABBREVIATIONS or (len(word) == 1 and "A" <= word <= "Z")


# -- the rules of the layers -----------------------------------------------------------

PROSE = EndRule(marks=".!?…", closers="”\"’'»)]",
                next_start=r"A-Z\u00c0-\u00de\u0400-\u042f“\"‘'«(\[\d$£€",
                glued=True, abbreviation=listed_abbreviation)
LOOSE = EndRule(marks=".!?")
QUOTED = EndRule(marks=".!?\"\u201d", next_start="\"\u201c(A-Z0-9")
CLAUSE = EndRule(marks=".", bare_marks="?!\n", abbreviation=short_abbreviation)
