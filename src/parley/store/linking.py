"""Cross-document identity: one canonical id for an entity across documents.

Within a document the entities analyser already gives an entity one id, the
slug of its canonical name, and the shipped gazetteer folds the common
spellings of well-known names (``Zelensky``, ``Zelenskiy``, ``Volodymyr
Zelenskyy`` -> ``volodymyr-zelenskyy``). What it cannot know is that a name
it has never seen, written ``Oleksii Reznikov`` in one transcript, is the
``Minister Reznikov`` or ``Oleksiy Reznikov`` of another. The store links
those at write time, in the ``entity_aliases`` table (migration 10)::

    alias_id -> canonical_id, rule, name_key, surname, words, type

The rule, applied to each entity id of a document as it is stored (the
document's speakers count as PERSON entities), longest names first:

1. An id already in the table keeps its canonical id.
2. Its *name key* is the id's slug words with leading titles cut off
   (``president``, ``foreign-minister``...: the entities analyser's
   ``titles.txt``), each word spelled the standard way (the data table
   ``store/data/name_variants.tsv``, plus one rule: a final ``-sky``,
   ``-skiy``, ``-skii`` or ``-ski`` is ``-skyy``).
3. ``name``: a key of two or more words that a canonical id already has
   links to that id (``oleksiy-reznikov`` -> ``oleksii-reznikov``).
4. ``surname``: a PERSON key of one word (a surname alone, or a title and a
   surname) links to the one canonical PERSON of two or more words whose
   last key word it is; when several people share the surname it links to
   none (it stays its own canonical id).
5. ``self``: otherwise the id is canonical. When a PERSON of two or more
   words becomes canonical, every canonical one-word PERSON id with its
   surname and no other candidate is linked to it (``surname``), so the
   order documents arrive in does not matter for the unambiguous cases.

Stored rows keep the ids the analysers gave them (nothing is rewritten, so
unlinking is a table edit); the pages read through the table:
``canonical(id)`` names the entity, ``aliases(id)`` lists every id that
stands for it.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from parley.nlp.ids import slug

_ENDINGS = ("skiy", "skii", "sky", "ski")


@lru_cache(maxsize=1)
def name_variants() -> dict[str, str]:
    """variant word -> standard word (``data/name_variants.tsv``)."""
    text = (resources.files(__package__) / "data" / "name_variants.tsv").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        cells = line.split("\t")
        if len(cells) == 2 and not line.startswith("#"):
            table[cells[0].strip()] = cells[1].strip()
    return table


@lru_cache(maxsize=1)
def title_slugs() -> tuple[tuple[str, ...], ...]:
    """The entities analyser's titles as slug words, longest first."""
    from parley.analysers.entities.mentions import titles

    words = {tuple(slug(t).split("-")) for t in titles() if slug(t)}
    return tuple(sorted(words, key=len, reverse=True))


def standard_word(word: str) -> str:
    """One name word spelled the standard way (variants table, then endings)."""
    word = name_variants().get(word, word)
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + "skyy"
    return word


def name_key(entity_id: str) -> tuple[str, ...]:
    """The words an id is compared by: titles cut off, variants standardised."""
    words = [w for w in entity_id.split("-") if w]
    cut = True
    while cut and len(words) > 1:
        cut = False
        for title in title_slugs():
            if len(title) < len(words) and tuple(words[: len(title)]) == title:
                words = words[len(title):]
                cut = True
                break
    return tuple(standard_word(w) for w in words)


class LinkSQL:
    """The alias table of a SQL store (mixed into ``SQLStore``)."""

    _rows: Any
    _one: Any
    _execute: Any

    def link_entities(self, entities: Iterable[tuple[str, str | None]]) -> None:
        """Register (id, type) pairs of one document by the rule above (inside
        the caller's transaction)."""
        todo = {}
        for entity_id, type_ in entities:
            todo.setdefault(entity_id, type_ or "ORG")
        for entity_id in sorted(todo, key=lambda e: (-len(name_key(e)), e)):
            self._link_one(entity_id, todo[entity_id])

    def _link_one(self, entity_id: str, type_: str) -> None:
        if self._one("SELECT 1 FROM entity_aliases WHERE alias_id = ?", (entity_id,)):
            return
        key = name_key(entity_id)
        joined, surname = "-".join(key), key[-1] if key else ""
        canonical, rule = entity_id, "self"
        if len(key) >= 2:
            found = self._one("SELECT canonical_id FROM entity_aliases WHERE name_key = ? AND rule = 'self' "
                              "ORDER BY alias_id LIMIT 1", (joined,))
            if found:
                canonical, rule = found[0], "name"
        elif type_ == "PERSON" and surname:
            people = self._people_named(surname)
            if len(people) == 1:
                canonical, rule = people[0], "surname"
        self._execute("INSERT INTO entity_aliases (alias_id, canonical_id, rule, name_key, surname, words, type) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)", (entity_id, canonical, rule, joined, surname, len(key), type_))
        if rule == "self" and type_ == "PERSON" and len(key) >= 2 and len(self._people_named(surname)) == 1:
            self._execute("UPDATE entity_aliases SET canonical_id = ?, rule = 'surname' WHERE rule = 'self' "
                          "AND type = 'PERSON' AND words = 1 AND surname = ?", (entity_id, surname))

    def _people_named(self, surname: str) -> list[str]:
        return [r[0] for r in self._rows(
            "SELECT alias_id FROM entity_aliases WHERE rule = 'self' AND type = 'PERSON' AND words >= 2 "
            "AND surname = ? ORDER BY alias_id LIMIT 2", (surname,))]

    def canonical(self, entity_id: str) -> str:
        """The canonical id ``entity_id`` stands for (itself when unknown)."""
        row = self._one("SELECT canonical_id FROM entity_aliases WHERE alias_id = ?", (entity_id,))
        return row[0] if row else entity_id

    def aliases(self, entity_id: str) -> list[str]:
        """Every id standing for the entity of ``entity_id``, canonical first."""
        canonical = self.canonical(entity_id)
        others = [r[0] for r in self._rows("SELECT alias_id FROM entity_aliases WHERE canonical_id = ? "
                                           "AND alias_id <> ? ORDER BY alias_id", (canonical, canonical))]
        return [canonical, *others]

    def relink(self) -> int:
        """Register every stored entity and speaker id not yet in the table
        (documents stored before migration 10); returns how many were added."""
        missing = self._rows(
            "SELECT e.entity_id, MAX(e.type) FROM entities e WHERE NOT EXISTS "
            "(SELECT 1 FROM entity_aliases a WHERE a.alias_id = e.entity_id) GROUP BY e.entity_id")
        missing += [(r[0], "PERSON") for r in self._rows(
            "SELECT DISTINCT s.speaker FROM speakers s WHERE NOT EXISTS "
            "(SELECT 1 FROM entity_aliases a WHERE a.alias_id = s.speaker)")]
        if missing:
            with self._transaction():  # type: ignore[attr-defined]
                self.link_entities(missing)
        return len(missing)


def in_clause(ids: list[str]) -> str:
    """``(?, ?, ...)`` for ``ids``."""
    return "(" + ", ".join("?" * len(ids)) + ")"
