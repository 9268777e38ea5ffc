"""Stance: the principal speaker's attitude toward each entity.

Lexicon and syntax, no model: every sentence a principal speaks (a turn whose
speaker is not the interviewer) is searched for evaluative cues, namely words
and phrases of the table ``data/stance_lexicon.json``, negated cues (flipped),
and scare quotes ("another great “strategist”" is ridicule, so negative).
Each cue is credited to each entity mentioned in the same sentence (named, or
a third-person pronoun resolved by ``sources.SourceResolver``), weighted by
how close the two are in the dependency tree, so that praise of one actor
and blame of another in one sentence land on the right targets. Syntactic
roles adjust the weight: someone else's words (quotations, reported speech),
if-clauses, victims, disowned reports ("supposedly"), avoided actions
("instead of"), verbs of opposition (reversed) and a contrastive "but".

Scores add up per (holder, target) over the whole document (``turn=None``)
and per turn; the sign gives the polarity when the net clears a margin and a
share of all the evidence, otherwise the stance is neutral. The evidence is
the sentences that weigh most.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from parley.document import Analysis, Span
from parley.errors import ModelUnavailable
from parley.pipeline.registry import analyser
from parley.document.records import Stance, Turn
from parley.render.sections import Cell, Rows, section
from parley.nlp.references import PERSONAL, PLURAL, SourceResolver

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "stance_lexicon.json"
# How fast a cue's weight falls with distance in the dependency tree, and the
# net score a target needs for a polarity; tuned on the gold transcripts other
# than the seed (see benchmarks/bench_answers_stance.py).
DECAY = 0.5
MARGIN = 0.02
MAX_EVIDENCE = 3
BALANCE = 0.1  # the share of all evidence the net must reach for a polarity (with MARGIN)
INTERVIEWER = "interviewer"
# Pronouns read as mentions of the entity they stand for ("it" is left out:
# it mostly stands for a situation or a proposal, not an actor).
COREFERENT_PRONOUNS = PERSONAL | PLURAL
# Parts of speech whose words never carry the speaker's evaluation by themselves.
NON_EVALUATIVE_POS = frozenset({"PROPN", "ADP", "SCONJ", "CCONJ", "DET", "PRON", "PART", "NUM"})
_QUOTED = re.compile(r"[“\"‘]([^“”\"‘’\n]{1,60})[”\"’]")


@dataclass(frozen=True)
class Lexicon:
    positive: dict[str, float]
    negative: dict[str, float]
    phrases: tuple[tuple[re.Pattern, float], ...]
    negators: frozenset[str]
    speech_cues: frozenset[str]
    scare_quote_max_words: int
    scare_quote_weight: float
    only_as: dict[str, frozenset[str]]  # lemma -> the parts of speech it evaluates in
    disbelief: frozenset[str]  # adverbs by which the speaker disowns a report ("allegedly")
    opposing: frozenset[str]  # verbs whose subject acts against their object ("resist", "stand up")


@lru_cache(maxsize=4)
def load_lexicon(path: str = str(LEXICON_PATH)) -> Lexicon:
    """The evaluative lexicon (a data table), read once."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        phrases = [(re.compile(r"\b" + re.escape(p) + r"\b"), float(w))
                   for p, w in data.get("phrases_positive", {}).items()]
        phrases += [(re.compile(r"\b" + re.escape(p) + r"\b"), -float(w))
                    for p, w in data.get("phrases_negative", {}).items()]
        return Lexicon(
            positive={k: float(v) for k, v in data["positive"].items()},
            negative={k: float(v) for k, v in data["negative"].items()},
            phrases=tuple(phrases),
            negators=frozenset(data.get("negators", ())),
            speech_cues=frozenset(data.get("speech_cues", ())),
            scare_quote_max_words=int(data.get("scare_quote_max_words", 3)),
            scare_quote_weight=float(data.get("scare_quote_weight", 2.0)),
            only_as={k: frozenset(v) for k, v in data.get("only_as", {}).items()},
            disbelief=frozenset(data.get("disbelief", ())),
            opposing=frozenset(data.get("opposing_verbs", ())),
        )
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ModelUnavailable(f"the stance lexicon {path} cannot be read: {e}") from e


@dataclass
class Cue:
    token: Any  # the spaCy token the cue is anchored on
    value: float  # signed weight: > 0 praise, < 0 criticism
    span: Span


