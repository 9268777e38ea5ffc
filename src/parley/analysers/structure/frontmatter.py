"""Metadata and boilerplate: what a transcript's publisher wrapped around it.

Front matter is everything before the first turn: collector headers
(``TITLE:``, ``DATE:``, ``SOURCE:``), a headline, a timestamp line
(``20:22 15.10.2025 •``), a photo credit, a lead (``X’s interview with
newspaper Y.``), a dateline (``Moscow, October 15, 2025``) or a venue line
(``East Room``), a time line (``4:44 P.M. EST``). Boilerplate is found in the
whole text: share and channel lines, time lines, end markers, chat stamps.

Dates (of timestamp lines, datelines, ``DATE:`` headers and titles) are read
by the timex grammar (``analysers/timex``), the one date grammar of Parley:
``metadata_dates`` keeps what it finds that names a month or a day.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from parley.analysers.timex.recognise import recognise, resolve_all
from parley.document import Metadata, Span
from parley.document.records import Boilerplate
from parley.nlp.textlayout import is_blank, lines, strip, structure_tables

HEADER = re.compile(r"(?P<key>[A-Z][A-Za-z' ]{0,20}):[ \t]*(?P<value>\S.*)?")
TIMESTAMP_TAIL = re.compile(r"\s*[•·|\-–]?")  # after the date and time of a timestamp line
TIME_LINE = re.compile(r"(?P<h>\d{1,2}):(?P<mi>\d{2})\s*(?P<ap>[AaPp])\.?\s?[Mm]\.?(?:\s+(?P<tz>[A-Z]{2,5}))?")
END_LINE = re.compile(r"END(?:\s+\d{1,2}:\d{2}\s*[AaPp]\.?\s?[Mm]\.?(?:\s+[A-Z]{2,5})?)?")
PHOTO = re.compile(r"(?:Photos?|Photograph|Image|Picture|Illustration|Video|Credit|Photo credit)(?:\s+by)?\s*:\s*\S.{0,100}", re.I)
SHARE = re.compile(r"\b(?:read more|more in our|follow us|subscribe|join us|share this|share on|sign up|telegram|t\.me/|twitter\.com|facebook\.com|vk\.com)\b", re.I)
CHAT_STAMP = re.compile(r"\[\d{1,2}\.\d{1,2}\.\d{2,4},\s*\d{1,2}:\d{2}(?::\d{2})?\]\s*[\w.\-]+:")
DATELINE_PLACE = re.compile(r"(?P<place>[A-Z][^\d\n,]{1,60}?(?:,\s*[A-Z][^\d\n,]{1,40}?)?),\s+")  # before the date
TITLE_PLACE = re.compile(r",\s*(?P<place>[A-Z][\w.’' ]+?),\s*\Z")  # before a title's closing date
LEAD = re.compile(
    r"(?P<who>[A-Z][^.\n]{2,120}?)[’']s?\s+(?:exclusive\s+)?interview\s+(?:with|to|for)\s+(?:the\s+)?"
    r"(?:(?:newspaper|magazine|daily|weekly|TV channel|television channel|channel|radio station|radio|news agency|agency|broadcaster|website|outlet)\s+)?"
    r"(?P<outlet>[A-Z][\w&’'.\-]*(?:\s+[A-Z0-9][\w&’'.\-]*)*)"
)
TITLE_INTERVIEW = re.compile(r"(?P<who>[A-Z][\w.’'\-]+(?:\s+[A-Z][\w.’'\-]+){1,3})\s+interview(?:\s+with\s+(?P<outlet>[^(,\n]+?)|,\s+(?P<outlet2>[^(,\n]+?))?\s*(?:[(,]|$)")
URL = re.compile(r"https?://[^\s)>\]]+")
URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<mo>\d{1,2})/(?P<d>\d{1,2})/")
INTERVIEW_PLACE = re.compile(r"\binterview\b[^.?!\n]{0,80}?\bin\s+(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b")


@dataclass
class FrontMatter:
    boilerplate: list[Boilerplate] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    timestamp: str | None = None
    time_line: str | None = None  # "16:44", from the first time line
    dateline: tuple[str, str] | None = None  # (place, ISO date)
    venue: str | None = None
    lead: str | None = None
    first_line: str | None = None


def find_boilerplate(text: str, body_start: int) -> FrontMatter:
    """Boilerplate spans of the whole text, and what the front matter says.

    ``body_start`` is where the first turn begins; header, venue and lead
    lines are only looked for before it.
    """
    fm = FrontMatter()
    header_keys = {k.lower() for k in structure_tables()["header_keys"]}
    in_header_block = True
    for line in lines(text):
        if is_blank(text, line):
            continue
        span = strip(text, line)
        s = text[span.start:span.end]
        front = span.end <= body_start
        m = HEADER.fullmatch(s)
        if front and in_header_block and m and m.group("key").lower() in header_keys:
            fm.headers.setdefault(m.group("key").lower(), (m.group("value") or "").strip())
            fm.boilerplate.append(Boilerplate(span, "header"))
            continue
        in_header_block = False
        if (stamp := _timestamp(s)) is not None:
            fm.boilerplate.append(Boilerplate(span, "timestamp"))
            if fm.timestamp is None:
                fm.timestamp = stamp
        elif (m := TIME_LINE.fullmatch(s)) is not None:
            fm.boilerplate.append(Boilerplate(span, "time-line"))
            if fm.time_line is None and front:
                hour = int(m["h"]) % 12 + (12 if m["ap"].lower() == "p" else 0)
                fm.time_line = f"{hour:02d}:{m['mi']}"
        elif END_LINE.fullmatch(s):
            fm.boilerplate.append(Boilerplate(span, "end-marker"))
        elif PHOTO.fullmatch(s) and len(s) < 120:
            fm.boilerplate.append(Boilerplate(span, "photo-credit"))
        elif len(s) < 200 and SHARE.search(s) and (URL.search(s) or len(s.split()) <= 12):
            fm.boilerplate.append(Boilerplate(span, "share-line"))
        elif front:
            _front_line(fm, s)
    for m in CHAT_STAMP.finditer(text):
        fm.boilerplate.append(Boilerplate(Span(m.start(), m.end()), "chat-stamp"))
    fm.boilerplate.sort(key=lambda b: b.span)
    return fm


def _front_line(fm: FrontMatter, s: str) -> None:
    if fm.first_line is None:
        fm.first_line = s
    if (dateline := _dateline(s.rstrip("."))) is not None and fm.dateline is None:
        fm.dateline = dateline
    elif LEAD.search(s) and fm.lead is None:
        fm.lead = s
    elif fm.venue is None and len(s) <= 80 and not s.endswith((".", "?", "!", "”", '"')):
        fm.venue = s


def metadata_dates(s: str) -> list[tuple[int, int, str]]:
    """``(start, end, ISO value)`` of every date of ``s`` that the timex
    grammar finds and that names a month or a day ("July 2015", "15.10.2025",
    "20:22 15.10.2025"), in text order; no reference date is needed."""
    mentions = recognise(s)
    return [(m.start, m.end, r.value) for m, r in zip(mentions, resolve_all(s, mentions, None))
            if r.value and _ISO_VALUE.fullmatch(r.value)]


_ISO_VALUE = re.compile(r"\d{4}-\d\d(?:-\d\d(?:T\d\d:\d\d)?)?")


def parse_date(s: str) -> str | None:
    """ISO date from 'October 15, 2025', '15 October 2025', '2025-10-15',
    '15.10.2025' anywhere in ``s`` (the first such); else 'October 2019' gives '2019-10'."""
    values = [value for _, _, value in metadata_dates(s.strip())]
    days = [v[:10] for v in values if len(v) >= 10]
    return days[0] if days else next(iter(values), None)


def _timestamp(line: str) -> str | None:
    """The ISO date and time of a timestamp line ("20:22 15.10.2025 •")."""
    if len(line) > 40 or ":" not in line:
        return None  # short, with a clock time: the timex grammar is not run on every line
    dates = metadata_dates(line)
    if len(dates) == 1 and dates[0][0] == 0 and "T" in dates[0][2] and TIMESTAMP_TAIL.fullmatch(line, dates[0][1]):
        return dates[0][2]
    return None


def _dateline(line: str) -> tuple[str, str] | None:
    """(place, ISO day) of a dateline ("Moscow, October 15, 2025")."""
    dates = metadata_dates(line)
    if not dates or dates[-1][1] != len(line) or len(dates[-1][2]) != 10:
        return None
    start, _, value = dates[-1]
    m = DATELINE_PLACE.fullmatch(line, 0, start)
    return (m["place"].strip(), value) if m else None


def _title_place(title: str) -> str | None:
    """The place before a title's closing day-first date ("..., Brussels, 12 July 2018")."""
    title = title.rstrip()
    dates = metadata_dates(title)
    if not dates or dates[-1][1] != len(title) or len(dates[-1][2]) != 10 or not title[dates[-1][0]].isdigit():
        return None
    m = TITLE_PLACE.search(title, 0, dates[-1][0])
    return m["place"] if m else None


