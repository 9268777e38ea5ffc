"""The self-contained HTML report.

One file, no script at all: layer toggles are checkboxes styled with CSS, so
the Content-Security-Policy forbids every script and the report stays inert
whatever the transcript holds. Every piece of document text goes through
``html.escape``. The text keeps its layout (``white-space: pre-wrap``) and is
cut at every span boundary; each piece carries one class per layer (and per
label) covering it, so toggling a layer restyles its pieces.
"""
from __future__ import annotations

import re
from html import escape
from importlib import resources
from typing import Any

from parley import __version__
from parley.document import METADATA_FIELDS, Analysis, Span, iter_spans
from parley.render.sections import HIGHLIGHTERS, Cell, sections_for

# Layers drawn in the text and whether they start switched on.
HIGHLIGHT_DEFAULTS = {
    "boilerplate": True, "headline": False, "turns": True, "sentences": False, "entities": True,
    "attributions": True, "timex": True, "claims": False, "techniques": True, "stance": False,
}
_SKIP_FIELDS = {"span"}  # record fields whose spans repeat another layer's
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; script-src 'none'; form-action 'none'; base-uri 'none'"


def css_class(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x"


def marks(analysis: Analysis) -> list[tuple[Span, str, str, str]]:
    """(span, layer, label, tooltip) for every highlighted span."""
    out: list[tuple[Span, str, str, str]] = []
    for layer, records in analysis.layers.items():
        if layer not in HIGHLIGHT_DEFAULTS and layer not in HIGHLIGHTERS:
            continue
        custom = HIGHLIGHTERS.get(layer)
        for record in records:
            if custom is not None:
                out.extend((span, layer, label, tip) for span, label, tip in custom(analysis, record))
                continue
            tip = _tooltip(record)
            for field_name, span in iter_spans(record):
                if layer == "turns" and field_name != "label_span":
                    continue
                if layer == "attributions" and field_name in _SKIP_FIELDS:
                    continue
                out.append((span, layer, field_name.removesuffix("_span") if field_name != "span" else "", tip))
    return [m for m in out if m[0].end > m[0].start]


def _tooltip(record: Any) -> str:
    parts = [f"{k}: {v}" for k, v in vars(record).items()
             if isinstance(v, (str, bool, float, int)) and not isinstance(v, Span) and v is not None and k not in ("turn",)]
    return "; ".join(parts)


def highlighted_text(analysis: Analysis, anchors: set[int], spans: list[tuple[Span, str, str, str]]) -> str:
    """The document text as HTML, cut at every boundary of ``spans`` (from
    ``marks``) and at every anchor."""
    text = analysis.text
    cuts = {0, len(text)} | {s.start for s, *_ in spans} | {s.end for s, *_ in spans} | anchors
    cuts = sorted(c for c in cuts if 0 <= c <= len(text))
    starts: dict[int, list[int]] = {}
    for i, (span, *_rest) in enumerate(spans):
        starts.setdefault(span.start, []).append(i)
    active: set[int] = set()
    pieces: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        active = {i for i in active if spans[i][0].end > a}
        active.update(starts.get(a, []))
        if a in anchors:
            pieces.append(f'<a id="o{a}"></a>')
        chunk = escape(text[a:b])
        if not active:
            pieces.append(chunk)
            continue
        classes = sorted({f"l-{spans[i][1]}" for i in active} | {f"k-{css_class(spans[i][2])}" for i in active if spans[i][2]})
        tips = sorted({f"{spans[i][1]}: {spans[i][3]}" if spans[i][3] else spans[i][1] for i in active})
        pieces.append(f'<span class="{" ".join(classes)}" title="{escape(" | ".join(tips)[:500])}">{chunk}</span>')
    return "".join(pieces)


def render_cell(cell: Any) -> str:
    if isinstance(cell, Cell):
        text = escape(" ".join(cell.text.split()))
        if cell.span is not None:
            return f'<a href="#o{cell.span.start}" title="characters {cell.span.start}–{cell.span.end}">{text}</a>'
        return text
    return escape("" if cell is None else " ".join(str(cell).split()))


def render_html(analysis: Analysis) -> str:
    sections = sections_for(analysis)
    tables: list[str] = []
    anchors: set[int] = set()
    for section in sections:
        header, rows = section.rows(analysis)
        for row in rows:
            anchors.update(c.span.start for c in row if isinstance(c, Cell) and c.span is not None)
        extra = section.html(analysis) if section.html else ""
        body = "".join("<tr>" + "".join(f"<td>{render_cell(c)}</td>" for c in row) + "</tr>" for row in rows)
        tables.append(
            f'<section id="s-{escape(section.key)}"><h2>{escape(section.title)} <small>({len(rows)})</small></h2>{extra}'
            f'<table><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in header)}</tr></thead>'
            f"<tbody>{body}</tbody></table></section>"
        )
    layers = [name for name in analysis.layers if name in HIGHLIGHT_DEFAULTS or name in HIGHLIGHTERS]
    spans = marks(analysis)
    labels = sorted({(layer, label) for _, layer, label, _ in spans if layer in HIGHLIGHTERS and label})
    # CSS-only toggles: a hidden checkbox per layer (and per label of layers
    # with a highlighter), its <label> in the nav bar, and rules keyed on
    # :checked. The checkboxes must precede nav and main as siblings.
    boxes = "".join(
        f'<input type="checkbox" id="t-{css_class(n)}"{" checked" if HIGHLIGHT_DEFAULTS.get(n, True) else ""}>'
        for n in layers
    ) + "".join(f'<input type="checkbox" id="t-{css_class(layer)}-{css_class(lab)}" checked>' for layer, lab in labels)
    nav = "".join(
        f'<label for="t-{css_class(n)}">{escape(n)} ({len(analysis.layer(n))})</label>' for n in layers
    ) + "".join(
        f'<label for="t-{css_class(layer)}-{css_class(lab)}" class="sub">{escape(lab)}</label>' for layer, lab in labels
    )
    rules = "".join(
        f"#t-{css_class(n)}:checked ~ main .l-{css_class(n)}{{{_style(n)}}}"
        f"#t-{css_class(n)}:checked ~ nav label[for=t-{css_class(n)}]{{{_style(n)}}}" for n in layers
    ) + "".join(
        f"#t-{css_class(layer)}-{css_class(lab)}:not(:checked) ~ main .l-{css_class(layer)}.k-{css_class(lab)}"
        f"{{background:none;box-shadow:none}}"
        f"#t-{css_class(layer)}-{css_class(lab)}:checked ~ nav label[for=t-{css_class(layer)}-{css_class(lab)}]"
        f"{{{_style(layer)}}}" for layer, lab in labels
    )
    meta_rows = "".join(
        f"<tr><th>{escape(name)}</th><td>{escape(str(getattr(analysis.metadata, name) or '—'))}</td></tr>"
        for name in METADATA_FIELDS
    ) + f"<tr><th>reference date</th><td>{escape(analysis.reference_date or '—')}</td></tr>"
    unavailable = "".join(f"<li>{escape(n)}: {escape(w)}</li>" for n, w in analysis.unavailable.items())
    title = escape(analysis.metadata.title or analysis.document.doc_id)
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>Parley: {title}</title>'
        f"<style>{_stylesheet()}{rules}</style></head><body>"
        f"<header><h1>{title}</h1><table class=\"meta\">{meta_rows}</table>"
        + (f"<p>Not run:</p><ul>{unavailable}</ul>" if unavailable else "")
        + "</header>"
        + boxes
        + f"<nav>Highlight: {nav}</nav>"
        + f'<main><article class="text">{highlighted_text(analysis, anchors, spans)}</article>'
        + f'<aside>{"".join(tables)}</aside></main>'
        + f"<footer>Parley {escape(__version__)} · "
        + escape(", ".join(f"{p['name']} {p['version']}" for p in analysis.pipeline)) + "</footer></body></html>\n"
    )


_COLOURS = {
    "boilerplate": "color:#888;text-decoration:line-through",
    "headline": "font-style:italic",
    "turns": "font-weight:bold;color:#1d3f8f",
    "sentences": "box-shadow:inset 0 -1px #bbb",
    "entities": "background:#e3f0ff",
    "attributions": "background:#fff1c2",
    "timex": "background:#dff5df",
    "claims": "box-shadow:inset 0 -2px #e0a030",
    "techniques": "background:#fde0e6",
    "stance": "box-shadow:inset 0 -2px #a070d0",
}


def _style(layer: str) -> str:
    return _COLOURS.get(layer, "background:#eee")


def _stylesheet() -> str:
    return resources.files("parley.render").joinpath("report.css").read_text(encoding="utf-8")
