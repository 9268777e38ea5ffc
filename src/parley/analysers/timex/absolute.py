"""Patterns of absolute times: calendar dates ("15.10.2025", "October 15,
2025", "the 1990s"), clock times, months, years, centuries, quarters and
weekdays (see ``grammar.py`` for how a pattern is written)."""
from __future__ import annotations

import re
from datetime import date

from parley.analysers.timex.context import words_after, words_before
from parley.analysers.timex.grammar import (
    DAYNUM, MODPRE, MON_ABBR, MON_FULL, WEEKDAYS, YEAR, Pattern, modifier, registrar, words
)
from parley.analysers.timex.normalise import Meaning

PATTERNS: list[Pattern] = []
pattern = registrar(PATTERNS)


def _month(name: str) -> int:
    return words()["months"][name.lower().rstrip(".")]


def _full_year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        return 2000 + n if n < 50 else 1900 + n
    return n


def _valid(y: int, m: int, d: int | None = None) -> bool:
    try:
        date(y, m, d or 1)
    except ValueError:
        return False
    return 1000 <= y <= 2199


def _datetime(mt: re.Match, text: str) -> Meaning | None:
    y, m, d = _full_year(mt["y"]), int(mt["m"]), int(mt["d"])
    if not _valid(y, m, d):
        return None
    sec = int(mt["S"]) if mt["S"] else None
    return Meaning("datetime", y, m, d, int(mt["H"]), int(mt["M"]), sec)


CLOCK = r"(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?"
DOTTED = r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})(?![\d]|\.\d)"

pattern("time-date", rf"(?<![\d:.]){CLOCK},? (?<![\d.]){DOTTED}")(_datetime)
pattern("date-time", rf"(?<![\d.]){DOTTED},? (?<![\d:]){CLOCK}(?![\d:])")(_datetime)
pattern("iso-datetime", rf"(?<![\d/.\-])(?P<y>\d{{4}})-(?P<m>\d\d)-(?P<d>\d\d)[T\x20]{CLOCK}(?![\d:])")(_datetime)


@pattern("iso-date", r"(?<![\d/.\-])(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)(?![\d\-])")
@pattern("dotted", rf"(?<![\d.]){DOTTED}")
@pattern("ymd-slash", r"(?<![\d/])(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])")
def _numeric_date(mt: re.Match, text: str) -> Meaning | None:
    y, m, d = _full_year(mt["y"]), int(mt["m"]), int(mt["d"])
    return Meaning("date", y, m, d) if _valid(y, m, d) else None


@pattern("slashed", r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])")
def _slashed(mt: re.Match, text: str) -> Meaning | None:
    a, b, y = int(mt["a"]), int(mt["b"]), _full_year(mt["y"])
    m, d = (b, a) if a > 12 else (a, b)  # US order unless the first cannot be a month
    return Meaning("date", y, m, d) if _valid(y, m, d) else None


@pattern("clock", r"(?<![\d:.])(?P<H>1[0-2]|0?[1-9])(?::(?P<M>[0-5]\d))? ?(?P<ap>(?i:a\.m\.?|p\.m\.?|am|pm))(?!\w)"
                  r"(?: (?P<tz>[A-Z]{2,4}T|GMT|UTC))?(?:,? (?:on )?(?P<wd>" + WEEKDAYS + r"))?")
@pattern("clock24", r"(?<![\d:.])(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d) (?P<tz>[A-Z]{2,4}T|GMT|UTC)(?!\w)"
                    r"(?:,? (?:on )?(?P<wd>" + WEEKDAYS + r"))?")
def _clock(mt: re.Match, text: str) -> Meaning | None:
    hour, minute = int(mt["H"]), int(mt["M"] or 0)
    ap = (mt.groupdict().get("ap") or "").lower()
    if ap.startswith("p") and hour < 12:
        hour += 12
    elif ap.startswith("a") and hour == 12:
        hour = 0
    if mt["wd"]:
        return Meaning("weekday", day=words()["weekdays"][mt["wd"].lower()], hour=hour, minute=minute)
    return Meaning("clock", hour=hour, minute=minute)


MON = rf"(?P<mon>{MON_FULL}|{MON_ABBR})"


@pattern("month-day-year", rf"{MODPRE}{MON} {DAYNUM},? {YEAR}")
@pattern("day-month-year", rf"(?:the )?{DAYNUM} (?:of )?{MON},? {YEAR}")
def _mdy(mt: re.Match, text: str) -> Meaning | None:
    y, m, d = int(mt["y"]), _month(mt["mon"]), int(mt["d"])
    return Meaning("date", y, m, d, extra=modifier(mt)) if _valid(y, m, d) else None


@pattern("month-year", rf"{MODPRE}{MON},? (?:of )?{YEAR}")
def _my(mt: re.Match, text: str) -> Meaning | None:
    return Meaning("date", int(mt["y"]), _month(mt["mon"]), extra=modifier(mt))


@pattern("month-day", rf"{MODPRE}{MON} {DAYNUM}(?: (?P<rel>this|last|next) year)?")
@pattern("day-month", rf"(?:the )?{DAYNUM} (?:of )?{MON}(?: (?P<rel>this|last|next) year)?")
def _md(mt: re.Match, text: str) -> Meaning | None:
    m, d = _month(mt["mon"]), int(mt["d"])
    if not _valid(2000, m, d):
        return None
    return Meaning("monthday", month=m, day=d, rel=mt["rel"], extra=modifier(mt))


AMBIGUOUS_MONTHS = {"May", "March", "August", "April", "June", "January"}
MONTH_CUES = {"in", "of", "since", "by", "until", "till", "from", "during", "before", "after", "through",
              "early", "late", "mid", "end", "beginning", "start", "middle", "between", "and", "to", "last",
              "this", "next", "on", "throughout", "until", "til"}


