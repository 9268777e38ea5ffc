"""Report sections: how each layer shows in the terminal summary and HTML.

A layer module registers a ``Section`` for the tables it wants in the reports
(who said what, entities, timeline...). Each renderer gets the ``Analysis``
and returns rows: a header tuple and row tuples of cells. A cell is plain text
or a ``Cell`` that links to a span of the document; the text and HTML
renderers turn the same rows into their own form, escaping every cell.

Highlighting in the HTML report is generic: every span of every layer is
marked, with a toggle per layer (and per ``label_of`` value where a section
gives one, e.g. one toggle per persuasion technique).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from parley.document import Analysis, Span


@dataclass(frozen=True)
class Cell:
    text: str
    span: Span | None = None  # the evidence the cell links to


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
    def register(func: Callable[[Analysis], Rows]) -> Callable[[Analysis], Rows]:
        SECTIONS[key] = Section(key, title, layers, func, order, terminal_limit, html)
        return func

    return register


def highlighter(layer: str):
    def register(func):
        HIGHLIGHTERS[layer] = func
        return func

    return register


def sections_for(analysis: Analysis) -> list[Section]:
    from parley.pipeline import load_analysers

    load_analysers()  # analyser modules register their sections on import
    return sorted(
        (s for s in SECTIONS.values() if any(layer in analysis for layer in s.layers)),
        key=lambda s: (s.order, s.key),
    )
