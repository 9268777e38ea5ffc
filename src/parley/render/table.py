"""The report tables' registry: what an analyser imports to show its layer.

An analyser registers a ``Section`` for the tables it wants in the reports
(who said what, entities, timeline...). Each renderer gets the ``Analysis``
and returns rows: a header tuple and row tuples of cells. A cell is plain text
or a ``Cell`` that links to a span of the document; the text and HTML
renderers turn the same rows into their own form, escaping every cell.

Highlighting in the HTML report is generic: every span of every layer is
marked, with a toggle per layer (and per label where a layer registers a
``highlighter``, e.g. one toggle per persuasion technique).

This module imports nothing from the analysers or the pipeline (they import
it); ``render.sections.sections_for`` collects the registered sections.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from parley.document import Analysis, Span


@dataclass(frozen=True)
class Cell:
    text: str
    span: Span | None = None  # the evidence the cell links to


def cell_json(cell: Any) -> Any:
    """A cell as JSON: a ``Cell`` becomes ``{"text", "span": [start, end] or None}``;
    plain values stay as they are (other objects become their ``str``)."""
    if isinstance(cell, Cell):
        return {"text": cell.text, "span": cell.span.json() if cell.span else None}
    if cell is None or isinstance(cell, (str, int, float, bool)):
        return cell
    if isinstance(cell, Span):
        return cell.json()
    return str(cell)


Rows = tuple[tuple[str, ...], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Section:
    key: str  # unique, also the HTML anchor
    title: str
    layers: tuple[str, ...]  # shown only when one of these layers is present
    rows: Callable[[Analysis], Rows]
    order: int = 50
    terminal_limit: int = 25  # rows shown in the terminal summary; HTML shows all
    # Optional extra HTML drawn above the table (a timeline, say). It must
    # escape every piece of document text it includes (html.escape).
    html: Callable[[Analysis], str] | None = None


SECTIONS: dict[str, Section] = {}

# For highlighting: layer -> function giving a record's (span, label, tooltip)
# triples. Layers without one highlight every Span field under the layer name.
HIGHLIGHTERS: dict[str, Callable[[Analysis, Any], list[tuple[Span, str, str]]]] = {}


def section(key: str, title: str, layers: tuple[str, ...], order: int = 50, terminal_limit: int = 25,
            html: Callable[[Analysis], str] | None = None):
    """Register the decorated ``rows`` function as the section ``key``."""

    def register(func: Callable[[Analysis], Rows]) -> Callable[[Analysis], Rows]:
        SECTIONS[key] = Section(key, title, layers, func, order, terminal_limit, html)
        return func

    return register


def highlighter(layer: str):
    """Register the decorated function as the (span, label, tooltip) source of ``layer``."""

    def register(func):
        HIGHLIGHTERS[layer] = func
        return func

    return register

