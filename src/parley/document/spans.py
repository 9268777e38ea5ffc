"""Spans: half-open character ranges ``[start, end)`` into a document's text."""
from __future__ import annotations

from typing import Any, Iterator, NamedTuple

from parley.errors import SpanError


class Span(NamedTuple):
    """A half-open character range ``[start, end)``."""

    start: int
    end: int

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
        if start < 0 or end < start:
            raise SpanError(f"span [{start}, {end}) is not a valid range")
        return cls(start, end)

    def __len__(self) -> int:  # type: ignore[override]
        return self.end - self.start

    def overlaps(self, other: "Span") -> bool:
        return min(self.end, other.end) > max(self.start, other.start)

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def shift(self, offset: int) -> "Span":
        return Span(self.start + offset, self.end + offset)

    def json(self) -> list[int]:
        return [self.start, self.end]


def iter_spans(record: Any) -> Iterator[tuple[str, Span]]:
    """Every (field name, span) held by a record, nested tuples included."""
    for name, value in vars(record).items():
        if isinstance(value, Span):
            yield name, value
        elif isinstance(value, tuple) and value and isinstance(value[0], Span):
            for span in value:
                yield name, span
