"""Code points and UTF-16 code units: one conversion for every exchange format.

Parley's spans count Unicode code points (Python string indices). UIMA and
Java, and JavaScript's ``String.length``, count UTF-16 code units, where a
character outside the Basic Multilingual Plane (an emoji, 𝕏) takes two.
``Utf16Offsets`` maps one text's offsets both ways; both directions are a
binary search over the positions of the text's astral characters.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from parley.errors import SpanError

ASTRAL = 0x10000  # the first code point that UTF-16 writes as a surrogate pair


def utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` takes."""
    return len(text) + sum(1 for ch in text if ord(ch) >= ASTRAL)


class Utf16Offsets:
    """Offsets of one text in code points and in UTF-16 code units."""

    def __init__(self, text: str):
        self.text = text
        self._astral = [i for i, ch in enumerate(text) if ord(ch) >= ASTRAL]
        # UTF-16 offset at which each astral character starts.
        self._astral_units = [i + n for n, i in enumerate(self._astral)]
        self.units = len(text) + len(self._astral)

    def to_utf16(self, offset: int) -> int:
        """The UTF-16 offset of code-point offset ``offset`` (0..len(text))."""
        if not 0 <= offset <= len(self.text):
            raise SpanError(f"offset {offset} is outside the text (0..{len(self.text)})")
        return offset + bisect_left(self._astral, offset)

    def to_code_points(self, unit: int) -> int:
        """The code-point offset of UTF-16 offset ``unit``; SpanError when it
        is outside the text or falls between the two halves of a surrogate pair."""
        if not 0 <= unit <= self.units:
            raise SpanError(f"UTF-16 offset {unit} is outside the text (0..{self.units})")
        before = bisect_right(self._astral_units, unit - 1)  # astral characters starting before unit
        if before and self._astral_units[before - 1] == unit - 1:
            raise SpanError(f"UTF-16 offset {unit} splits a surrogate pair")
        return unit - before

    def span_to_utf16(self, start: int, end: int) -> tuple[int, int]:
        return self.to_utf16(start), self.to_utf16(end)

    def span_to_code_points(self, start: int, end: int) -> tuple[int, int]:
        return self.to_code_points(start), self.to_code_points(end)
