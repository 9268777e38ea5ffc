"""Stance: the principal speaker's attitude toward each entity.

Two readings of each (principal sentence, target mention), added: lexicon
and syntax (below), and, with the ``models`` extra, the target-aware model
of ``stance.model`` (the sentence with the mention masked, through the frozen
MiniLM encoder, and a head trained on NewsMTSC), whose ``p(positive) -
p(negative)`` counts ``MODEL_WEIGHT`` (chosen on the devgold tuning files,
docs/models/stance.md). Without the extra the lexicon decides alone.

Lexicon and syntax: every sentence a principal speaks (a turn whose
speaker is not the interviewer) is searched for evaluative cues, namely words
and phrases of the table ``data/stance_lexicon.json``, negated cues (flipped),
and scare quotes ("another great “strategist”" is ridicule, so negative;
``stance.lexicon``).
Each cue is credited to each entity mentioned in the same sentence (named, or
a third-person pronoun resolved by ``sources.SourceResolver``), weighted by
how close the two are in the dependency tree, so that praise of one actor
and blame of another in one sentence land on the right targets. Syntactic
roles adjust the weight: someone else's words (quotations, reported speech),
if-clauses, victims, disowned reports ("supposedly"), avoided actions
("instead of"), verbs of opposition (reversed) and a contrastive "but"
(``stance.targets``).

Scores add up per (holder, target) over the whole document (``turn=None``)
and per turn; the sign gives the polarity when the net clears a margin and a
share of all the evidence, otherwise the stance is neutral. The evidence is
the sentences that weigh most; the confidence is a logistic over the
evidence's purity and strength fitted on gold (``polar_confidence``).
"""
from __future__ import annotations

import math
from typing import Any

from parley.analysers.stance.lexicon import load_lexicon, sentence_cues
from parley.analysers.stance.targets import (
    FARTHER, REPORTED, RESOLVED, but_weights, long_quotes, pronoun_mentions, role_factor, tree_distance
)
from parley.document import Analysis, Span
from parley.document.records import Stance, Turn
from parley.errors import ModelUnavailable
from parley.models.heads import sigmoid
from parley.nlp.references import SourceResolver
from parley.pipeline.registry import Option, analyser
from parley.render.table import Cell, Rows, section

# How fast a cue's weight falls with distance in the dependency tree, and the
# net score a target needs for a polarity; tuned on the gold transcripts other
# than the seed (see benchmarks/bench_answers_stance.py).
DECAY = 0.5
MARGIN = 0.02
MAX_EVIDENCE = 3
BALANCE = 0.1  # the share of all evidence the net must reach for a polarity (with MARGIN)
INTERVIEWER = "interviewer"
MODEL_WEIGHT = 0.15  # the model's p(positive) - p(negative) per mention, against the lexicon's score
MODEL_FLOOR = 0.0  # model scores within this of 0 count 0
# (intercept, purity, strength) of the logistic giving a polarity's confidence (polar_confidence)
CONFIDENCE = (0.832, 0.855, 0.707)


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


def score_targets(analysis: Analysis, parse: Any, decay: float = DECAY,
                  coreference: bool = True) -> list[tuple[int, str, str, float, Span]]:
    """Every (turn, holder, target, signed score, sentence span) contribution."""
    return [c[:5] for c in target_contributions(analysis, parse, decay, coreference)]


def target_contributions(analysis: Analysis, parse: Any, decay: float = DECAY,
                         coreference: bool = True) -> list[tuple[int, str, str, float, Span, Span, float]]:
    """Every (turn, holder, target, signed lexicon score, sentence span,
    mention span, weight of the mention) of a target in a principal's
    sentence; the weight is RESOLVED for a pronoun and REPORTED for a target
    named inside someone else's quoted words (what the model's reading of the
    mention counts for)."""
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
        factors = [(RESOLVED if (m, eid) in pronouns else 1.0)
                   * (REPORTED if any(a <= root.i < b for a, b in quoted) else 1.0) for m, eid, root in targets]
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
        out.extend((turn, holder, eid, score, sent_span, m, factor)
                   for (m, eid, _), score, factor in zip(targets, scores, factors))
    return out


