"""The claims analyser: check-worthy factual claims, typed and scored.

Every sentence of the ``sentences`` layer is scored twice:

1. **Check-worthiness** (``Claim.score``, ``Claim.checkworthy``): a logistic
   model over word n-grams and number shapes, trained on the CLEF CheckThat!
   2019 and 2020 debate data (``scripts/train_claims.py``,
   ``data/claims_model.json``; see docs/models/claims.md). It ranks sentences
   by how likely a fact-checker is to check them.
2. **Is it a claim** in the sense of GUIDELINES.md (a checkable fact presented
   as fact, not opinion, prediction or rhetoric): a second, small logistic
   model (``data/claims_decider.json``) over linguistic cues from the shared
   parse (``parley.claimlinguistics``) plus the check-worthiness logit. Its
   weights were fitted on annotated transcripts other than the seed.
   Questions and bare imperatives are never claims (the guidelines' rule).

The layer holds the sentences that pass (2), each with its kind, its
CheckThat! score and yes/no from (1), and its quantities. Options
(``config.options["claims"]``): ``threshold`` overrides the decider's cut.
"""
from __future__ import annotations

import math
from typing import Any

from ..claimfeatures import ASKER, SPEAKER, LinearModel, load_model
from ..claimlinguistics import claim_kind, cues, excluded
from ..document import Analysis, Span
from ..errors import ModelUnavailable
from ..pipeline import Config, analyser
from ..quantities import find as find_quantities, find_in_text
from ..records import Claim, Sentence, Turn
from ..render.sections import Cell, section

DECIDER_FILE = "claims_decider.json"


def _check() -> str | None:
    try:
        load_model()
        load_decider()
    except ModelUnavailable as e:
        return e.message
    return None


def load_decider() -> LinearModel:
    return load_model(DECIDER_FILE)


def role_of(sentence: Sentence, turns: list[Turn]) -> str:
    """``asker`` for sentences of an interviewer's turn, else ``speaker``."""
    if sentence.turn is None or not 0 <= sentence.turn < len(turns):
        return SPEAKER
    turn = turns[sentence.turn]
    return ASKER if turn.speaker == "interviewer" or turn.kind == "question" else SPEAKER


def sentence_tokens(parse: Any, span: Span) -> tuple[Any, int]:
    """The spaCy tokens covering ``span`` and the offset of their chunk."""
    chunk = parse.chunk_at(span.start) if parse is not None else None
    if chunk is None:
        return (), span.start
    end = min(span.end, chunk.offset + len(chunk.doc.text))
    tokens = chunk.doc.char_span(span.start - chunk.offset, end - chunk.offset, alignment_mode="expand")
    return (tokens if tokens is not None else ()), chunk.offset


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def decider_features(tokens: Any, text: str, role: str, checkworthiness: float) -> dict[str, float]:
    """What the claim decider reads: linguistic cues, role, CheckThat! logit."""
    f = cues(tokens, text)
    f["cw"] = logit(checkworthiness)
    f["interviewer"] = float(role == ASKER)
    return f


def score_sentence(analysis: Analysis, parse: Any, sentence: Sentence, turns: list[Turn],
                   model: LinearModel, decider: LinearModel) -> tuple[float, float, dict[str, float], Any, int]:
    """(check-worthiness, claim probability, features, tokens, chunk offset) of one sentence."""
    text = analysis.text[sentence.span.start:sentence.span.end]
    role = role_of(sentence, turns)
    cw = model.score_text(text, role)
    tokens, offset = sentence_tokens(parse, sentence.span)
    feats = decider_features(tokens, text, role, cw)
    return cw, decider.score(feats), feats, tokens, offset


def sentence_scores(analysis: Analysis, parse: Any) -> list[tuple[Sentence, float, bool, float]]:
    """Every sentence with its check-worthiness score, yes/no, and claim
    probability: the scores of the sentences the layer leaves out, too."""
    model, decider = load_model(), load_decider()
    turns = analysis.layer("turns")
    out = []
    for sentence in analysis.layer("sentences"):
        cw, p_claim, feats, _, _ = score_sentence(analysis, parse, sentence, turns, model, decider)
        out.append((sentence, cw, cw >= model.threshold, 0.0 if excluded(feats) else p_claim))
    return out


@analyser(
    "claims",
    version="1",
    requires=("sentences", "turns"),
    assigns=("claims",),
    needs_parse=True,
    order=50,
    check=_check,
)
def claims(analysis: Analysis, parse: Any, config: Config) -> dict[str, list[Claim]]:
    model, decider = load_model(), load_decider()
    options = config.options.get("claims", {}) if isinstance(config.options, dict) else {}
    threshold = float(options.get("threshold", decider.threshold))
    turns = analysis.layer("turns")
    out: list[Claim] = []
    for sentence in analysis.layer("sentences"):
        cw, p_claim, feats, tokens, offset = score_sentence(analysis, parse, sentence, turns, model, decider)
        if p_claim < threshold or excluded(feats):
            continue
        text = analysis.text[sentence.span.start:sentence.span.end]
        found = find_quantities(tokens, offset) if len(tokens) else find_in_text(text, sentence.span.start)
        quantities = tuple(q for q in found if sentence.span.contains(q))
        out.append(Claim(sentence.span, claim_kind(feats, text), round(cw, 4), cw >= model.threshold, quantities))
    return {"claims": out}


@section("claims", "Check-worthy claims", ("claims",), order=50)
def claims_table(analysis: Analysis):
    text = analysis.text
    rows = []
    ranked = sorted(analysis.layer("claims"), key=lambda c: -c.score)
    for c in ranked:
        sentence = text[c.span.start:c.span.end].replace("\n", " ")
        quantities = ", ".join(text[q.start:q.end].replace("\n", " ") for q in c.quantities)
        rows.append((f"{c.score:.2f}", "yes" if c.checkworthy else "no", c.kind, Cell(sentence, c.span), quantities))
    return ("score", "check-worthy", "kind", "sentence", "quantities"), rows
