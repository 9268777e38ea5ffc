"""Cues of reported speech in a spaCy parse, and the content they report.

``find_reports(chunk)`` walks one parsed chunk and returns a ``Report`` for
every verb, noun, adverb or phrase of saying whose complement is reported
content: "X stated that ...", "his statement that ...", "according to X, ...",
"as he put it", "X, he said, Y", "what they call Y", "allegedly ...". Each
report carries the cue span, the content span (without "that" and final
punctuation), and the token heading the source noun phrase, if the sentence
has one. Which source that token names is decided later (``sources.py``).

The word lists live in ``data/reporting_cues.json``; nothing here is keyed
to any one transcript.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from parley.document import Span
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


@dataclass(frozen=True)
class Report:
    """One cue of saying found in the parse (offsets into the document)."""

    cue: Span
    content: Span
    source: Any | None  # spaCy Token heading the source phrase, or None
    kind: str  # verb | noun | according | parenthetical | naming | evidential
    cue_token: Any = None  # the spaCy Token of the cue word


# -- spans from tokens ---------------------------------------------------------

def _tokens_span(tokens: list[Any], offset: int) -> Span | None:
    toks = [t for t in tokens if not t.is_space]
    while toks and (toks[0].is_punct or toks[0].lower_ == "that" and toks[0].dep_ == "mark"):
        toks = toks[1:]
    while toks and (toks[-1].is_punct and toks[-1].text not in ")]”\"’'" or toks[-1].is_space):
        toks = toks[:-1]
    if not toks:
        return None
    return Span(offset + toks[0].idx, offset + toks[-1].idx + len(toks[-1].text))


def subtree_span(token: Any, offset: int, exclude: Any = None) -> Span | None:
    """The span of ``token``'s subtree, trimmed; ``exclude``'s subtree cut off at an edge."""
    toks = list(token.subtree)
    while toks and toks[-1].is_punct and toks[-1].text not in ")]”\"’'":
        toks = toks[:-1]
    while toks and toks[0].is_punct:
        toks = toks[1:]
    if exclude is not None:
        cut = {t.i for t in exclude.subtree}
        if toks and toks[0].i in cut:
            toks = [t for t in toks if t.i not in cut]
        elif toks and toks[-1].i in cut:
            toks = [t for t in toks if t.i not in cut]
    return _tokens_span(toks, offset)


def _is_pronoun_only(token: Any) -> bool:
    words = [t for t in token.subtree if not t.is_punct]
    return len(words) <= 1 and (not words or words[0].lower_ in PRONOUN_CONTENT or words[0].pos_ == "PRON")


# -- who is speaking ------------------------------------------------------------

def source_token(verb: Any, depth: int = 0, avoid: Any = None) -> Any | None:
    """The token heading the source of ``verb``: its subject, an agent, or a governing subject.

    ``avoid(token)`` marks subjects that cannot be the source (inside a quotation
    the cue is not part of); the search then goes on up the tree."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECTS and c.pos_ not in ("AUX", "VERB")]
    if avoid is not None and subjects and all(avoid(c) for c in subjects):
        return source_token(verb.head, depth + 1, avoid) if verb.head is not verb and depth < 5 else None
    if avoid is not None:
        subjects = [c for c in subjects if not avoid(c)]
    if subjects:
        before = [c for c in subjects if c.i < verb.i]
        child = before[-1] if before else subjects[0]
        if child.lower_ in RELATIVE and verb.dep_ == "relcl":
            return verb.head
        return child
    for child in verb.children:
        if child.dep_ == "agent":
            pobj = [c for c in child.children if c.dep_ == "pobj"]
            if pobj:
                return pobj[0]
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return None  # agentless passive: "statements have been made"
    if verb.dep_ == "ROOT" and depth == 0:
        # a parse that hung the subject elsewhere ("the IAEA has publicly,
        # without any hesitation, said"): the nearest subject before the cue
        for t in reversed(verb.doc[verb.sent.start:verb.i]):
            if t.dep_ in SUBJECTS and (avoid is None or not avoid(t)):
                return t
    if depth >= 5:
        return None
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON") and depth == 0:
        return verb.head
    if verb.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acomp", "prep", "pobj", "acl"):
        head = verb.head
        if head.dep_ == "prep":
            head = head.head
        if head is verb:
            return None
        return source_token(head, depth + 1, avoid)
    return None


