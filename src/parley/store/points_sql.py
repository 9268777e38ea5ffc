"""What talking points read and write in the store (migration 9), both backends.

``point_members`` holds every non-boilerplate sentence of every stored
document with the id of its talking point (``point_id``: the id of the
point's first member), its stems and, with the ``models`` extra, its MiniLM
vector (float32 bytes). ``point_keys`` holds each member's candidate keys
(pairs of long stems, ``parley.corpus.text.keys``), indexed, so that a new
sentence finds the members it may join by index lookups, never a scan.
``parley.corpus.points`` holds the logic; this mixin only moves rows.
"""
from __future__ import annotations

from typing import Any, Sequence

MEMBER_COLUMNS = "m.id, m.point_id, m.hash, d.doc_id, m.span_start, m.span_end, m.turn, m.speaker, m.day, m.body"


class PointsSQL:
    """Mixed into ``SQLStore``: needs its ``_rows``, ``_one``, ``_execute``, ``_executemany`` and ``_transaction``."""

    corpus_vectors: bool | None = None  # None: PARLEY_CORPUS_VECTORS decides (default: stems, no MiniLM)

    def _update_corpus(self, hash: str, data: dict[str, Any], day: str | None) -> None:
        """Talking points and attribution checks for a new document (same transaction)."""
        from parley.corpus import update_document

        update_document(self, hash, data, day)

    def point_candidates(self, keys: Sequence[str], exclude_hash: str, per_key: int = 50) -> list[tuple]:
        """``(key, point_id, seed stems, seed vector, seed text)`` of the points whose members of other
        documents share a key: at most ``per_key`` points per key, the newest (``point_id`` descending,
        an index range read), so that a common key never reads the whole table; the seed is the
        point's first member, which every member was compared with."""
        keys = sorted(set(keys))
        if not keys:
            return []
        out: list[tuple] = []
        for start in range(0, len(keys), 100):
            chunk = keys[start:start + 100]
            per = ("SELECT * FROM (SELECT key, point_id FROM point_keys WHERE key = ? AND hash <> ? "
                   "ORDER BY point_id DESC LIMIT ?) AS c")
            out += self._rows(  # type: ignore[attr-defined]
                "SELECT DISTINCT c.key, c.point_id, s.stems, s.vector, s.body FROM ("
                + " UNION ALL ".join([per] * len(chunk)) + ") c JOIN point_members s ON s.id = c.point_id",
                [x for k in chunk for x in (k, exclude_hash, int(per_key))])
        return out

    def add_point_member(self, hash: str, point_id: int | None, span: tuple[int, int], turn: int | None,
                         speaker: str | None, day: str | None, body: str, stems: str, vector: bytes | None,
                         similarity: float, keys: Sequence[str]) -> int:
        """Insert one member (a new point of its own when ``point_id`` is None) and its keys; its id."""
        row = self._one(  # type: ignore[attr-defined]
            "INSERT INTO point_members (hash, point_id, span_start, span_end, turn, speaker, day, body, stems, "
            "vector, similarity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (hash, point_id or 0, span[0], span[1], turn, speaker, day, body, stems, vector, similarity))
        member = int(row[0])
        if point_id is None:
            self._execute("UPDATE point_members SET point_id = ? WHERE id = ?", (member, member))  # type: ignore
        if keys:
            self._executemany(  # type: ignore[attr-defined]
                "INSERT INTO point_keys (key, member_id, point_id, hash, speaker) VALUES (?, ?, ?, ?, ?)",
                [(k, member, point_id or member, hash, speaker) for k in sorted(set(keys))])
        return member

    def has_point_members(self, hash: str) -> bool:
        return self._one("SELECT 1 FROM point_members WHERE hash = ? LIMIT 1", (hash,)) is not None  # type: ignore

    def point_speakers_of(self, hash: str) -> list[tuple[str | None, str]]:
        """``(speaker, stems)`` of each member of the document ``hash``."""
        return self._rows("SELECT speaker, stems FROM point_members WHERE hash = ? ORDER BY id", (hash,))  # type: ignore

    def point_ids(self, min_docs: int, speaker: str | None, since: str | None, limit: int | None,
                  offset: int = 0) -> list[tuple[int, int]]:
        """``(point_id, documents)`` of points with at least ``min_docs`` documents, largest first."""
        where, params = [], []  # type: list[str], list[Any]
        if speaker:
            where.append("point_id IN (SELECT point_id FROM point_members WHERE speaker = ?)")
            params.append(speaker)
        if since:
            where.append("day >= ?")
            params.append(since)
        sql = ("SELECT point_id, COUNT(DISTINCT hash) AS n FROM point_members"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " GROUP BY point_id HAVING COUNT(DISTINCT hash) >= ? ORDER BY n DESC, point_id")
        params.append(int(min_docs))
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        return [(int(p), int(n)) for p, n in self._rows(sql, params)]  # type: ignore[attr-defined]

    def point_members(self, point_ids: Sequence[int], since: str | None = None) -> list[tuple]:
        """``MEMBER_COLUMNS`` and stems of the members of ``point_ids``, oldest first."""
        if not point_ids:
            return []
        sql = (f"SELECT {MEMBER_COLUMNS}, m.stems FROM point_members m JOIN documents d ON d.hash = m.hash "
               f"WHERE m.point_id IN ({', '.join('?' * len(point_ids))})")
        params: list[Any] = [int(p) for p in point_ids]
        if since:
            sql += " AND m.day >= ?"
            params.append(since)
        return self._rows(sql + " ORDER BY m.day NULLS LAST, m.hash, m.span_start", params)  # type: ignore

    def speaker_members(self, speaker: str, keys: Sequence[str], exclude_hash: str | None = None,
                        limit: int = 500) -> list[tuple]:
        """``MEMBER_COLUMNS``, stems and vector of ``speaker``'s members sharing a key (attribution checks),
        the newest ``limit`` (through the ``(speaker, key)`` index of ``point_keys``)."""
        keys = sorted(set(keys))
        if not keys:
            return []
        return self._rows(  # type: ignore[attr-defined]
            f"SELECT {MEMBER_COLUMNS}, m.stems, m.vector FROM point_members m JOIN documents d ON d.hash = m.hash "
            "WHERE m.id IN (SELECT k.member_id FROM point_keys k WHERE k.speaker = ? "
            f"AND k.key IN ({', '.join('?' * len(keys))}) AND k.hash <> ? ORDER BY k.member_id DESC LIMIT ?)",
            [speaker, *keys, exclude_hash or "", int(limit)])
