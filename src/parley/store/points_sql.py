"""What talking points read and write in the store (migration 9), both backends.

``point_members`` holds every non-boilerplate sentence of every stored
document with the id of its talking point (``point_id``: the id of the
point's first member), its stems and, with the ``models`` extra, its MiniLM
vector (float32 bytes). ``point_keys`` holds each member's candidate keys
(pairs of long stems, ``parley.corpus.text.keys``), indexed, so that a new
sentence finds the members it may join by index lookups, never a scan.
The stems' sentence counts (how many members hold each stem, for the idf
weights of ``parley.corpus.points``) live in ``match_terms`` (migration 8)
under the ``STEM_PREFIX`` namespace, the row ``STEM_PREFIX`` alone holding
the number of members counted; no claim-matching term starts with it.
``parley.corpus.points`` holds the logic; this mixin only moves rows.
"""
from __future__ import annotations

from typing import Any, Sequence

KEYS_PER_READ = 100  # keys per candidate read (one UNION ALL of index range reads)
IDS_PER_READ = 500  # seeds per read
STEM_PREFIX = "point:"  # match_terms rows of the talking points' stem counts
MEMBER_COLUMNS = "m.id, m.point_id, m.hash, d.doc_id, m.span_start, m.span_end, m.turn, m.speaker, m.day, m.body"


