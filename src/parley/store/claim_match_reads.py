"""What the pages read of the stored claim matches and fact-checks, both backends.

- ``claim_matches_of(hash)``: each claim of one document with its stored
  fact-check matches (rating, publisher, date, link) and the other corpus
  statements of the same claim (speaker, date, passage), in both
  directions, each flagged ``earlier`` when it was said before (or, undated,
  stored before) this document.
- ``factcheck_transcripts(key)``: the claim passages a fact-check matches.
- ``search_factchecks(...)``: fact-checks by words of their claim or
  claimant (the full-text index), publisher, verdict and review dates, each
  with how many claims match it.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from parley.factchecks.match import tokens
from parley.factchecks.record import FIELDS
from parley.store.query import check_day, paged

_FACTCHECK = "f.key, f.url, f.claim, f.claimant, f.rating, f.verdict, f.publisher, f.review_date"
_OTHER = "s.id, s.hash, d.doc_id, d.title, d.published, d.day, s.speaker, s.span_start, s.span_end, s.body"


def _factcheck(row: tuple) -> dict[str, Any]:
    """A matched fact-check, with ``link``: its page in the service."""
    found = dict(zip(("key", "url", "claim", "claimant", "rating", "verdict", "publisher", "review_date"), row))
    return dict(found, link="/factchecks/" + quote(found["key"], safe=""))


def _statement(row: tuple, score: float, earlier: bool) -> dict[str, Any]:
    seg, h, doc_id, title, published, _day, speaker, start, end, body = row
    return {"segment": int(seg), "hash": h, "doc_id": doc_id, "title": title, "published": published,
            "speaker": speaker, "span": [int(start), int(end)], "text": body, "score": round(float(score), 4),
            "earlier": earlier, "url": f"/documents/{h}?at={int(start)}-{int(end)}"}


class ClaimMatchReadSQL:
    """Mixed into ``SQLStore``: needs its ``dialect``, ``_rows`` and ``_one``."""

    def claim_matches_of(self, hash: str) -> list[dict[str, Any]]:
        day_row = self._one("SELECT day FROM documents WHERE hash = ?", (hash,))  # type: ignore[attr-defined]
        day = day_row[0] if day_row else None
        claims = {int(i): {"segment": int(i), "span": [int(s), int(e)], "text": body, "factchecks": [],
                           "statements": []}
                  for i, s, e, body in self._rows(  # type: ignore[attr-defined]
                      "SELECT id, span_start, span_end, body FROM segments WHERE hash = ? AND layer = 'claims' "
                      "ORDER BY span_start, id", (hash,))}
        for row in self._rows(  # type: ignore[attr-defined]
                f"SELECT m.segment_id, m.score, m.rank, {_FACTCHECK} FROM claim_matches m "
                "JOIN factchecks f ON f.key = m.factcheck_key WHERE m.hash = ? AND m.kind = 'factcheck' "
                "ORDER BY m.segment_id, m.rank", (hash,)):
            if int(row[0]) in claims:
                claims[int(row[0])]["factchecks"].append(
                    dict(_factcheck(row[3:]), score=round(float(row[1]), 4), rank=int(row[2])))
        forward = self._rows(  # type: ignore[attr-defined]
            f"SELECT m.segment_id, m.score, {_OTHER} FROM claim_matches m JOIN segments s ON s.id = m.target_segment "
            "JOIN documents d ON d.hash = s.hash WHERE m.hash = ? AND m.kind = 'claim'", (hash,))
        backward = self._rows(  # type: ignore[attr-defined]
            f"SELECT m.target_segment, m.score, {_OTHER} FROM claim_matches m JOIN segments s ON s.id = m.segment_id "
            "JOIN documents d ON d.hash = s.hash WHERE m.kind = 'claim' AND m.target_segment IN "
            "(SELECT id FROM segments WHERE hash = ? AND layer = 'claims')", (hash,))
        for rows, stored_before in ((forward, True), (backward, False)):
            for seg, score, *other in rows:
                other_day = other[5]
                earlier = other_day <= day if (day and other_day) else stored_before
                if int(seg) in claims:
                    claims[int(seg)]["statements"].append(_statement(tuple(other), score, earlier))
        for claim in claims.values():
            claim["statements"].sort(key=lambda s: (not s["earlier"], -s["score"], s["published"] or ""))
        return list(claims.values())

    def factcheck_transcripts(self, key: str, limit: int = 200) -> list[dict[str, Any]]:
        rows = self._rows(  # type: ignore[attr-defined]
            f"SELECT m.score, m.rank, {_OTHER} FROM claim_matches m JOIN segments s ON s.id = m.segment_id "
            "JOIN documents d ON d.hash = s.hash WHERE m.factcheck_key = ? AND m.kind = 'factcheck' "
            "ORDER BY m.score DESC, s.id LIMIT ?", (key, int(limit)))
        return [dict(_statement(tuple(row[2:]), row[0], True), rank=int(row[1])) for row in rows]

    def search_factchecks(self, query: str = "", publisher: str | None = None, verdict: str | None = None,
                          since: str | None = None, until: str | None = None, limit: int | None = 50,
                          offset: int = 0) -> list[dict[str, Any]]:
        """Fact-checks holding every word of ``query`` and passing the filters,
        newest review first, each with ``matches`` (claims it matches)."""
        where: list[str] = []
        params: list[Any] = []
        words = sorted(set(tokens(query)))
        if words and self.dialect == "sqlite":  # type: ignore[attr-defined]
            where.append("f.key IN (SELECT key FROM factchecks_fts WHERE factchecks_fts MATCH ?)")
            params.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in words))
        elif words:
            where.append("f.tsv @@ to_tsquery('simple', ?)")
            params.append(" & ".join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words))
        for column, value in (("f.publisher", publisher), ("f.verdict", verdict)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        for op, value, name in ((">=", since, "since"), ("<=", until, "until")):
            checked = check_day(value, name)
            if checked:
                where.append(f"substr(f.review_date, 1, 10) {op} ?")
                params.append(checked)
        columns = ", ".join(f"f.{c}" for c in FIELDS)
        sql, params = paged(
            f"SELECT f.key, {columns}, (SELECT COUNT(*) FROM claim_matches m WHERE m.factcheck_key = f.key) "
            "FROM factchecks f", where, "f.review_date DESC NULLS LAST, f.key", params, limit, offset)
        return [dict(zip(("key", *FIELDS), row[:-1]), matches=int(row[-1])) for row in self._rows(sql, params)]  # type: ignore

    def factcheck_publishers(self) -> list[str]:
        return [r[0] for r in self._rows(  # type: ignore[attr-defined]
            "SELECT DISTINCT publisher FROM factchecks WHERE publisher IS NOT NULL ORDER BY publisher LIMIT 200")]
