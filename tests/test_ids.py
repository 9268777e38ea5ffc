"""The one slug (parley.nlp.ids): entity ids, speaker ids and source ids agree."""
from __future__ import annotations

import pytest

from parley.nlp.ids import phrase_slug, slug

# Names on which the entities' slug and the attribution sources' slug used to
# disagree ("volker-turk" / "volker-türk", "opec-plus" / "opec", "snake-case" /
# "snake_case").
ONCE_DISAGREED = ["Volker Türk", "OPEC+", "1+1", "Recep Tayyip Erdoğan", "snake_case", "Ménard's deputy"]


@pytest.mark.parametrize("name", ONCE_DISAGREED)
def test_a_phrase_without_determiners_gets_the_name_slug(name):
    bare = name.replace("'s", "")
    assert phrase_slug(name) == slug(bare)


def test_the_disagreements_resolve_to_ascii_ids():
    assert [phrase_slug(n) for n in ONCE_DISAGREED] == [
        "volker-turk", "opec-plus", "1-1", "recep-tayyip-erdogan", "snake-case", "menard-deputy"]


def test_phrase_slug_drops_determiners_and_possessives():
    assert phrase_slug("the experts") == "experts"
    assert phrase_slug("all these Western countries") == "western-countries"
    assert phrase_slug("Russia’s delegation") == "russia-delegation"
    assert phrase_slug("some commentators") == "some-commentators"
    assert phrase_slug("theory") == "theory"  # a word that starts like "the" stays
    assert phrase_slug("the") == "unknown"


def test_slug_keeps_non_latin_letters():
    assert slug("Сергей Лавров") == "сергей-лавров"
    assert slug("") == ""


def test_curly_and_straight_apostrophes_give_one_id():
    assert slug("O’Brien") == slug("O'Brien") == "o-brien"
    assert phrase_slug("they’re") == phrase_slug("they're") == "they-re"
