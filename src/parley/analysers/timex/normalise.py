"""Normalising temporal expressions to ISO 8601 / TimeML values.

The recogniser (``parley.analysers.timex.recognise``) turns text into ``Meaning``s: what an
expression says ("26 years before the reference", "the Friday of this week",
"three months long"), with no arithmetic done. ``resolve`` does the
arithmetic against the reference date (the document's publication date) or
against the last resolved time ("15 years later"), and keeps the precision
the text gives: a year stays ``2008``, a month ``2022-04``, a week
``2022-W51``, a duration ``P3M``. Anything that cannot be pinned down (no
reference date, a vague quantity, a season) resolves to ``None``.

Two output styles: ``parley`` (the gold guidelines: vague → None) and
``timeml`` (TempEval's conventions: ``PRESENT_REF``, ``PXY``, ``2012-SU``).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

# Grains, coarse to fine. A resolved point keeps the grain the text gave.
GRAINS = ("century", "decade", "year", "season", "quarter", "month", "week", "day", "minute", "second")

# Unit code (see data/timex_words.json "units") -> the grain of "N units ago".
UNIT_GRAIN = {
    "Y": "year", "DE": "year", "CE": "year", "ML": "year", "Q": "month", "M": "month",
    "W": "week", "WE": "week", "FN": "week", "D": "day", "H": "day", "MIN": "day", "S": "day",
}


@dataclass(frozen=True)
class Point:
    """A resolved time: a calendar date read at a grain, with an optional clock time."""

    day: date
    grain: str
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    part: str | None = None  # MO AF EV NI (timeml style only)
    season: str | None = None  # SP SU FA WI

    def iso(self, style: str = "parley") -> str | None:
        d = self.day
        if self.grain == "century":
            return f"{d.year // 100:02d}"
        if self.grain == "decade":
            return f"{d.year // 10:03d}"
        if self.grain == "year":
            return f"{d.year:04d}"
        if self.grain == "season":
            return f"{d.year:04d}-{self.season}" if style == "timeml" else None
        if self.grain == "quarter":
            return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
        if self.grain == "month":
            return f"{d.year:04d}-{d.month:02d}"
        if self.grain == "week":
            y, w, _ = d.isocalendar()
            return f"{y:04d}-W{w:02d}"
        out = d.isoformat()
        if self.hour is not None:
            out += f"T{self.hour:02d}:{(self.minute or 0):02d}"
            if self.second is not None:
                out += f":{self.second:02d}"
        elif self.part and style == "timeml":
            out += f"T{self.part}"
        return out


@dataclass(frozen=True)
class Meaning:
    """What an expression says, before any arithmetic.

    ``kind`` is one of: ``date`` (absolute y/m/d), ``datetime``, ``decade``,
    ``century``, ``quarter``, ``month`` (a month name, year from context), ``monthday``,
    ``weekday``, ``unit`` (this/last/next week, month, year...), ``day_offset``
    (today, yesterday), ``offset`` (N units ago / later / from now),
    ``clock`` (a time of day on the reference date), ``duration``, ``season``,
    ``vague``.
    """

    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    amount: float | None = None  # None: a vague quantity ("several")
    unit: str | None = None  # unit code: Y M W D H MIN S DE CE Q WE FN ML
    rel: str | None = None  # this | last | next | near | None
    direction: int = 0  # -1 ago / earlier, +1 later / from now
    anchored: bool = False  # counted from the last mentioned time, not the reference
    part: str | None = None
    season: str | None = None
    generic: bool = False  # "where they are today": no calendar value
    timeml: str | None = None  # the TimeML value of a vague expression
    extra: dict = field(default_factory=dict, compare=False)


# -- arithmetic ------------------------------------------------------------

def add_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError("year out of range")
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def shift(d: date, amount: float, unit: str) -> date:
    """``d`` moved by ``amount`` units (negative: into the past)."""
    n = int(round(amount))
    if unit in ("Y", "DE", "CE", "ML"):
        years = {"Y": 1, "DE": 10, "CE": 100, "ML": 1000}[unit] * amount
        return add_months(d, int(round(years * 12)))
    if unit in ("M", "Q"):
        return add_months(d, int(round(amount * (3 if unit == "Q" else 1))))
    if unit in ("W", "WE", "FN"):
        return d + timedelta(weeks=amount * (2 if unit == "FN" else 1))
    if unit == "D":
        return d + timedelta(days=n)
    if unit == "H":
        return d + timedelta(days=int(amount / 24))
    return d  # minutes, seconds: the same day


def duration(amount: float, unit: str) -> str:
    """ISO 8601 duration: P3M, P1Y, PT2H, P300D; decades and centuries as years."""
    if unit in ("H", "MIN", "S"):
        if amount != int(amount):
            lower = {"H": ("MIN", 60), "MIN": ("S", 60)}.get(unit)
            if lower:
                return duration(amount * lower[1], lower[0])
        letter = {"H": "H", "MIN": "M", "S": "S"}[unit]
        return f"PT{_num(amount)}{letter}"
    scale = {"DE": ("Y", 10), "CE": ("Y", 100), "ML": ("Y", 1000), "Q": ("M", 3), "FN": ("W", 2)}
    if unit in scale:
        letter, factor = scale[unit]
        return f"P{_num(amount * factor)}{letter}"
    if amount != int(amount):
        lower = {"Y": ("M", 12), "M": ("D", 30), "W": ("D", 7), "D": ("H", 24)}.get(unit)
        if lower:
            return duration(amount * lower[1], lower[0])
    return f"P{_num(amount)}{unit}"


def _num(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


def weekday_date(ref: date, weekday: int, rel: str | None, tense: int = 0) -> date:
    """The date of a weekday relative to ``ref``.

    this: the coming one (today included); last: the one before today;
    next: the one in the following week; None: the nearest, with ``tense``
    (-1 past, +1 future) deciding between the two sides.
    """
    ahead = (weekday - ref.weekday()) % 7
    behind = (ref.weekday() - weekday) % 7
    if rel == "this":
        return ref + timedelta(days=ahead)
    if rel == "last":
        return ref - timedelta(days=behind or 7)
    if rel == "next":
        monday = ref - timedelta(days=ref.weekday()) + timedelta(days=7)
        return monday + timedelta(days=weekday)
    if ahead == 0:
        return ref
    if tense > 0:
        return ref + timedelta(days=ahead)
    return ref - timedelta(days=behind)


def month_year(ref: date, month: int, rel: str | None, tense: int = 0) -> int:
    """The year of a month named without one."""
    if rel == "last":
        return ref.year if month < ref.month else ref.year - 1
    if rel == "next":
        return ref.year if month > ref.month else ref.year + 1
    if rel is None and tense < 0:
        return ref.year - 1 if month > ref.month else ref.year
    if rel is None and tense > 0:
        return ref.year + 1 if month < ref.month else ref.year
    if rel is None:  # no tense to go by: the nearest such month
        return min((ref.year - 1, ref.year, ref.year + 1), key=lambda y: abs((y - ref.year) * 12 + month - ref.month))
    return ref.year


def _year_rel(ref: date, rel: str | None) -> int:
    return ref.year + {"last": -1, "next": 1}.get(rel or "", 0)


# -- resolution ------------------------------------------------------------

@dataclass(frozen=True)
class Resolved:
    value: str | None
    type: str  # DATE TIME DURATION SET
    anchor: str | None  # "reference" | "previous" | None (absolute)
    point: Point | None  # what later anchored expressions count from


def resolve(m: Meaning, ref: date | None, previous: Point | None, style: str = "parley",
            tense: int = 0, ref_grain: str = "day") -> Resolved:
    """The value of ``m``; ``ref`` is the reference date (known to ``ref_grain``), ``previous``
    the last time mentioned. A value finer than the reference is known is None."""
    try:
        r = _resolve(m, ref, previous, style, tense)
    except (OverflowError, ValueError):
        return Resolved(None, "DATE", None, None)
    if (ref_grain != "day" and r.anchor == "reference" and r.point is not None and m.kind not in ("month", "monthday")
            and GRAINS.index(r.point.grain) > GRAINS.index(ref_grain)):
        return Resolved(None, r.type, r.anchor, None)
    return r


def _point_value(p: Point | None, style: str, anchor: str | None, typ: str = "DATE") -> Resolved:
    if p is None:
        return Resolved(None, typ, anchor, None)
    return Resolved(p.iso(style), "TIME" if p.hour is not None or (p.part and style == "timeml") else typ,
                    anchor, p)


def _resolve(m: Meaning, ref: date | None, previous: Point | None, style: str, tense: int) -> Resolved:
    k = m.kind
    if k == "duration":
        if m.amount is None:
            vague = f"PX{_vague_letter(m.unit)}" if style == "timeml" else None  # TimeML: PXY, PXM
            return Resolved(vague, "DURATION", None, None)
        return Resolved(duration(m.amount, m.unit or "D"), "DURATION", None, None)
    if k == "vague":
        return Resolved(m.timeml if style == "timeml" else None, "DATE", None, None)
    if k == "date":
        grain = "day" if m.day else "month" if m.month else "year"
        return _point_value(Point(date(m.year, m.month or 1, m.day or 1), grain), style, None)
    if k == "datetime":
        p = Point(date(m.year, m.month, m.day), "minute", m.hour, m.minute, m.second)
        return _point_value(p, style, None)
    if k == "quarter" and m.year:
        return _point_value(Point(date(m.year, 3 * int(m.amount) - 2, 1), "quarter"), style, None)
    if k == "decade":
        return _point_value(Point(date(m.year, 1, 1), "decade"), style, None)
    if k == "century":
        return _point_value(Point(date(max(1, (m.amount - 1) * 100 + 1), 1, 1), "century"), style, None)
    # Everything below needs a reference date.
    if k == "offset" and m.anchored:
        if previous is None or m.amount is None:
            return Resolved(None, "DATE", "previous", None)
        grain = _coarser(previous.grain, UNIT_GRAIN.get(m.unit or "D", "day"))
        if grain != UNIT_GRAIN.get(m.unit or "D", "day") and GRAINS.index(grain) < GRAINS.index("month"):
            grain = "none"  # "the next day" after a year: no day can be known
        if grain in ("century", "decade", "season", "none"):
            return Resolved(None, "DATE", "previous", None)
        p = Point(shift(previous.day, m.direction * m.amount, m.unit or "D"), grain)
        return _point_value(p, style, "previous")
    if ref is None:
        return Resolved(None, "TIME" if k == "clock" else "DATE", "reference", None)
    if k == "monthday":
        year = m.year if m.year else (_year_rel(ref, m.rel) if m.rel else month_year(ref, m.month, None, tense))
        if m.day is None:
            return _point_value(Point(date(year, m.month, 1), "month"), style, "reference")
        return _point_value(Point(date(year, m.month, m.day), "day"), style, "reference")
    if k == "quarter":
        return _point_value(Point(date(ref.year, 3 * int(m.amount) - 2, 1), "quarter"), style, "reference")
    if k == "month":
        year = m.year if m.year else month_year(ref, m.month, m.rel, tense)
        return _point_value(Point(date(year, m.month, 1), "month"), style, "reference")
    if k == "weekday":
        d = weekday_date(ref, m.day, m.rel, tense)
        if m.hour is not None:
            return _point_value(Point(d, "minute", m.hour, m.minute), style, "reference")
        return _point_value(Point(d, "day", part=m.part), style, "reference")
    if k == "day_offset":
        if m.generic:
            return Resolved("PRESENT_REF" if style == "timeml" else None, "DATE", "reference", None)
        return _point_value(Point(ref + timedelta(days=m.amount or 0), "day", part=m.part), style, "reference")
    if k == "clock":
        return _point_value(Point(ref, "minute", m.hour, m.minute, m.second), style, "reference", "TIME")
    if k == "offset":
        if m.amount is None:
            return Resolved("PAST_REF" if style == "timeml" and m.direction < 0 else
                            "FUTURE_REF" if style == "timeml" else None, "DATE", "reference", None)
        grain = UNIT_GRAIN.get(m.unit or "D", "day")
        return _point_value(Point(shift(ref, m.direction * m.amount, m.unit or "D"), grain), style, "reference")
    if k == "unit":
        return _point_value(_unit_point(ref, m), style, "reference")
    if k == "season":
        if style != "timeml":
            return Resolved(None, "DATE", "reference", None)
        year = _year_rel(ref, m.rel)
        return Resolved(f"{year:04d}-{m.season}", "DATE", "reference", None)
    return Resolved(None, "DATE", None, None)


def _unit_point(ref: date, m: Meaning) -> Point | None:
    step = {"last": -1, "next": 1}.get(m.rel or "", 0)
    unit = m.unit
    if unit in ("Y",):
        return Point(date(ref.year + step, 1, 1), "year")
    if unit == "M":
        return Point(add_months(ref.replace(day=1), step), "month")
    if unit in ("W", "WE"):
        return Point(ref + timedelta(weeks=step), "week")
    if unit == "D":
        return Point(ref + timedelta(days=step), "day")
    if unit == "DE":
        return Point(date(ref.year + 10 * step, 1, 1), "decade")
    if unit == "CE":
        return Point(date(max(1, ref.year + 100 * step), 1, 1), "century")
    if unit == "Q":
        return Point(add_months(ref.replace(day=1), 3 * step), "month")
    return None


def _coarser(a: str, b: str) -> str:
    return a if GRAINS.index(a) < GRAINS.index(b) else b


def _vague_letter(unit: str | None) -> str:
    return {"MIN": "M", "FN": "W"}.get(unit or "D", unit or "D")


def value_start(value: str | None) -> date | None:
    """The first day a calendar value covers ("197" -> 1970-01-01, "2022-W51" -> its Monday); None otherwise."""
    if not value:
        return None
    try:
        if len(value) == 2 and value.isdigit():
            return date(max(1, int(value) * 100), 1, 1)
        if len(value) == 3 and value.isdigit():
            return date(max(1, int(value) * 10), 1, 1)
        if len(value) == 4 and value.isdigit():
            return date(int(value), 1, 1)
        if len(value) == 7 and value[4] == "-" and value[5:].isdigit():
            return date(int(value[:4]), int(value[5:7]), 1)
        if len(value) == 7 and value[5] == "Q" and value[6] in "1234":
            return date(int(value[:4]), 3 * int(value[6]) - 2, 1)
        if len(value) == 8 and value[5] == "W":
            return date.fromisocalendar(int(value[:4]), int(value[6:8]), 1)
        if len(value) >= 10 and value[4] == "-" and value[7] == "-":
            return date.fromisoformat(value[:10])
    except ValueError:
        return None
    return None
