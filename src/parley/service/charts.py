"""Server-drawn inline SVG charts for the dossier pages (no JavaScript, no CDN).

Every label and tooltip is escaped here (``markupsafe.escape``) before the
SVG is marked safe, so text from a transcript can never become markup.

- ``month_bars``: mentions per month, one bar a month from the first month
  to the last (months without mentions get an empty slot);
- ``stance_chart``: one dot per document stance, placed by date, above the
  middle line for positive, below for negative (by confidence), on it for
  neutral; a shift's later stance is ringed.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 640, 160, 28
LABEL_WIDTH = 40
MAX_MONTHS = 240
COLOURS = {"positive": "#2a7a3b", "negative": "#b3261e", "neutral": "#7a848d"}


def _months_between(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < MAX_MONTHS:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _svg(kind: str, label: str, body: list[str]) -> Markup:
    return Markup(f'<svg class="chart chart-{kind}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
                  f'height="{HEIGHT}" role="img" aria-label="{escape(label)}">' + "".join(body) + "</svg>")


def _text(x: float, y: float, value: str, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" text-anchor="{anchor}" fill="#5b6670">{escape(value)}</text>'


def month_bars(months: list[dict[str, Any]]) -> Markup:
    """Mentions per month (``[{"month": "YYYY-MM", "mentions": n}]``) as a bar chart."""
    if not months:
        return Markup("")
    counts = {m["month"]: int(m["mentions"]) for m in months}
    slots = _months_between(months[0]["month"], months[-1]["month"])
    top = max(counts.values()) or 1
    step = (WIDTH - 2 * PAD) / len(slots)
    body = [f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#d8dde2"/>']
    for i, month in enumerate(slots):
        n = counts.get(month, 0)
        h = (HEIGHT - 2 * PAD) * n / top
        x = PAD + i * step
        body.append(f'<rect class="bar" x="{x + step * 0.1:.1f}" y="{HEIGHT - PAD - h:.1f}" '
                    f'width="{max(step * 0.8, 1):.1f}" height="{h:.1f}" fill="#1f5fa8">'
                    f'<title>{escape(month)}: {n} mention{"s" if n != 1 else ""}</title></rect>')
    body += [_text(PAD, HEIGHT - 8, slots[0]), _text(WIDTH - PAD, HEIGHT - 8, slots[-1], "end"),
             _text(PAD, PAD - 10, f"{top} a month at most")]
    return _svg("months", f"mentions per month, {slots[0]} to {slots[-1]}", body)


def _day_number(day: str) -> int:
    return date.fromisoformat(day).toordinal()


def stance_chart(steps: list[dict[str, Any]], shifts: list[dict[str, Any]] = ()) -> Markup:
    """Document stances (``StanceStep.json()`` dicts) over time; undated ones are left out."""
    dated = [s for s in steps if s.get("day")]
    if not dated:
        return Markup("")
    first, last = _day_number(min(s["day"] for s in dated)), _day_number(max(s["day"] for s in dated))
    span = max(last - first, 1)
    middle = HEIGHT / 2
    ringed = {(s["after"]["hash"], s["holder"], s["target"]) for s in shifts}
    left = PAD + LABEL_WIDTH  # room for the polarity labels
    body = [f'<line x1="{left}" y1="{middle}" x2="{WIDTH - PAD}" y2="{middle}" stroke="#d8dde2"/>',
            _text(4, PAD + 4, "positive"), _text(4, middle + 4, "neutral"), _text(4, HEIGHT - PAD + 4, "negative")]
    for s in dated:
        x = left + (WIDTH - PAD - left) * (_day_number(s["day"]) - first) / span
        sign = {"positive": -1, "negative": 1}.get(s["polarity"], 0)
        y = middle + sign * (middle - PAD) * float(s["confidence"])
        colour = COLOURS.get(s["polarity"], COLOURS["neutral"])
        ring = ' stroke="#1d232a" stroke-width="2"' if (s["hash"], s["holder"], s["target"]) in ringed else ""
        tip = f"{s['day']} · {s['holder']} → {s['target']}: {s['polarity']} ({float(s['confidence']):.2f}) · {s['doc_id']}"
        body.append(f'<circle class="dot polarity-{escape(s["polarity"])}" cx="{x:.1f}" cy="{y:.1f}" r="5" '
                    f'fill="{colour}"{ring}><title>{escape(tip)}</title></circle>')
    body += [_text(left, HEIGHT - 6, min(s["day"] for s in dated)),
             _text(WIDTH - PAD, HEIGHT - 6, max(s["day"] for s in dated), "end")]
    return _svg("stance", "stance over time", body)
