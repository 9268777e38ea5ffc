"""The timex analyser: temporal expressions, normalised, and the timeline.

Recognition is rule-based over the text (``parley.analysers.timex.recognise``), normalisation
is arithmetic on the reference date, the document's publication date or
``--date`` (``parley.analysers.timex.normalise``). Each expression is linked to the sentence
that holds it and, when the entities layer is present, to the entities
mentioned in that sentence. The option ``style`` (``--option
timex.style=timeml``) may be ``"timeml"`` to get TempEval's values for vague
expressions (``PXY``, ``PRESENT_REF``) instead of ``None``.

The report section lists the resolved dates in chronological order, and the
HTML report draws them on a time axis (an inline SVG, no scripts).
"""
from __future__ import annotations

import html
from bisect import bisect_right
from datetime import date
from typing import Any

from parley.analysers.timex.normalise import value_start
from parley.analysers.timex.recognise import recognise, resolve_all
from parley.document import Analysis, Span
from parley.document.records import Timex
from parley.errors import PipelineError
from parley.pipeline.registry import Config, Option, analyser
from parley.render.table import Cell, highlighter, section

STYLES = ("parley", "timeml")


@analyser("timex", version="1.0", requires=("metadata", "sentences"), assigns=("timex",), order=40,
          options={"style": Option("parley", str, "values of vague expressions: parley (None) or timeml", STYLES)})
def find_timex(analysis: Analysis, parse: Any, config: Config) -> dict[str, list[Timex]]:
    style = config.option("timex", "style")
    if style not in STYLES:
        raise PipelineError(f"timex style must be one of {', '.join(STYLES)}, not {style!r}", code="E300")
    return {"timex": timex_records(analysis, style)}


def timex_records(analysis: Analysis, style: str = "parley") -> list[Timex]:
    text = analysis.text
    mentions = recognise(text, style)
    values = resolve_all(text, mentions, analysis.reference_date, style)
    sentences = analysis.layer("sentences")
    starts = [s.span.start for s in sentences]
    entity_spans = _entity_mentions(analysis)
    out: list[Timex] = []
    for mention, value in zip(mentions, values):
        span = Span(mention.start, mention.end)
        index = _sentence_of(sentences, starts, span)
        linked: tuple[str, ...] = ()
        if index is not None and entity_spans:
            bounds = sentences[index].span
            linked = tuple(dict.fromkeys(eid for s, eid in entity_spans if bounds.contains(s) and not s.overlaps(span)))
        out.append(Timex(span, value.value, value.type, value.anchor, index, linked))
    return out


def _sentence_of(sentences: list, starts: list[int], span: Span) -> int | None:
    i = bisect_right(starts, span.start) - 1
    if i >= 0 and sentences[i].span.start <= span.start < sentences[i].span.end:
        return i
    return None


def _entity_mentions(analysis: Analysis) -> list[tuple[Span, str]]:
    if "entities" not in analysis:
        return []
    return sorted((m, e.id) for e in analysis.layer("entities") for m in e.mentions)


# -- reports -----------------------------------------------------------------

def dated(analysis: Analysis) -> list[tuple[date, Timex]]:
    """Timex records with a calendar value, in chronological order (text order breaks ties)."""
    rows = []
    for t in analysis.layer("timex"):
        start = value_start(t.value) if t.type in ("DATE", "TIME") else None
        if start is not None:
            rows.append((start, t))
    rows.sort(key=lambda r: (r[0], r[1].value or "", r[1].span.start))
    return rows


def _excerpt(analysis: Analysis, t: Timex, width: int = 110) -> Cell:
    sentences = analysis.layer("sentences")
    if t.sentence is not None and 0 <= t.sentence < len(sentences):
        span = sentences[t.sentence].span
    else:
        span = Span(max(0, t.span.start - width // 2), min(len(analysis.text), t.span.end + width // 2))
    text = " ".join(analysis.text[span.start:span.end].split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    return Cell(text, span)


def draw_timeline(analysis: Analysis) -> str:
    """An inline SVG: one mark per resolved date on a time axis. Every text is escaped."""
    rows = dated(analysis)
    if not rows:
        return ""
    width, left, right, axis_y = 720, 40, 680, 60
    first, last = rows[0][0].toordinal(), rows[-1][0].toordinal()
    spread = max(1, last - first)

    def x_of(d: date) -> float:
        return left + (d.toordinal() - first) * (right - left) / spread

    parts = [f'<svg class="timeline" role="img" xmlns="http://www.w3.org/2000/svg" width="{width}" height="120" '
             f'viewBox="0 0 {width} 120" aria-label="Timeline of {len(rows)} dated expressions">',
             f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="#555" stroke-width="1"/>']
    for tick, label in _ticks(rows[0][0], rows[-1][0]):
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 5}" stroke="#555"/>'
                     f'<text x="{x:.1f}" y="{axis_y + 18}" font-size="10" text-anchor="middle">'
                     f'{html.escape(label)}</text>')
    placed: dict[int, int] = {}
    for d, t in rows:
        x = x_of(d)
        slot = placed.get(round(x / 6), 0)
        placed[round(x / 6)] = slot + 1
        y = axis_y - 8 - 9 * min(slot, 4)
        expression = analysis.text[t.span.start:t.span.end]
        tip = html.escape(f"{t.value}: {' '.join(expression.split())}")
        parts.append(f'<g><title>{tip}</title><circle cx="{x:.1f}" cy="{y}" r="4" fill="#2a6fb0">'
                     f'</circle></g>')
    parts.append("</svg>")
    return "".join(parts)


def _ticks(first: date, last: date, most: int = 8) -> list[tuple[date, str]]:
    """Axis ticks: whole years at a round step, or the two ends when the span is under a year."""
    years = last.year - first.year
    if years < 1:
        return [(first, first.isoformat())] + ([(last, last.isoformat())] if last != first else [])
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if years / s <= most)
    start = -(-first.year // step) * step
    return [(date(y, 1, 1), str(y)) for y in range(max(1, start), last.year + 1, step)]


@section("timeline", "Timeline", ("timex",), order=40, html=draw_timeline)
def timeline_rows(analysis: Analysis):
    header = ("date", "expression", "sentence")
    rows = []
    for _, t in dated(analysis):
        expression = " ".join(analysis.text[t.span.start:t.span.end].split())
        rows.append((t.value or "", Cell(expression, t.span), _excerpt(analysis, t)))
    return header, rows


@highlighter("timex")
def highlight_timex(analysis: Analysis, record: Timex) -> list[tuple[Span, str, str]]:
    return [(record.span, record.type, f"{record.type} {record.value if record.value is not None else '(no value)'}")]
