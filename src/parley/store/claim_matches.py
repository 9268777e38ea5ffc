"""Stored claim matches (migration 8): the SQL both backends share.

- ``match_terms``: for each word, how many matchable texts hold it (every
  stored fact-check claim and claim segment counted once); the row with the
  empty term holds the number of texts. ``term_counts`` reads it,
  ``count_terms`` adds texts to it. ``parley.factchecks.claim_matching``
  weighs words by it.
- ``claim_candidates(words)``: the claim segments holding any of ``words``
  (the caller picks a query's rarest ones), through the store's full-text
  index (``segments_fts`` on SQLite, the GIN-indexed ``tsv`` on PostgreSQL),
  never a scan of the table.
- ``put_claim_matches`` / ``drop_factcheck_matches`` write
  ``claim_matches`` rows.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

CHUNK = 500  # values per IN (...) list
TOTAL = ""  # the match_terms row that counts the texts themselves
MATCH_COLUMNS = ("segment_id", "hash", "span_start", "span_end", "kind", "factcheck_key", "target_segment", "score",
                 "rank")


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


class ClaimMatchSQL:
    """Mixed into ``SQLStore``: needs its ``dialect``, ``_rows``, ``_executemany`` and ``_transaction``."""

    def _match_claims(self, h: str) -> None:
        """The claim matches of a new document (or only its word counts)."""
        matching = self.claim_matching()  # type: ignore[attr-defined]
        if matching is None:
            return
        if self.match_on_write:  # type: ignore[attr-defined]
            matching.match_document(h)
        else:
            from parley.factchecks.match import tokens

            self.count_terms([set(tokens(body)) for *_, body in self.claim_segments(h)])

    def term_counts(self, words: Iterable[str]) -> tuple[dict[str, int], int]:
        """(word -> number of texts holding it, for the ``words`` known; the number of texts)."""
        wanted = sorted(set(words) | {TOTAL})
        found: dict[str, int] = {}
        for chunk in _chunks(wanted):
            found.update((term, int(df)) for term, df in self._rows(  # type: ignore[attr-defined]
                f"SELECT term, df FROM match_terms WHERE term IN ({', '.join('?' * len(chunk))})", list(chunk)))
        total = found.pop(TOTAL, 0)
        return found, total

    def count_terms(self, texts: Sequence[set[str]]) -> None:
        """Add texts (each its set of words) to ``match_terms``."""
        if not texts:
            return
        counts: dict[str, int] = {TOTAL: len(texts)}
        for words in texts:
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        self._executemany(  # type: ignore[attr-defined]
            "INSERT INTO match_terms (term, df) VALUES (?, ?) "
            "ON CONFLICT (term) DO UPDATE SET df = match_terms.df + excluded.df", sorted(counts.items()))

    def claim_candidates(self, words: Sequence[str], exclude_hash: str | None, limit: int) -> list[tuple[int, str, str]]:
        """``(segment id, document hash, text)`` of at most ``limit`` claim
        segments (newest first) holding any of ``words``, outside ``exclude_hash``."""
        if not words:
            return []
        if self.dialect == "sqlite":  # type: ignore[attr-defined]
            # the layer inside the MATCH: FTS5 skips the sentences holding the words
            match = 'layer : "claims" AND body : (' + " OR ".join('"' + w.replace('"', '""') + '"' for w in words) + ")"
            sql = ("SELECT s.id, s.hash, s.body FROM segments_fts CROSS JOIN segments s ON s.id = segments_fts.rowid "
                   "WHERE segments_fts MATCH ? AND s.layer = 'claims' AND s.hash <> ? "
                   "ORDER BY segments_fts.rowid DESC LIMIT ?")
        else:
            match = " | ".join("'" + w.replace("'", "''").replace("\\", "") + "':A" for w in words)
            sql = ("SELECT s.id, s.hash, s.body FROM segments s WHERE s.tsv @@ to_tsquery('simple', ?) "
                   "AND s.layer = 'claims' AND s.hash <> ? ORDER BY s.id DESC LIMIT ?")
        rows = self._rows(sql, (match, exclude_hash or "", int(limit)))  # type: ignore[attr-defined]
        return [(int(i), h, body) for i, h, body in rows]

    def claim_segments(self, hash: str) -> list[tuple[int, int, int, str]]:
        """``(segment id, start, end, text)`` of one document's claim segments."""
        return [(int(i), int(s), int(e), body) for i, s, e, body in self._rows(  # type: ignore[attr-defined]
            "SELECT id, span_start, span_end, body FROM segments WHERE hash = ? AND layer = 'claims' "
            "ORDER BY span_start, id", (hash,))]

    def segments_by_id(self, ids: Sequence[int]) -> list[tuple[int, str, int, int, str]]:
        """``(segment id, hash, start, end, text)`` of the segments ``ids``."""
        out: list[tuple[int, str, int, int, str]] = []
        for chunk in _chunks(sorted(set(ids))):
            out.extend((int(i), h, int(s), int(e), body) for i, h, s, e, body in self._rows(  # type: ignore
                f"SELECT id, hash, span_start, span_end, body FROM segments WHERE id IN "
                f"({', '.join('?' * len(chunk))})", list(chunk)))
        return out

    def published_of(self, hashes: Sequence[str]) -> dict[str, str | None]:
        """hash -> published date of the documents ``hashes`` (the query date of their claims)."""
        found: dict[str, str | None] = {}
        for chunk in _chunks(list(hashes)):
            found.update(self._rows(  # type: ignore[attr-defined]
                f"SELECT hash, published FROM documents WHERE hash IN ({', '.join('?' * len(chunk))})", list(chunk)))
        return found

    def factcheck_claims(self, keys: Sequence[str]) -> dict[str, str]:
        """key -> claim of the stored fact-checks ``keys``."""
        found: dict[str, str] = {}
        for chunk in _chunks(list(keys)):
            found.update(self._rows(  # type: ignore[attr-defined]
                f"SELECT key, claim FROM factchecks WHERE key IN ({', '.join('?' * len(chunk))})", list(chunk)))
        return found

    def put_claim_matches(self, rows: Sequence[tuple]) -> None:
        """Insert ``claim_matches`` rows (``MATCH_COLUMNS`` order)."""
        if rows:
            self._executemany(  # type: ignore[attr-defined]
                f"INSERT INTO claim_matches ({', '.join(MATCH_COLUMNS)}) VALUES ({', '.join('?' * len(MATCH_COLUMNS))})",
                list(rows))

    def drop_factcheck_matches(self, segment_ids: Sequence[int]) -> None:
        """Delete the fact-check matches of these claim segments (before they are recomputed)."""
        for chunk in _chunks(sorted(set(segment_ids))):
            self._execute(  # type: ignore[attr-defined]
                f"DELETE FROM claim_matches WHERE kind = 'factcheck' AND segment_id IN ({', '.join('?' * len(chunk))})",
                list(chunk))