def _iso(y, mo, d) -> str:
    try:
        return date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return f"{int(y):04d}-{int(mo):02d}"


def extract_metadata(fm: FrontMatter, headline: str | None, first_question: str | None,
                     principals: list[str], has_questions: bool) -> Metadata:
    """The six gold metadata fields from the front matter and the turns."""
    tables = structure_tables()
    title = fm.headers.get("title") or headline or fm.first_line
    venue = fm.venue if fm.venue != title else None
    source = fm.headers.get("source") or fm.headers.get("url")
    # when
    published = fm.timestamp
    if published is None and fm.headers.get("date"):
        day = parse_date(fm.headers["date"])
        if day and len(day) == 10 and fm.time_line:
            published = f"{day}T{fm.time_line}"
        else:
            published = day
    if published is None and fm.dateline and fm.dateline[1]:
        published = fm.dateline[1]
    if published is None and title and (d := parse_date(title)) and len(d) == 10:
        published = d
    if published is None and source and (m := URL_DATE.search(source)):
        published = _iso(m["y"], m["mo"], m["d"])
    if published is None and title:
        published = parse_date(title)
    # who, with whom, what kind
    lead = LEAD.search(fm.lead) if fm.lead else None
    ti = TITLE_INTERVIEW.search(title) if title else None
    interviewee = _name_of(lead["who"]) if lead else (ti["who"] if ti else None)
    if not interviewee and principals:
        interviewee = "; ".join(principals)
    outlet = lead["outlet"].rstrip(".") if lead else None
    if outlet is None and ti and (ti["outlet"] or ti["outlet2"]):
        outlet = (ti["outlet"] or ti["outlet2"]).strip()
    if outlet is None and source:
        outlet = _outlet_from_url(source, tables["outlet_hosts"])
    about = " ".join(" ".join(x.split()) for x in (fm.headers.get("title"), fm.lead, title) if x).lower()
    genre = next((g for key, g in tables["genres"] if key in about), None)
    if genre is None:
        genre = ("interview" if len(principals) == 1 else "press conference") if has_questions else "statement"
    # where
    place = fm.dateline[0] if fm.dateline else venue
    if place is None and title:
        place = _title_place(title)
    if place is None and first_question and (m := INTERVIEW_PLACE.search(first_question)):
        place = m["place"]
    return Metadata(title=title, published=published, place=place, outlet=outlet,
                    interviewee=interviewee, genre=genre)


def _name_of(who: str) -> str:
    """'Foreign Minister Sergey Lavrov' -> 'Sergey Lavrov': the trailing words
    after the last title word."""
    titles = {w for t in structure_tables()["titles"] for w in t.lower().split()}
    words = who.split()
    name: list[str] = []
    for w in reversed(words):
        if w.lower() in titles or not w[:1].isupper():
            break
        name.insert(0, w)
    return " ".join(name) or who


def _outlet_from_url(url: str, hosts: dict[str, str]) -> str | None:
    m = re.match(r"https?://([^/\s]+)", url)
    if not m:
        return None
    host = m[1].lower().removeprefix("www.")
    while host:
        if host in hosts:
            return hosts[host]
        host = host.partition(".")[2]
    return None
