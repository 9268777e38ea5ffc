"""The terminal summary: metadata, layer counts, then each section's table."""
from __future__ import annotations

from parley.document import METADATA_FIELDS, Analysis
from parley.render.sections import sections_for
from parley.render.table import Cell

WIDTH = 100


def render_text(analysis: Analysis) -> str:
    out: list[str] = []
    doc = analysis.document
    out.append(f"Parley analysis of {doc.doc_id} ({len(doc.text):,} characters, {len(doc.text.split()):,} words)")
    for name in METADATA_FIELDS:
        value = getattr(analysis.metadata, name)
        if value:
            out.append(f"  {name:12s} {_clip(' '.join(str(value).split()), WIDTH - 15)}")
    out.append(f"  {'reference':12s} {analysis.reference_date or '(none: relative dates stay unresolved)'}")
    counts = ", ".join(f"{name} {len(records)}" for name, records in analysis.layers.items())
    out.append(f"  {'layers':12s} {counts or '(none)'}")
    for name, why in analysis.unavailable.items():
        out.append(f"  {'unavailable':12s} {name}: {why}")
    for section in sections_for(analysis):
        header, rows = section.rows(analysis)
        out.append("")
        out.append(f"{section.title} ({len(rows)})")
        shown = rows[: section.terminal_limit]
        out.extend(_table(header, shown))
        if len(rows) > len(shown):
            out.append(f"  … {len(rows) - len(shown)} more (see --format html or json)")
    return "\n".join(out) + "\n"


def cell_text(cell) -> str:
    text = cell.text if isinstance(cell, Cell) else ("" if cell is None else str(cell))
    return " ".join(text.split())


def _table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    cells = [[cell_text(c) for c in row] for row in rows]
    widths = [len(h) for h in header]
    for row in cells:
        for i, c in enumerate(row[:-1]):
            widths[i] = min(max(widths[i], len(c)), 28)
    used = sum(w + 2 for w in widths[:-1]) + 2
    last = max(20, WIDTH - used)
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(header[:-1], widths)) + ("  " if len(header) > 1 else "") + header[-1]]
    for row in cells:
        parts = [_clip(c, w).ljust(w) for c, w in zip(row[:-1], widths)]
        lines.append("  " + "  ".join(parts) + ("  " if parts else "") + _clip(row[-1], last))
    return lines


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
