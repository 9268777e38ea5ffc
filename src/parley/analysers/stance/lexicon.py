"""The stance lexicon and the evaluative cues it finds in a parsed sentence.

The table ``data/stance_lexicon.json`` holds evaluative words and phrases
with their weights, negators, words of speech (``said``, ``called``), the
parts of speech some words evaluate in only, adverbs of disbelief and verbs
of opposition. ``sentence_cues`` finds, in one spaCy sentence, its words and
phrases of the table (a negated one flipped) and its scare quotes ("another
great “strategist”" is ridicule, so negative).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from parley.document import Span
from parley.errors import ModelUnavailable

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "stance_lexicon.json"
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
