"""How much of a cue's weight reaches each target of its sentence.

Targets are the entities a sentence mentions, by name or by a third-person
pronoun resolved to an entity (``pronoun_mentions``). A cue reaches a target
weighted by their distance in the dependency tree (``tree_distance``) and by
syntactic roles (``role_factor``): someone else's words (quotations, reported
speech), if-clauses, victims, disowned reports ("supposedly"), avoided
actions ("instead of") and verbs of opposition (reversed); a contrastive
"but" weighs what follows it over what precedes it (``but_weights``).
"""
from __future__ import annotations

import re
from typing import Any

from parley.analysers.stance.lexicon import Cue, Lexicon
from parley.document import Span
from parley.nlp.references import PERSONAL, PLURAL, SourceResolver

# Pronouns read as mentions of the entity they stand for ("it" is left out:
# it mostly stands for a situation or a proposal, not an actor).
COREFERENT_PRONOUNS = PERSONAL | PLURAL


def tree_distance(a: Any, b: Any) -> int:
    """Edges between two tokens of one sentence in the dependency tree."""
    path_a = [a] + list(a.ancestors)
    depth_a = {t.i: d for d, t in enumerate(path_a)}
    for d_b, t in enumerate([b] + list(b.ancestors)):
        if t.i in depth_a:
            return depth_a[t.i] + d_b
    return len(path_a) + len(list(b.ancestors)) + 1


# How much of a cue's weight reaches a target in these syntactic roles.
REPORTED = 0.3  # the cue is in words the target is reported to have said
PATIENT = 0.3  # the target undergoes the criticised action
CONDITIONAL = 0.3  # the cue sits in an if-clause
FARTHER = 0.5  # another target of the sentence is nearer to the cue
BUT_BEFORE = 0.5  # a cue before a contrastive "but" in its sentence
BUT_AFTER = 1.5  # a cue after it
RESOLVED = 0.5  # the target is a pronoun resolved to it (the resolution may be wrong)
DISOWNED = 0.0  # the cue is in a report the speaker disowns ("X supposedly did Y")
OPPOSED = -0.5  # the target acts against what the cue evaluates ("X resists aggression")
AVOIDED = 0.0  # the cue is in what the target did not do ("instead of", "rather than")
_SUBJECTS = ("nsubj", "nsubjpass", "csubj", "agent", "expl")
_OBJECTS = ("dobj", "pobj", "nsubjpass", "dative", "attr")


_QUOTATION = re.compile(r"“[^“”]{1,3000}”|\"[^\"\n]{1,3000}\"")


def long_quotes(sent: Any, lexicon: Lexicon, cache: dict[int, Any] | None = None) -> list[tuple[int, int]]:
    """Token ranges of quotations longer than a scare quote (someone's words)
    that overlap ``sent``; a quotation may run over several sentences, so
    they are found in the whole parsed chunk (once per chunk with ``cache``)."""
    doc = sent.doc
    cache = {} if cache is None else cache
    ranges = cache.get(id(doc))
    if ranges is None or ranges[0] is not doc:
        found = []
        for m in _QUOTATION.finditer(doc.text):
            if len(m.group(0)[1:-1].split()) > lexicon.scare_quote_max_words:
                span = doc.char_span(m.start() + 1, m.end() - 1, alignment_mode="expand")
                if span is not None:
                    found.append((span.start, span.end))
        ranges = (doc, found)
        cache.clear()  # one chunk at a time: sentences come in document order
        cache[id(doc)] = ranges
    return [(a, b) for a, b in ranges[1] if a < sent.end and sent.start < b]


def role_factor(cue: Cue, target: Any, quoted: list[tuple[int, int]], lexicon: Lexicon) -> float:
    """Down-weights cues that are not the speaker's evaluation of ``target``."""
    tok = cue.token
    if any(start <= tok.i < end for start, end in quoted):
        return REPORTED
    if any(start <= target.i < end for start, end in quoted):
        return REPORTED  # the target is named in someone else's words: the cue is about those words
    for anc in tok.ancestors:
        if anc.lemma_.lower() in lexicon.speech_cues and anc.pos_ in ("VERB", "AUX"):
            if any(c.dep_ in _SUBJECTS and c.left_edge.i <= target.i <= c.right_edge.i
                   for c in _subjects_of(anc)):
                return REPORTED
            break
    for sib in tok.sent:
        # a parenthetical "..., he said, ..." makes the whole sentence reported
        if sib.dep_ == "parataxis" and sib.lemma_.lower() in lexicon.speech_cues and any(
                c.dep_ in _SUBJECTS and c.left_edge.i <= target.i <= c.right_edge.i for c in sib.children):
            return REPORTED
    for anc in [tok] + list(tok.ancestors):
        if anc.dep_ == "advcl" and any(c.lower_ == "if" and c.dep_ == "mark" for c in anc.children):
            return CONDITIONAL
        if anc.dep_ == "prep" and any(c.lower_ in ("instead", "rather") for c in anc.children):
            return AVOIDED  # "instead of X-ing", "rather than X"
    if cue.value < 0 and _disowned(tok, target, lexicon):
        return DISOWNED
    if _opposed_by(tok, target, lexicon):
        return OPPOSED
    if cue.value < 0 and _is_patient(target, tok):
        return PATIENT
    return 1.0


