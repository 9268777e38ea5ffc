"""The clause of a cue of saying: token spans, the token heading its source,
and whether the cue is blocked (negated, hypothetical, a question, the
speaker's own present view), on a spaCy parse."""
from __future__ import annotations

from typing import Any

from parley.analysers.attribution.cuewords import NEGATIVE_SUBJECTS, PRONOUN_CONTENT, RELATIVE, SUBJECTS, CueTable
from parley.document import Span

# -- spans from tokens ---------------------------------------------------------

def tokens_span(tokens: list[Any], offset: int) -> Span | None:
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
    return tokens_span(toks, offset)


def is_pronoun_only(token: Any) -> bool:
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


def has_child(token: Any, deps: tuple[str, ...], words: set[str] | None = None) -> bool:
    return any(c.dep_ in deps and (words is None or c.lower_ in words) for c in token.children)


def is_blocked(verb: Any, table: CueTable, subject: Any | None, chain: bool = True) -> bool:
    """Negated, hypothetical, questioned, or the speaker voicing his present view."""
    if has_child(verb, ("neg",)):
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
    if verb.tag_ == "VBN" and has_child(verb, ("aux",), {"have", "has", "had", "'ve", "'d"}):
        return False
    if has_child(verb, ("aux",), {"was", "were", "did", "had"}):
        return False
    return True
