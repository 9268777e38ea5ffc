"""Stance: the principal speaker's attitude toward each entity.

Lexicon and syntax, no model: every sentence a principal speaks (a turn whose
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
the sentences that weigh most.
"""
from __future__ import annotations

from typing import Any

from parley.analysers.stance.lexicon import load_lexicon, sentence_cues
from parley.analysers.stance.targets import (
    FARTHER, RESOLVED, but_weights, long_quotes, pronoun_mentions, role_factor, tree_distance
)
from parley.document import Analysis, Span
from parley.document.records import Stance, Turn
from parley.errors import ModelUnavailable
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


@analyser("stance", version="1", requires=("turns", "entities"), assigns=("stance",), needs_parse=True, order=70,
          options={"decay": Option(DECAY, float, "how fast a cue's weight falls with distance in the parse"),
                   "margin": Option(MARGIN, float, "the net score a target needs for a polarity")})
def analyse_stance(analysis: Analysis, parse: Any, config: Any) -> dict[str, list[Stance]]:
    if parse is None:
        raise ModelUnavailable("the stance analyser needs the spaCy parse")
    contributions = score_targets(analysis, parse, config.option("stance", "decay"))
    return {"stance": aggregate(contributions, config.option("stance", "margin"))}


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
