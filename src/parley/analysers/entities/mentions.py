"""Finding entity mentions: candidates from every source, then one flat layer.

Candidates come from four places, each a list of ``Candidate``:

- the alias table (``identity``), matched on word boundaries over the whole
  text, so hyphenated compounds split (``US-Russian`` gives ``US`` and
  ``Russian``) and wrapped lines match (``White\\nHouse``);
- speaker labels (``Sergey Lavrov:``, ``MR. SULLIVAN:``) with titles removed;
- patterns for named processes and documents (``Alaska summit``,
  ``Declaration on ...``);
- spaCy's NER, corrected for this genre: leading determiners, titles and
  possessive ’s are cut off, a possessive inside a span splits it
  ("Trump’s Declaration for ..."), lower-case spans and non-names are dropped.

``select`` keeps a flat, non-overlapping set, longest match first; on equal
length the more trusted source wins (label, table, pattern, spaCy).
Nothing inside a web address is a mention.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from parley.analysers.entities.identity import AliasTable, EntityInfo, fold, surface_key
from parley.document import Span
from parley.nlp.ids import slug

# spaCy label -> our type; labels not listed are not entities here.
SPACY_TYPES = {
    "PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "NORP": "NORP",
    "EVENT": "EVENT", "LAW": "LAW", "PRODUCT": "PRODUCT", "FAC": "LOC",
}
PRIORITY = {"label": 0, "table": 1, "pattern": 2, "surname": 3, "title": 3, "anaphor": 3, "spacy": 4}

_WORD = re.compile(r"[^\W_]+|[^\w\s]")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|net|org|gov|int|edu|ru|ua|uk|de|fr|info|io|me)\b(?:/\S*)?",
                  re.IGNORECASE)
_DETERMINER = re.compile(r"^(?:the|The|THE|a|an|An|A|this|This|that|our|Our|their|its)\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_INNER_POSSESSIVE = re.compile(r"['’]s\s+|\s*(?::|--+|—|–)\s*")
_LANGUAGE_BEFORE = re.compile(r"\b(?:[Ss]peaks?|[Ss]poke|[Ss]peaking)(?:\s+in)?\s+$|\bin\s+$")
_LANGUAGE_AFTER = re.compile(r"^(?:-speaking|-language|\s+language|\s+translation|\s+interpret)")
_EDITORIAL = re.compile(r"[\[\]]")
_TRAILING_FUNCTION = re.compile(r"\s+(?:of|and|for|the|in|on|to|at|with)$")
_PREFIX = re.compile(r"^(?:anti|pro|ex|non|pan|post|pre|former)-(?=[A-Z])")
_IDEOLOGY = re.compile(r"(?:isms?|phobes?|phobia|philes?)$")


@dataclass(frozen=True)
class Candidate:
    span: Span
    type: str
    source: str  # label | table | pattern | surname | title | anaphor | spacy
    info: EntityInfo | None = None  # set when the alias table knows it
    role: str | None = None  # a title found right before a person's name

    @property
    def priority(self) -> int:
        return PRIORITY[self.source]


# -- data tables -----------------------------------------------------------
def _data_lines(name: str) -> list[str]:
    text = (resources.files(__package__) / "data" / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def titles() -> tuple[str, ...]:
    """Titles and role words, longest first (``data/titles.txt``)."""
    return tuple(sorted(_data_lines("titles.txt"), key=len, reverse=True))


@lru_cache(maxsize=1)
def _title_pattern() -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in titles())
    return re.compile(rf"^(?:(?:{alternatives})(?=\W|$)\s*)+", re.IGNORECASE)


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """Capitalised words spaCy takes for names that are not (``data/not_entities.txt``)."""
    return frozenset(fold(line) for line in _data_lines("not_entities.txt"))


def strip_title(text: str) -> tuple[int, str | None]:
    """How many leading characters of ``text`` are titles, and the title."""
    m = _title_pattern().match(text)
    if not m:
        return 0, None
    return m.end(), text[:m.end()].strip()


def url_spans(text: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in _URL.finditer(text)]


# -- candidates from the alias table -----------------------------------------
def table_candidates(text: str, table: AliasTable) -> list[Candidate]:
    """Every alias-table match on word boundaries (overlaps allowed)."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    out: list[Candidate] = []
    limit = table.max_words
    for i, (start, first_end) in enumerate(words):
        if surface_key(text[start:first_end]) not in table.first_words:
            continue
        for n in range(min(limit, len(words) - i), 0, -1):
            end = words[i + n - 1][1]
            if "\n\n" in text[start:end]:
                continue
            info = table.by_alias.get(surface_key(text[start:end]))
            if info is not None:
                out.append(Candidate(Span(start, end), info.type, "table", info))
    return out


