"""The self-contained HTML report: ``render_html(analysis)``.

One file, no script at all: layer toggles are checkboxes styled with CSS, so
the Content-Security-Policy forbids every script and the report stays inert
whatever the transcript holds. The page is drawn by the autoescaped template
``templates/report.html``; the text, toggles and table cells by the macros
of ``templates/highlight.html``, which the service's document page shares.
The text keeps its layout (``white-space: pre-wrap``) and is cut at every
span boundary; each segment carries one class per layer (and per label)
covering it, so toggling a layer restyles its segments.
"""
from __future__ import annotations

from importlib import resources
from typing import Any

from markupsafe import Markup

from parley import __version__
from parley.document import METADATA_FIELDS, Analysis
from parley.render import accuracy
from parley.render.highlight import css_class, highlighted, marks, segments, shown, toggle_key
from parley.render.sections import sections_for
from parley.render.table import HIGHLIGHTERS, Cell, cell_json
from parley.render.templating import report_environment

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; script-src 'none'; form-action 'none'; base-uri 'none'"

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


def render_html(analysis: Analysis) -> str:
    sections: list[dict[str, Any]] = []
    anchors: set[int] = set()
    for section in sections_for(analysis):
        header, rows = section.rows(analysis)
        for row in rows:
            anchors.update(c.span.start for c in row if isinstance(c, Cell) and c.span is not None)
        sections.append({
            "key": section.key,
            "title": section.title,
            "extra": Markup(section.html(analysis)) if section.html else "",  # escaped by the section
            "header": header,
            "rows": [[cell_json(c) for c in row] for row in rows],
        })
    spans = marks(analysis)
    layers = [name for name in analysis.layers if highlighted(name)]
    labels = sorted({(layer, label) for _, layer, label, _ in spans if layer in HIGHLIGHTERS and label})
    layer_toggles = [{"id": f"t-{css_class(n)}", "layer": n, "checked": shown(n), "count": len(analysis.layer(n)),
                      "accuracy": accuracy.note(n)} for n in layers]
    label_toggles = [{"id": f"t-{css_class(layer)}-{css_class(label)}", "key": toggle_key(layer, label), "label": label}
                     for layer, label in labels]
    meta = [(name, str(getattr(analysis.metadata, name) or "—")) for name in METADATA_FIELDS]
    meta.append(("reference date", analysis.reference_date or "—"))
    page = report_environment().get_template("report.html").render(
        title=analysis.metadata.title or analysis.document.doc_id,
        csp=Markup(CSP),  # a constant with no double quote: its single quotes stay as they are
        stylesheet=Markup(_stylesheet() + _toggle_rules(layers, labels)),
        meta=meta,
        unavailable=analysis.unavailable,
        layer_toggles=layer_toggles,
        label_toggles=label_toggles,
        segments=segments(analysis.text, spans, anchors),
        sections=sections,
        version=__version__,
        pipeline=", ".join(f"{p['name']} {p['version']}" for p in analysis.pipeline),
    )
    return page + "\n"


def _toggle_rules(layers: list[str], labels: list[tuple[str, str]]) -> str:
    """The CSS that makes the checkboxes toggle: a layer's rule styles its
    segments (and its nav label) while its box is checked; a label's rule
    unstyles that label's segments while its box is not.

    Every name goes through ``css_class``, so nothing from the document
    reaches the stylesheet.
    """
    rules = [
        f"#t-{css_class(n)}:checked ~ main .l-{css_class(n)}{{{_style(n)}}}"
        f"#t-{css_class(n)}:checked ~ nav label[for=t-{css_class(n)}]{{{_style(n)}}}" for n in layers
    ]
    rules += [
        f"#t-{css_class(layer)}-{css_class(lab)}:not(:checked) ~ main .l-{css_class(layer)}.k-{css_class(lab)}"
        f"{{background:none;box-shadow:none}}"
        f"#t-{css_class(layer)}-{css_class(lab)}:checked ~ nav label[for=t-{css_class(layer)}-{css_class(lab)}]"
        f"{{{_style(layer)}}}" for layer, lab in labels
    ]
    return "".join(rules)


def _style(layer: str) -> str:
    return _COLOURS.get(layer, "background:#eee")


def _stylesheet() -> str:
    return resources.files("parley.render").joinpath("report.css").read_text(encoding="utf-8")
