"""One fact-check (``FactCheck``) and how it is read from a ClaimReview object.

``from_claimreview`` takes one schema.org ClaimReview as a dict (JSON-LD
with the plain schema.org names, or a JSONL line with the same names) and
keeps: ``claimReviewed`` (required), the claimant (``itemReviewed.author``),
the claim date (``itemReviewed.datePublished``), the rating as published
(``reviewRating``: ``alternateName``, ``ratingValue``, ``bestRating``,
``worstRating``) and its normalised verdict (``ratings.py``), the publisher
(``author``, else ``publisher``), the review date (``datePublished``) and
the ``url``. Anything malformed is a FactCheckError E801 naming the field.

A fact-check's ``key`` is its URL when it has one, else ``sha256:`` and the
hash of its content (``content_hash``), so importing it again finds it.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from parley.errors import FactCheckError
from parley.factchecks.ratings import normalise_rating

CLAIMREVIEW_TYPES = {"ClaimReview", "schema:ClaimReview", "http://schema.org/ClaimReview",
                     "https://schema.org/ClaimReview"}


@dataclass(frozen=True)
class FactCheck:
    """A stored fact-check: the claim, who made it and when, and the verdict."""

    claim: str
    verdict: str  # one of ratings.VERDICTS
    url: str | None = None
    claimant: str | None = None
    claim_date: str | None = None
    rating: str | None = None  # reviewRating.alternateName, as published
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher: str | None = None
    review_date: str | None = None

    @property
    def content_hash(self) -> str:
        """SHA-256 of the fields (canonical JSON): equal fact-checks, equal hash."""
        canonical = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def key(self) -> str:
        return self.url or f"sha256:{self.content_hash}"

    def json(self) -> dict[str, Any]:
        return {"key": self.key, **asdict(self)}


FIELDS = tuple(f.name for f in fields(FactCheck))


def is_claimreview(obj: Any, *, untyped: bool = False) -> bool:
    """Whether ``obj`` is a ClaimReview object; ``untyped``: also one with no
    ``@type`` that has ``claimReviewed`` (JSONL lines, bare lists)."""
    if not isinstance(obj, dict):
        return False
    kind = obj.get("@type")
    if kind is None:
        return untyped and "claimReviewed" in obj
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k in CLAIMREVIEW_TYPES for k in kinds)


def _bad(message: str) -> FactCheckError:
    return FactCheckError(message, code="E801")


def _first(value: Any) -> Any:
    """The first element of a list (JSON-LD allows one or many), else the value."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any, name: str) -> str | None:
    """A plain string field (None when absent or blank)."""
    value = _first(value)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise _bad(f"'{name}' must be a string, not {type(value).__name__}")
    return value.strip() or None


def _name(value: Any, name: str) -> str | None:
    """A Person/Organization (``{"name": ...}``) or a plain name."""
    value = _first(value)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("url"), f"{name}.name")
    return _text(value, name)


def _number(value: Any, name: str) -> float | None:
    """A rating number: a JSON number or a numeric string; anything else is E801."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _bad(f"'{name}' must be a number, not {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _bad(f"'{name}' must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise _bad(f"'{name}' must be a finite number, not {value!r}")
    return number


def _object(value: Any, name: str) -> dict[str, Any]:
    value = _first(value)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad(f"'{name}' must be an object, not {type(value).__name__}")
    return value


def from_claimreview(obj: Any) -> FactCheck:
    """The FactCheck of one ClaimReview dict, or FactCheckError E801."""
    if not isinstance(obj, dict):
        raise _bad(f"a ClaimReview must be a JSON object, not {type(obj).__name__}")
    claim = _text(obj.get("claimReviewed"), "claimReviewed")
    if not claim:
        raise _bad("no 'claimReviewed' (the claim the review checks)")
    rating = _object(obj.get("reviewRating"), "reviewRating")
    item = _object(obj.get("itemReviewed"), "itemReviewed")
    text = _text(rating.get("alternateName"), "reviewRating.alternateName")
    value = _number(rating.get("ratingValue"), "reviewRating.ratingValue")
    best = _number(rating.get("bestRating"), "reviewRating.bestRating")
    worst = _number(rating.get("worstRating"), "reviewRating.worstRating")
    return FactCheck(
        claim=claim,
        verdict=normalise_rating(text, value, best, worst),
        url=_text(obj.get("url"), "url"),
        claimant=_name(item.get("author"), "itemReviewed.author"),
        claim_date=_text(item.get("datePublished"), "itemReviewed.datePublished"),
        rating=text,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        publisher=_name(obj.get("author") or obj.get("publisher"), "author"),
        review_date=_text(obj.get("datePublished"), "datePublished"),
    )
