"""Entity identity: canonical ids, the alias table, and surface-form keys.

An entity id is the lower-case ASCII slug of its canonical name
(``donald-trump``, ``united-states``, ``the-west``; ``parley.nlp.ids.slug``),
so the same entity gets the same id in every document, and the corpus store
can join on it.

The alias table maps surface forms to entities. Parley ships one, built from
the TSV files in ``data/gazetteer/``; a user extends or overrides it
with files given to ``parley analyze --aliases FILE`` (``Config.aliases``).
Every file has the same format, UTF-8, one alias per line, tab-separated::

    # alias          id                 name               type
    Zelenskyy        volodymyr-zelenskyy Volodymyr Zelenskyy PERSON
    Zelensky         volodymyr-zelenskyy Volodymyr Zelenskyy PERSON
    Kiev             kyiv               Kyiv               GPE

- ``alias``: the text as it appears in a transcript. Matching is
  case-sensitive, except that whitespace (line breaks included) counts as one
  space and ’ and ' are the same character.
- ``id``: the entity id; empty means the slug of ``name``.
- ``name``: the canonical name; empty means the alias.
- ``type``: PERSON ORG GPE LOC NORP EVENT LAW PRODUCT.

Lines starting with ``#`` and blank lines are skipped. Rows of a user file
win over the shipped table for the same alias, and a user row naming an
existing id may rename or retype it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

from parley.errors import InputError
from parley.nlp.ids import slug

TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "LAW", "PRODUCT")

_SPACE = re.compile(r"\s+")


def surface_key(text: str) -> str:
    """How a surface form is looked up: spaces collapsed, one apostrophe."""
    return _SPACE.sub(" ", text.replace("’", "'").replace("‘", "'")).strip()


def fold(text: str) -> str:
    """A looser key: no accents, lower case (for names in all-caps labels)."""
    text = unicodedata.normalize("NFKD", surface_key(text)).encode("ascii", "ignore").decode()
    return text.lower()


@dataclass(frozen=True)
class EntityInfo:
    id: str
    name: str
    type: str


class AliasTable:
    """Surface forms to entities, plus the canonical name and type of each id."""

    def __init__(self) -> None:
        self.by_alias: dict[str, EntityInfo] = {}
        self.by_id: dict[str, EntityInfo] = {}
        self.by_folded: dict[str, EntityInfo] = {}
        self.max_words = 1
        self.first_words: set[str] = set()  # first word of every alias, to skip the rest fast

    # -- building -------------------------------------------------------
    def add(self, alias: str, entity_id: str, name: str, type_: str) -> None:
        key = surface_key(alias)
        if not key:
            return
        info = EntityInfo(entity_id, name, type_)
        self.by_alias[key] = info
        self.by_folded.setdefault(fold(key), info)
        if entity_id not in self.by_id or slug(name) == entity_id:
            self.by_id[entity_id] = info
        words = _words(key)
        self.max_words = max(self.max_words, len(words))
        if words:
            self.first_words.add(words[0])

    def load_rows(self, rows: Iterable[str], where: str, override: bool = False) -> None:
        for number, line in enumerate(rows, 1):
            line = line.rstrip("\n\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")]
            if len(cells) != 4 or not cells[0] or cells[3] not in TYPES:
                raise InputError(
                    f"line {number}: expected 4 tab-separated cells 'alias, id, name, type' "
                    f"with type one of {' '.join(TYPES)}, got {line[:80]!r}",
                    code="E110", path=where,
                )
            alias, entity_id, name, type_ = cells
            name = name or alias
            entity_id = entity_id or slug(name)
            if override:
                # a user row renames or retypes the whole entity
                info = EntityInfo(entity_id, name, type_)
                self.by_id[entity_id] = info
                self.by_alias = {k: (info if v.id == entity_id else v) for k, v in self.by_alias.items()}
                self.by_folded = {k: (info if v.id == entity_id else v) for k, v in self.by_folded.items()}
            self.add(alias, entity_id, name, type_)
            if override:
                self.by_folded[fold(alias)] = self.by_alias[surface_key(alias)]

    def load_file(self, path: str | Path, override: bool = True) -> None:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as e:
            raise InputError("alias table does not exist", code="E101", path=str(path)) from e
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"alias table cannot be read as UTF-8 text: {e}", code="E110", path=str(path)) from e
        self.load_rows(text.splitlines(), str(path), override=override)

    # -- lookup ---------------------------------------------------------
    def lookup(self, surface: str) -> EntityInfo | None:
        return self.by_alias.get(surface_key(surface))

    def lookup_folded(self, surface: str) -> EntityInfo | None:
        return self.by_folded.get(fold(surface))

    def info(self, entity_id: str) -> EntityInfo | None:
        return self.by_id.get(entity_id)

    def __len__(self) -> int:
        return len(self.by_alias)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+|[^\w\s]", text)


@lru_cache(maxsize=1)
def shipped_table() -> AliasTable:
    """The gazetteer Parley ships (``data/gazetteer/*.tsv``)."""
    table = AliasTable()
    folder = resources.files(__package__) / "data" / "gazetteer"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".tsv"):
            table.load_rows(entry.read_text(encoding="utf-8").splitlines(), f"parley/analysers/entities/data/gazetteer/{entry.name}")
    return table


def alias_table(extra: Iterable[str | Path] = ()) -> AliasTable:
    """The shipped table extended by the user's files (theirs win)."""
    extra = tuple(str(p) for p in extra)
    if not extra:
        return shipped_table()
    return _extended(extra)


@lru_cache(maxsize=8)
def _extended(paths: tuple[str, ...]) -> AliasTable:
    base = shipped_table()
    table = AliasTable()
    table.by_alias = dict(base.by_alias)
    table.by_id = dict(base.by_id)
    table.by_folded = dict(base.by_folded)
    table.max_words = base.max_words
    table.first_words = set(base.first_words)
    for path in paths:
        table.load_file(path)
    return table


def resolve(surface: str, type_: str | None = None, table: AliasTable | None = None) -> EntityInfo:
    """The entity a surface form names, across documents: the alias table's
    answer, else an entity whose id is the slug of the surface form."""
    table = table or shipped_table()
    info = table.lookup(surface) or table.lookup_folded(surface)
    if info is not None:
        return info
    name = surface_key(surface)
    return EntityInfo(slug(name), name, type_ or "ORG")