# -- candidates from speaker labels ----------------------------------------------
def label_candidates(text: str, labels: Iterable[Span], table: AliasTable) -> list[Candidate]:
    """A label that holds a name is a PERSON mention of the name, titles cut off."""
    out = []
    for span in labels:
        raw = text[span.start:span.end]
        lead = re.match(r"(?i)the\s+", raw)
        skip = lead.end() if lead else 0
        cut, role = strip_title(raw[skip:])
        cut += skip
        name = raw[cut:].strip()
        if not name or not re.search(r"[^\W\d_]{2,}", name) or fold(name) in not_names():
            continue
        start = span.start + raw.index(name, cut)
        info = table.lookup(name) or table.lookup_folded(name)
        if info is not None and info.type != "PERSON":
            continue
        out.append(Candidate(Span(start, start + len(name)), "PERSON", "label", info, role))
    return out


_HEADLINE_LABEL = re.compile(r"^([A-Z][\w.’'-]+(?:[ \t]+[A-Za-z][\w.’'-]+){0,3}):[ \t]*[“\"«]", re.MULTILINE)


def headline_labels(text: str) -> list[Span]:
    """Name labels that open a quoted line without being a turn ("Name: “...”")."""
    return [Span(m.start(1), m.end(1)) for m in _HEADLINE_LABEL.finditer(text)]


# -- candidates from patterns ---------------------------------------------------
_PROCESS_HEADS = {
    "summit": "summit", "talks": "summit", "conversations": "summit", "meeting": "summit",
    "process": "process", "format": "format", "negotiations": "process", "conference": "conference",
}
_PROCESS_AFTER = re.compile(r"[ \t]*\n?[ \t]*(" + "|".join(_PROCESS_HEADS) + r")\b")
_AGREEMENTS = re.compile(r"\b([A-Z][a-z]+)[ \t\n]+(agreements|accords|protocol|memorandum)\b")
_DOCUMENT = re.compile(
    r"\b(?:Declaration|Treaty|Convention|Charter|Accord|Pact|Memorandum|Act|Protocol)"
    r"(?:[ \t\n]+(?:on|of|for|concerning|between|and|the|in|among|with|to|accordance|[A-Z][\w’'-]*))*"
    r"[ \t\n]+[A-Z][\w’'-]*"
)


_RESOLUTION = re.compile(
    r"\b((?:(?:UN|U\.N\.|United Nations)[ \t\n]+)?(?:(?:Security[ \t\n]+Council|UNSC|General[ \t\n]+Assembly)[ \t\n]+)?)"
    r"Resolution[ \t\n]+(?:No\.[ \t]*)?(\d{2,4})\b")