def _has(token: Any, deps: tuple[str, ...], words: set[str] | None = None) -> bool:
    return any(c.dep_ in deps and (words is None or c.lower_ in words) for c in token.children)


def _blocked(verb: Any, table: CueTable, subject: Any | None, chain: bool = True) -> bool:
    """Negated, hypothetical, questioned, or the speaker voicing his present view."""
    if _has(verb, ("neg",)):
        return True
    if any(c.dep_ == "aux" and c.lower_ in table.modals for c in verb.children):
        return True
    if verb.head.lemma_ == "let" and verb.head is not verb:
        return True  # "Let me say that ..."
    if verb.dep_ == "xcomp" and verb.head.lemma_ in ("let", "want", "like", "must", "have", "need", "try", "wish",
                                                      "hope", "go", "intend", "plan", "prefer"):
        if verb.head.lemma_ != "have" or verb.head.tag_ != "VBN":
            return True  # "let me say", "I want to stress", "I have to say"
    if subject is not None and subject.i < verb.i and any(
            c.dep_ in ("aux", "auxpass") and c.i < subject.i for c in verb.children) and _question(verb):
        return True  # "Did X confirm ...?"
    if subject is not None and subject.lower_ in ("i", "me") and _present(verb):
        return True
    if subject is not None and (subject.lower_ in NEGATIVE_SUBJECTS or any(
            c.dep_ == "det" and c.lower_ == "no" for c in subject.children)):
        return True  # "No one is proposing ..."
    if verb.dep_ == "xcomp" and (verb.head.pos_ in ("AUX", "ADJ") or verb.head.lemma_ == "be"):
        return True  # "It is difficult to say ..."
    if chain and _hypothetical(verb, table):
        return True
    if verb.head.lemma_ in ("would", "will") or any(a.lower_ in ("if",) for a in verb.children if a.dep_ == "mark"):
        return True
    return False


def _hypothetical(verb: Any, table: CueTable) -> bool:
    """A cue under a modal or purpose clause: "so that one day X can ... by claiming"."""
    node = verb
    for _ in range(4):
        if node.dep_ not in ("pcomp", "prep", "advcl", "xcomp", "pobj") or node.head is node:
            return False
        node = node.head
        if node.pos_ in ("VERB", "AUX") and any(
                c.dep_ == "aux" and c.lower_ in table.modals for c in node.children):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in node.children):
            return True
    return False


def _question(verb: Any) -> bool:
    sent = verb.sent
    return sent.text.rstrip().endswith("?") or sent[-1].text == "?"


def _present(verb: Any) -> bool:
    """A verb in the present, not perfect: the speaker's own present view."""
    if verb.tag_ in ("VBD",):
        return False
    if verb.tag_ == "VBN" and _has(verb, ("aux",), {"have", "has", "had", "'ve", "'d"}):
        return False
    if _has(verb, ("aux",), {"was", "were", "did", "had"}):
        return False
    return True


# -- the kinds of cue -----------------------------------------------------------

