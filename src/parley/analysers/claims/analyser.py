"""The claims analyser: check-worthy factual claims, typed and scored.

Every sentence of the ``sentences`` layer is scored twice:

1. **Check-worthiness** (``Claim.score``, ``Claim.checkworthy`` and the
   ``checkworthiness`` layer, one record per sentence): with the ``models``
   extra, a logistic head over MiniLM embeddings of the sentence and its
   neighbours plus the lexical logit (``parley.analysers.claims.head``,
   ``data/claims_head.npz``); without it, the lexical model alone, a
   logistic model over word n-grams and number shapes
   (``data/claims_model.json``). Both are trained on the CLEF CheckThat! 2019
   and 2020 debate data (``scripts/train_claims.py``; see
   docs/models/claims.md). Each record names the model that scored it.
2. **Is it a claim** in the sense of GUIDELINES.md (a checkable fact presented
   as fact, not opinion, prediction or rhetoric): a second, small logistic
   model (``data/claims_decider.json``) over linguistic cues from the shared
   parse (``parley.analysers.claims.linguistics``) plus the *lexical* check-worthiness
   logit (what it was fitted with, whichever model gives the scores). Its
   weights were fitted on annotated transcripts other than the seed.
   Questions and bare imperatives are never claims (the guidelines' rule).

The layer holds the sentences that pass (2), each with its kind, its
CheckThat! score and yes/no from (1), and its quantities. Options
(``--option claims.KEY=VALUE``): ``threshold`` overrides the decider's cut;
``checkworthiness`` is ``auto`` (default), ``encoder`` or ``lexical``;
``checkworthy_share`` bounds the check-worthy list (below).

**The check-worthy list is kept short enough to read**: a sentence is
check-worthy when its score reaches the model's cut *and* it is among the
top ``CHECKWORTHY_SHARE`` of the document's sentences by score (rounded up,
so at least one), the share of sentences the fact-checkers chose in the
CheckThat! training debates (679 of 45,012). Every score stays on its
record; ``checkworthy_share=1`` keeps every sentence at the model's cut.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from parley.analysers.claims.features import ASKER, SPEAKER, LinearModel, load_model
from parley.analysers.claims.head import load_head
from parley.analysers.claims.head import score as score_head
from parley.analysers.claims.linguistics import claim_kind, cues, excluded
from parley.document import Analysis, Span
from parley.document.records import CheckWorthiness, Claim, Sentence, Turn
from parley.errors import ModelUnavailable, PipelineError
from parley.models import adapters, encoder
from parley.models.heads import sigmoid
from parley.nlp.quantities import find as find_quantities
from parley.nlp.quantities import find_in_text
from parley.pipeline.registry import Config, Option, analyser
from parley.render.table import Cell, section

DECIDER_FILE = "claims_decider.json"
ENCODER = "encoder"  # the MiniLM head (data/claims_head.npz)
LEXICAL = "lexical"  # the word n-gram model (data/claims_model.json)
DATA = Path(__file__).resolve().parent / "data"  # the shipped models and tables
ADAPTER = "checkworthy"  # the fine-tuned encoder, used instead of the head when installed
# Share of sentences check-worthy at most: the positive share of the CheckThat!
# 2019 + 2020 training debates (679 / 45,012; docs/models/claims.md).
CHECKWORTHY_SHARE = round(679 / 45012, 4)
FINETUNED = "finetuned"  # its model name in the checkworthiness layer


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


def checkworthiness_scores(texts: list[str], roles: list[str], lexical: list[float],
                           wanted: str = "auto") -> tuple[list[float], str, float]:
    """(scores, model name, threshold) of an ordered run of sentences.

    ``wanted`` is ``auto`` (the encoder head when the ``models`` extra and the
    head file are there, else the lexical model), ``encoder`` (E400/E401 when
    it cannot run) or ``lexical``. ``lexical`` holds the lexical model's
    scores of the same sentences (the head reads their logits)."""
    if wanted not in ("auto", "encoder", "lexical"):
        raise PipelineError(f"claims option checkworthiness must be auto, encoder or lexical, not {wanted!r}", code="E300")
    if wanted != "lexical":
        try:
            reason = encoder.available()
            if reason:
                raise ModelUnavailable(reason)
            if adapters.installed(ADAPTER, DATA):
                return adapter_scores(texts, roles, lexical), FINETUNED, threshold_of(FINETUNED)
            scores = score_head(load_head(), encoder.embed(texts), [logit(p) for p in lexical], roles)
            return scores, ENCODER, threshold_of(ENCODER)
        except ModelUnavailable:
            if wanted == "encoder":
                raise
    return list(lexical), LEXICAL, threshold_of(LEXICAL)


def adapter_scores(texts: list[str], roles: list[str], lexical: list[float]) -> list[float]:
    """Check-worthiness from the fine-tuned encoder (``data/
    checkworthy.adapter.npz``, input: the sentence and the one before it),
    mixed with the lexical logit and the speaker's role by the weights in
    the adapter's meta (fitted on held-out training debates)."""
    adapter = adapters.load(ADAPTER, DATA)
    mix = adapter.meta.get("mix", {"adapter": 1.0, "lexical": 0.0, "asker": 0.0, "bias": 0.0})
    logits = adapter.classify(texts, [""] + texts[:-1])["checkworthy"][:, 0]
    scores = []
    for z, p, role in zip(logits, lexical, roles):
        mixed = (mix["adapter"] * float(z) + mix["lexical"] * logit(p) + mix["asker"] * (role == ASKER)
                 + mix["bias"])
        scores.append(sigmoid(mixed))
    return scores


