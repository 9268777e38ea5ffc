"""People in one document: full names, surnames, first names, and roles.

A transcript names a person in many ways: "Donald Trump", "Trump",
"Trump’s", "MR. TRUMP:", "Donald". ``People`` collects the full names found
in a document (from the alias table, speaker labels and spaCy) and answers
which one a shorter form means; ``add_surnames`` finds bare surnames that
spaCy missed; ``role_before`` reads the title run in front of a name
("US Special Envoy for Syria (and concurrently Ambassador to Türkiye)").
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace

from parley.analysers.entities.identity import AliasTable, EntityInfo, fold, surface_key
from parley.analysers.entities.mentions import Candidate, add_free, titles
from parley.document import Span
from parley.nlp.ids import slug


def name_words(name: str) -> list[str]:
    return [w for w in re.split(r"\s+", surface_key(name)) if w]


def surname_of(name: str) -> str:
    words = name_words(name)
    return fold(words[-1]) if words else ""


class People:
    """The people of one document: full names by surname, ids by mention."""

    def __init__(self) -> None:
        self.by_surname: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)  # surname -> (id, name)
        self.names: dict[str, str] = {}  # id -> canonical name
        self.by_first: dict[str, set[tuple[str, str]]] = defaultdict(set)  # first name -> (id, name)

    def add(self, entity_id: str, name: str) -> None:
        self.by_surname[surname_of(name)][(entity_id, name)] += 1
        self.names.setdefault(entity_id, name)
        words = name_words(name)
        if len(words) >= 2:
            self.by_first[fold(words[0])].add((entity_id, self.names[entity_id]))

    def for_first_name(self, first: str) -> tuple[str, str] | None:
        """The person of the document with this first name: the only one, or
        one named far more often than any other ("Kim" for Kim Jong Un)."""
        counts = Counter()
        for entity_id, _ in self.by_first.get(fold(first), ()):
            counts[entity_id] = sum(n for (i, _), n in self.by_surname.get(surname_of(self.names[entity_id]), {}).items()
                                    if i == entity_id)
        if not counts:
            return None
        ranked = counts.most_common(2)
        if len(ranked) == 2 and (ranked[0][1] < 3 * ranked[1][1] or ranked[0][1] < 3):
            return None
        return ranked[0][0], self.names[ranked[0][0]]

    def for_surname(self, surname: str) -> tuple[str, str] | None:
        known = self.by_surname.get(fold(surname))
        return known.most_common(1)[0][0] if known else None

    def for_full_name(self, name: str) -> tuple[str, str] | None:
        """An already known person with the same surname and a compatible first name."""
        words = name_words(name)
        known = self.by_surname.get(surname_of(name))
        if not known or len(words) < 2:
            return None
        first = fold(words[0])
        for (entity_id, full), _ in known.most_common():
            other = fold(name_words(full)[0])
            if other == first or other.startswith(first) or first.startswith(other):
                return entity_id, full
        return None


def first_names(table: AliasTable, people: People) -> frozenset[str]:
    """First names known to the alias table and the document (folded)."""
    return _tablefirst_names(table) | frozenset(people.by_first)


_FIRST_NAMES: dict[int, frozenset[str]] = {}


def _tablefirst_names(table: AliasTable) -> frozenset[str]:
    if id(table) not in _FIRST_NAMES:
        _FIRST_NAMES[id(table)] = frozenset(
            fold(name_words(info.name)[0]) for info in table.by_id.values()
            if info.type == "PERSON" and len(name_words(info.name)) >= 2)
    return _FIRST_NAMES[id(table)]


def collect_people(text: str, chosen: list[Candidate], table: AliasTable, speakers: dict[Span, str],
            labels: list[Span]) -> People:
    """Full names of people found in the text, table entries first."""
    people = People()
    persons = [c for c in chosen if c.type == "PERSON"]
    for c in persons:
        if c.info is not None and c.info.type == "PERSON":
            people.add(c.info.id, c.info.name)
    for c in persons:
        if c.info is None and len(name_words(text[c.span.start:c.span.end])) >= 2:
            name = surface_key(text[c.span.start:c.span.end])
            if not people.for_full_name(name) and not name.isupper():
                people.add(slug(name), name)
    return people


def add_surnames(text: str, chosen: list[Candidate], people: People, urls: list[Span],
                  first_names: frozenset[str]) -> list[Candidate]:
    """Bare surnames of the document's people wherever spaCy missed them.

    A surname that is also a first name ("Elton John", "Clarence Thomas") is
    left alone: alone, "John" is more often someone else.
    """
    surnames = {}
    for counter in people.by_surname.values():
        for (entity_id, name), _ in counter.items():
            words = name_words(name)
            if len(words) >= 2 and words[-1][:1].isupper() and fold(words[-1]) not in first_names:
                surnames.setdefault(words[-1], (entity_id, name))
    if not surnames:
        return chosen
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(s) for s in sorted(surnames, key=len, reverse=True))
                         + r")(?![\w-])")
    extra = []
    for m in pattern.finditer(text):
        entity_id, name = surnames[m.group(1)]
        extra.append(Candidate(Span(m.start(), m.end()), "PERSON", "surname", EntityInfo(entity_id, name, "PERSON")))
    # a spaCy mention that is exactly a known surname is that person, whatever spaCy typed it
    fixed = []
    for c in chosen:
        raw = text[c.span.start:c.span.end]
        if c.source == "spacy" and c.info is None and raw in surnames:
            entity_id, name = surnames[raw]
            c = replace(c, type="PERSON", info=EntityInfo(entity_id, name, "PERSON"))
        fixed.append(c)
    return add_free(fixed, extra, urls)


_HONORIFIC_NAME = re.compile(r"(?<![\w.])(?:Mr|Mrs|Ms|Dr)\.?[ \t]+([A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:[ \t]+[A-Z][a-z]+)?)(?![\w’'-])")


def honorific_people(text: str, chosen: list[Candidate], urls: list[Span]) -> list[Candidate]:
    """A name right after Mr/Mrs/Ms/Dr is a person, in a table or not: spaCy's
    other types for it are corrected, and names spaCy missed are added
    ("Mr Ruto, he said")."""
    title_words = {w.lower() for t in titles() for w in t.split()}
    spans = {}
    for m in _HONORIFIC_NAME.finditer(text):
        if m.group(1).split()[0].lower() not in title_words:
            spans[(m.start(1), m.end(1))] = Span(m.start(1), m.end(1))
    fixed = [replace(c, type="PERSON") if c.source == "spacy" and c.type != "PERSON"
             and (c.span.start, c.span.end) in spans else c for c in chosen]
    return add_free(fixed, [Candidate(s, "PERSON", "title") for s in spans.values()], urls)


# -- identities ----------------------------------------------------------------
HONORIFICS = {"mr.", "mrs.", "ms.", "miss", "dr.", "sir", "madam", "mr", "mrs", "ms", "dr"}
_RUN_WORD = r"\(?(?:[A-Z][\w.’'-]*|of|for|to|the|and|concurrently|in|on)\)?"
_RUN = re.compile(rf"({_RUN_WORD}(?:[ \t]+{_RUN_WORD})*)[ \t]+$")


def role_before(text: str, span: Span, table: AliasTable) -> str | None:
    """The title run right before a person's name ("US Special Envoy for Syria")."""
    line_start = text.rfind("\n", 0, span.start) + 1
    before = text[max(line_start, span.start - 160):span.start]
    # stay inside the clause: cut after punctuation or a full stop that ends a word (not "Mr.")
    cut = 0
    for m in re.finditer(r"[!?;:,\u201c\u201d\"]|(?<=\w{4})\.", before):
        cut = m.end()
    before = before[cut:]
    m = _RUN.search(before)
    if not m:
        return None
    run = m.group(1)
    lowered = run.lower()
    first = None
    for title in titles():
        if title.lower() in HONORIFICS:
            continue
        at = re.search(r"(?<![\w])" + re.escape(title.lower()) + r"(?![\w])", lowered)
        if at:
            first = at.start() if first is None else min(first, at.start())
    if first is None:
        return None
    # keep a country or organisation right before the title ("US President")
    head = run[:first].split()
    if head:
        info = table.lookup(head[-1])
        if info is not None and info.type in ("GPE", "ORG", "NORP"):
            first = run.rfind(head[-1], 0, first)
    role = run[first:].strip()
    while role.endswith(")") and role.count(")") > role.count("("):
        role = role[:-1].rstrip()
    while role.startswith("(") and role.count("(") > role.count(")"):
        role = role[1:].lstrip()
    if "(" not in role:
        # "Press Secretary Jen Psaki and National Security Advisor Jake Sullivan": the last title
        pieces = re.split(r"\s+and\s+", role)
        if len(pieces) > 1 and has_title(pieces[-1]):
            role = pieces[-1]
    return role or None


def has_title(text: str) -> bool:
    lowered = text.lower()
    return any(re.search(r"(?<![\w])" + re.escape(t.lower()) + r"(?![\w])", lowered)
               for t in titles() if t.lower() not in HONORIFICS)