def _complement(verb: Any, table: CueTable) -> Any | None:
    """The token heading what ``verb`` reports, or None."""
    lemma = verb.lemma_.lower()
    ccomps = [c for c in verb.children if c.dep_ == "ccomp"]
    if ccomps:
        after = [c for c in ccomps if c.i > verb.i]
        return after[0] if after else ccomps[0]
    if lemma in table.infinitive:
        for c in verb.children:
            if c.dep_ in ("xcomp", "advcl") and c.i > verb.i and c.pos_ in ("VERB", "AUX") and (
                    c.tag_ == "VBG" or any(a.lower_ == "to" for a in c.children)):
                return c
    if lemma in table.noun_object:
        for c in verb.children:
            if c.dep_ in ("dobj",) and c.i > verb.i and not _is_pronoun_only(c) and len(list(c.subtree)) >= 2 \
                    and c.lemma_.lower() not in table.topic_nouns:
                return c
    particles = table.prepositional.get(lemma, ())
    for c in verb.children:
        if c.dep_ in ("prep", "prt") and c.lower_ in particles:
            objs = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
            if objs and not _is_pronoun_only(objs[0]):
                return objs[0]
            if c.dep_ == "prt":
                for d in verb.children:
                    if d.dep_ in ("ccomp", "dobj") and not _is_pronoun_only(d):
                        return d
    return None


def _extend_right(content: Span, verb: Any, comp: Any, table: CueTable, offset: int) -> Span:
    """Carry the content on to the end of the cue's clause ("argued that X, but
    Y", "said that X – that Y", "threatened that X, while Y"), stopping before
    a coordinated cue of its own ("said X and added Y") or a clause of reason
    or time attached to the cue ("stated X because Y")."""
    end = content.end
    for c in sorted((c for c in verb.children if c.i > comp.right_edge.i), key=lambda t: t.i):
        if c.dep_ == "conj" and c.lemma_.lower() in table.verbs:
            break
        if c.dep_ == "conj" and _has(c, SUBJECTS) and not _has(c, ("mark",), {"that"}) and not any(
                t.dep_ == "cc" and t.lower_ in ("but", "yet") for t in verb.children if comp.i < t.i < c.i):
            break  # "said X, and once again we go back ...": a new clause of the speaker's
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in STOP_MARKS for m in c.children):
            break  # "stated X, primarily because Y": the reason is the reporter's
        span = _tokens_span(list(c.subtree), offset)
        if span is not None and c.dep_ not in ("cc", "punct"):
            end = max(end, span.end)
    return Span(content.start, end)


def verb_group_span(verb: Any, offset: int) -> Span:
    """The verb group: adverbs and auxiliaries right before it, particles after."""
    first = verb
    for c in sorted(verb.children, key=lambda t: -t.i):
        if c.i < first.i and c.dep_ in ("aux", "advmod", "neg", "auxpass") and c.i == first.i - 1:
            first = c
    last = verb
    for c in verb.children:
        if c.dep_ in ("prt", "prep") and c.i == last.i + 1 and c.lower_ in ("out", "for", "on", "about"):
            last = c
    if verb.dep_ == "xcomp" and verb.head.i < verb.i and verb.i - verb.head.i <= 2 and verb.head.pos_ == "VERB":
        first = verb.head  # "proceeded to say", "seek to convince"
    return Span(offset + first.idx, offset + last.idx + len(last.text))


def _verb_report(verb: Any, table: CueTable, offset: int) -> Report | None:
    lemma = verb.lemma_.lower()
    comp = _complement(verb, table) if lemma in table.verbs or lemma in table.prepositional else None
    subject = source_token(verb)
    if comp is not None:
        if _is_pronoun_only(comp) or _blocked(verb, table, subject):
            return None
        if lemma not in ASKING and comp.left_edge.lower_ in WH_WORDS and comp.left_edge.i > verb.i:
            return None  # "discussed how to move forward": a topic, not a proposition
        if subject is not None and subject.lemma_.lower() in table.not_speech_subjects:
            return None
        if verb.dep_ == "relcl" and subject is not None and subject.lower_ not in RELATIVE and not any(
                c.lower_ in ("where", "when") for c in verb.children) and comp.dep_ != "ccomp":
            return None  # "the teams we have proposed creating": names the proposal, reports nothing
        if comp.i < verb.i and verb.dep_ == "parataxis":
            comp = verb.head
        content = subtree_span(comp, offset)
        if content is not None and comp.i > verb.i and comp.dep_ != "dobj":
            content = _extend_right(content, verb, comp, table, offset)
        if content is None:
            return None
        return Report(verb_group_span(verb, offset), content, subject, "verb", verb)
    if lemma in table.verbs:
        # a parse that took the complementiser for an object: "It emphasises that/dobj X/dobj ..."
        that = next((c for c in verb.children if c.lower_ == "that" and c.dep_ in ("dobj", "nsubj", "attr")
                     and verb.i < c.i <= verb.i + 3 and c.i < len(c.doc) - 1
                     and not c.doc[c.i + 1].is_punct), None)
        if that is not None and not _blocked(verb, table, subject):
            content = _tokens_span([t for t in verb.subtree if t.i > that.i], offset)
            if content is not None:
                return Report(verb_group_span(verb, offset), content, subject, "verb", verb)
    return None


