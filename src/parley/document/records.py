"""Record types of every layer: one frozen dataclass each, spans into the text.

``LAYERS`` maps a layer name to its record class; ``gold.py`` maps records to
the gold JSON format and back.
"""
from __future__ import annotations

from dataclasses import dataclass

from parley.document.spans import Span


@dataclass(frozen=True)
class Boilerplate:
    span: Span
    kind: str  # "timestamp", "photo-credit", "share-line", "header", "time-line", "stage-direction", ...


@dataclass(frozen=True)
class Turn:
    span: Span  # from the label to the end of the turn's last paragraph
    speaker: str  # "interviewer" or a canonical id ("sergey-lavrov")
    kind: str  # "question" | "answer" | "statement"
    label_span: Span | None = None  # the label without its colon ("Sergey Lavrov")
    body_span: Span | None = None  # the words spoken, after the label
    speaker_name: str | None = None  # readable name ("Sergey Lavrov")


@dataclass(frozen=True)
class Headline:
    """A headline quote above the transcript ('Name: “...”'): not a turn."""

    span: Span
    speaker: str
    label_span: Span
    quote_span: Span  # the quotation, marks included


@dataclass(frozen=True)
class Sentence:
    span: Span
    turn: int | None = None  # index into the turns layer; None outside turns


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str  # PERSON ORG GPE LOC NORP EVENT LAW PRODUCT
    mentions: tuple[Span, ...]
    roles: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attribution:
    source: str
    content_span: Span
    direct: bool
    source_span: Span | None = None
    cue_span: Span | None = None
    turn: int | None = None
    nested_in: int | None = None  # index of the attribution this one sits inside


@dataclass(frozen=True)
class Timex:
    span: Span
    value: str | None
    type: str = "DATE"  # DATE TIME DURATION SET
    anchor: str | None = None  # "reference" | "previous" | None (absolute)
    sentence: int | None = None
    entities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Claim:
    span: Span
    kind: str  # numeric | event | quote | causal | other
    score: float = 1.0
    checkworthy: bool = True
    quantities: tuple[Span, ...] = ()


@dataclass(frozen=True)
class CheckWorthiness:
    """One sentence's check-worthiness: every sentence gets one (claims analyser)."""

    span: Span  # the sentence
    sentence: int = 0  # index into the sentences layer
    score: float = 0.0  # would a fact-checker check it? in [0, 1]
    checkworthy: bool = False  # score at or above the model's threshold
    model: str = "lexical"  # which model scored it: "finetuned" (adapter), "encoder" (MiniLM head) or "lexical"


@dataclass(frozen=True)
class Stance:
    holder: str
    target: str
    polarity: str  # positive | negative | neutral
    confidence: float = 1.0
    evidence: tuple[Span, ...] = ()
    turn: int | None = None  # None: the whole document


@dataclass(frozen=True)
class Technique:
    span: Span
    label: str
    taxonomy: str = "semeval2020"  # or "semeval2023"
    score: float = 1.0


@dataclass(frozen=True)
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
