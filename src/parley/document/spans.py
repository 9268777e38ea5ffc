"""Spans: half-open character ranges ``[start, end)`` into a document's text."""
from __future__ import annotations

import operator
from typing import Any, Iterator, NamedTuple

from parley.errors import SpanError


class _SpanFields(NamedTuple):
    start: int
    end: int


class Span(_SpanFields):
    """A half-open character range ``[start, end)``, checked when built:
    ``SpanError`` (E200) unless ``0 <= start <= end`` with whole numbers."""

    __slots__ = ()

    def __new__(cls, start: int, end: int) -> "Span":
        # The fast path: two ints in order (spans are built millions of times).
        if start.__class__ is int and end.__class__ is int and 0 <= start <= end:
            return tuple.__new__(cls, (start, end))
        return tuple.__new__(cls, _checked(start, end))

    @classmethod
    def of(cls, value: Any) -> "Span | None":
        """A span from ``[s, e]``, ``(s, e)`` or a Span; None stays None."""
        if value is None:
            return None
        try:
            start, end = value
            start, end = int(start), int(end)
        except (TypeError, ValueError) as e:
            raise SpanError(f"not a [start, end] pair: {value!r}") from e
        return cls(start, end)

    def __len__(self) -> int:  # type: ignore[override]
        return self.end - self.start

    def overlaps(self, other: "Span") -> bool:
        return min(self.end, other.end) > max(self.start, other.start)

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def shift(self, offset: int) -> "Span":
        """This span moved by ``offset``; SpanError if it would start before 0."""
        return Span(self.start + offset, self.end + offset)

    # namedtuple's own _make and _replace would skip the check of __new__.
    @classmethod
    def _make(cls, iterable: Any) -> "Span":
        return cls(*iterable)

    def _replace(self, **fields: int) -> "Span":
        return Span(fields.get("start", self.start), fields.get("end", self.end))

    def json(self) -> list[int]:
        return [self.start, self.end]


def _checked(start: Any, end: Any) -> tuple[int, int]:
    """(start, end) as ints when they make a range; SpanError otherwise.
    Integer types such as numpy's are taken as ints; floats and bools are not."""
    try:
        if isinstance(start, bool) or isinstance(end, bool):
            raise TypeError("bool")
        start, end = operator.index(start), operator.index(end)
    except TypeError as e:
        raise SpanError(f"span bounds must be whole numbers, not {start!r} and {end!r}") from e
    if start < 0 or end < start:
        raise SpanError(f"span [{start}, {end}) is not a valid range")
    return start, end


def iter_spans(record: Any) -> Iterator[tuple[str, Span]]:
    """Every (field name, span) held by a record: fields that are spans, and
    every span inside a field that is a tuple or list, at any depth."""
    for name, value in vars(record).items():
        if isinstance(value, Span):
            yield name, value
        elif isinstance(value, (tuple, list)):
            for span in _spans_in(value):
                yield name, span


def _spans_in(values: tuple | list) -> Iterator[Span]:
    for value in values:
        if isinstance(value, Span):
            yield value
        elif isinstance(value, (tuple, list)):
            yield from _spans_in(value)