def _parenthetical_report(verb: Any, table: CueTable, offset: int) -> Report | None:
    """ "X, he said, Y", "Y, he insisted", "as he put it", "as X explained"."""
    lemma = verb.lemma_.lower()
    if lemma not in table.parenthetical or lemma in ("call", "label") and _has(verb, ("oprd",)):
        return None
    as_clause = verb.dep_ == "advcl" and _has(verb, ("mark",), {"as"})
    subjects = [c for c in verb.children if c.dep_ in SUBJECTS and c.i < verb.i]
    interposed = (len(subjects) >= 2 and subjects[-1].i == verb.i - 1 and subjects[-1].i > 0
                  and verb.doc[subjects[-1].i - 1].text == "," and verb.i + 1 < len(verb.doc)
                  and verb.doc[verb.i + 1].text == ",")
    if interposed and not _blocked(verb, table, subjects[-1]):
        content = _tokens_span(list(verb.subtree), offset)
        return Report(verb_group_span(verb, offset), content, subjects[-1], "parenthetical", verb) if content else None
    if not (verb.dep_ == "parataxis" or as_clause):
        return None
    if any(c.dep_ in ("ccomp", "xcomp") for c in verb.children):
        return None
    subject = source_token(verb)
    if subject is None or _blocked(verb, table, subject, chain=False) or verb.head.pos_ not in ("VERB", "AUX"):
        return None
    if as_clause and is_idiom(verb, subject):
        return None
    head = verb.head
    content = subtree_span(head, offset, exclude=verb)
    if content is None:
        return None
    cue_end = offset + verb.right_edge.idx + len(verb.right_edge.text)
    if as_clause and lemma != "put" and content.start < offset + verb.idx and cue_end < content.end:
        # "And as I said, X": the content starts after the cue's clause
        rest = [t for t in head.subtree if t.i > verb.right_edge.i and not t.is_punct]
        if rest:
            content = Span(offset + rest[0].idx, content.end)
        opening = [t for t in verb.sent if t.i < verb.left_edge.i and not (t.is_punct or t.dep_ == "cc")]
        if not opening:  # "As I said, X — Y.": the rest of the sentence
            whole = _tokens_span([t for t in verb.sent if t.i > verb.right_edge.i], offset)
            if whole is not None:
                content = Span(content.start, max(content.end, whole.end))
    if as_clause and lemma == "put":
        # "consult, as he put it, with his allies": the phrase around the cue
        left = [t for t in head.subtree if t.i < verb.i and t.pos_ == "VERB"]
        whole = subtree_span(head, offset)
        if left and whole is not None:
            content = Span(offset + left[-1].idx, whole.end)
    return Report(verb_group_span(verb, offset), content, subject, "parenthetical", verb)


def is_idiom(verb: Any, subject: Any) -> bool:
    """ "as we say", "as they say": a saying, not a report."""
    return (verb.lemma_ in ("say", "put") and verb.tag_ != "VBD"
            and subject.lower_ in ("we", "they", "you", "one"))


