"""Linguistic cues of one sentence, and its claim kind.

``cues`` reads the spaCy tokens of a sentence (from the shared parse) and
returns named features that say whether the sentence presents a checkable
fact (GUIDELINES.md, "claims"): numbers, named entities, past-tense events,
reporting verbs, quotations, causal connectives; and what speaks against it:
questions, imperatives, hedges, beliefs and wishes, predictions, evaluations,
thanks and metadiscourse. ``claim_kind`` applies the kind precedence
quote > numeric > causal > event > other. Word lists live in
``data/claim_cues.json``.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from parley.errors import ModelUnavailable

NAMED = frozenset({"PERSON", "ORG", "GPE", "NORP", "EVENT", "LAW", "FAC", "LOC", "PRODUCT"})
NUMERIC_ENTS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
_OPENERS = frozenset({"and", "but", "so", "now", "well", "also", "then", "yet", "or", "please", "just", "again", "still", "first", "second", "finally"})
_QUOTES = "“”\"«»"
_CLOSERS = "”\"’')]»"


@lru_cache(maxsize=1)
def tables() -> dict[str, Any]:
    try:
        raw = resources.files(__package__).joinpath("data", "claim_cues.json").read_text(encoding="utf-8")
        data = json.loads(raw)
    except (OSError, json.JSONDecodeError) as e:
        raise ModelUnavailable(f"data/claim_cues.json cannot be read: {e}", code="E401") from e
    return {k: v for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=None)
def _phrase_pattern(name: str) -> re.Pattern[str]:
    words = sorted(tables()[name], key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])", re.I)


def has_phrase(name: str, text: str) -> bool:
    return _phrase_pattern(name).search(text.replace("’", "'")) is not None


def is_question(text: str) -> bool:
    return text.rstrip().rstrip(_CLOSERS).endswith("?")


def _root(tokens: Any) -> Any:
    roots = [t for t in tokens if t.dep_ == "ROOT"]
    return roots[0] if roots else (tokens[0] if len(tokens) else None)


def _is_past(verb: Any) -> bool:
    if verb.tag_ == "VBD":
        return True
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if verb.tag_ == "VBN" and any(a.lower_.replace("’", "'") in ("has", "have", "had", "was", "were", "'ve", "'s", "'d") for a in auxes):
        return True
    return any(a.tag_ == "VBD" and a.lower_ not in ("would", "could", "might", "should") for a in auxes)


def _modal(verb: Any) -> bool:
    modals = set(tables()["prediction_modals"])
    return any(c.dep_ == "aux" and (c.tag_ == "MD" or c.lower_ in modals) for c in verb.children) or (
        any(c.lower_ == "going" for c in verb.children) and any(c.lower_ == "to" for c in verb.children)
    )


def _reports_content(verb: Any) -> bool:
    """A verb of saying with what was said: a clause, a parenthetical
    ("X, he said, Y"), or a topic ("spoke of", "calls for", "point to")."""
    if verb.pos_ != "VERB":
        return False
    if verb.dep_ == "parataxis" or any(c.dep_ in ("ccomp", "xcomp", "parataxis") for c in verb.children):
        return True
    return any(c.dep_ == "prep" and c.lower_ in ("of", "about", "for") for c in verb.children)


def _imperative(tokens: Any, root: Any) -> bool:
    first = next((t for t in tokens if not (t.is_punct or t.is_space or t.lower_ in _OPENERS)), None)
    if first is None or root is None:
        return False
    return (
        first.i == root.i
        and root.tag_ == "VB"
        and not any(c.dep_ in SUBJECTS or c.dep_ == "aux" for c in root.children)
    )


def cues(tokens: Any, text: str) -> dict[str, float]:
    """Named features of the sentence ``text`` whose spaCy tokens are ``tokens``."""
    t = tables()
    root = _root(tokens)
    lemmas = [tok.lemma_.lower() for tok in tokens]
    words = [tok for tok in tokens if not (tok.is_punct or tok.is_space)]
    ents = list(getattr(tokens, "ents", ()))
    f: dict[str, float] = {}
    f["question"] = float(is_question(text))
    f["imperative"] = float(_imperative(tokens, root))
    f["relative_clause"] = float(any(tok.dep_ in ("relcl", "acl") and tok.tag_.startswith("VB") for tok in tokens))
    numbers = [tok for tok in tokens if (tok.like_num or tok.tag_ == "CD") and tok.ent_type_ not in ("DATE", "TIME", "ORDINAL")]
    f["number"] = float(bool(numbers))
    f["digits"] = float(any(any(ch.isdigit() for ch in tok.text) for tok in numbers))
    f["numeric_entity"] = float(any(e.label_ in NUMERIC_ENTS for e in ents))
    f["named"] = min(sum(1 for e in ents if e.label_ in NAMED), 3) / 3.0
    f["date"] = float(any(e.label_ in ("DATE", "TIME") for e in ents))
    verbs = [tok for tok in tokens if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("aux", "auxpass")]
    f["past"] = float(any(_is_past(v) for v in verbs))
    f["root_past"] = float(root is not None and _is_past(root))
    f["root_present"] = float(root is not None and root.tag_ in ("VBZ", "VBP") and not _modal(root))
    f["progressive"] = float(
        root is not None and root.tag_ == "VBG" and root.pos_ == "VERB"
        and any(c.dep_ == "aux" and c.lemma_ == "be" and c.tag_ in ("VBZ", "VBP", "VBD") for c in root.children)
    )
    f["root_modal"] = float(root is not None and _modal(root))
    f["conditional"] = float(any(tok.dep_ == "mark" and tok.lower_ in ("if", "unless") for tok in tokens))
    f["hedge"] = float(has_phrase("hedges", text))
    mental = set(t["mental_verbs"])
    f["mental_root"] = float(root is not None and root.lemma_.lower() in mental)
    f["first_person_subject"] = float(
        root is not None and any(c.dep_ in SUBJECTS and c.lower_ in ("i", "we") for c in root.children)
    )
    f["you_subject"] = float(root is not None and any(c.dep_ in SUBJECTS and c.lower_ == "you" for c in root.children))
    reporting = set(t["reporting_verbs"])
    f["reporting"] = float(
        any(l in reporting and tok.pos_ == "VERB" for l, tok in zip(lemmas, tokens)) or has_phrase("reporting_phrases", text)
    )
    f["reported_content"] = float(
        any(tok.lemma_.lower() in reporting and _reports_content(tok) for tok in tokens)
        or any(tok.lemma_.lower() in set(t["reporting_nouns"]) and tok.pos_ == "NOUN" for tok in tokens)
    )
    f["quote_marks"] = float(any(ch in text for ch in _QUOTES))
    f["greeting"] = float(has_phrase("greetings", text))
    f["metadiscourse"] = float(has_phrase("metadiscourse", text))
    f["causal"] = float(has_phrase("causal_cues", text))
    evaluative = set(t["evaluative"])
    f["evaluative"] = min(sum(1 for l in lemmas if l in evaluative), 2) / 2.0
    f["copula_adjective"] = float(
        root is not None
        and (root.pos_ == "ADJ" or (root.lemma_ == "be" and any(c.dep_ == "acomp" for c in root.children)))
    )
    f["negation"] = float(any(tok.dep_ == "neg" for tok in tokens))
    n = len(words)
    f["short"] = float(n < 6)
    f["long"] = float(n > 25)
    return f


def excluded(f: dict[str, float]) -> bool:
    """The guidelines' outright exclusions: questions (rhetorical ones too),
    and imperatives without a factual relative clause."""
    return bool(f.get("question")) or bool(f.get("imperative") and not f.get("relative_clause"))


def claim_kind(f: dict[str, float], text: str) -> str:
    """numeric | event | quote | causal | other, by the precedence of the guidelines."""
    if f.get("reported_content") or (f.get("quote_marks") and f.get("reporting")) or has_phrase("reporting_phrases", text):
        return "quote"
    if f.get("digits") or f.get("numeric_entity"):
        return "numeric"
    if f.get("causal"):
        return "causal"
    if has_phrase("stipulation_verbs", text):
        return "other"
    if f.get("past") or f.get("reporting") or f.get("progressive"):
        return "event"
    return "other"
