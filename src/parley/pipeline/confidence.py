"""The confidence of a record its analyser left without one.

A model's record carries its own score: claims and techniques their
``score``, a check-worthiness verdict the probability of the verdict it gives
(``score`` for yes, ``1 - score`` for no), an answer its ``clarity_score``;
stance sets ``confidence`` itself. A rule's record gets the constant of its
rule kind below. The constants are set by hand, ordered by how often each
kind of rule goes wrong when we read its output on the gold transcripts (a
labelled turn almost never, an unresolved relative date often); they are
priors, not calibrated probabilities, and are listed in docs/models/rules.md.
"""
from __future__ import annotations

from typing import Any

# layer -> rule kind -> confidence; "*" is the layer's default kind.
RULE_CONFIDENCE: dict[str, dict[str, float]] = {
    "boilerplate": {"timestamp": 0.95, "time-line": 0.95, "header": 0.9, "*": 0.85},
    "turns": {"labelled": 0.95, "unlabelled": 0.7},
    "headline": {"*": 0.85},
    "sentences": {"*": 0.95},
    "entities": {"repeated": 0.9, "single": 0.75},
    "attributions": {"direct": 0.85, "indirect": 0.7, "no-source-span": 0.55},
    "timex": {"absolute": 0.9, "relative": 0.8, "unresolved": 0.5},
}


def rule_kind(layer: str, record: Any) -> str:
    """The rule kind of a rule-made ``record`` of ``layer``."""
    if layer == "boilerplate":
        return record.kind
    if layer == "turns":
        return "labelled" if record.label_span is not None else "unlabelled"
    if layer == "entities":
        return "repeated" if len(record.mentions) > 1 else "single"
    if layer == "attributions":
        if record.source_span is None:
            return "no-source-span"
        return "direct" if record.direct else "indirect"
    if layer == "timex":
        return "unresolved" if record.value is None else "relative" if record.anchor else "absolute"
    return "*"


def default_confidence(layer: str, record: Any) -> float | None:
    """The confidence of ``record`` of ``layer``: its model score, or its rule
    kind's constant; None for a layer this module does not know."""
    if layer in ("claims", "techniques"):
        return record.score
    if layer == "checkworthiness":
        return record.score if record.checkworthy else 1.0 - record.score
    if layer == "answers":
        return record.clarity_score
    table = RULE_CONFIDENCE.get(layer)
    if table is None:
        return None
    return table.get(rule_kind(layer, record), table.get("*", min(table.values())))
