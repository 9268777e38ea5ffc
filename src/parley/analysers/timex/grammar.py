"""The grammar of temporal expressions: word tables, regular-expression
fragments, and the registry of patterns.

Each ``@pattern`` is a regular expression built from the word tables of
``data/timex_words.json`` (a space in a template stands for any run of
spaces with at most one line break, so hard-wrapped transcripts match) and a
handler that turns a match into a ``normalise.Meaning``, or None to reject it
("May I ask", "2000 soldiers", "the earlier proposal"). The patterns
themselves are in ``absolute.py`` (calendar dates, clock times, months,
years, weekdays) and ``relative.py`` (today, "three years ago", durations,
vague times); ``patterns.PATTERNS`` holds them all in order.
"""
from __future__ import annotations

import json
import re
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


def modifier(mt: re.Match) -> dict:
    """The ``mod`` of a match ("early", "the end of"), for ``Meaning.extra``."""
    return {"mod": (mt.groupdict().get("mod") or "").strip().lower() or None}


# -- the registry -------------------------------------------------------------

Handler = Callable[[re.Match, str], "Meaning | None"]
Pattern = tuple[str, re.Pattern, Handler]  # (name, compiled template, handler)


def registrar(into: list[Pattern]) -> Callable[..., Callable[[Handler], Handler]]:
    """The ``@pattern(name, template, flags)`` decorator of one module's
    pattern list ``into``: it compiles the template and appends the
    pattern, so a module's patterns keep the order they are written in."""
    def pattern(name: str, template: str, flags: int = 0) -> Callable[[Handler], Handler]:
        def register(func: Handler) -> Handler:
            into.append((name, _c(template, flags), func))
            return func
        return register
    return pattern
