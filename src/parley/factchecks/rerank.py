"""The trained re-ranker of claim matching (issue 13): a small logistic model
over features of each candidate fact-check, shipped in
``factchecks/data/claim_ranker.npz`` (``parley.models.heads`` layout, one
sigmoid head), trained by ``src/parley_lab/claim_ranker.py`` on the
CheckThat! 2022 Task 2B train queries and chosen on dev.

A candidate is any fact-check in the full-text or the dense top 100. Its
features (``FEATURES``) use only what a ClaimReview carries (the claim, the
claimant, the claim and review dates) and the query (its text and, when
known, the date it was said):

- ``score_features``: the full-text score over the query's best, its
  reciprocal rank, the cosine with the claim, the cosine minus the query's
  best, its reciprocal rank, the fused RRF score;
- ``text_features``: the share of the query's words in the claim and of the
  claim's words in the query, whether the query's numbers are in the claim;
- ``date_features``: whether the query has a date and the fact-check a claim
  date; the claim said the same day (within one day), within a week;
  ``log1p(|days|)`` over ``log1p(3650)``, capped at 1; the review published
  within 60 days after the query.

``load_reranker`` returns ``(None, why)`` when the file is missing or
unreadable, and matching falls back to RRF alone.
"""
from __future__ import annotations

import math
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from parley.factchecks.words import tokens

MODEL_PATH = Path(__file__).resolve().parent / "data" / "claim_ranker.npz"
HINT = "run python -m parley_lab.claim_ranker to train it"

SCORE_FEATURES = ("lexical/best", "1/rank lexical", "cosine", "cosine - best", "1/rank dense", "rrf")
TEXT_FEATURES = ("query words in claim", "claim words in query", "query numbers in claim")
DATE_FEATURES = ("dated", "same day", "same week", "log days apart", "reviewed within 60 days")
FEATURES = SCORE_FEATURES + TEXT_FEATURES + DATE_FEATURES

WORDS_CACHE = 65536  # texts whose words are kept (a store's fact-check claims and recent queries)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def parse_date(text: str | None) -> date | None:
    """The date of an ISO date or date-time string (its first ten characters), else None."""
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def numbers(text: str) -> set[str]:
    """The numbers written in ``text``, without thousands separators ("4,300" -> "4300")."""
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


@lru_cache(maxsize=WORDS_CACHE)
def words_and_numbers(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The word set (``tokens``) and the numbers of ``text``, kept for the
    texts seen last: a query is compared with a hundred or more claims, and
    the same fact-check claims come back query after query."""
    return frozenset(tokens(text)), frozenset(numbers(text))


def text_features(query: str, claim: str) -> list[float]:
    """``TEXT_FEATURES`` of one candidate's claim for ``query``."""
    (q, qn), (c, cn) = words_and_numbers(query), words_and_numbers(claim)
    shared = len(q & c)
    return [shared / len(q) if q else 0.0, shared / len(c) if c else 0.0,
            (len(qn & cn) / len(qn)) if qn else 0.0]


def date_features(said: date | None, claim_date: str | None, review_date: str | None) -> list[float]:
    """``DATE_FEATURES``: how near the claim's (and review's) date is to the day the query was said."""
    claimed, reviewed = parse_date(claim_date), parse_date(review_date)
    if said is None or claimed is None:
        return [0.0, 0.0, 0.0, 0.0, 0.0]
    days = abs((claimed - said).days)
    after = (reviewed - said).days if reviewed else -1
    return [1.0, float(days <= 1), float(days <= 7), min(1.0, math.log1p(days) / math.log1p(3650)),
            float(0 <= after <= 60)]


def score_features(keys: Sequence[str], lexical: Sequence[tuple[str, float]], dense: Sequence[tuple[str, float]],
                   cosines: Sequence[float], k: float) -> list[list[float]]:
    """``SCORE_FEATURES`` of each of ``keys`` from the two rankings, each
    key's cosine and RRF's ``k`` (``match.RRF_K``)."""
    best_lex = lexical[0][1] if lexical and lexical[0][1] > 0 else 1.0
    lex = {key: (rank, score) for rank, (key, score) in enumerate(lexical, 1)}
    den = {key: rank for rank, (key, _) in enumerate(dense, 1)}
    best_cos = max(cosines) if len(cosines) else 0.0
    rows = []
    for key, cos in zip(keys, cosines):
        rank, score = lex.get(key, (0, 0.0))
        drank = den.get(key, 0)
        rrf = (1.0 / (k + rank) if rank else 0.0) + (1.0 / (k + drank) if drank else 0.0)
        rows.append([score / best_lex, 1.0 / rank if rank else 0.0, float(cos), float(cos - best_cos),
                     1.0 / drank if drank else 0.0, rrf * (k + 1)])
    return rows


def candidate_features(query: str, said: date | None, keys: Sequence[str], lexical, dense, cosines,
                       fields: dict[str, tuple[str, str | None, str | None]], k: float) -> Any:
    """The ``FEATURES`` matrix (float32, one row per key); ``fields``: key ->
    (claim, claim_date, review_date); ``k``: RRF's."""
    import numpy as np

    scores = score_features(keys, lexical, dense, cosines, k)
    rows = []
    for key, row in zip(keys, scores):
        claim, claim_date, review_date = fields[key]
        rows.append(row + text_features(query, claim) + date_features(said, claim_date, review_date))
    return np.asarray(rows, dtype=np.float32).reshape(len(keys), len(FEATURES))


class Reranker:
    """Scores candidates with the shipped head (higher: more likely the same claim)."""

    def __init__(self, head) -> None:
        if head.n_features != len(FEATURES):
            raise ValueError(f"the re-ranker takes {head.n_features} features, this Parley computes {len(FEATURES)}")
        self.head = head

    def scores(self, x) -> Any:
        return self.head.logits(x)[:, 0]

    def rank(self, keys: Sequence[str], x, top: int) -> list[tuple[str, float]]:
        """The ``top`` keys by probability, best first (ties keep candidate order)."""
        import numpy as np

        if not len(keys):
            return []
        z = self.scores(x)
        order = np.argsort(-z, kind="stable")[:top]
        probs = 1.0 / (1.0 + np.exp(-np.clip(z[order], -30, 30)))
        return [(keys[i], float(p)) for i, p in zip(order, probs)]


def load_reranker(path: Path | str | None = None) -> tuple[Reranker | None, str | None]:
    """``(Reranker, None)``, or ``(None, why)`` when the model file is missing or unreadable."""
    from parley.errors import ModelUnavailable
    from parley.models.heads import read_head

    try:
        return Reranker(read_head(path or MODEL_PATH, "the claim re-ranker", HINT)), None
    except (ModelUnavailable, ValueError) as e:
        return None, str(e)