def _clause_of(tok: Any) -> Any:
    """The verb heading the clause ``tok`` belongs to (``tok`` itself for a verb)."""
    node = tok
    while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
        node = node.head
    return node


def _disowned(cue: Any, target: Any, lexicon: Lexicon) -> bool:
    """Whether ``cue`` sits in a clause the speaker disowns with an adverb of
    disbelief ("whatever X is supposedly plotting", "X allegedly cheated")
    and ``target`` takes part in that clause: the blame is someone else's
    report, which the speaker does not endorse, so it says nothing against
    the target (the adverb itself is a cue against whoever made the report)."""
    clause = _clause_of(cue)
    if not any(c.lower_ in lexicon.disbelief for c in clause.children):
        return False
    return clause.left_edge.i <= target.i <= clause.right_edge.i


def _opposed_by(cue: Any, target: Any, lexicon: Lexicon) -> bool:
    """Whether ``target`` is the subject of a verb of opposition whose object
    holds ``cue`` ("X resists aggression", "X stood up to the bullies"): X's
    acting against something bad speaks for X, against something good
    against X, so the cue counts with its sign reversed."""
    for verb in cue.ancestors:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        particles = [c.lower_ for c in verb.children if c.dep_ == "prt"]
        name = verb.lemma_.lower()
        if name not in lexicon.opposing and not any(f"{name} {p}" in lexicon.opposing for p in particles):
            return False  # only the nearest verb above the cue decides
        return any(c.left_edge.i <= target.i <= c.right_edge.i for c in _subjects_of(verb))
    return False


def _subjects_of(verb: Any) -> list[Any]:
    """The subject children of ``verb``, or for a participle or infinitive
    without one ("..., saying that ...", "by claiming that ...") those of the
    verb it hangs on: the one who says is the subject of the main clause."""
    node = verb
    for _ in range(3):
        subjects = [c for c in node.children if c.dep_ in _SUBJECTS]
        if subjects or node.dep_ not in ("advcl", "xcomp", "pcomp", "acl", "conj", "prep") or node.head.i == node.i:
            return subjects
        node = node.head
    return []


def _is_patient(target: Any, cue: Any) -> bool:
    """Whether ``target`` undergoes the action of a clause that also holds
    ``cue`` and has a subject of its own (the victim, not the actor)."""
    node = target
    while node.head is not node:
        if node.dep_ in ("compound", "conj", "appos", "amod", "flat", "nmod"):
            node = node.head
        elif node.dep_ == "pobj" and node.head.dep_ == "prep" and node.head.head.pos_ in ("NOUN", "PROPN", "PRON"):
            node = node.head.head  # "the people of X": X shares the fate of "the people"
        else:
            break
    dep, verb = node.dep_, node.head
    if dep == "pobj" and verb.dep_ in ("prep", "agent") and verb.head is not verb:
        if verb.dep_ == "agent":
            return False  # "by X": the actor of a passive
        dep, verb = "pobj", verb.head
    if dep not in _OBJECTS or verb.pos_ not in ("VERB", "AUX"):
        return False
    if not (cue.i == verb.i or verb.is_ancestor(cue)):
        return False
    return dep == "nsubjpass" or any(c.dep_ in ("nsubj", "csubj") for c in verb.children)


def but_weights(sent: Any) -> dict[int, float]:
    """Weight of each token of ``sent`` by its side of a contrastive "but"
    (a coordinating or sentence-joining "but", "however", "yet"): what
    follows is what the speaker stands by ("a fine plan, but a dangerous
    one"), so cues before it weigh BUT_BEFORE and after it BUT_AFTER."""
    weights = dict.fromkeys(range(sent.start, sent.end), 1.0)
    pivot = next((t for t in sent if t.lower_ in ("but", "however", "yet") and t.i > sent.start
                  and t.dep_ in ("cc", "advmod", "mark")), None)
    if pivot is not None:
        for i in weights:
            weights[i] = BUT_BEFORE if i < pivot.i else BUT_AFTER
    return weights


def pronoun_mentions(sent: Any, offset: int, turn: int, resolver: SourceResolver, entity_ids: set[str],
                     named: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
    """Third-person pronouns of the sentence ("he", "her", "they", "their")
    as mentions of the entity ``sources.SourceResolver`` resolves them to
    (the latest person or group named before them), so that "He is a danger"
    after a name reaches that name. Pronouns that resolve to nothing named,
    or to an entity already named in the sentence, add nothing."""
    out = []
    seen = {eid for _, eid in named}
    for tok in sent:
        if tok.lower_ not in COREFERENT_PRONOUNS:
            continue
        found = resolver.resolve(tok, offset, turn)
        if found is None or found[0] not in entity_ids or found[0] in seen:
            continue
        out.append((Span(offset + tok.idx, offset + tok.idx + len(tok.text)), found[0]))
        seen.add(found[0])  # one pronoun per entity and sentence
    return out
