"""Label what a report says a source said against the source's own words.

``label(reported, passages)`` picks the best passage (the most similar,
preferring those dated before the report) and returns one of:

- ``close``: the report is close to the source's words;
- ``paraphrase``: the same statement in other words;
- ``differs``: similar, but a number, a negation, a named entity or a modal
  verb ("will" against "might") differs, and ``differs`` says which;
- ``no-statement``: no passage of the source in the corpus says it.

It is never a verdict of truth: the passages are shown beside the report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from parley.corpus.text import words

LABELS = ("close", "paraphrase", "differs", "no-statement")
# (close, paraphrase floor) per similarity kind, chosen on the dev files of
# benchmarks/bench_attribution_checks.py (docs/corpus.md).
THRESHOLDS = {"dense": (0.93, 0.62), "lexical": (0.99, 0.55)}

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20",
                "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000",
                "million": "1000000", "billion": "1000000000", "half": "0.5", "dozen": "12"}
NEGATIONS = frozenset({"not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "without", "cannot",
                       "nowhere", "noone"})
MODALS = {"will": "will", "would": "will", "shall": "will", "'ll": "will", "won't": "will", "wouldn't": "will",
          "may": "may", "might": "may", "could": "may", "can": "may", "can't": "may", "couldn't": "may",
          "cannot": "may", "must": "must", "should": "must", "ought": "must", "shouldn't": "must",
          "mustn't": "must"}
_POSSESSIVE = re.compile(r"'s$")
_NAME = re.compile(r"(?<![\w'’])[A-Z][\w'’-]+")
_NOT_NAMES = frozenset({"I", "I'm", "I've", "I'll", "I'd", "We", "They", "He", "She", "It", "The", "This", "That",
                        "And", "But", "So", "If", "In", "On", "At", "As", "A", "An", "Our", "My", "His", "Her",
                        "Their", "There", "These", "Those", "What", "When", "Where", "Who", "Why", "How", "Mr",
                        "Mrs", "Ms", "Well", "Yes", "No", "Now", "Of", "For", "To", "You", "Your", "Its", "Let"})


@dataclass
class Verdict:
    label: str
    similarity: float
    differs: list[str] = field(default_factory=list)
    best: int | None = None  # index of the chosen passage


def numbers(text: str) -> set[str]:
    found = {m.group().replace(",", "") for m in _NUMBER.finditer(text)}
    return found | {NUMBER_WORDS[w] for w in words(text) if w in NUMBER_WORDS}


def negations(text: str) -> int:
    """How many negation words (``not``, ``never``, ``-n't``...) ``text`` has."""
    return sum(1 for w in words(text) if w in NEGATIONS or w.endswith("n't"))


def _bare(word: str) -> str:
    """A word without its possessive ending ("Union's" → "union")."""
    return _POSSESSIVE.sub("", word.lower().replace("’", "'"))


def modals(text: str) -> set[str]:
    out = {MODALS[w] for w in words(text) if w in MODALS}
    if "'ll" in text.lower() or "’ll" in text.lower():
        out.add("will")
    return out


def names(text: str) -> set[str]:
    """Capitalised words that are not sentence openers or pronouns (a light named-entity cue)."""
    return {_bare(m.group()) for m in _NAME.finditer(text) if m.group() not in _NOT_NAMES}


def differences(reported: str, source: str) -> list[str]:
    """What differs between a report and the source's passage: number, negation, entity, modal."""
    out = []
    rn, sn = numbers(reported), numbers(source)
    if rn and rn != sn and not rn <= sn:
        out.append("number")
    if negations(reported) != negations(source):
        out.append("negation")
    rnames, snames = names(reported), names(source)
    rwords, swords = {_bare(w) for w in words(reported)}, {_bare(w) for w in words(source)}
    if {n for n in rnames if n not in swords} and {n for n in snames if n not in rwords}:
        out.append("entity")
    rm, sm = modals(reported), modals(source)
    if (rm and sm and rm != sm) or (bool(rm) != bool(sm) and (rm | sm) & {"may", "must"}):
        out.append("modal")
    return out


def label(reported: str, passages: list[tuple[float, bool]], texts: list[str], kind: str) -> Verdict:
    """The label of ``reported`` given each passage's ``(similarity, dated_before)`` and text."""
    close, floor = THRESHOLDS[kind]
    eligible = [i for i, (score, _) in enumerate(passages) if score >= floor]
    if not eligible:
        best_score = max((s for s, _ in passages), default=0.0)
        return Verdict("no-statement", round(best_score, 4))
    before = [i for i in eligible if passages[i][1]]
    pool = before or eligible
    best = max(pool, key=lambda i: passages[i][0])
    score = passages[best][0]
    found = differences(reported, texts[best])
    if found:
        return Verdict("differs", round(score, 4), found, best)
    return Verdict("close" if score >= close else "paraphrase", round(score, 4), [], best)