@pattern("month", rf"(?:(?P<rel>(?i:this|last|next|past|coming)) )?{MODPRE}{MON}(?!\w)(?: (?:of )?(?P<yrel>this|last|next) year)?")
def _month_alone(mt: re.Match, text: str) -> Meaning | None:
    name = mt["mon"]
    before = words_before(text, mt.start(), 1)
    if not (mt["rel"] or mt["mod"] or mt["yrel"]) and name in AMBIGUOUS_MONTHS and not (before and before[0] in MONTH_CUES):
        return None
    if name.endswith(".") and not (mt["rel"] or mt["mod"] or (before and before[0] in MONTH_CUES)):
        return None
    rel = (mt["rel"] or "").lower() or None
    rel = {"past": "last", "coming": "next"}.get(rel or "", rel)
    if mt["yrel"]:
        return Meaning("month", month=_month(name), extra={"yrel": mt["yrel"]})
    return Meaning("month", month=_month(name), rel=rel, extra=modifier(mt))


@pattern("year", rf"{MODPRE}(?<![\d$\u20ac\u00a3#.,/\u2116])(?<![\d][.,]){YEAR}(?![\d%]|[.,]\d|s\b|[\u2019']s\b)")
def _year(mt: re.Match, text: str) -> Meaning | None:
    y = int(mt["y"])
    start = mt.start("y")
    if not mt["mod"] and start >= 2 and text[start - 1] in "-\u2010\u2011" and text[start - 2].isalpha():
        return None  # "CLEF-2020", "Su-2030": part of a name
    before = words_before(text, start, 2)
    after = words_after(text, mt.end("y"), 2)
    table = words()
    if before and (before[-1] in table["year_blockers_before"] or "".join(before[-2:]) in ("no.",)):
        return None
    if after and after[0] in table["year_blockers_after"]:
        return None
    if after and re.fullmatch(r"[a-z]{4,}s", after[0]) and after[0] not in (
            "was", "has", "is", "does", "remains", "seems", "marks", "saw", "sees", "brings", "shows", "always"):
        return None  # "2000 soldiers": a count of something
    if y < 1900 and not (before and before[-1] in table["year_cues_before"]):
        return None
    if y < 1500:
        return None
    return Meaning("date", y, extra=modifier(mt))


@pattern("decade", rf"(?:the )?{MODPRE}(?:(?P<c>1[5-9]|20)(?P<dd>\d)0s|[\u2019'](?P<d2>\d)0s)(?!\w)")
def _decade(mt: re.Match, text: str) -> Meaning:
    if mt["c"]:
        return Meaning("decade", year=int(mt["c"]) * 100 + int(mt["dd"]) * 10)
    return Meaning("decade", year=1900 + int(mt["d2"]) * 10)


@pattern("decade-word", r"(?:the )?(?:(?i:early|late|mid)(?: |-|\u2010|\u2011))?(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)(?!\w)")
def _decade_word(mt: re.Match, text: str) -> Meaning | None:
    if not mt.group(0).lower().startswith(("the ", "the\n")):
        return None  # "in his sixties" is an age
    return Meaning("decade", year=1900 + 10 * words()["decade_words"][mt["w"].lower()])


ORDWORD = "|".join(sorted(words()["ordinals"], key=len, reverse=True)).replace(" ", r"\s")


@pattern("century", rf"(?:the )?{MODPRE}(?P<o>\d{{1,2}}(?:st|nd|rd|th)|(?i:{ORDWORD}))(?: |-|\u2010|\u2011)(?i:century)(?!\w)")
def _century(mt: re.Match, text: str) -> Meaning:
    o = mt["o"].lower()
    n = int(re.match(r"\d+", o).group()) if o[0].isdigit() else words()["ordinals"][re.sub(r"\s+", " ", o)]
    return Meaning("century", amount=n)


@pattern("quarter", rf"(?:the )?(?:(?i:fiscal) )?(?P<o>(?i:first|second|third|fourth))(?: |-)(?i:quarter)(?!\w)"
                    rf"(?:(?: of)? {YEAR})?")
def _quarter(mt: re.Match, text: str) -> Meaning:
    n = words()["ordinals"][mt["o"].lower()]
    return Meaning("quarter", year=int(mt["y"]) if mt["y"] else None, amount=n)


@pattern("weekday", rf"(?:(?P<rel>(?i:this|last|next|past|coming)) )?(?P<wd>{WEEKDAYS})(?!s\b|\w)"
                    rf"(?: (?P<part>(?i:morning|afternoon|evening|night)))?")
def _weekday(mt: re.Match, text: str) -> Meaning | None:
    if not mt["rel"] and words_before(text, mt.start(), 1) in (["a"], ["every"], ["each"]):
        return None  # "on a Sunday evening": any Sunday
    rel = (mt["rel"] or "").lower() or None
    rel = {"past": "last", "coming": "this"}.get(rel or "", rel)
    part = words()["parts_of_day"][mt["part"].lower()] if mt["part"] else None
    return Meaning("weekday", day=words()["weekdays"][mt["wd"].lower()], rel=rel, part=part)


@pattern("weekday-date", rf"(?P<wd>{WEEKDAYS}),? {MON} {DAYNUM}(?:,? {YEAR})?")
def _weekday_date(mt: re.Match, text: str) -> Meaning | None:
    m, d = _month(mt["mon"]), int(mt["d"])
    if mt["y"]:
        return Meaning("date", int(mt["y"]), m, d) if _valid(int(mt["y"]), m, d) else None
    return Meaning("monthday", month=m, day=d) if _valid(2000, m, d) else None