def threshold_of(model: str) -> float:
    """The yes/no cut of the check-worthiness model named ``model``."""
    if model == FINETUNED:
        return float(adapters.load(ADAPTER, DATA).meta.get("threshold", 0.5))
    if model == ENCODER:
        return float(load_head().meta["threshold"])
    return load_model().threshold


def readable_flags(scores: list[float], threshold: float, share: float = CHECKWORTHY_SHARE) -> list[bool]:
    """Check-worthy yes/no of each of a document's ``scores``: at or above
    ``threshold`` and among the ``ceil(share * n)`` highest (ties broken by
    order in the document)."""
    if not 0.0 < share <= 1.0:
        raise PipelineError(f"claims option checkworthy_share must be in (0, 1], not {share}", code="E870")
    room = math.ceil(round(share * len(scores), 6))
    top = set(sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:room])
    return [i in top and score >= threshold for i, score in enumerate(scores)]


def _score_all(analysis: Analysis, parse: Any, wanted: str):
    """Per sentence (sentence, check-worthiness, claim probability, feats,
    tokens, offset), plus the model name and its threshold."""
    model, decider = load_model(), load_decider()
    turns = analysis.layer("turns")
    sentences = analysis.layer("sentences")
    rows = [score_sentence(analysis, parse, s, turns, model, decider) for s in sentences]
    texts = [analysis.text[s.span.start:s.span.end] for s in sentences]
    roles = [role_of(s, turns) for s in sentences]
    scores, used, threshold = checkworthiness_scores(texts, roles, [r[0] for r in rows], wanted)
    out = [(s, cw, p, feats, tokens, offset) for s, cw, (_, p, feats, tokens, offset) in zip(sentences, scores, rows)]
    return out, used, threshold


@analyser(
    "claims",
    version="2",
    requires=("sentences", "turns"),
    assigns=("claims", "checkworthiness"),
    needs_parse=True,
    order=50,
    check=_check,
    options={
        "threshold": Option(None, float, "the claim decider's cut (default: the shipped decider's)"),
        "checkworthiness": Option("auto", str, "the check-worthiness model", ("auto", ENCODER, LEXICAL)),
        "checkworthy_share": Option(CHECKWORTHY_SHARE, float, "at most this share of the sentences is "
                                    "check-worthy (1: every one at the model's cut)"),
    },
)
def claims(analysis: Analysis, parse: Any, config: Config) -> dict[str, list[Any]]:
    decider = load_decider()
    threshold = config.option("claims", "threshold")
    threshold = decider.threshold if threshold is None else threshold
    rows, used, cw_threshold = _score_all(analysis, parse, config.option("claims", "checkworthiness"))
    flags = readable_flags([r[1] for r in rows], cw_threshold, config.option("claims", "checkworthy_share"))
    out: list[Claim] = []
    scored: list[CheckWorthiness] = []
    for index, (sentence, cw, p_claim, feats, tokens, offset) in enumerate(rows):
        scored.append(CheckWorthiness(sentence.span, index, round(cw, 4), flags[index], used))
        if p_claim < threshold or excluded(feats):
            continue
        text = analysis.text[sentence.span.start:sentence.span.end]
        found = find_quantities(tokens, offset) if len(tokens) else find_in_text(text, sentence.span.start)
        quantities = tuple(q for q in found if sentence.span.contains(q))
        out.append(Claim(sentence.span, claim_kind(feats, text), round(cw, 4), flags[index], quantities))
    return {"claims": out, "checkworthiness": scored}


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
