"""Record types of every layer, and their mapping to the gold JSON format.

Each layer is a list of frozen dataclasses whose spans are ``Span``s into the
document text. ``LAYERS`` maps a layer name to its record class; the JSON form
of a record is its fields with spans as ``[start, end]`` lists, which for the
gold layers is exactly the gold format (extra fields are allowed there).
Boilerplate is the one gold layer stored as bare pairs: its kinds travel in the
extra key ``boilerplate_kinds``.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any

from .document import Span
from .errors import SpanError


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


def record_to_json(record: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, Span):
            value = value.json()
        elif isinstance(value, tuple):
            value = [v.json() if isinstance(v, Span) else v for v in value]
        out[f.name] = value
    return out


def record_from_json(cls: type, data: dict[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:  # type: ignore[misc]
                raise SpanError(f"a {cls.__name__} record lacks '{f.name}': {data!r}"[:300])
            continue
        value, hint = data[f.name], hints[f.name]
        if _holds(hint, Span):
            value = Span.of(value)
        elif typing.get_origin(hint) is tuple:
            item = typing.get_args(hint)[0]
            value = tuple(Span.of(v) if item is Span else v for v in (value or ()))
        kwargs[f.name] = value
    return cls(**kwargs)


def _holds(hint: Any, cls: type) -> bool:
    if hint is cls:
        return True
    return typing.get_origin(hint) in (typing.Union, types.UnionType) and cls in typing.get_args(hint)


def layer_to_json(name: str, records: list[Any]) -> dict[str, Any]:
    if name == "boilerplate":
        return {
            "boilerplate": [r.span.json() for r in records],
            "boilerplate_kinds": [r.kind for r in records],
        }
    return {name: [record_to_json(r) for r in records]}


def layers_from_json(data: dict[str, Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for name, cls in LAYERS.items():
        if name not in data or not isinstance(data[name], list):
            continue
        if name == "boilerplate":
            kinds = data.get("boilerplate_kinds") or ["boilerplate"] * len(data[name])
            out[name] = [Boilerplate(Span.of(s), k) for s, k in zip(data[name], kinds)]
        else:
            out[name] = [record_from_json(cls, r) for r in data[name]]
    return out
