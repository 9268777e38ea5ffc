"""The search side of the SQL stores: the words of a query, the facet tokens
a filter asks for, the ranking of candidate segments, and the checks of
filter values. Pure functions; the stores (``sql.py``, ``sqlite.py``,
``postgres.py``) run the SQL.
"""
from __future__ import annotations

import re
from datetime import date

from parley.errors import StoreError
from parley.store.base import Filters
from parley.store.rows import facet

# A search ranks the newest CANDIDATES matches (by insertion order) and
# returns the best ``limit`` of them: bounded work however common the words
# and however large the store.
CANDIDATES = 300
_WORD = re.compile(r"[^\W_]+\*?")


def query_words(query: str) -> list[str]:
    """The words of a user query, lower-cased; a trailing ``*`` marks a prefix."""
    return [w.lower() for w in _WORD.findall(query or "")]


MAX_YEAR_FACETS = 40


def facet_groups(filters: Filters | None) -> list[list[str]]:
    """Full-text facet tokens a hit must hold: one of each group (see rows.py)."""
    if filters is None:
        return []
    groups = []
    if filters.speaker:
        groups.append([facet("sp", filters.speaker)])
    if filters.entity:
        groups.append([facet("en", filters.entity)])
    if filters.outlet:
        groups.append([facet("ou", filters.outlet)])
    since = check_day(filters.since, "--since")
    until = check_day(filters.until, "--until")
    if since or until:
        first = int(since[:4]) if since else None
        last = int(until[:4]) if until else date.today().year + 1
        if first is not None and 0 <= last - first < MAX_YEAR_FACETS:
            groups.append([f"y{year}" for year in range(first, last + 1)])
    return groups


def rank_candidates(rows: list[tuple], words: list[str]) -> list[tuple[int, float]]:
    """(id, score) of candidate segments (id, body) by BM25 term saturation and
    length, idf left out: every candidate holds every word, and counting each
    word's matches across the whole index is what makes ranking slow."""
    if not rows:
        return []
    k1, b = 1.2, 0.75
    exact = {w for w in words if not w.endswith("*")}
    prefixes = tuple(w[:-1] for w in words if w.endswith("*"))
    tokens = [_WORD.findall(body.lower()) for _, body in rows]
    average = sum(len(t) for t in tokens) / len(tokens) or 1.0
    out = []
    for (segment_id, _), toks in zip(rows, tokens):
        norm = k1 * (1 - b + b * len(toks) / average)
        score = 0.0
        for term in exact:
            tf = toks.count(term)
            score += tf * (k1 + 1) / (tf + norm)
        for prefix in prefixes:
            tf = sum(1 for t in toks if t.startswith(prefix))
            score += tf * (k1 + 1) / (tf + norm)
        out.append((int(segment_id), score))
    return out


def like_escape(value: str) -> str:
    """``value`` for a LIKE pattern with ``ESCAPE '!'``."""
    return value.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def check_day(value: str | None, what: str) -> str | None:
    """``value`` as an ISO day, or a StoreError naming the option ``what``."""
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as e:
        raise StoreError(f"{what} must be a date YYYY-MM-DD, not {value!r}", code="E610") from e


def paged(select: str, where: list[str], order: str, params: list, limit: int | None, offset: int) -> tuple[str, list]:
    """``select`` with its WHERE clauses, ORDER BY ``order`` and, when
    ``limit`` is given, LIMIT/OFFSET; the parameters to go with it."""
    sql = select
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY " + order
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, int(limit), int(offset)]
    return sql, params
