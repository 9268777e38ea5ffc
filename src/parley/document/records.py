"""Record types of every layer: one frozen dataclass each, spans into the text.

``LAYERS`` maps a layer name to its record class; ``gold.py`` maps records to
the gold JSON format and back.

Every record class is made by ``record``, which adds, in this one place, the
two trust fields every finding carries (keyword-only, at the end, left out of
equality so that provenance never changes what a finding is):

- ``confidence``: how sure the analyser is, in [0, 1] (a model's score or
  probability; for a rule, the documented constant of its rule kind);
- ``analyser``: who made it, ``name@version``, set by the pipeline runner.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parley.document.spans import Span

TRUST_FIELDS = ("confidence", "analyser")


def record(cls: type) -> Any:
    """``cls`` as a frozen dataclass with the trust fields added (a class that
    declares ``confidence`` itself, as ``Stance`` does, keeps its own)."""
    notes = cls.__dict__.get("__annotations__", {})
    if "confidence" not in notes:
        notes["confidence"] = "float | None"
        cls.confidence = field(default=None, kw_only=True, compare=False)
    notes["analyser"] = "str | None"
    cls.analyser = field(default=None, kw_only=True, compare=False)
    cls.__annotations__ = notes
    return dataclass(frozen=True)(cls)


@record
class Boilerplate:
    span: Span
    kind: str  # "timestamp", "photo-credit", "share-line", "header", "time-line", "stage-direction", ...


@record
class Turn:
    span: Span  # from the label to the end of the turn's last paragraph
    speaker: str  # "interviewer" or a canonical id ("sergey-lavrov")
    kind: str  # "question" | "answer" | "statement"
    label_span: Span | None = None  # the label without its colon ("Sergey Lavrov")
    body_span: Span | None = None  # the words spoken, after the label
    speaker_name: str | None = None  # readable name ("Sergey Lavrov")


@record
class Headline:
    """A headline quote above the transcript ('Name: “...”'): not a turn."""

    span: Span
    speaker: str
    label_span: Span
    quote_span: Span  # the quotation, marks included


@record
class Sentence:
    span: Span
    turn: int | None = None  # index into the turns layer; None outside turns


@record
class Entity:
    id: str
    name: str
    type: str  # PERSON ORG GPE LOC NORP EVENT LAW PRODUCT
    mentions: tuple[Span, ...]
    roles: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@record
class Attribution:
    source: str
    content_span: Span
    direct: bool
    source_span: Span | None = None
    cue_span: Span | None = None
    turn: int | None = None
    nested_in: int | None = None  # index of the attribution this one sits inside


@record
class Timex:
    span: Span
    value: str | None
    type: str = "DATE"  # DATE TIME DURATION SET
    anchor: str | None = None  # "reference" | "previous" | None (absolute)
    sentence: int | None = None
    entities: tuple[str, ...] = ()


@record
class Claim:
    span: Span
    kind: str  # numeric | event | quote | causal | other
    score: float = 1.0
    checkworthy: bool = True
    quantities: tuple[Span, ...] = ()


@record
class CheckWorthiness:
    """One sentence's check-worthiness: every sentence gets one (claims analyser)."""

    span: Span  # the sentence
    sentence: int = 0  # index into the sentences layer
    score: float = 0.0  # would a fact-checker check it? in [0, 1]
    checkworthy: bool = False  # score at or above the model's threshold
    model: str = "lexical"  # which model scored it: "finetuned" (adapter), "encoder" (MiniLM head) or "lexical"


@record
class Stance:
    holder: str
    target: str
    polarity: str  # positive | negative | neutral
    confidence: float = 1.0
    evidence: tuple[Span, ...] = ()
    turn: int | None = None  # None: the whole document


@record
class Technique:
    span: Span
    label: str
    taxonomy: str = "semeval2020"  # or "semeval2023"
    score: float = 1.0


@record
class Answer:
    question_turn: int
    answer_turn: int
    clarity: str  # Clear Reply | Ambivalent | Clear Non-Reply
    evasion: str | None = None
    clarity_score: float = 1.0
    evasion_score: float = 1.0


LAYERS: dict[str, type] = {
    "boilerplate": Boilerplate,
    "turns": Turn,
    "headline": Headline,
    "sentences": Sentence,
    "entities": Entity,
    "attributions": Attribution,
    "timex": Timex,
    "claims": Claim,
    "checkworthiness": CheckWorthiness,
    "stance": Stance,
    "techniques": Technique,
    "answers": Answer,
}
