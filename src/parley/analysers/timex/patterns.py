"""The patterns that find temporal expressions, and what each one means.

Each ``@pattern`` is a regular expression built from the word tables of
``data/timex_words.json`` (a space in a template stands for any run of
spaces with at most one line break, so hard-wrapped transcripts match) and a
handler that turns a match into a ``timenorm.Meaning``, or None to reject it
("May I ask", "2000 soldiers", "the earlier proposal"). ``timerec.recognise``
runs them all and keeps the longest non-overlapping matches.
"""
from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Callable

from parley.analysers.timex.normalise import Meaning


@lru_cache(maxsize=1)
def words() -> dict:
    return json.loads(resources.files(__package__).joinpath("data", "timex_words.json").read_text(encoding="utf-8"))


# -- regular-expression fragments -----------------------------------------

WS = r"(?:[ \t\u00a0]+\n?[ \t\u00a0]*|\n[ \t\u00a0]*)"  # a space, at most one line break
HY = r"[-\u2010\u2011\u2013]"
MON_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
MON_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\."
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
NUMWORD = (r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|one|two|three|four|five|six|seven|"
           r"eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)")
NUMBER = (rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{NUMWORD}(?:{HY}{NUMWORD})?"
          rf"(?: (?:hundred|thousand)(?: (?:and )?{NUMWORD}(?:{HY}{NUMWORD})?)?)?)")
VAGUE_Q = (r"(?:a couple of|couple of|a few|few|several(?: hundred| thousand)?|many|some|multiple|"
           r"hundreds of|thousands of|dozens of|tens of|a number of|countless|a few hundred)")
QUANT = rf"(?:{VAGUE_Q}|(?:more than |less than |almost |nearly |at least |up to )?(?:{NUMBER}(?:{HY}plus)?|half an?|an?(?: dozen)?))"
UNIT_S = "second|minute|hour|day|night|week|weekend|fortnight|month|quarter|year|decade|century|millennium"
UNIT_P = "seconds|minutes|hours|days|nights|weeks|weekends|fortnights|months|quarters|years|decades|centuries|millennia"
DAYNUM = r"(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:])"
YEAR = r"(?P<y>1\d{3}|20\d{2})(?!\d)"
MODPRE = (r"(?P<mod>(?i:early|late|mid|the (?:end|beginning|start|middle|first half|second half|rest) of|"
          r"the turn of)[\x20\-\u2010\u2011])?")


def _c(template: str, flags: int = 0) -> re.Pattern:
    """Compile a template in which a space stands for any run of spaces (one line break at most)."""
    return re.compile(template.replace(" ", WS), flags)


def _month(name: str) -> int:
    return words()["months"][name.lower().rstrip(".")]


def _number(text: str) -> float | None:
    """The value of a quantity ("three", "300", "Three hundred", "two-plus", "a"); None when vague."""
    t = re.sub(r"\s+", " ", text.lower()).strip()
    t = re.sub(r"^(more than|less than|almost|nearly|at least|up to) ", "", t)
    t = re.sub(rf"{HY}plus$", "", t)
    if re.fullmatch(VAGUE_Q, t):
        return None
    table = words()["numbers"]
    if t in table:
        return float(table[t])
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", t):
        return float(t.replace(",", ""))
    total, current = 0.0, 0.0
    for part in re.split(rf"\s+|{HY}", t):
        if part == "and":
            continue
        if part in words()["multipliers"]:
            current = (current or 1) * words()["multipliers"][part]
            total, current = total + current, 0.0
        elif part in table:
            current += table[part]
        else:
            return None
    return total + current


def _unit(text: str) -> str:
    t = text.lower()
    t = words()["unit_plurals"].get(t, t)
    return words()["units"][t]


# -- context helpers -------------------------------------------------------

_WORD = re.compile(r"[A-Za-z\u2019']+|\d+|[^\sA-Za-z\d]")
_PAST = re.compile(r"(?i)\b(?:was|were|did|had|said|told|ago|last|yesterday|died|went|came|saw|met|gave|took|"
                   r"made|began|held|left|sent|spoke|wrote|fell|won|lost|became|got|ran|fled|paid|led|\w{3,}ed)\b")
_FUTURE = re.compile(r"(?i)(?:\bwill\b|[\u2019']ll\b|\bgoing to\b|\bshall\b|\bnext\b|\btomorrow\b|\bplans? to\b|"
                     r"\bscheduled\b|\bexpected to\b|\bexpects?\b|\b(?:intends?|aims?|hopes?) to\b|\bupcoming\b|\bdue to\b|"
                     r"\b(?:am|is|are)\s+\w+ing\b|[\u2019'](?:m|re|s)\s+\w+ing\b)")


