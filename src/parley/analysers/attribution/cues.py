"""Cues of reported speech in a spaCy parse, and the content they report.

``find_reports(chunk)`` walks one parsed chunk and returns a ``Report`` for
every verb, noun, adverb or phrase of saying whose complement is reported
content: "X stated that ...", "his statement that ...", "according to X, ...",
"as he put it", "X, he said, Y", "what they call Y", "allegedly ...". Each
report carries the cue span, the content span (without "that" and final
punctuation), and the token heading the source noun phrase, if the sentence
has one. Which source that token names is decided later (``nlp/references.py``).

The word lists live in ``data/reporting_cues.json`` (``cuewords.py``), the
tests on a cue's clause (its source, negation, modality) in ``clause.py``;
nothing here is keyed to any one transcript.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley.analysers.attribution.clause import (
    has_child, is_blocked, is_pronoun_only, source_token, subtree_span, tokens_span
)
from parley.analysers.attribution.cuewords import (
    ASKING, LIGHT_VERBS, RELATIVE, STOP_MARKS, SUBJECTS, WH_WORDS, CueTable, cue_table
)
from parley.document import Span

__all__ = ["Report", "cue_table", "find_reports", "is_idiom", "source_token", "verb_group_span"]


@dataclass(frozen=True)
class Report:
    """One cue of saying found in the parse (offsets into the document)."""

    cue: Span
    content: Span
    source: Any | None  # spaCy Token heading the source phrase, or None
    kind: str  # verb | noun | according | parenthetical | naming | evidential
    cue_token: Any = None  # the spaCy Token of the cue word


# -- the kinds of cue -----------------------------------------------------------

def _asks(verb: Any) -> bool:
    """A verb of asking: "ask", "wonder", or "know" after "want"/"would like" ("he wants to know what ...")."""
    lemma = verb.lemma_.lower()
    return lemma in ASKING or (lemma == "know" and verb.dep_ == "xcomp" and verb.i > verb.head.i
                               and verb.head.lemma_.lower() in ("want", "like", "wish"))


def _complement(verb: Any, table: CueTable) -> Any | None:
    """The token heading what ``verb`` reports, or None."""
    lemma = verb.lemma_.lower()
    if _asks(verb):
        # "asks you if Russia might consider ...": the indirect question
        for c in verb.children:
            if c.dep_ == "advcl" and c.i > verb.i and any(m.dep_ == "mark" and m.lower_ in ("if", "whether")
                                                           for m in c.children):
                return c
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
            if c.dep_ in ("dobj",) and c.i > verb.i and not is_pronoun_only(c) and len(list(c.subtree)) >= 2 \
                    and c.lemma_.lower() not in table.topic_nouns:
                return c
    particles = table.prepositional.get(lemma, ())
    for c in verb.children:
        if c.dep_ in ("prep", "prt") and c.lower_ in particles:
            objs = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
            if objs and not is_pronoun_only(objs[0]):
                return objs[0]
            if c.dep_ == "prt":
                for d in verb.children:
                    if d.dep_ in ("ccomp", "dobj") and not is_pronoun_only(d):
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
        if c.dep_ == "conj" and has_child(c, SUBJECTS) and not has_child(c, ("mark",), {"that"}) and not any(
                t.dep_ == "cc" and t.lower_ in ("but", "yet") for t in verb.children if comp.i < t.i < c.i):
            break  # "said X, and once again we go back ...": a new clause of the speaker's
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in STOP_MARKS for m in c.children):
            break  # "stated X, primarily because Y": the reason is the reporter's
        span = tokens_span(list(c.subtree), offset)
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
    asks = _asks(verb)
    comp = _complement(verb, table) if lemma in table.verbs or lemma in table.prepositional or (asks and lemma == "know") else None
    clause_verb = verb.head if lemma == "know" and asks else verb  # "he wants to know": the clause of "wants"
    subject = source_token(clause_verb)
    if comp is not None:
        if is_pronoun_only(comp) or is_blocked(clause_verb, table, subject):
            return None
        if not asks and comp.left_edge.lower_ in WH_WORDS and comp.left_edge.i > verb.i:
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
        if that is not None and not is_blocked(verb, table, subject):
            content = tokens_span([t for t in verb.subtree if t.i > that.i], offset)
            if content is not None:
                return Report(verb_group_span(verb, offset), content, subject, "verb", verb)
    return None


def _parenthetical_report(verb: Any, table: CueTable, offset: int) -> Report | None:
    """ "X, he said, Y", "Y, he insisted", "as he put it", "as X explained"."""
    lemma = verb.lemma_.lower()
    if lemma not in table.parenthetical or lemma in ("call", "label") and has_child(verb, ("oprd",)):
        return None
    as_clause = verb.dep_ == "advcl" and has_child(verb, ("mark",), {"as"})
    subjects = [c for c in verb.children if c.dep_ in SUBJECTS and c.i < verb.i]
    interposed = (len(subjects) >= 2 and subjects[-1].i == verb.i - 1 and subjects[-1].i > 0
                  and verb.doc[subjects[-1].i - 1].text == "," and verb.i + 1 < len(verb.doc)
                  and verb.doc[verb.i + 1].text == ",")
    if interposed and not is_blocked(verb, table, subjects[-1]):
        content = tokens_span(list(verb.subtree), offset)
        return Report(verb_group_span(verb, offset), content, subjects[-1], "parenthetical", verb) if content else None
    if not (verb.dep_ == "parataxis" or as_clause):
        return None
    if any(c.dep_ in ("ccomp", "xcomp") for c in verb.children):
        return None
    subject = source_token(verb)
    if subject is None or is_blocked(verb, table, subject, chain=False) or verb.head.pos_ not in ("VERB", "AUX"):
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
            whole = tokens_span([t for t in verb.sent if t.i > verb.right_edge.i], offset)
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
    if not oprd or subject is None or is_blocked(verb, table, subject):
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
    if comp is None or is_pronoun_only(comp):
        return None
    source = next((c for c in noun.children if c.dep_ == "poss"), None)
    if source is None:
        source = next((c for c in noun.children if c.dep_ in ("compound", "amod") and c.pos_ == "PROPN"
                       or c.dep_ == "amod" and c.ent_type_ == "NORP"), None)
    cue = Span(offset + noun.idx, offset + noun.idx + len(noun.text))
    if source is None and noun.dep_ == "dobj" and noun.head.lemma_.lower() in LIGHT_VERBS:
        verb = noun.head
        if is_blocked(verb, table, source_token(verb)):
            return None
        source = source_token(verb)
        # from the light verb on ("made the claim"); a verb after its object
        # ("that claim he made") would give an inverted span
        cue = Span(min(offset + verb.idx, cue.start), cue.end)
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
