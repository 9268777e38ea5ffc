"""Identifiers made from names: the one slug every layer uses.

An id is the lower-case ASCII slug of a name (``donald-trump``,
``united-states``, ``opec-plus``), so the same name gives the same id in
every document, every layer (speakers of ``turns``, entities, sources of
``attributions``) and the corpus store, which joins on it. The ids of the
gold files (``../shared/gold/*.json``) are slugs of this kind.

``phrase_slug`` is the id of a free-text source phrase ("the experts",
"Russia's diplomats"): the same slug, of the phrase's words without
determiners and the possessive ending.
"""
from __future__ import annotations

import re
import unicodedata

# Words a source phrase loses before it is slugged: "all these experts" -> "experts".
DROPPED_WORDS = frozenset({"the", "a", "an", "all", "these", "those", "this", "that", "such", "many"})
_DROPPED = re.compile(r"\b(?:%s)\b" % "|".join(sorted(DROPPED_WORDS)))


def slug(name: str) -> str:
    """The id of a name: ASCII, lower case, hyphens between words.

    A trailing ``+`` reads "plus" (``OPEC+`` -> ``opec-plus``); accents are
    dropped (``Türk`` -> ``turk``); a curly apostrophe is a straight one
    (``O’Brien`` and ``O'Brien`` -> ``o-brien``); a name with no Latin
    letters (Cyrillic, say) keeps its own letters. The empty name gives ``""``.
    """
    text = name.strip().replace("’", "'").replace("‘", "'")
    if text.endswith("+"):
        text = text[:-1] + " plus"
    text = text.replace("+", " ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out or re.sub(r"[\W_]+", "-", text.lower()).strip("-")


def phrase_slug(text: str) -> str:
    """The id of a free-text phrase: the slug of the phrase without its
    determiners and "'s" ("the experts" -> ``experts``, "some commentators"
    -> ``some-commentators``); ``unknown`` when nothing is left."""
    words = text.lower().replace("’s", "").replace("'s", "")
    return slug(_DROPPED.sub(" ", words)) or "unknown"