def sentence_cues(sent: Any, offset: int, lexicon: Lexicon) -> list[Cue]:
    """Evaluative cues of one spaCy sentence (``offset``: its chunk's offset)."""
    cues: list[Cue] = []
    in_scare: set[int] = set()
    text = sent.text
    for m in _QUOTED.finditer(text):
        words = m.group(1).split()
        if not words or len(words) > lexicon.scare_quote_max_words:
            continue
        qspan = sent.doc.char_span(sent.start_char + m.start(1), sent.start_char + m.end(1), alignment_mode="expand")
        if qspan is None or len(qspan) == 0:
            continue
        before = [t for t in sent.doc[max(sent.start, qspan.start - 4):qspan.start] if not t.is_punct]
        if any(t.lower_ in lexicon.speech_cues or t.lemma_.lower() in lexicon.speech_cues for t in before):
            continue  # a term or words quoted as such, not ridicule
        if sent.doc[max(sent.start, qspan.start - 2):qspan.start].text.strip().endswith(":"):
            continue
        if any(t.pos_ == "PROPN" for t in qspan) and not any(t.pos_ in ("NOUN", "ADJ") for t in qspan):
            continue  # a quoted name or title
        in_scare.update(t.i for t in qspan)
        cues.append(Cue(qspan.root, -lexicon.scare_quote_weight, _tok_span(qspan[0], offset, qspan[-1])))
    for tok in sent:
        if tok.i in in_scare or tok.is_punct or tok.pos_ in NON_EVALUATIVE_POS:
            continue  # a word of a name ("United States") or a function word ("just like")
        lemma = tok.lemma_.lower()
        low = tok.lower_
        allowed = lexicon.only_as.get(lemma, lexicon.only_as.get(low))
        if allowed is not None and tok.pos_ not in allowed:
            continue  # "kind" the noun (a sort of), not the adjective
        value = lexicon.positive.get(lemma, lexicon.positive.get(low, 0.0))
        value -= lexicon.negative.get(lemma, lexicon.negative.get(low, 0.0))
        if not value:
            continue
        if _negated(tok, lexicon):
            value = -value
        cues.append(Cue(tok, value, _tok_span(tok, offset)))
    lower = text.lower()
    for pattern, value in lexicon.phrases:
        for m in pattern.finditer(lower):
            span = sent.doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand")
            if span is not None and len(span):
                cues.append(Cue(span.root, value, _tok_span(span[0], offset, span[-1])))
    return cues


def _tok_span(first: Any, offset: int, last: Any | None = None) -> Span:
    last = first if last is None else last
    return Span(offset + first.idx, offset + last.idx + len(last.text))


def _negated(tok: Any, lexicon: Lexicon) -> bool:
    if any(c.dep_ == "neg" or c.lower_ in lexicon.negators for c in tok.children):
        return True
    head = tok.head
    if tok.dep_ in ("acomp", "attr", "dobj", "xcomp", "oprd", "amod", "advmod") and head is not tok:
        if any(c.dep_ == "neg" for c in head.children):
            return True
    prev = [t.lower_ for t in tok.doc[max(tok.sent.start, tok.i - 3):tok.i]]
    return any(p in ("not", "never", "no", "n't") for p in prev)


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


def principal_turns(turns: list[Turn]) -> dict[int, Turn]:
    """Turns spoken by a principal (not the interviewer, not a question)."""
    return {i: t for i, t in enumerate(turns) if t.speaker != INTERVIEWER and t.kind != "question"}


def _mentions(analysis: Analysis, turns: list[Turn]) -> list[tuple[Span, str]]:
    labels = [t.label_span for t in turns if t.label_span is not None]
    out = []
    for entity in analysis.layer("entities"):
        for m in entity.mentions:
            if not any(lab.contains(m) for lab in labels):
                out.append((m, entity.id))
    return sorted(out)


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


def score_targets(analysis: Analysis, parse: Any, decay: float = DECAY,
                  coreference: bool = True) -> list[tuple[int, str, str, float, Span]]:
    """Every (turn, holder, target, signed score, sentence span) contribution."""
    lexicon = load_lexicon()
    turns = analysis.layer("turns")
    principal = principal_turns(turns)
    bodies = sorted((t.body_span or t.span, i) for i, t in principal.items())
    mentions = _mentions(analysis, turns)
    entity_ids = {e.id for e in analysis.layer("entities")}
    quote_cache: dict[int, Any] = {}
    resolver = SourceResolver(analysis, parse) if coreference else None
    out = []
    for sent_span, sent in parse.sentences():
        # the turn whose words overlap the sentence most (a sentence may run
        # on from a speaker label into the turn)
        overlap = [(min(body.end, sent_span.end) - max(body.start, sent_span.start), i, body) for body, i in bodies]
        best = max(overlap, default=(0, None, None))
        if best[0] <= 0:
            continue
        turn, body = best[1], best[2]
        holder = principal[turn].speaker
        offset = sent_span.start - sent.start_char
        inside = [(m, eid) for m, eid in mentions if sent_span.contains(m) and body.contains(m)]
        pronouns: list[tuple[Span, str]] = []
        if resolver is not None:
            pronouns = pronoun_mentions(sent, offset, turn, resolver, entity_ids, inside)
            inside += pronouns
        if not inside:
            continue
        cues = sentence_cues(sent, offset, lexicon)
        quoted = long_quotes(sent, lexicon, quote_cache)
        targets = []
        for m, eid in inside:
            mspan = sent.doc.char_span(m.start - offset, m.end - offset, alignment_mode="expand")
            if eid != holder and mspan is not None and len(mspan):
                targets.append((m, eid, mspan.root))
        scores = [0.0] * len(targets)
        contrast = but_weights(sent)
        for cue in cues:
            dist = [tree_distance(cue.token, root) for _, _, root in targets]
            nearest = min((d for d, (m, _, _) in zip(dist, targets) if not cue.span.overlaps(m)), default=0)
            for k, (m, _, root) in enumerate(targets):
                if cue.span.overlaps(m):
                    continue
                weight = role_factor(cue, root, quoted, lexicon) * contrast[cue.token.i]
                if (m, targets[k][1]) in pronouns:
                    weight *= RESOLVED
                if dist[k] > nearest + 1:
                    weight *= FARTHER  # a nearer target in the sentence takes the cue
                scores[k] += weight * cue.value / (1.0 + decay * dist[k])
        out.extend((turn, holder, eid, score, sent_span) for (_, eid, _), score in zip(targets, scores))
    return out


