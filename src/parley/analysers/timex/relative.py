"""Patterns of relative and vague times: today, "last week", "three years
ago", "two or three days", "recently", seasons (see ``grammar.py`` for how a
pattern is written)."""
from __future__ import annotations

import re

from parley.analysers.timex.context import words_after, words_before
from parley.analysers.timex.grammar import (
    HY, NUMBER, QUANT, UNIT_P, UNIT_S, VAGUE_Q, Pattern, modifier, registrar, words
)
from parley.analysers.timex.normalise import Meaning

PATTERNS: list[Pattern] = []
pattern = registrar(PATTERNS)


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


@pattern("deictic-day", r"(?P<w>(?i:the day before yesterday|the day after tomorrow|today|tonight|yesterday|tomorrow))"
                        r"(?!\w)(?: (?P<part>(?i:morning|afternoon|evening|night)))?")
def _deictic_day(mt: re.Match, text: str) -> Meaning:
    w = re.sub(r"\s+", " ", mt["w"].lower())
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
              "the day before yesterday": -2, "the day after tomorrow": 2}[w]
    part = "NI" if w == "tonight" else (words()["parts_of_day"][mt["part"].lower()] if mt["part"] else None)
    generic = False
    if w == "today":
        before = words_before(text, mt.start(), 1)
        after = " ".join(words_after(text, mt.end(), 2))
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
    return Meaning("unit", unit=unit, rel=step, extra=modifier(mt))


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
        before = words_before(text, mt.start(), 1)
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
    before = words_before(text, mt.start(), 1)
    after = words_after(text, mt.end(), 1)
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
    after = words_after(text, mt.end(), 1)
    if after and after[0] in ("day", "days", "night", "nights", "morning", "evening", "weather", "camp", "olympics",
                              "games", "season", "break", "holidays", "holiday", "school", "time", "offensive",
                              "campaign", "palace", "session"):
        return None
    if not rel:
        before = words_before(text, mt.start(), 1)
        if not (before and before[0] in ("in", "during", "by", "until", "through", "over", "since", "for")):
            return None
    step = {"last": "last", "next": "next"}.get(rel)
    return Meaning("season", season=words()["seasons"][mt["s"]], rel=step)


@pattern("of-the-year", r"(?i:of) (?P<x>(?i:the year))(?!\w)")
def _of_the_year(mt: re.Match, text: str) -> Meaning | None:
    before = words_before(text, mt.start(), 1)
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