def model_scores(analysis: Analysis, contributions: list[tuple[int, str, str, float, Span, Span, float]],
                 head: Any = None) -> list[float] | None:
    """Per contribution, the target-aware model's ``p(positive) - p(negative)``
    for its mention, times the mention's weight; None when the model cannot
    run (no ``models`` extra or no head: the lexicon alone is used)."""
    from parley.analysers.stance import model

    if head is None and model.check() is not None:
        return None
    by_sentence: dict[Span, list[int]] = {}
    for k, c in enumerate(contributions):
        by_sentence.setdefault(c[4], []).append(k)
    items, order = [], []
    for span, ks in by_sentence.items():
        items.append((analysis.text[span.start:span.end],
                      [(contributions[k][5].start - span.start, contributions[k][5].end - span.start) for k in ks]))
        order.extend(ks)
    probs = model.probabilities(items, head)
    out = [0.0] * len(contributions)
    for k, p in zip(order, probs):
        out[k] = float(p[2] - p[0]) * contributions[k][6]
    return out


def combine(contributions: list[tuple[int, str, str, float, Span, Span, float]], scores: list[float] | None,
            weight: float = MODEL_WEIGHT, floor: float = MODEL_FLOOR) -> list[tuple[int, str, str, float, Span]]:
    """The lexicon's score of each contribution plus ``weight`` times the
    model's, less ``floor`` (a model score within ``floor`` of 0 counts 0:
    a mention the model reads as barely polar is not evidence)."""
    if scores is None:
        return [c[:5] for c in contributions]

    def shrunk(m: float) -> float:
        return max(0.0, abs(m) - floor) * (1.0 if m > 0 else -1.0)

    return [(c[0], c[1], c[2], c[3] + weight * shrunk(m), c[4]) for c, m in zip(contributions, scores)]


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


def confidence_features(net: float, total: float) -> tuple[float, float]:
    """(purity, strength) of a target's evidence: the share of all of it that
    the net is, and log(1 + |net|)."""
    return (abs(net) / total if total else 0.0), math.log1p(abs(net))


def polar_confidence(net: float, total: float, coefficients: tuple[float, float, float] = CONFIDENCE) -> float:
    """The probability that a polarity is right: a logistic over
    ``confidence_features``, its coefficients fitted by scripts/tune_stance.py
    --calibration on gold transcripts (docs/models/stance.md)."""
    purity, strength = confidence_features(net, total)
    a, b, c = coefficients
    return round(min(0.99, max(0.05, sigmoid(a + b * purity + c * strength))), 3)


def _record(holder: str, target: str, items: list[tuple[float, Span]], turn: int | None, margin: float) -> Stance:
    net = sum(s for s, _ in items)
    total = sum(abs(s) for s, _ in items)
    # neutral only when there is next to no evidence or it is balanced: the
    # net must clear ``margin`` and a share BALANCE of all the evidence
    clear = abs(net) > margin and abs(net) > BALANCE * total
    polarity = "neutral" if not clear else "positive" if net > 0 else "negative"
    confidence = polar_confidence(net, total) if polarity != "neutral" else round(1.0 - min(1.0, total) * 0.5, 3)
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


@analyser("stance", version="2", requires=("turns", "entities"), assigns=("stance",), needs_parse=True, order=70,
          options={"decay": Option(DECAY, float, "how fast a cue's weight falls with distance in the parse"),
                   "margin": Option(MARGIN, float, "the net score a target needs for a polarity"),
                   "model": Option(True, bool, "add the target-aware model's reading of each mention "
                                               "(models extra); off: lexicon and syntax alone"),
                   "model_weight": Option(MODEL_WEIGHT, float, "the model's weight against the lexicon's"),
                   "model_floor": Option(MODEL_FLOOR, float, "model scores within this of 0 count 0")})
def analyse_stance(analysis: Analysis, parse: Any, config: Any) -> dict[str, list[Stance]]:
    if parse is None:
        raise ModelUnavailable("the stance analyser needs the spaCy parse")
    contributions = target_contributions(analysis, parse, config.option("stance", "decay"))
    scores = model_scores(analysis, contributions) if config.option("stance", "model") else None
    combined = combine(contributions, scores, config.option("stance", "model_weight"),
                       config.option("stance", "model_floor"))
    return {"stance": aggregate(combined, config.option("stance", "margin"))}


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
