"""The words of reported speech: the cue table of ``data/reporting_cues.json``
and the fixed word sets the cue rules test tokens against."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from parley.errors import ModelUnavailable

SUBJECTS = ("nsubj", "csubj")
RELATIVE = {"who", "which", "that", "whom"}
STOP_MARKS = {"because", "since", "as", "when", "after", "before", "if", "unless", "once", "until"}
NEGATIVE_SUBJECTS = {"nobody", "none", "nothing", "no-one"}
WH_WORDS = {"what", "how", "why", "where", "when", "who", "which", "whom"}
ASKING = {"ask", "wonder", "inquire", "enquire", "question"}
PRONOUN_CONTENT = {"this", "that", "it", "so", "these", "those", "what", "which", "them", "something", "anything"}
LIGHT_VERBS = {"make", "send", "issue", "give", "deliver", "voice", "express", "have", "offer", "repeat"}


@dataclass(frozen=True)
class CueTable:
    verbs: frozenset[str]
    infinitive: frozenset[str]
    noun_object: frozenset[str]
    prepositional: dict[str, tuple[str, ...]]
    nouns: frozenset[str]
    naming: frozenset[str]
    evidential: frozenset[str]
    parenthetical: frozenset[str]
    first_person_present: frozenset[str]
    not_speech_subjects: frozenset[str]
    modals: frozenset[str]
    topic_nouns: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def cue_table() -> CueTable:
    """The reporting cues of ``data/reporting_cues.json``."""
    try:
        raw = json.loads(resources.files(__package__).joinpath("data", "reporting_cues.json").read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise ModelUnavailable("the reporting-cue table data/reporting_cues.json is missing or unreadable") from e
    f = frozenset
    return CueTable(
        verbs=f(raw["verbs"]), infinitive=f(raw["infinitive"]), noun_object=f(raw["noun_object"]),
        prepositional={k: tuple(v) for k, v in raw["prepositional"].items()}, nouns=f(raw["nouns"]),
        naming=f(raw["naming"]), evidential=f(raw["evidential"]), parenthetical=f(raw["parenthetical"]),
        first_person_present=f(raw["first_person_present"]),
        not_speech_subjects=f(raw["not_speech_subjects"]), modals=f(raw["modals_hypothetical"]),
        topic_nouns=f(raw.get("topic_nouns", ())),
    )