def pattern_candidates(text: str, places: dict[int, Candidate]) -> list[Candidate]:
    """Named processes ("Alaska summit") and documents ("Declaration on ...").

    ``places`` maps a start offset to a GPE/LOC candidate starting there; a
    process is named after a place that is not a country-level hyphen compound.
    """
    out = []
    for place in places.values():
        if place.type not in ("GPE", "LOC") or place.info is None:
            continue
        if place.span.start > 0 and text[place.span.start - 1] == "-":
            continue  # "US-Russian summit" is a description, not a name
        m = _PROCESS_AFTER.match(text, place.span.end)
        if not m:
            continue
        head = _PROCESS_HEADS[m.group(1)]
        out.append(Candidate(Span(place.span.start, m.end()), "EVENT", "pattern",
                             EntityInfo(f"{place.info.id}-{head}", f"{place.info.name} {head}", "EVENT")))
    for m in _AGREEMENTS.finditer(text):
        place = places.get(m.start(1))
        if place is None or place.span.end != m.end(1):
            continue
        out.append(Candidate(Span(m.start(1), m.end(2)), "LAW", "pattern",
                             EntityInfo(f"{place.info.id}-agreements", f"{m.group(1)} agreements", "LAW")))
    for m in _RESOLUTION.finditer(text):
        number = m.group(2)
        council = m.group(1) and re.search(r"Security Council|UNSC", m.group(1))
        entity_id = f"unsc-resolution-{number}" if council else slug(m.group(0))
        out.append(Candidate(Span(m.start(), m.end()), "LAW", "pattern",
                             EntityInfo(entity_id, surface_key(m.group(0)), "LAW")))
    for m in _DOCUMENT.finditer(text):
        phrase = m.group(0)
        # end on a capitalised word; drop trailing function words
        phrase = re.sub(r"(?:[ \t\n]+(?:on|of|for|concerning|between|and|the|in|among|with|to))+$", "", phrase)
        if len(phrase.split()) < 3:
            continue
        out.append(Candidate(Span(m.start(), m.start() + len(phrase)), "LAW", "pattern"))
    return out


# -- candidates from spaCy ------------------------------------------------------
def spacy_candidates(text: str, ents: Iterable[tuple[Span, str]],
                     known: dict[Span, Candidate] | None = None) -> list[Candidate]:
    """spaCy's entities, trimmed to the shortest span naming the entity.

    ``known`` maps spans to alias-table candidates: a span "<Name> of <known
    entity>" ("Alex of Yahoo News") is split in two.
    """
    out = []
    for span, label in ents:
        type_ = SPACY_TYPES.get(label)
        if type_ is None:
            continue
        for piece in _split_possessives(text, span):
            if known is not None:
                split = _split_of(text, piece, known)
                if split is not None:
                    out.extend(split)
                    continue
            fixed = trim(text, piece, type_)
            if fixed is not None:
                out.append(Candidate(fixed[0], type_, "spacy", None, fixed[1]))
    return out


_ORG_HEADS = re.compile(r"\b(?:Fund|Bank|Council|Ministry|Committee|Agency|Department|Office|Commission|Court|"
                        r"Organi[sz]ation|Union|University|Institute|Service|Company|Corporation|Party|Assembly|"
                        r"Forces|Army|Academy|Church|Cent(?:re|er)|Association|Federation|Board|Bureau|School)$")


def _split_of(text: str, span: Span, known: dict[Span, Candidate]) -> list[Candidate] | None:
    """"<Name> of <known entity>": the name, and the known entity on its own."""
    raw = text[span.start:span.end]
    m = re.search(r"\s+of\s+(?:the\s+)?", raw)
    if not m:
        return None
    right = Span(span.start + m.end(), span.end)
    if right not in known:
        return None
    left = Span(span.start, span.start + m.start())
    left_text = text[left.start:left.end]
    type_ = "ORG" if _ORG_HEADS.search(left_text) else "PERSON"
    fixed = trim(text, left, type_)
    out = [known[right]]
    if fixed is not None:
        out.append(Candidate(fixed[0], type_, "spacy", None, fixed[1]))
    return out


def _split_possessives(text: str, span: Span) -> list[Span]:
    raw = text[span.start:span.end]
    pieces, start = [], 0
    for m in _INNER_POSSESSIVE.finditer(raw):
        pieces.append(Span(span.start + start, span.start + m.start()))
        start = m.end()
    pieces.append(Span(span.start + start, span.end))
    return pieces