def _naming_report(verb: Any, table: CueTable, offset: int) -> Report | None:
    """ "what they call a strategic defeat", "as he labels his actions"."""
    if verb.lemma_.lower() not in table.naming:
        return None
    oprd = [c for c in verb.children if c.dep_ == "oprd"]
    if verb.dep_ == "acl":
        return None  # "a sport called sambo": a name, not a report
    subject = source_token(verb)
    if not oprd or subject is None or _blocked(verb, table, subject):
        return None
    content = subtree_span(oprd[0], offset)
    return Report(verb_group_span(verb, offset), content, subject, "naming", verb) if content else None


def _noun_report(noun: Any, table: CueTable, offset: int) -> Report | None:
    """ "his statement that ...", "Their complaint was that ...", "sent a message that ..."."""
    if noun.lemma_.lower() not in table.nouns or noun.pos_ != "NOUN":
        return None
    comp = None
    for c in noun.children:
        if c.dep_ in ("acl", "ccomp", "relcl") and any(m.lower_ == "that" and m.dep_ == "mark" for m in c.children):
            comp = c
        elif c.dep_ in ("acl",) and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children) and \
                noun.lemma_.lower() in ("promise", "proposal", "demand", "request", "threat", "pledge", "appeal"):
            comp = c
    if comp is None and noun.dep_ == "nsubj" and noun.head.lemma_ == "be":
        comp = next((c for c in noun.head.children if c.dep_ == "ccomp" and c.i > noun.head.i), None)
    if comp is None or _is_pronoun_only(comp):
        return None
    source = next((c for c in noun.children if c.dep_ == "poss"), None)
    if source is None:
        source = next((c for c in noun.children if c.dep_ in ("compound", "amod") and c.pos_ == "PROPN"
                       or c.dep_ == "amod" and c.ent_type_ == "NORP"), None)
    cue = Span(offset + noun.idx, offset + noun.idx + len(noun.text))
    if source is None and noun.dep_ == "dobj" and noun.head.lemma_.lower() in LIGHT_VERBS:
        verb = noun.head
        if _blocked(verb, table, source_token(verb)):
            return None
        source = source_token(verb)
        cue = Span(offset + verb.idx, cue.end)
    content = subtree_span(comp, offset)
    return Report(cue, content, source, "noun", noun) if content else None


def _according_report(token: Any, offset: int) -> Report | None:
    """ "According to X, Y" and "Y, according to X"."""
    if token.lower_ != "according":
        return None
    to = next((c for c in token.children if c.lower_ == "to"), None)
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if pobj is None:
        return None
    head = token.head
    while head.dep_ not in ("ROOT", "ccomp", "conj", "advcl", "relcl") and head.head is not head:
        head = head.head
    content = subtree_span(head, offset, exclude=token)
    if content is None:
        return None
    return Report(Span(offset + token.idx, offset + to.idx + len(to.text)), content, pobj, "according", token)


def _evidential_report(token: Any, table: CueTable, offset: int) -> Report | None:
    """ "Allegedly, everyone must ..." (the source comes from the context)."""
    if token.lower_ not in table.evidential or token.dep_ != "advmod":
        return None
    head = token.head
    content = subtree_span(head, offset, exclude=token)
    if content is None:
        return None
    return Report(Span(offset + token.idx, offset + token.idx + len(token.text)), content, None,
                  "evidential", token)


def find_reports(doc: Any, offset: int) -> list[Report]:
    """Every report in one parsed chunk (a spaCy Doc at ``offset``)."""
    table = cue_table()
    out: list[Report] = []
    for token in doc:
        report = None
        if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
            report = (_verb_report(token, table, offset) or _naming_report(token, table, offset)
                      or _parenthetical_report(token, table, offset))
        if report is None and token.pos_ == "NOUN":
            report = _noun_report(token, table, offset)
        if report is None:
            report = _according_report(token, offset) or _evidential_report(token, table, offset)
        if report is not None and len(report.content) > 0:
            out.append(report)
    return out
