"""The normalised rating of a fact-check: one of ``VERDICTS``.

Publishers word their ratings in their own scales ("Pants on Fire", "Four
Pinocchios", "Partly false"). ``normalise_rating`` maps a ClaimReview's
``reviewRating`` onto one scale, in this order (see docs/factchecks.md):

1. the ``alternateName`` text, folded (lower case, punctuation and hyphens
   as spaces), looked up whole in ``WORDINGS``; then its leading phrase, up
   to the first ``.``, ``:``, ``;``, ``(``, ``,`` or dash ("False. The
   video was edited" -> "false");
2. else the numeric ``ratingValue`` placed on the scale from ``worstRating``
   (default 1) to ``bestRating`` (default 5, schema.org's defaults), cut at
   ``CUTS``;
3. else ``other``.
"""
from __future__ import annotations

import re

VERDICTS = ("true", "mostly-true", "mixed", "mostly-false", "false", "other")

# Folded publisher wordings -> verdict. Ratings about something else than
# truth (PolitiFact's Flip-O-Meter, satire, "unproven") are "other".
WORDINGS: dict[str, str] = {
    **dict.fromkeys((
        "true", "correct", "accurate", "right", "verified", "confirmed", "geppetto checkmark",
        "verdadero", "vrai", "wahr", "vero",
    ), "true"),
    **dict.fromkeys((
        "mostly true", "mostly correct", "mostly accurate", "largely true", "largely accurate",
        "one pinocchio", "1 pinocchio",
    ), "mostly-true"),
    **dict.fromkeys((
        "half true", "half truth", "mixture", "mixed", "partly true", "partially true", "partially correct",
        "two pinocchios", "2 pinocchios", "missing context", "needs context", "lacks context", "cherry picks",
        "exaggerated", "exaggerates", "medio verdadero", "plutot vrai",
    ), "mixed"),
    **dict.fromkeys((
        "mostly false", "barely true", "misleading", "partly false", "partially false", "largely false",
        "three pinocchios", "3 pinocchios", "distorts the facts", "engano", "enganoso", "trompeur",
    ), "mostly-false"),
    **dict.fromkeys((
        "false", "incorrect", "inaccurate", "wrong", "not true", "untrue", "fake", "fake news", "hoax",
        "fabricated", "baseless", "altered", "manipulated", "debunked", "pants on fire", "pants fire",
        "four pinocchios", "4 pinocchios", "bottomless pinocchio", "scam", "falso", "faux", "falsch",
    ), "false"),
    **dict.fromkeys((
        "full flop", "half flip", "no flip", "unproven", "unverified", "unsupported", "satire", "opinion",
        "outdated", "explainer", "no evidence", "research in progress", "in dispute", "not rated",
    ), "other"),
}

# Lower bounds of the position on the numeric scale (0 worst .. 1 best).
CUTS = ((0.9, "true"), (0.65, "mostly-true"), (0.35, "mixed"), (0.1, "mostly-false"), (0.0, "false"))
DEFAULT_BEST, DEFAULT_WORST = 5.0, 1.0
_NOT_WORD = re.compile(r"[^\w]+")
_LEAD = re.compile(r"^(.*?)(?:[.:;(,!?]|\s[-\u2013\u2014]\s|[\u2013\u2014])")
_ACCENTS = str.maketrans("áàâäãéèêëíìîïóòôöõúùûüñç", "aaaaaeeeeiiiiooooouuuunc")


def fold(text: str) -> str:
    """Lower case, Latin accents off, punctuation and hyphens as single spaces."""
    return _NOT_WORD.sub(" ", text.lower().translate(_ACCENTS)).replace("_", " ").strip()


def verdict_of_text(text: str | None) -> str | None:
    """The verdict of a rating's wording, or None when the table does not know it."""
    if not text or not text.strip():
        return None
    found = WORDINGS.get(fold(text))
    if found is None:
        lead = _LEAD.match(text.strip())
        if lead and lead.group(1).strip():
            found = WORDINGS.get(fold(lead.group(1)))
    return found


def verdict_of_value(value: float | None, best: float | None = None, worst: float | None = None) -> str | None:
    """The verdict of a numeric rating on its scale; None without a usable scale."""
    if value is None:
        return None
    best = DEFAULT_BEST if best is None else best
    worst = DEFAULT_WORST if worst is None else worst
    if best == worst:
        return None
    position = (value - worst) / (best - worst)
    if not 0.0 <= position <= 1.0:
        return None  # outside its own scale (some feeds use -1 for "not rated")
    return next(verdict for bound, verdict in CUTS if position >= bound)


def normalise_rating(text: str | None, value: float | None = None, best: float | None = None,
                     worst: float | None = None) -> str:
    """One of ``VERDICTS``: the wording first, else the number, else "other"."""
    return verdict_of_text(text) or verdict_of_value(value, best, worst) or "other"
