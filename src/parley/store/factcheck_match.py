"""What claim matching reads and writes in the store (migration 5), both backends.

- ``factcheck_lexical(text, top)``: the fact-checks whose claim or claimant
  shares a word with ``text``, best first, through the store's own full-text
  index: FTS5's ``bm25()`` on SQLite (``factchecks_fts``), ``ts_rank`` over
  the ``tsv`` column (GIN index) on PostgreSQL; the words are
  ``parley.factchecks.match.tokens`` OR-ed together, less those held by
  more than ``COMMON_SHARE`` (a tenth) of the matchable texts (``match_terms``,
  migration 8) when rarer ones remain: both ranking functions score every
  row a word matches, and a word in a tenth of 20,000 fact-checks made a
  query cost 150 ms where it adds almost nothing to the order.
- ``factcheck_fields(keys)``: claim and dates of the candidates, for the
  re-ranker's features (``parley.factchecks.rerank``).
- ``put_factcheck_vectors`` / ``factcheck_vectors``: one float32 sentence
  vector per fact-check (bytes), with the content hash it was computed from.
- ``factchecks_needing_vectors(model)``: the fact-checks with no vector of
  ``model`` for their current content (new or revised ones), so an import
  embeds only what it added.
"""
from __future__ import annotations

from typing import Any, Sequence

from parley.factchecks.match import tokens

CANDIDATES = 100
COMMON_SHARE = 0.1  # words held by more of the matchable texts are left out of the query
COMMON_MIN_TEXTS = 1000  # ... once the store holds this many texts


class FactCheckMatchSQL:
    """Mixed into ``SQLStore``: needs its ``dialect``, ``_rows`` and ``_executemany``."""

    def factcheck_lexical(self, text: str, top: int = CANDIDATES) -> list[tuple[str, float]]:
        words = self._uncommon(sorted(set(tokens(text))))
        if not words:
            return []
        if self.dialect == "sqlite":  # type: ignore[attr-defined]
            query = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
            sql = ("SELECT key, -bm25(factchecks_fts) AS score FROM factchecks_fts WHERE factchecks_fts MATCH ? "
                   "ORDER BY score DESC, key LIMIT ?")
        else:
            query = " | ".join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words)
            sql = ("SELECT key, ts_rank(tsv, q) AS score FROM factchecks, to_tsquery('simple', ?) q WHERE tsv @@ q "
                   "ORDER BY score DESC, key LIMIT ?")
        return [(key, float(score)) for key, score in self._rows(sql, (query, int(top)))]  # type: ignore[attr-defined]

    def factcheck_fields(self, keys: Sequence[str]) -> dict[str, tuple[str, str | None, str | None]]:
        """key -> ``(claim, claim_date, review_date)`` of the stored fact-checks among ``keys``."""
        out: dict[str, tuple[str, str | None, str | None]] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start:start + 500])
            rows = self._rows(  # type: ignore[attr-defined]
                f"SELECT key, claim, claim_date, review_date FROM factchecks WHERE key IN "
                f"({', '.join('?' * len(chunk))})", tuple(chunk))
            out.update({key: (claim, claim_date, review_date) for key, claim, claim_date, review_date in rows})
        return out

    def _uncommon(self, words: list[str]) -> list[str]:
        """``words`` less those held by more than COMMON_SHARE of the texts, unless
        no stored word would remain (or the store is small)."""
        if not words or self.schema_version() < 8:  # type: ignore[attr-defined]  # no match_terms yet
            return words
        counts, total = self.term_counts(words)  # type: ignore[attr-defined]
        if total < COMMON_MIN_TEXTS:
            return words
        kept = [w for w in words if counts.get(w, 0) <= COMMON_SHARE * total]
        return kept if any(counts.get(w, 0) for w in kept) else words

    def put_factcheck_vectors(self, rows: Sequence[tuple[str, str, bytes]], model: str) -> None:
        """Store ``(key, content_hash, float32 bytes)`` rows, replacing older vectors of those keys."""
        if not rows:
            return
        with self._transaction():  # type: ignore[attr-defined]
            self._executemany("DELETE FROM factcheck_vectors WHERE key = ?",  # type: ignore[attr-defined]
                              [(key,) for key, _, _ in rows])
            self._executemany(  # type: ignore[attr-defined]
                "INSERT INTO factcheck_vectors (key, content_hash, model, vector) VALUES (?, ?, ?, ?)",
                [(key, digest, model, vector) for key, digest, vector in rows])

    def factchecks_needing_vectors(self, model: str) -> list[tuple[str, str, str]]:
        """``(key, content_hash, claim)`` of fact-checks without a current vector of ``model``."""
        return self._rows(  # type: ignore[attr-defined]
            "SELECT f.key, f.content_hash, f.claim FROM factchecks f LEFT JOIN factcheck_vectors v "
            "ON v.key = f.key AND v.model = ? AND v.content_hash = f.content_hash WHERE v.key IS NULL "
            "ORDER BY f.key", (model,))

    def factcheck_vector_count(self, model: str) -> int:
        """How many vectors of ``model`` are stored (a matcher reads them again when it changes)."""
        return int(self._one("SELECT COUNT(*) FROM factcheck_vectors WHERE model = ?", (model,))[0])  # type: ignore

    def factcheck_vectors(self, model: str) -> tuple[list[str], list[Any]]:
        """Keys and vector bytes of every current vector of ``model``."""
        rows = self._rows(  # type: ignore[attr-defined]
            "SELECT v.key, v.vector FROM factcheck_vectors v JOIN factchecks f "
            "ON f.key = v.key AND f.content_hash = v.content_hash WHERE v.model = ? ORDER BY v.key", (model,))
        return [key for key, _ in rows], [bytes(vector) for _, vector in rows]