def trim(text: str, span: Span, type_: str) -> tuple[Span, str | None] | None:
    """Cut determiners, titles (for people), possessives and punctuation off a span."""
    start, end = span
    role = None
    while True:
        raw = text[start:end]
        m = _DETERMINER.match(raw)
        if m:
            start += m.end()
            continue
        if type_ == "PERSON":
            cut, found = strip_title(raw)
            if cut and cut < len(raw):
                start += cut
                role = found
                continue
        break
    raw = text[start:end]
    m = _POSSESSIVE.search(raw)
    if m and len(raw) > 3:
        end -= len(m.group(0)) - (1 if m.group(0)[0] == "s" else 0)
    while end > start and (text[end - 1] in ".,;:!?\"“”‘’'()-–—" or not text[end - 1].isprintable()
                           or text[end - 1].isspace()):
        if text[end - 1] == "." and re.search(r"\b[A-Z]\.$|\b[A-Z][a-z]?\.$", text[start:end]):
            break
        end -= 1
    while start < end and (text[start] in "\"“”‘’'(-–—" or not text[start].isprintable() or text[start].isspace()):
        start += 1
    while True:
        m = _TRAILING_FUNCTION.search(text[start:end])
        if not m:
            break
        end = start + m.start()
    m = _PREFIX.match(text[start:end])
    if m:
        start += m.end()
    raw = text[start:end]
    if _IDEOLOGY.search(raw):
        return None  # ideologies and attitudes are not entities ("Nazism", "Russophobes")
    if len(raw) < 2 or not any(c.isupper() for c in raw) or _EDITORIAL.search(raw):
        return None
    if strip_title(raw)[0] >= len(raw.rstrip(".")):
        return None  # a title alone ("National Security Advisor") names no one here
    if fold(raw) in not_names() or "\n\n" in raw:
        return None
    return Span(start, end), role


# -- filters and selection --------------------------------------------------
def is_language_use(text: str, span: Span) -> bool:
    """True where a nationality adjective names a language ("(Speaks Ukrainian.)")."""
    before = text[max(0, span.start - 20):span.start]
    after = text[span.end:span.end + 16]
    return bool(_LANGUAGE_BEFORE.search(before) and re.match(r"^[.)]", after)) or bool(_LANGUAGE_AFTER.match(after))


def select(candidates: Iterable[Candidate], blocked: Iterable[Span] = ()) -> list[Candidate]:
    """A flat set: longest first, then the more trusted source; no overlaps."""
    candidates = list(candidates)
    blocked = list(blocked)
    size = max([c.span.end for c in candidates] + [b.end for b in blocked] + [0])
    taken = bytearray(size)
    for span in blocked:
        taken[span.start:span.end] = b"\x01" * (span.end - span.start)
    chosen: list[Candidate] = []
    ordered = sorted(candidates, key=lambda c: (-(c.span.end - c.span.start), c.priority, c.span.start))
    for cand in ordered:
        start, end = cand.span
        if end <= start or any(taken[start:end]):
            continue
        chosen.append(cand)
        taken[start:end] = b"\x01" * (end - start)
    chosen.sort(key=lambda c: c.span.start)
    return chosen


def add_free(chosen: list[Candidate], extra: Iterable[Candidate], blocked: Iterable[Span] = ()) -> list[Candidate]:
    """``chosen`` plus every candidate of ``extra`` that overlaps nothing already there."""
    extra = list(extra)
    blocked = list(blocked)
    size = max([c.span.end for c in chosen + extra] + [b.end for b in blocked] + [0])
    taken = bytearray(size)
    for span in [c.span for c in chosen] + blocked:
        taken[span.start:span.end] = b"\x01" * (span.end - span.start)
    out = list(chosen)
    for cand in extra:
        start, end = cand.span
        if end > start and not any(taken[start:end]):
            out.append(cand)
            taken[start:end] = b"\x01" * (end - start)
    return sorted(out, key=lambda c: c.span.start)


__all__: list[Any] = [
    "Candidate", "label_candidates", "pattern_candidates", "select", "spacy_candidates",
    "table_candidates", "trim", "url_spans", "headline_labels", "is_language_use", "strip_title",
]