def aggregate(contributions: list[tuple[int, str, str, float, Span]], margin: float = MARGIN) -> list[Stance]:
    """Document-level records (turn=None) first, then per-turn records."""
    by_doc: dict[tuple[str, str], list[tuple[float, Span]]] = {}
    by_turn: dict[tuple[int, str, str], list[tuple[float, Span]]] = {}
    for turn, holder, target, score, span in contributions:
        by_doc.setdefault((holder, target), []).append((score, span))
        by_turn.setdefault((turn, holder, target), []).append((score, span))
    records = [_record(h, t, items, None, margin) for (h, t), items in by_doc.items()]
    records += [_record(h, t, items, turn, margin) for (turn, h, t), items in sorted(by_turn.items())
                if any(s for s, _ in items)]
    return records


def _record(holder: str, target: str, items: list[tuple[float, Span]], turn: int | None, margin: float) -> Stance:
    net = sum(s for s, _ in items)
    total = sum(abs(s) for s, _ in items)
    # neutral only when there is next to no evidence or it is balanced: the
    # net must clear ``margin`` and a share BALANCE of all the evidence
    clear = abs(net) > margin and abs(net) > BALANCE * total
    polarity = "neutral" if not clear else "positive" if net > 0 else "negative"
    confidence = round(0.5 + 0.5 * abs(net) / (total + 1.0), 3) if polarity != "neutral" else round(
        1.0 - min(1.0, total) * 0.5, 3)
    sign = 1 if net >= 0 else -1
    best = sorted((it for it in items if it[0] * sign > 0), key=lambda it: -abs(it[0]))
    evidence: list[Span] = []
    for _, span in best:
        if span not in evidence:
            evidence.append(span)
        if len(evidence) == MAX_EVIDENCE:
            break
    return Stance(holder=holder, target=target, polarity=polarity, confidence=confidence,
                  evidence=tuple(sorted(evidence)) if polarity != "neutral" else (), turn=turn)


@analyser("stance", version="1", requires=("turns", "entities"), assigns=("stance",), needs_parse=True, order=70)
def analyse_stance(analysis: Analysis, parse: Any, config: Any) -> dict[str, list[Stance]]:
    if parse is None:
        raise ModelUnavailable("the stance analyser needs the spaCy parse")
    options = getattr(config, "options", {}).get("stance", {}) if config is not None else {}
    contributions = score_targets(analysis, parse, float(options.get("decay", DECAY)))
    return {"stance": aggregate(contributions, float(options.get("margin", MARGIN)))}


# -- report ------------------------------------------------------------------
@section("stance", "Stance", ("stance",), order=70)
def stance_rows(analysis: Analysis) -> Rows:
    """Actors the principal praises and attacks, strongest first, with evidence."""
    text = analysis.text
    names = {e.id: e.name for e in analysis.layer("entities")}
    rows = []
    records = [r for r in analysis.layer("stance") if r.turn is None and r.polarity != "neutral"]
    records.sort(key=lambda r: (r.polarity != "negative", -r.confidence, r.target))
    for r in records:
        verb = "attacks" if r.polarity == "negative" else "praises"
        ev = r.evidence[0] if r.evidence else None
        cell = Cell(_excerpt(text[ev.start:ev.end]), ev) if ev else ""
        rows.append((r.holder, verb, names.get(r.target, r.target), f"{r.confidence:.2f}", cell))
    return ("holder", "stance", "target", "confidence", "evidence"), rows


def _excerpt(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