def _words_before(text: str, pos: int, n: int = 2) -> list[str]:
    return [w.lower() for w in _WORD.findall(text[max(0, pos - 60):pos])][-n:]


def _words_after(text: str, pos: int, n: int = 2) -> list[str]:
    return [w.lower() for w in _WORD.findall(text[pos:pos + 60])][:n]


_STRONG_PAST = re.compile(r"(?i)\b(?:was|were|did|had)\b")


_SENTENCE_END = re.compile(r"[?!\n]|(?<!\b[A-Z])(?<!\b(?:Mr|Ms|Dr|St|Co|No|vs))(?<!\b(?:Mrs|Inc|Ltd|Gen|Sen|Rep|Gov|Jan|Feb|Mar|"
                           r"Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec))(?<!\bCorp)(?<!\bSept)\.(?=\s)")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around a span, roughly: between ends that are not abbreviations ("Corp.", "U.S.")."""
    window_start = max(0, start - 400)
    left = window_start
    for m in _SENTENCE_END.finditer(text, window_start, start):
        left = m.end()
    m = _SENTENCE_END.search(text, end, end + 400)
    return left, m.start() if m else min(len(text), end + 400)


def not_until_past(text: str, start: int, end: int) -> bool:
    """Whether "until X" sits in a negated past sentence ("was not made until August": it happened then)."""
    left, right = _sentence_bounds(text, start, end)
    return (_STRONG_PAST.search(text, left, right) is not None
            and re.compile(r"(?i)\bnot\b|n[\u2019']t\b|\bnever\b").search(text, left, right) is not None)


def tense(text: str, start: int, end: int) -> int:
    """-1 when the nearest tense cue in the sentence around a span is past, +1 when future, else 0."""
    left, right = _sentence_bounds(text, start, end)
    sentence = text[left:right]
    best: tuple[int, int] | None = None
    for sign, regex in ((1, _FUTURE), (-1, _PAST)):
        for m in regex.finditer(sentence):
            a, b = left + m.start(), left + m.end()
            distance = start - b if b <= start else a - end if a >= end else 0
            if distance >= 0 and (best is None or distance < best[0]):
                best = (distance, sign)
    return best[1] if best else 0


# -- the patterns ------------------------------------------------------------

Handler = Callable[[re.Match, str], "Meaning | None"]
PATTERNS: list[tuple[str, re.Pattern, Handler]] = []


def pattern(name: str, template: str, flags: int = 0):
    def register(func: Handler) -> Handler:
        PATTERNS.append((name, _c(template, flags), func))
        return func
    return register


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


def _mod(mt: re.Match) -> dict:
    return {"mod": (mt.groupdict().get("mod") or "").strip().lower() or None}


@pattern("month-day-year", rf"{MODPRE}{MON} {DAYNUM},? {YEAR}")
@pattern("day-month-year", rf"(?:the )?{DAYNUM} (?:of )?{MON},? {YEAR}")
def _mdy(mt: re.Match, text: str) -> Meaning | None:
    y, m, d = int(mt["y"]), _month(mt["mon"]), int(mt["d"])
    return Meaning("date", y, m, d, extra=_mod(mt)) if _valid(y, m, d) else None


@pattern("month-year", rf"{MODPRE}{MON},? (?:of )?{YEAR}")
def _my(mt: re.Match, text: str) -> Meaning | None:
    return Meaning("date", int(mt["y"]), _month(mt["mon"]), extra=_mod(mt))


@pattern("month-day", rf"{MODPRE}{MON} {DAYNUM}(?: (?P<rel>this|last|next) year)?")
@pattern("day-month", rf"(?:the )?{DAYNUM} (?:of )?{MON}(?: (?P<rel>this|last|next) year)?")
def _md(mt: re.Match, text: str) -> Meaning | None:
    m, d = _month(mt["mon"]), int(mt["d"])
    if not _valid(2000, m, d):
        return None
    return Meaning("monthday", month=m, day=d, rel=mt["rel"], extra=_mod(mt))


AMBIGUOUS_MONTHS = {"May", "March", "August", "April", "June", "January"}
MONTH_CUES = {"in", "of", "since", "by", "until", "till", "from", "during", "before", "after", "through",
              "early", "late", "mid", "end", "beginning", "start", "middle", "between", "and", "to", "last",
              "this", "next", "on", "throughout", "until", "til"}


@pattern("month", rf"(?:(?P<rel>(?i:this|last|next|past|coming)) )?{MODPRE}{MON}(?!\w)(?: (?:of )?(?P<yrel>this|last|next) year)?")
def _month_alone(mt: re.Match, text: str) -> Meaning | None:
    name = mt["mon"]
    before = _words_before(text, mt.start(), 1)
    if not (mt["rel"] or mt["mod"] or mt["yrel"]) and name in AMBIGUOUS_MONTHS and not (before and before[0] in MONTH_CUES):
        return None
    if name.endswith(".") and not (mt["rel"] or mt["mod"] or (before and before[0] in MONTH_CUES)):
        return None
    rel = (mt["rel"] or "").lower() or None
    rel = {"past": "last", "coming": "next"}.get(rel or "", rel)
    if mt["yrel"]:
        return Meaning("month", month=_month(name), extra={"yrel": mt["yrel"]})
    return Meaning("month", month=_month(name), rel=rel, extra=_mod(mt))


@pattern("year", rf"{MODPRE}(?<![\d$\u20ac\u00a3#.,/\u2116])(?<![\d][.,]){YEAR}(?![\d%]|[.,]\d|s\b|[\u2019']s\b)")
def _year(mt: re.Match, text: str) -> Meaning | None:
    y = int(mt["y"])
    start = mt.start("y")
    if not mt["mod"] and start >= 2 and text[start - 1] in "-\u2010\u2011" and text[start - 2].isalpha():
        return None  # "CLEF-2020", "Su-2030": part of a name
    before = _words_before(text, start, 2)
    after = _words_after(text, mt.end("y"), 2)
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
    return Meaning("date", y, extra=_mod(mt))


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
    if not mt["rel"] and _words_before(text, mt.start(), 1) in (["a"], ["every"], ["each"]):
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


@pattern("deictic-day", r"(?P<w>(?i:the day before yesterday|the day after tomorrow|today|tonight|yesterday|tomorrow))"
                        r"(?!\w)(?: (?P<part>(?i:morning|afternoon|evening|night)))?")
def _deictic_day(mt: re.Match, text: str) -> Meaning:
    w = re.sub(r"\s+", " ", mt["w"].lower())
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
              "the day before yesterday": -2, "the day after tomorrow": 2}[w]
    part = "NI" if w == "tonight" else (words()["parts_of_day"][mt["part"].lower()] if mt["part"] else None)
    generic = False
    if w == "today":
        before = _words_before(text, mt.start(), 1)
        after = " ".join(_words_after(text, mt.end(), 2))
        prev_raw = text[max(0, mt.start() - 30):mt.start()].split()
        next_word = after.split()[0] if after else ""
        # "Iran today supports ...": a named subject, then a present-tense verb
        proper_before = bool(prev_raw) and prev_raw[-1][:1].isupper() and prev_raw[-1].isalpha() and \
            prev_raw[-1] not in ("And", "Just", "But", "So", "Even", "Only", "Until", "Since", "As", "I") and \
            (re.fullmatch(r"[a-z]{2,}s", next_word) is not None or next_word in ("is", "are", "has", "have", "can"))
        generic = (bool(before) and before[0] in words()["today_generic_before"]) or proper_before or \
            after in words()["today_generic_after"]
    return Meaning("day_offset", amount=offset, part=part, generic=generic)


@pattern("part-of-day", r"(?P<w>(?i:this|last|tomorrow|yesterday)) (?P<part>(?i:morning|afternoon|evening|night))(?!\w)")
def _part_of_day(mt: re.Match, text: str) -> Meaning:
    w, part = mt["w"].lower(), mt["part"].lower()
    offset = {"this": 0, "tomorrow": 1, "yesterday": -1, "last": -1 if part == "night" else 0}[w]
    return Meaning("day_offset", amount=offset, part=words()["parts_of_day"][part])


@pattern("relative-unit", r"(?P<mod>(?i:earlier|later|early|late|mid|the (?:end|beginning|start|middle|rest|first half|second half) of)(?: |-|\u2010|\u2011))?"
                          r"(?P<rel>(?i:this|last|next|past|coming|current|previous|the past|the last|the next|the coming|the current|the previous|the following|the same))"
                          r" (?P<u>(?i:week|weekend|month|quarter|year|fiscal year|decade|century|day))(?!\w)")
def _relative_unit(mt: re.Match, text: str) -> Meaning | None:
    rel = re.sub(r"\s+", " ", mt["rel"].lower())
    if mt["u"][:1].isupper() and not mt["u"].isupper():
        return None  # "This Week", "Person of the Year": a title, not a time
    u = mt["u"].lower().split()[-1]
    unit = _unit(u)
    if rel in ("the following", "the next") and unit in ("D", "W", "M", "Y"):
        return Meaning("offset", amount=1, unit=unit, direction=1, anchored=True)
    if rel == "the previous":
        return Meaning("offset", amount=1, unit=unit, direction=-1, anchored=True)
    if rel == "the same":
        return Meaning("offset", amount=0, unit=unit, direction=0, anchored=True)
    if rel in ("the past", "the last", "the coming", "the next"):
        return Meaning("duration", amount=1, unit=unit)
    if unit == "D":
        return None
    step = {"last": "last", "past": "last", "previous": "last", "next": "next", "coming": "next"}.get(rel)
    return Meaning("unit", unit=unit, rel=step, extra=_mod(mt))


@pattern("quantity", r"(?P<pre>(?i:the (?:very )?(?:first|last|past|next|coming|previous|following|final|initial|remaining|other)|"
                     r"next|past|coming) )?"
                     rf"(?P<q>(?i:{QUANT}))(?P<half> and a half)?(?: |-|\u2010|\u2011)(?P<u>(?i:{UNIT_P}|{UNIT_S}))(?!\w|{HY}old|{HY}by{HY})"
                     r"(?P<half2> and a half)?"
                     r"(?P<dir> (?i:ago|later|earlier(?! than)|from now|hence)(?!\w))?")
def _quantity(mt: re.Match, text: str) -> Meaning | None:
    q = mt["q"]
    amount = _number(q)
    unit = _unit(mt["u"])
    if amount is not None and (mt["half"] or mt["half2"]):
        amount += 0.5  # "six and a half hours", "a year and a half"
    pre = (mt["pre"] or "").lower()
    direction = (mt["dir"] or "").strip().lower()
    if q.lower() in ("a", "an") and mt.group(0)[mt.end("q") - mt.start()] == "-":
        return None  # "a-day" is not an expression
    if amount is not None and amount == 0:
        return None
    if direction in ("ago",):
        return Meaning("offset", amount=amount, unit=unit, direction=-1)
    if direction in ("from now", "hence"):
        return Meaning("offset", amount=amount, unit=unit, direction=1)
    if direction in ("later", "earlier"):
        return Meaning("offset", amount=amount, unit=unit, direction=1 if direction == "later" else -1, anchored=True)
    hyphenated = text[mt.end("q"):mt.start("u")].strip() in ("-", "\u2010", "\u2011")
    if q.lower() == "one" and unit == "D" and not pre and not hyphenated:
        before = _words_before(text, mt.start(), 1)
        if not (before and before[0] in ("for", "within", "than", "only", "just", "in", "of", "per", "a")):
            return Meaning("vague", timeml="FUTURE_REF")  # "one day" = some day
    return Meaning("duration", amount=amount, unit=unit)


@pattern("either-quantity", rf"(?P<q>(?i:{NUMBER}|an?)) (?:(?P<u1>(?i:{UNIT_P}|{UNIT_S})) )?(?i:or|to) (?i:{NUMBER})"
                            rf" (?P<u>(?i:{UNIT_P}|{UNIT_S}))?(?P<dir> (?i:ago|later|earlier(?! than)|from now)(?!\w))?")
@pattern("either-quantity-tail", rf"(?P<q>(?i:an?|{NUMBER})) (?P<u>(?i:{UNIT_P}|{UNIT_S})) (?i:or) (?i:{NUMBER}|so)"
                                 r"(?P<dir> (?i:ago|later|earlier(?! than)|from now)(?!\w))?")
def _either_quantity(mt: re.Match, text: str) -> Meaning | None:
    """ "two or three years", "a year or two ago": a range, so no single value."""
    unit = mt.groupdict().get("u") or mt.groupdict().get("u1")
    if not unit:
        return None
    direction = (mt["dir"] or "").strip().lower()
    if direction:
        return Meaning("offset", amount=None, unit=_unit(unit), direction=-1 if direction in ("ago", "earlier") else 1,
                       anchored=direction in ("later", "earlier"))
    return Meaning("duration", amount=None, unit=_unit(unit))


@pattern("the-unit", r"(?P<pre>(?i:the (?:very first|very next|other|very same|very last)))"
                     rf" (?P<u>(?i:{UNIT_S}))(?!\w)")
def _the_unit(mt: re.Match, text: str) -> Meaning:
    return Meaning("vague", timeml="PAST_REF")


@pattern("vague-units", r"(?:(?P<pre>(?i:(?:all )?(?:those|these)|recent|the recent|the past|the last|the next|the coming|"
                        r"the following|the previous|the early|the first|the|previous|past|coming|following)) )?"
                        r"(?P<u>(?i:years|months|decades|centuries|weeks|days))(?!\w|[-\u2010\u2011]old)"
                        r"(?P<post> (?i:ahead|ago|later|earlier(?! than)|to come)(?!\w))?")
def _vague_units(mt: re.Match, text: str) -> Meaning | None:
    unit = _unit(mt["u"])
    if re.fullmatch(r"the(?:se|y)\s+days", mt.group(0).lower()):
        return Meaning("vague", timeml="PRESENT_REF")
    return Meaning("duration", amount=None, unit=unit)


@pattern("adverb", r"(?P<w>(?i:recently|nowadays))(?!\w)")
def _adverb(mt: re.Match, text: str) -> Meaning:
    return Meaning("vague", timeml=words()["vague_adverbs"][mt["w"].lower()])


FUNCTION_WORDS = {"that", "this", "today", "in", "on", "at", "to", "the", "a", "and", "but", "about", "with",
                  "when", "by", "as", "i", "you", "we", "he", "she", "they", "it", "was", "is", "so", "for", "if"}


@pattern("earlier", r"(?P<w>(?i:earlier))(?!\w)")
def _earlier(mt: re.Match, text: str) -> Meaning | None:
    before = _words_before(text, mt.start(), 1)
    after = _words_after(text, mt.end(), 1)
    if before and before[0] in ("much", "even", "far", "slightly", "bit", "little", "the", "an", "his", "her",
                                 "their", "our", "my", "your", "its", "no", "any", "somewhat"):
        return None
    if after and after[0].isalpha() and after[0] not in FUNCTION_WORDS:
        return None  # "earlier statements", "earlier than"
    return Meaning("vague", timeml="PAST_REF")


@pattern("new-year", r"(?i:the new year)(?!\w)")
def _new_year(mt: re.Match, text: str) -> Meaning:
    return Meaning("unit", unit="Y", rel="next", extra={"new_year": True})


@pattern("season", r"(?:(?P<rel>(?i:this|last|next|the|early|late|mid|(?:the )?(?:end|beginning|start|middle) of the)) )?"
                   r"(?P<s>spring|summer|autumn|winter)(?!\w)")
def _season(mt: re.Match, text: str) -> Meaning | None:
    rel = (mt["rel"] or "").lower()
    after = _words_after(text, mt.end(), 1)
    if after and after[0] in ("day", "days", "night", "nights", "morning", "evening", "weather", "camp", "olympics",
                              "games", "season", "break", "holidays", "holiday", "school", "time", "offensive",
                              "campaign", "palace", "session"):
        return None
    if not rel:
        before = _words_before(text, mt.start(), 1)
        if not (before and before[0] in ("in", "during", "by", "until", "through", "over", "since", "for")):
            return None
    step = {"last": "last", "next": "next"}.get(rel)
    return Meaning("season", season=words()["seasons"][mt["s"]], rel=step)


@pattern("of-the-year", r"(?i:of) (?P<x>(?i:the year))(?!\w)")
def _of_the_year(mt: re.Match, text: str) -> Meaning | None:
    before = _words_before(text, mt.start(), 1)
    if before and before[0] in words()["unit_plurals"]:
        return None  # "the coldest days of the year": "days" is already the timex
    return Meaning("vague", timeml="XXXX")  # "the coldest days of the year": no particular year


@pattern("this-day", r"(?i:this)(?P<adj>(?: [a-z]+){1,2}) (?i:day)(?!\w)")
def _this_day(mt: re.Match, text: str) -> Meaning | None:
    if set(mt["adj"].lower().split()) & {"all", "whole", "entire", "one", "every", "same"}:
        return None  # "do this all day": not "this beautiful day"
    return Meaning("day_offset", amount=0)


@pattern("timeml-only", r"(?P<w>(?i:right now|now|currently|the past|the future|at the time|lately))(?!\w)")
def _timeml_only(mt: re.Match, text: str) -> Meaning:
    return Meaning("vague", timeml=words()["timeml_only"][re.sub(r"\s+", " ", mt["w"].lower())],
                   extra={"timeml_only": True})
