"""Every pattern that finds temporal expressions, in the order they are
tried: ``PATTERNS`` holds ``(name, regex, handler)`` triples, the absolute
ones (``absolute.py``) first, then the relative ones (``relative.py``); the
order breaks ties between candidates of the same length at the same offset.
``recognise`` runs them all and keeps the longest non-overlapping matches.
"""
from __future__ import annotations

from parley.analysers.timex import absolute, relative
from parley.analysers.timex.context import not_until_past, tense, words_after, words_before
from parley.analysers.timex.grammar import Pattern, words

PATTERNS: list[Pattern] = absolute.PATTERNS + relative.PATTERNS

__all__ = ["PATTERNS", "not_until_past", "tense", "words", "words_after", "words_before"]
