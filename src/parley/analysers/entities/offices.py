"""Title-only mentions: an office that names one person at a time.

Two rules, both from the gold guidelines ("a mention that is only a title and
refers to a known person is annotated"):

- an office in ``data/offices.tsv`` ("UN Secretary General", "King of Saudi
  Arabia") is a mention of whoever held it on the document's reference date;
- a capitalised unique title after "the" ("the King", "the Crown Prince") is a
  mention of the one person of the document who carries that title, from an
  office or a title before their name ("Crown Prince Mohammed bin Salman").

Bare role nouns ("the President", "German chancellor") and offices spoken of
as posts ("the post of NATO Secretary General") are not mentions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from parley.analysers.entities.identity import EntityInfo
from parley.analysers.entities.mentions import Candidate
from parley.document import Span

# Titles that a document uses for one person only, so "the King" names them.
UNIQUE_TITLES = ("Crown Prince", "King", "Queen", "Emir", "Sultan", "Pope", "Supreme Leader", "Grand Ayatollah")
_AS_POST = re.compile(r"\b(?:post|office|position|role|job|seat)\s+of\s+(?:the\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Office:
    title: str
    person: EntityInfo
    start: str  # ISO date
    end: str | None


@lru_cache(maxsize=1)
def offices() -> tuple[Office, ...]:
    text = (resources.files(__package__) / "data" / "offices.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t") + [""]
        title, person_id, name, start, end = (c.strip() for c in cells[:5])
        out.append(Office(title, EntityInfo(person_id, name, "PERSON"), start, end or None))
    return tuple(out)


def holder(title: str, date: str | None) -> EntityInfo | None:
    """Who held ``title`` on ``date`` (the current holder when no date is known)."""
    for office in offices():
        if office.title != title:
            continue
        if date is None:
            if office.end is None:
                return office.person
        elif office.start <= date[:10] and (office.end is None or date[:10] <= office.end):
            return office.person
    return None


def office_candidates(text: str, date: str | None) -> list[Candidate]:
    """Every office phrase of the table whose holder on ``date`` is known."""
    titles = sorted({o.title for o in offices()}, key=len, reverse=True)
    if not titles:
        return []
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in titles) + r")(?![\w-])")
    out = []
    for m in pattern.finditer(text):
        if _AS_POST.search(text[max(0, m.start() - 30):m.start()]):
            continue
        if re.match(r"[ \t]+[A-Z]", text[m.end():m.end() + 2]):
            continue  # a title before the holder's name ("NATO Secretary General Mark Rutte")
        person = holder(re.sub(r"\s+", " ", m.group(1)), date)
        if person is not None:
            out.append(Candidate(Span(m.start(), m.end()), "PERSON", "title", person, m.group(1)))
    return out


def unique_title_candidates(text: str, roles: dict[str, set[str]], people: dict[str, EntityInfo]) -> list[Candidate]:
    """"the King", "the Crown Prince": the one person of the document with that title.

    ``roles`` maps a person id to the titles found for them; ``people`` maps
    a person id to its identity.
    """
    out = []
    for title in UNIQUE_TITLES:
        holders = {pid for pid, found in roles.items() if any(re.search(rf"\b{re.escape(title)}\b", r) for r in found)}
        if title == "King":  # "Crown Prince" does not make a King
            holders = {pid for pid in holders if any(re.search(r"\bKing\b", r) for r in roles[pid])}
        if len(holders) != 1:
            continue
        person = people[holders.pop()]
        for m in re.finditer(rf"\bthe\s+({re.escape(title)})\b(?!\s+of\b|\s+[A-Z])", text):
            out.append(Candidate(Span(m.start(1), m.end(1)), "PERSON", "title", person, title))
    return out
