"""Who a report's source is: an entity id, or a readable free-text group.

``SourceResolver`` maps the token heading a source phrase (a name, a
pronoun, a description) to ``(source id, source span)``:

- a phrase holding an entity mention of the ``entities`` layer: that entity;
- "I"/"my": the turn's speaker; "we"/"our": the country the speaker speaks
  for (``data/speaker_countries.json``, else the speaker's roles), or for the
  interviewer the country of the principal he interviews;
- "you" in a question: the principal who answers it; in an answer: the
  interviewer;
- "he"/"she": the latest person named before it in the turn (not the
  speaker); "it": the latest organisation, document or country; "they": the
  latest group (nationality, organisation, country) nearby;
- a description with a nationality and a title ("the Finnish President", "our
  Finnish neighbour"): the latest person of that country named so far;
- any other phrase: the slug of its words (``nlp.ids.phrase_slug``:
  "some-commentators").
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from parley.document import Analysis, Span
from parley.errors import ModelUnavailable
from parley.nlp.ids import phrase_slug, slug

FIRST_SINGULAR = {"i", "me", "my", "mine", "myself"}
FIRST_PLURAL = {"we", "us", "our", "ours", "ourselves"}
SECOND = {"you", "your", "yours", "yourself", "yourselves"}
PERSONAL = {"he", "him", "his", "she", "her", "hers", "himself", "herself"}
NEUTER = {"it", "its", "itself"}
PLURAL = {"they", "them", "their", "theirs", "themselves"}
# Bodies of people that "our X" names: "our delegation" -> "russian-delegation".
PEOPLE_NOUNS = {"delegation", "negotiators", "diplomats", "side", "government", "leadership", "military",
                "colleagues", "officials", "representatives", "team", "partners", "experts", "ministry"}
TITLE_NOUNS = {"president", "minister", "chancellor", "premier", "leader", "counterpart", "colleague",
               "neighbour", "neighbor", "king", "prince", "envoy", "ambassador", "secretary", "head",
               "prime", "foreign", "spokesman", "spokeswoman", "spokesperson", "general"}
LOOKBACK = 4000  # characters before a pronoun searched for its antecedent


@lru_cache(maxsize=1)
def _female_names() -> frozenset[str]:
    try:
        raw = json.loads(resources.files(__package__).joinpath("data", "given_names.json").read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise ModelUnavailable("the table data/given_names.json is missing or unreadable") from e
    return frozenset(raw["female"])


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    try:
        raw = json.loads(resources.files(__package__).joinpath("data", "speaker_countries.json").read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise ModelUnavailable("the table data/speaker_countries.json is missing or unreadable") from e
    return dict(raw["speakers"]), dict(raw["demonyms"])


class ChunkIndex:
    """Finds the parsed chunk holding an offset, by bisection (once per parse)."""

    def __init__(self, parse: Any):
        chunks = list(parse.chunks) if parse is not None else []
        self.chunks = chunks
        self.starts = [c.offset for c in chunks]
        self.ends = [c.offset + (c.doc[-1].idx + len(c.doc[-1].text) if len(c.doc) else 0) for c in chunks]

    def at(self, offset: int) -> Any | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.ends[i]:
            return self.chunks[i]
        return None


@dataclass(frozen=True)
class Mention:
    span: Span
    entity: Any  # records.Entity


class SourceResolver:
    """Resolves source phrases of one analysis (its turns and entities)."""

    def __init__(self, analysis: Analysis, parse: Any = None):
        self.analysis = analysis
        self.parse = parse
        self.chunks = ChunkIndex(parse)
        self._subject_cache: dict[Span, bool] = {}
        self.female = _female_names()
        self.turns = analysis.layer("turns")
        mentions = [Mention(m, e) for e in analysis.layer("entities") for m in e.mentions]
        self.mentions = sorted(mentions, key=lambda m: m.span)
        self.starts = [m.span.start for m in self.mentions]
        self.by_id = {e.id: e for e in analysis.layer("entities")}
        speakers, demonyms = _countries()
        self.speaker_country = speakers
        self.demonyms = demonyms
        self.demonym_country = {v: k for k, v in demonyms.items()}
        self.reporters = self._reporters()
        self._described: list[tuple[int, str]] = []  # (end, person id) of titles resolved so far

    # -- reporters -----------------------------------------------------------
    def _reporters(self) -> dict[int, str]:
        """The named reporter of each question turn, where the text names one:
        the principal calling on him ("I'm going to start with Alex of Yahoo
        News.") or the reporter introducing himself ("Q  Olga Koshelenko, 1+1
        tv channel."). A follow-up question keeps the last reporter named."""
        principals = {t.speaker for t in self.turns if t.speaker != "interviewer"}
        out: dict[int, str] = {}
        current: str | None = None
        text = self.analysis.text
        for i, turn in enumerate(self.turns):
            if turn.speaker != "interviewer":
                continue
            named = None
            if turn.label_span is not None:  # "Mohammed al Tomaihi:" labels a named journalist
                labelled = [m for m in self.mentions_in(turn.label_span)
                            if m.entity.type == "PERSON" and m.entity.id not in principals]
                named = labelled[0].entity.id if labelled else None
            body = turn.body_span or turn.span
            opening = text[body.start:body.start + 160]
            for m in ([] if named else self.mentions_in(Span(body.start, body.start + len(opening)))):
                after = text[m.span.end:m.span.end + 2]
                if m.entity.type == "PERSON" and m.entity.id not in principals and after[:1] in (",", "."):
                    named = m.entity.id
                    break
            if named is None and i > 0 and self.turns[i - 1].speaker != "interviewer":
                prev = self.turns[i - 1].span
                tail = text[prev.start:prev.end].rstrip()
                cut = max(tail.rfind(". ", 0, len(tail) - 1), tail.rfind("? ", 0, len(tail) - 1),
                          tail.rfind(":", 0, len(tail) - 1))
                last = Span(prev.start + cut + 1, prev.start + len(tail))
                if len(text[last.start:last.end].split()) <= 12:
                    people = [m for m in self.mentions_in(last)
                              if m.entity.type == "PERSON" and m.entity.id not in principals]
                    named = people[-1].entity.id if people else None
            current = named or current
            if current:
                out[i] = current
        return out

    def reporter_before(self, turn: int | None) -> str:
        """The reporter of ``turn`` or of the latest question before it."""
        if turn is None:
            return "interviewer"
        for i in range(turn, -1, -1):
            if self.turns[i].speaker == "interviewer":
                return self.reporters.get(i, "interviewer")
        return "interviewer"

    # -- lookups -------------------------------------------------------------
    def mentions_in(self, span: Span) -> list[Mention]:
        i = bisect.bisect_left(self.starts, span.start)
        j = bisect.bisect_left(self.starts, span.end)
        out = [m for m in self.mentions[max(0, i - 3):j] if m.span.overlaps(span)]
        return out

    def turn_at(self, offset: int) -> int | None:
        for i, t in enumerate(self.turns):
            if t.span.start <= offset < t.span.end:
                return i
        return None

    def country_of(self, person_id: str | None) -> str | None:
        if not person_id:
            return None
        if person_id in self.speaker_country:
            return self.speaker_country[person_id]
        entity = self.by_id.get(person_id)
        for role in getattr(entity, "roles", ()) or ():
            for word in re.findall(r"[a-z]+", role.lower()):
                if word in self.demonym_country:
                    return self.demonym_country[word]
        return None

    def principal(self, turn: int | None) -> str | None:
        """The non-interviewer speaker answering near ``turn``."""
        if turn is None:
            return self.analysis.metadata.interviewee and slug(self.analysis.metadata.interviewee.split(";")[0])
        for t in self.turns[turn:] + self.turns[:turn][::-1]:
            if t.speaker != "interviewer":
                return t.speaker
        return None

    def _latest(self, before: int, types: tuple[str, ...], turn: int | None, exclude: set[str],
                accept: Any = None) -> Mention | None:
        floor = max(0, before - LOOKBACK)
        if turn is not None and self.turns[turn].span.start > floor:
            floor = self.turns[turn].span.start
        i = bisect.bisect_left(self.starts, before)
        for m in reversed(self.mentions[:i]):
            if m.span.start < floor:
                break
            if m.entity.type in types and m.entity.id not in exclude and m.span.end <= before and (
                    accept is None or accept(m.entity)):
                return m
        return None

    def _latest_of_country(self, before: int, country: str, exclude: set[str]) -> Mention | None:
        i = bisect.bisect_left(self.starts, before)
        for m in reversed(self.mentions[:i]):
            if m.entity.type == "PERSON" and m.entity.id not in exclude and self.country_of(m.entity.id) == country:
                return m
        return None

    # -- the resolution ------------------------------------------------------
    def resolve(self, token: Any, offset: int, turn: int | None) -> tuple[str, Span] | None:
        """``(source id, source span)`` for the token heading a source phrase."""
        if token is None:
            return None
        speaker = self.turns[turn].speaker if turn is not None and turn < len(self.turns) else None
        word = token.lower_
        own = Span(offset + token.idx, offset + token.idx + len(token.text))
        if word in FIRST_SINGULAR | FIRST_PLURAL | SECOND | PERSONAL | NEUTER | PLURAL:
            found = self._pronoun(word, own, turn, speaker)
            return (found, own) if found else None
        if token.pos_ == "PRON" and not self._mention_for(token, offset, own):
            # "some", "others", "many": a group named only by the pronoun
            if word in ("who", "which", "that", "what", "whom", "this", "these", "those", "one", "nobody", "none"):
                return None
            return phrase_slug(self.analysis.text[own.start:own.end]), own
        phrase = self._phrase_span(token, offset)
        found = self._mention_for(token, offset, own)
        if found is not None and found.entity.type in ("NORP", "GPE") and token.lower_ in TITLE_NOUNS \
                and not found.span.overlaps(own):
            # "the Finnish President": a person of that country, not the Finns
            person = self._description(token, phrase, turn, speaker, offset)
            if person is not None and self.by_id.get(person[0]) is not None \
                    and self.by_id[person[0]].type == "PERSON":
                return person
        if found is not None and found.entity.type == "NORP" and not found.span.overlaps(own) \
                and token.pos_ == "NOUN" and word not in TITLE_NOUNS | PEOPLE_NOUNS:
            # "American news media": a group that the nationality only describes
            return phrase_slug(self.analysis.text[phrase.start:phrase.end]), phrase
        if found is not None:
            return found.entity.id, found.span
        described = self._description(token, phrase, turn, speaker, offset)
        if described and getattr(self.by_id.get(described[0]), "type", None) == "PERSON":
            self._described.append((phrase.end, described[0]))
        return described

    def _mention_for(self, token: Any, offset: int, head: Span) -> Mention | None:
        """The entity a source phrase names: the mention on its head word, else
        a person named in it ("the then President, Petr Poroshenko"), else the
        first one ("a report in the Financial Times")."""
        cut = {t.i for c in token.children if c.dep_ in ("relcl", "acl") for t in c.subtree}
        toks = [t for t in token.subtree if t.i not in cut and not t.is_punct]
        if not toks:
            return None
        span = Span(offset + toks[0].idx, offset + toks[-1].idx + len(toks[-1].text))
        inside = [m for m in self.mentions_in(span)
                  if any(offset + t.idx < m.span.end and m.span.start < offset + t.idx + len(t.text) for t in toks)]
        on_head = [m for m in inside if m.span.overlaps(head)]
        people = [m for m in inside if m.entity.type == "PERSON"]
        chosen = on_head or people or inside
        return chosen[0] if chosen else None

    def _phrase_span(self, token: Any, offset: int) -> Span:
        left = token
        for t in token.lefts:
            if t.dep_ in ("det", "amod", "compound", "poss", "nummod", "quantmod", "nmod", "predet", "case"):
                left = min(left, t.left_edge, key=lambda x: x.i)
                break
        return Span(offset + left.idx, offset + token.idx + len(token.text))

    def _pronoun(self, word: str, at: Span, turn: int | None, speaker: str | None) -> str | None:
        if word in FIRST_SINGULAR:
            return self.reporter_before(turn) if speaker == "interviewer" else speaker
        if word in FIRST_PLURAL:
            who = self.principal(turn) if speaker in (None, "interviewer") else speaker
            return self.country_of(who) or who
        if word in SECOND:
            if speaker == "interviewer":
                return self.principal(turn)
            return self.reporter_before(turn)
        exclude = {speaker} if speaker else set()
        if word in PERSONAL:
            female = word in ("she", "her", "hers", "herself")
            m = self._latest(at.start, ("PERSON",), turn, exclude,
                             accept=lambda e: self._is_female(e) == female)
            m = m or self._latest(at.start, ("PERSON",), turn, exclude)
            # "The President said ... She also told": a title resolved in this turn
            floor = self.turns[turn].span.start if turn is not None else 0
            told = [d for d in self._described if floor <= d[0] <= at.start and d[1] not in exclude]
            if told and (m is None or told[-1][0] > m.span.end):
                return told[-1][1]
            # the antecedent may sit in the question before the answer (gender unknown: any person)
            m = m or self._latest(at.start, ("PERSON",), None, exclude, accept=lambda e: self._is_female(e) == female)
            m = m or self._latest(at.start, ("PERSON",), None, exclude)
            return m.entity.id if m else ("she" if female else "he")
        own_country = self.country_of(self.principal(turn) if speaker in (None, "interviewer") else speaker)
        if own_country:
            exclude = exclude | {own_country}
        types = ("LAW", "ORG", "GPE", "NORP", "LOC") if word in NEUTER else ("NORP", "ORG", "GPE", "LOC")
        near = self._recent(at.start, types, turn, exclude, 700)
        subjects = [m for m in near if self._is_subject(m)]
        if word in PLURAL:
            # a country alone is "it"; "they" is a people, a bloc or a body
            subjects = [m for m in subjects if m.entity.type != "GPE"] or subjects
        fallback = near[-1] if near and word in NEUTER and at.start - near[-1].span.end < 300 else None
        chosen = subjects[-1] if subjects else fallback
        if chosen is not None:
            return chosen.entity.id
        return "they" if word in PLURAL else None

    def _is_female(self, entity: Any) -> bool:
        first = entity.name.split()[0].lower() if entity.name else ""
        return first in self.female

    def _recent(self, before: int, types: tuple[str, ...], turn: int | None, exclude: set[str],
                window: int) -> list[Mention]:
        floor = max(0, before - window)
        i = bisect.bisect_left(self.starts, before)
        out = []
        for m in reversed(self.mentions[:i]):
            if m.span.start < floor:
                break
            if m.entity.type in types and m.entity.id not in exclude and m.span.end <= before:
                out.append(m)
        return out[::-1]

    def _is_subject(self, mention: Mention) -> bool:
        """Whether the mention heads (or sits in) the subject of its clause."""
        if mention.span in self._subject_cache:
            return self._subject_cache[mention.span]
        result = False
        chunk = self.chunks.at(mention.span.start)
        if chunk is not None:
            span = chunk.doc.char_span(mention.span.start - chunk.offset, mention.span.end - chunk.offset,
                                       alignment_mode="expand")
            if span is not None:
                root = span.root
                while root.dep_ in ("compound", "amod", "conj", "appos", "poss") and root.head is not root:
                    root = root.head
                result = root.dep_ in ("nsubj", "nsubjpass")
        self._subject_cache[mention.span] = result
        return result

    def _description(self, token: Any, phrase: Span, turn: int | None, speaker: str | None,
                     offset: int) -> tuple[str, Span] | None:
        words = [t for t in token.subtree if t.i <= token.i]
        lowers = {t.lower_ for t in words}
        head = token.lower_
        mine = any(t.lower_ in FIRST_PLURAL for t in words)
        exclude = {speaker} if speaker else set()
        if head in TITLE_NOUNS or lowers & TITLE_NOUNS:
            for t in words:
                country = self.demonym_country.get(t.lower_)
                if country:
                    m = self._latest_of_country(phrase.start, country, exclude)
                    if m is not None:
                        return m.entity.id, phrase
        if mine and speaker and speaker != "interviewer":
            country = self.country_of(speaker)
            if country and head in PEOPLE_NOUNS:
                return f"{self.demonyms.get(country, country)}-{slug(token.text)}", phrase
            if country:
                return country, phrase
        if head in TITLE_NOUNS and any(t.lower_ == "the" and t.dep_ == "det" for t in token.children):
            # "the President", "the Prime Minister": the latest person holding that title
            # (a bare title is first read as the speaker's own country's: in a
            # White House briefing "the President" is the American one)
            title = {t.lower_ for t in words if t.lower_ in TITLE_NOUNS}
            home = self.country_of(self.principal(turn) if speaker in (None, "interviewer") else speaker)
            i = bisect.bisect_left(self.starts, phrase.start)
            holders = [m for m in reversed(self.mentions[:i]) if m.entity.type == "PERSON" and m.entity.id != speaker
                       and title <= set(" ".join(getattr(m.entity, "roles", ()) or ()).lower().split())]
            ours = [m for m in holders if home and self.country_of(m.entity.id) == home]
            if ours or holders:
                return (ours or holders)[0].entity.id, phrase
        if any(t.lower_ == "the" and t.dep_ == "det" for t in token.children):
            # "the declaration", "the treaty": the latest document or body so named
            i = bisect.bisect_left(self.starts, phrase.start)
            for m in reversed(self.mentions[max(0, i - 200):i]):
                if m.entity.type in ("LAW", "ORG", "EVENT") and head in m.entity.name.lower().split():
                    return m.entity.id, phrase
        text = self.analysis.text[phrase.start:phrase.end]
        return phrase_slug(text), phrase
