"""Fact-checks in the store (table ``factchecks``, migration 4): SQL both backends share.

``put_factchecks`` writes the records of one call in ONE transaction: a
crash or an error leaves all of them stored or none (``parley factchecks
import`` calls it once per file, so a file's good records are never half
written). A record is keyed by ``FactCheck.key`` (its URL, else its content
hash): a key already stored with the same content is unchanged; with other
content (a publisher revised its rating) the row is replaced and counted as
updated. Records repeated within one call count once; the later one wins.
"""
from __future__ import annotations

from typing import Iterable

from parley.errors import FactCheckError
from parley.factchecks.record import FIELDS, FactCheck
from parley.store.base import FactCheckCounts
from parley.store.query import paged
from parley.store.rows import now_iso

COLUMNS = ("key", "content_hash", *FIELDS, "source", "imported_at")
CHUNK = 500  # keys looked up per query


class FactCheckSQL:
    """Mixed into ``SQLStore``: needs its ``_execute``, ``_executemany``,
    ``_rows``, ``_one`` and ``_transaction``."""

    def put_factchecks(self, records: Iterable[FactCheck], source: str | None = None) -> FactCheckCounts:
        latest: dict[str, FactCheck] = {}
        total = 0
        for record in records:
            latest[record.key] = record
            total += 1
        if not latest:
            return FactCheckCounts(0, total)
        at = now_iso()
        rows = {key: (key, r.content_hash, *(getattr(r, f) for f in FIELDS), source, at) for key, r in latest.items()}
        with self._transaction():  # type: ignore[attr-defined]
            stored = self._stored_hashes(list(rows))
            new = [row for key, row in rows.items() if key not in stored]
            changed = [row for key, row in rows.items() if key in stored and stored[key] != row[1]]
            placeholders = ", ".join("?" * len(COLUMNS))
            if new:
                self._executemany(  # type: ignore[attr-defined]
                    f"INSERT INTO factchecks ({', '.join(COLUMNS)}) VALUES ({placeholders}) "
                    "ON CONFLICT (key) DO NOTHING", new)
            if changed:
                assignments = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
                self._executemany(  # type: ignore[attr-defined]
                    f"UPDATE factchecks SET {assignments} WHERE key = ?", [(*row[1:], row[0]) for row in changed])
            matching = self.claim_matching() if new or changed else None  # type: ignore[attr-defined]
            if matching is not None and self.match_on_write:  # type: ignore[attr-defined]
                matching.match_factchecks([latest[row[0]].claim for row in (*new, *changed)])
        return FactCheckCounts(len(new), total - len(new) - len(changed), len(changed))

    def _stored_hashes(self, keys: list[str]) -> dict[str, str]:
        """key -> content_hash of the ``keys`` already stored."""
        found: dict[str, str] = {}
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start:start + CHUNK]
            found.update(self._rows(  # type: ignore[attr-defined]
                f"SELECT key, content_hash FROM factchecks WHERE key IN "
                                    f"({', '.join('?' * len(chunk))})", chunk))
        return found

    def factchecks(self, verdict: str | None = None, publisher: str | None = None, claimant: str | None = None,
                   limit: int | None = 100, offset: int = 0) -> list[FactCheck]:
        where, params = [], []
        for column, value in (("verdict", verdict), ("publisher", publisher), ("claimant", claimant)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql, params = paged(f"SELECT {', '.join(FIELDS)} FROM factchecks", where, "review_date DESC NULLS LAST, key",
                            params, limit, offset)
        return [FactCheck(*row) for row in self._rows(sql, params)]  # type: ignore[attr-defined]

    def factcheck(self, key: str) -> FactCheck:
        row = self._one(f"SELECT {', '.join(FIELDS)} FROM factchecks WHERE key = ?", (key,))  # type: ignore
        if row is None:
            raise FactCheckError(f"no stored fact-check has the key '{key}'", code="E806")
        return FactCheck(*row)

    def factcheck_count(self) -> int:
        row = self._one("SELECT COUNT(*) FROM factchecks")  # type: ignore[attr-defined]
        return int(row[0]) if row else 0