class PointsSQL:
    """Mixed into ``SQLStore``: needs its ``_rows``, ``_one``, ``_execute``, ``_executemany`` and ``_transaction``."""

    corpus_vectors: bool | None = None  # None: parley.corpus.vectors_wanted decides (MiniLM when installed)

    def _update_corpus(self, hash: str, data: dict[str, Any], day: str | None) -> None:
        """Talking points and attribution checks for a new document (same transaction)."""
        from parley.corpus import update_document

        update_document(self, hash, data, day)

    def point_candidates(self, keys: Sequence[str], exclude_hash: str, per_key: int = 50) -> list[tuple]:
        """``(key, point_id, seed stems, seed vector, seed text)`` of the points whose members of other
        documents share a key: at most ``per_key`` points per key, the newest (``point_id`` descending,
        an index range read), so that a common key never reads the whole table; the seed is the
        point's first member, which every member was compared with. Two reads a chunk of keys: the
        ``(key, point)`` pairs, then each distinct seed once (a seed shared by many keys is sent once)."""
        keys = sorted(set(keys))
        if not keys:
            return []
        pairs: list[tuple[str, int]] = []
        for start in range(0, len(keys), KEYS_PER_READ):
            chunk = keys[start:start + KEYS_PER_READ]
            per = ("SELECT * FROM (SELECT key, point_id FROM point_keys WHERE key = ? AND hash <> ? "
                   "ORDER BY point_id DESC LIMIT ?) AS c")
            pairs += self._rows(  # type: ignore[attr-defined]
                "SELECT DISTINCT c.key, c.point_id FROM (" + " UNION ALL ".join([per] * len(chunk)) + ") c",
                [x for k in chunk for x in (k, exclude_hash, int(per_key))])
        seeds: dict[int, tuple] = {}
        wanted = sorted({int(p) for _, p in pairs})
        for start in range(0, len(wanted), IDS_PER_READ):
            chunk = wanted[start:start + IDS_PER_READ]
            for row in self._rows(f"SELECT id, stems, vector, body FROM point_members "  # type: ignore
                                  f"WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
                seeds[int(row[0])] = tuple(row[1:])
        return [(k, int(p), *seeds[int(p)]) for k, p in pairs if int(p) in seeds]

    def count_point_stems(self, sentences: Sequence[set[str]]) -> None:
        """Add sentences (each its set of stems) to the stem counts, one batched upsert."""
        counts: dict[str, int] = {STEM_PREFIX: len(sentences)}
        for stems in sentences:
            for stem in stems:
                counts[STEM_PREFIX + stem] = counts.get(STEM_PREFIX + stem, 0) + 1
        self._executemany(  # type: ignore[attr-defined]
            "INSERT INTO match_terms (term, df) VALUES (?, ?) "
            "ON CONFLICT (term) DO UPDATE SET df = match_terms.df + excluded.df", sorted(counts.items()))

    def point_stem_counts(self, stems: set[str]) -> tuple[dict[str, int], int]:
        """(stem -> how many counted sentences hold it, for every stem of ``stems``; sentences counted)."""
        wanted = sorted(STEM_PREFIX + s for s in stems) + [STEM_PREFIX]
        found = {stem: 0 for stem in stems}
        total = 0
        for start in range(0, len(wanted), IDS_PER_READ):
            chunk = wanted[start:start + IDS_PER_READ]
            for term, n in self._rows(  # type: ignore[attr-defined]
                    f"SELECT term, df FROM match_terms WHERE term IN ({', '.join('?' * len(chunk))})", chunk):
                if term == STEM_PREFIX:
                    total = int(n)
                else:
                    found[term[len(STEM_PREFIX):]] = int(n)
        return found, total

    def add_point_members(self, hash: str, members: Sequence[tuple]) -> list[int]:
        """Insert a document's members at once; their ids. Each member is ``(point_id or None, span,
        turn, speaker, day, body, stems, vector, similarity, keys)``; None starts a point of its own
        (its id). The ids are reserved first (one read), so members and keys are two batched
        inserts, never a round trip per member."""
        if not members:
            return []
        ids = self._reserve_member_ids(len(members))
        rows, key_rows = [], []
        for member, (point_id, span, turn, speaker, day, body, stems, vector, similarity, keys) in zip(ids, members):
            point = point_id or member
            rows.append((member, hash, point, span[0], span[1], turn, speaker, day, body, stems, vector, similarity))
            key_rows += [(k, member, point, hash, speaker) for k in sorted(set(keys))]
        self._executemany(  # type: ignore[attr-defined]
            "INSERT INTO point_members (id, hash, point_id, span_start, span_end, turn, speaker, day, body, stems, "
            "vector, similarity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        if key_rows:
            self._executemany(  # type: ignore[attr-defined]
                "INSERT INTO point_keys (key, member_id, point_id, hash, speaker) VALUES (?, ?, ?, ?, ?)", key_rows)
        return ids

    def _reserve_member_ids(self, n: int) -> list[int]:
        """``n`` new ``point_members`` ids: from the sequence (PostgreSQL; safe under concurrent
        writers) or after the largest id (SQLite, whose write transaction holds the database)."""
        if self.dialect == "postgresql":  # type: ignore[attr-defined]
            return sorted(int(r[0]) for r in self._rows(  # type: ignore[attr-defined]
                "SELECT nextval(pg_get_serial_sequence('point_members', 'id')) FROM generate_series(1, ?)", (n,)))
        top = int(self._one("SELECT COALESCE(MAX(id), 0) FROM point_members")[0])  # type: ignore[attr-defined]
        return list(range(top + 1, top + 1 + n))

    def has_point_members(self, hash: str) -> bool:
        return self._one("SELECT 1 FROM point_members WHERE hash = ? LIMIT 1", (hash,)) is not None  # type: ignore

    def point_speakers_of(self, hash: str) -> list[tuple[str | None, str]]:
        """``(speaker, stems)`` of each member of the document ``hash``."""
        return self._rows("SELECT speaker, stems FROM point_members WHERE hash = ? ORDER BY id", (hash,))  # type: ignore

    def point_ids(self, min_docs: int, speaker: str | None, since: str | None, limit: int | None,
                  offset: int = 0) -> list[tuple[int, int]]:
        """``(point_id, documents)`` of points with at least ``min_docs`` documents, largest first
        (most documents, then most members, then oldest)."""
        where, params = [], []  # type: list[str], list[Any]
        if speaker:
            where.append("point_id IN (SELECT point_id FROM point_members WHERE speaker = ?)")
            params.append(speaker)
        if since:
            where.append("day >= ?")
            params.append(since)
        sql = ("SELECT point_id, COUNT(DISTINCT hash) AS n FROM point_members"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " GROUP BY point_id HAVING COUNT(DISTINCT hash) >= ? ORDER BY n DESC, COUNT(*) DESC, point_id")
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

    def said_point_groups(self, said: list[dict[str, Any]], min_docs: int = 2) -> list[dict[str, Any]]:
        """The dossier's ``said`` sentences (``hash``, ``start``) grouped by talking point: one group per
        point with members from at least ``min_docs`` documents (``point``, ``label``: the point's first
        wording, ``documents``, ``sentences``), and the others as one group (``point`` None), the
        groups in the order of their first (newest) sentence. Three reads, bounded by the page of sentences."""
        if not said:
            return []
        pairs = sorted({(s["hash"], int(s["start"])) for s in said})
        point_of = {(h, int(a)): int(p) for h, a, p in self._rows(  # type: ignore[attr-defined]
            "SELECT hash, span_start, point_id FROM point_members WHERE "
            + " OR ".join(["(hash = ? AND span_start = ?)"] * len(pairs)), [x for pair in pairs for x in pair])}
        ids = sorted(set(point_of.values()))
        sizes, labels = {}, {}
        if ids:
            where = f"({', '.join('?' * len(ids))})"
            sizes = {int(p): int(n) for p, n in self._rows(  # type: ignore[attr-defined]
                f"SELECT point_id, COUNT(DISTINCT hash) FROM point_members WHERE point_id IN {where} "
                "GROUP BY point_id", ids)}
            labels = {int(i): body for i, body in self._rows(  # type: ignore[attr-defined]
                f"SELECT id, body FROM point_members WHERE id IN {where}", ids)}
        groups: dict[int | None, dict[str, Any]] = {}
        for s in said:
            p = point_of.get((s["hash"], int(s["start"])))
            key = p if p is not None and sizes.get(p, 0) >= min_docs else None
            if key not in groups:
                groups[key] = {"point": key, "label": labels.get(key, "") if key is not None else "Other statements",
                               "documents": sizes.get(key, 1) if key is not None else None, "sentences": []}
            groups[key]["sentences"].append(s)
        return list(groups.values())
