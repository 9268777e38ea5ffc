"""What the SQLite and PostgreSQL stores share: every query but full-text search.

SQL here is written with ``?`` placeholders; a backend whose driver wants
another style converts it in ``_sql``. The backends supply the connection,
transactions, error translation, migrations' dialect and ``_search``.
"""
from __future__ import annotations

import json
import re
import time
from abc import abstractmethod
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from parley.errors import StoreError
from parley.store import migrations
from parley.store.base import (
    DEFAULT_SEARCH_LIMIT, DEFAULT_TIME_LIMIT, SEARCH_LAYERS, DocumentInfo, EntityPage, FailureRecord, Filters,
    Hit, Mention, PutResult, SearchResult, StancePoint, Store
)
from parley.store.checks_sql import AttributionChecksSQL
from parley.store.claim_match_reads import ClaimMatchReadSQL
from parley.store.claim_matches import ClaimMatchSQL
from parley.store.corrections import CorrectionSQL
from parley.store.dossier import DossierSQL
from parley.store.factcheck_match import FactCheckMatchSQL
from parley.store.factchecks import FactCheckSQL
from parley.store.points_sql import PointsSQL
from parley.store.query import check_day, facet_groups, like_escape, paged, query_words
from parley.store.rows import now_iso, rows_of
from parley.store.shifts import ShiftSQL

INFO_COLUMNS = "d.hash, d.doc_id, d.title, d.published, d.outlet, d.interviewee, d.source, " \
               "d.pipeline_version, d.words, d.ingested_at"
HIT_COLUMNS = "s.hash, d.doc_id, s.layer, s.turn, s.span_start, s.span_end, s.speaker, s.label, d.published, s.body"
CLAIM_MATCHES_SCHEMA = 8  # the migration that made claim_matches
_HEX = re.compile(r"^[0-9a-f]{6,64}$")
# An entity id ``e.entity_id`` standing for the entity of ``?`` (three times the same id).
ALIAS_MATCH = ("(e.entity_id = ? OR e.entity_id IN (SELECT a.alias_id FROM entity_aliases a WHERE a.canonical_id = "
               "(SELECT coalesce(MAX(b.canonical_id), ?) FROM entity_aliases b WHERE b.alias_id = ?)))")


class SQLStore(FactCheckSQL, FactCheckMatchSQL, CorrectionSQL, ClaimMatchSQL, ClaimMatchReadSQL, PointsSQL,
               AttributionChecksSQL, DossierSQL, ShiftSQL, Store):
    dialect = "sqlite"
    conn: Any = None  # the driver's connection; None once closed
    # Match each new document's claims (and claims to new fact-checks) as they
    # are stored; a bulk load of synthetic rows may turn it off.
    match_on_write = True
    _claim_matching: Any = None

    def claim_matching(self) -> Any:
        """This store's ``ClaimMatching`` (``factchecks/claim_matching.py``),
        made once; None while the schema predates claim matches (migration 8)."""
        if self.schema_version() < CLAIM_MATCHES_SCHEMA:
            return None
        if self._claim_matching is None:
            from parley.factchecks.claim_matching import ClaimMatching

            self._claim_matching = ClaimMatching(self)
        return self._claim_matching

    def close(self) -> None:
        conn, self.conn = getattr(self, "conn", None), None
        if conn is not None:
            conn.close()

    def _connection(self) -> Any:
        if self.conn is None:
            raise StoreError("the store is closed", code="E602")
        return self.conn

    # -- backend hooks ---------------------------------------------------
    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement (``?`` placeholders); returns a cursor."""

    @abstractmethod
    def _executemany(self, sql: str, rows: list[tuple]) -> None:
        ...

    @abstractmethod
    @contextmanager
    def _outer_transaction(self) -> Iterator[None]:
        """Begin, then commit (or roll back on error) one real transaction;
        driver errors become StoreError E607."""

    _depth = 0  # how many _transaction blocks are open; only the outermost is real

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A write transaction; nested blocks join the outermost one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with self._outer_transaction():
                yield
        finally:
            self._depth = 0

    def batch(self):
        """Group several writes in one transaction (for bulk loads)."""
        return self._transaction()

    @abstractmethod
    def _search(self, words: list[str], layer: str, facets: list[list[str]], where: list[str], params: list[Any],
                deadline: float | None) -> tuple[list[tuple], bool]:
        """((segment id, score), complete): the newest CANDIDATES segments of ``layer``
        holding all ``words``, one token of each group of ``facets``, and passing
        ``where`` (on segments ``s`` and documents ``d``); higher score is better."""

    @abstractmethod
    def _timed_rows(self, sql: str, params: Sequence[Any], deadline: float | None) -> tuple[list[tuple], bool]:
        """All rows of a query, or those fetched before ``deadline`` (and False)."""

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return list(self._execute(sql, params).fetchall())

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        return self._execute(sql, params).fetchone()

    # -- migrations ------------------------------------------------------
    def schema_version(self) -> int:
        self._execute(migrations.SCHEMA_VERSION_TABLE[self.dialect])
        row = self._one("SELECT MAX(version) FROM schema_version")
        return int(row[0] or 0) if row else 0

    def migrate(self) -> int:
        with self._transaction():
            self._lock_for_migration()
            current = self.schema_version()
            if current > migrations.LATEST:
                raise StoreError(f"the database is at schema version {current}, newer than this Parley "
                                 f"knows ({migrations.LATEST}); upgrade Parley", code="E608")
            applied = {int(v) for (v,) in self._rows("SELECT version FROM schema_version")}
            for step in migrations.pending(applied):
                for statement in step.statements(self.dialect):
                    self._execute(statement)
                self._execute("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                              (step.version, step.description, now_iso()))
        return max(current, migrations.LATEST)

    def _index_terms(self, segments: list[tuple]) -> None:
        """Record the words of new segments (a backend that needs them)."""

    def _lock_for_migration(self) -> None:
        """Serialise concurrent migrations (PostgreSQL takes an advisory lock)."""

    # -- writing ---------------------------------------------------------
    def put_analysis(self, analysis: Any, pipeline_version: str) -> PutResult:
        return self.put_json(analysis.to_json(), pipeline_version)

    def put_json(self, data: dict[str, Any], pipeline_version: str, replace: bool = False) -> PutResult:
        rows = rows_of(data, pipeline_version)
        doc = rows.document
        with self._transaction():
            if replace:
                self._execute("DELETE FROM documents WHERE hash = ?", (rows.hash,))
            columns = list(doc)
            cursor = self._execute(
                f"INSERT INTO documents ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                "ON CONFLICT (hash) DO NOTHING",
                [doc[c] for c in columns],
            )
            if cursor.rowcount == 0:
                return PutResult(rows.hash, doc["doc_id"], False)
            h = rows.hash
            if rows.segments:
                self._executemany(
                    "INSERT INTO segments (hash, layer, turn, span_start, span_end, speaker, label, body, facets) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(h, *r) for r in rows.segments])
            self._index_terms(rows.segments)
            if rows.speakers:
                self._executemany("INSERT INTO speakers (hash, speaker, name) VALUES (?, ?, ?)",
                                  [(h, *r) for r in rows.speakers])
            if rows.entities:
                self._executemany("INSERT INTO entities (hash, entity_id, name, type, mentions) VALUES (?, ?, ?, ?, ?)",
                                  [(h, *r) for r in rows.entities])
            if rows.mentions:
                self._executemany(
                    "INSERT INTO mentions (hash, entity_id, span_start, span_end, turn, surface) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [(h, *r) for r in rows.mentions])
            if rows.stances:
                self._executemany(
                    "INSERT INTO stances (hash, holder, target, polarity, confidence, turn) VALUES (?, ?, ?, ?, ?, ?)",
                    [(h, *r) for r in rows.stances])
            self.index_identity_and_evidence(data, rows)  # store/shifts.py, store/linking.py
            if replace:  # the new analysis keeps the document's corrections; mark those that no longer fit
                self.refresh_corrections(h)
            self._match_claims(h)
            self._update_corpus(h, data, doc["day"])
        return PutResult(rows.hash, doc["doc_id"], True)

    def record_failure(self, source: str, code: str, message: str, pipeline_version: str | None = None) -> None:
        with self._transaction():
            self._execute("INSERT INTO failures (source, code, message, pipeline_version, at) VALUES (?, ?, ?, ?, ?)",
                          (source, code, message, pipeline_version, now_iso()))

    # -- reading ---------------------------------------------------------
    def has(self, hash: str) -> bool:
        return self._one("SELECT 1 FROM documents WHERE hash = ?", (hash,)) is not None

    def hashes(self) -> set[str]:
        return {row[0] for row in self._rows("SELECT hash FROM documents")}

    def count(self) -> int:
        row = self._one("SELECT COUNT(*) FROM documents")
        return int(row[0]) if row else 0

    def _resolve(self, ref: str) -> str:
        ref = (ref or "").strip()
        if not ref:
            raise StoreError("no document named (give a hash, a hash prefix or a doc_id)", code="E603")
        if self.has(ref):
            return ref
        found = [r[0] for r in self._rows("SELECT hash FROM documents WHERE doc_id = ? LIMIT 10", (ref,))]
        if not found and _HEX.match(ref.lower()):
            found = [r[0] for r in self._rows("SELECT hash FROM documents WHERE hash LIKE ? LIMIT 10",
                                              (ref.lower() + "%",))]
        if not found:  # a doc_id prefix, when unique
            found = [r[0] for r in self._rows("SELECT hash FROM documents WHERE doc_id LIKE ? ESCAPE '!' LIMIT 10",
                                              (like_escape(ref) + "%",))]
        if not found:
            raise StoreError(f"no stored document matches '{ref}'", code="E603")
        if len(found) > 1:
            listed = ", ".join(h[:12] for h in found)
            raise StoreError(f"'{ref}' matches several stored documents ({listed}...); give more of the hash",
                             code="E604")
        return found[0]

    def get(self, ref: str) -> dict[str, Any]:
        h = self._resolve(ref)
        row = self._one("SELECT analysis FROM documents WHERE hash = ?", (h,))
        if row is None:
            raise StoreError(f"no stored document matches '{ref}'", code="E603")
        return self._load(h, row[0])

    @staticmethod
    def _load(h: str, raw: str) -> dict[str, Any]:
        try:
            data = json.loads(raw)
        except (TypeError, ValueError) as e:
            raise StoreError(f"the stored analysis of {h[:12]} is not valid JSON: {e}", code="E609") from e
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise StoreError(f"the stored analysis of {h[:12]} lacks its text", code="E609")
        return data

    def info(self, ref: str) -> DocumentInfo:
        h = self._resolve(ref)
        row = self._one(f"SELECT {INFO_COLUMNS} FROM documents d WHERE d.hash = ?", (h,))
        return DocumentInfo(*row)  # type: ignore[misc]

    def _filters(self, filters: Filters | None, *, segment_speaker: bool = False) -> tuple[list[str], list[Any]]:
        """WHERE clauses on documents ``d`` (and segments ``s``) and their parameters."""
        where: list[str] = []
        params: list[Any] = []
        if filters is None:
            return where, params
        if filters.speaker:
            if segment_speaker:
                where.append("s.speaker = ?")
            else:
                where.append("EXISTS (SELECT 1 FROM speakers sp WHERE sp.hash = d.hash AND sp.speaker = ?)")
            params.append(filters.speaker)
        if filters.entity:
            if segment_speaker:  # search narrows by the exact id's facet token too
                where.append("EXISTS (SELECT 1 FROM entities e WHERE e.hash = d.hash AND e.entity_id = ?)")
                params.append(filters.entity)
            else:  # documents and export also match the entity's other ids (store/linking.py)
                where.append(f"EXISTS (SELECT 1 FROM entities e WHERE e.hash = d.hash AND {ALIAS_MATCH})")
                params += [filters.entity] * 3
        if filters.outlet:
            where.append("d.outlet = ?")
            params.append(filters.outlet)
        since = check_day(filters.since, "--since")
        until = check_day(filters.until, "--until")
        if since:
            where.append("d.day >= ?")
            params.append(since)
        if until:
            where.append("d.day <= ?")
            params.append(until)
        return where, params

    def documents(self, filters: Filters | None = None, limit: int | None = 100, offset: int = 0) -> list[DocumentInfo]:
        where, params = self._filters(filters)
        sql, params = paged(f"SELECT {INFO_COLUMNS} FROM documents d", where,
                            "d.day DESC NULLS LAST, d.doc_id, d.hash", params, limit, offset)
        return [DocumentInfo(*row) for row in self._rows(sql, params)]

    def search(self, query: str, filters: Filters | None = None, layer: str = "sentences",
               limit: int = DEFAULT_SEARCH_LIMIT, time_limit: float | None = DEFAULT_TIME_LIMIT) -> SearchResult:
        if layer not in SEARCH_LAYERS:
            raise StoreError(f"unknown search layer '{layer}' (choose from {', '.join(SEARCH_LAYERS)})", code="E605")
        started = time.perf_counter()
        deadline = started + time_limit if time_limit else None
        words = query_words(query)
        where, params = self._filters(filters, segment_speaker=True)
        limit = max(1, int(limit))
        if words:
            found, complete = self._search(words, layer, facet_groups(filters), where, params, deadline)
            best = sorted(found, key=lambda r: (-float(r[1] or 0.0), -int(r[0])))[:limit]
            scores = {int(i): float(score or 0.0) for i, score in best}
            rows = self._segments(list(scores))
            hits = [Hit(*row[1:], score=scores[int(row[0])]) for row in rows]
            hits.sort(key=lambda h: -h.score)
            return SearchResult(hits, complete, time.perf_counter() - started)
        if not where:
            raise StoreError("the search query holds no words (and no filter was given)", code="E606")
        sql = (f"SELECT {HIT_COLUMNS} FROM segments s JOIN documents d ON d.hash = s.hash "
               f"WHERE s.layer = ? AND {' AND '.join(where)} "
               "ORDER BY d.day DESC NULLS LAST, s.hash, s.span_start LIMIT ?")
        rows, complete = self._timed_rows(sql, [layer, *params, limit], deadline)
        return SearchResult([Hit(*row) for row in rows], complete, time.perf_counter() - started)

    def _segments(self, ids: list[int]) -> list[tuple]:
        """(id, HIT_COLUMNS...) of the segments ``ids``, in that order."""
        if not ids:
            return []
        found = {int(r[0]): r for r in self._rows(
            f"SELECT s.id, {HIT_COLUMNS} FROM segments s JOIN documents d ON d.hash = s.hash "
            f"WHERE s.id IN ({', '.join('?' * len(ids))})", ids)}
        return [found[i] for i in ids if i in found]

    def entity(self, entity_id: str, limit: int = 200) -> EntityPage:
        limit = max(1, int(limit))
        named = self._one("SELECT name, type, COUNT(*) AS n FROM entities WHERE entity_id = ? "
                          "GROUP BY name, type ORDER BY n DESC, name LIMIT 1", (entity_id,))
        docs = self._one("SELECT COUNT(DISTINCT hash) FROM entities WHERE entity_id = ?", (entity_id,))
        mentions = [Mention(*row) for row in self._rows(
            "SELECT m.hash, d.doc_id, m.span_start, m.span_end, m.turn, d.published, m.surface "
            "FROM mentions m JOIN documents d ON d.hash = m.hash WHERE m.entity_id = ? "
            "ORDER BY d.day NULLS LAST, m.hash, m.span_start LIMIT ?", (entity_id, limit))]
        said = [Hit(*row) for row in self._rows(
            f"SELECT {HIT_COLUMNS} FROM segments s JOIN documents d ON d.hash = s.hash "
            "WHERE s.speaker = ? AND s.layer = 'sentences' "
            "ORDER BY d.day NULLS LAST, s.hash, s.span_start LIMIT ?", (entity_id, limit))]
        others = [Hit(*row) for row in self._rows(
            f"SELECT {HIT_COLUMNS} FROM segments s JOIN documents d ON d.hash = s.hash "
            "WHERE s.label = ? AND s.layer = 'quotes' AND (s.speaker IS NULL OR s.speaker <> ?) "
            "ORDER BY d.day NULLS LAST, s.hash, s.span_start LIMIT ?", (entity_id, entity_id, limit))]
        stance = [StancePoint(*row) for row in self._rows(
            "SELECT t.hash, d.doc_id, d.published, t.holder, t.polarity, t.confidence, t.turn "
            "FROM stances t JOIN documents d ON d.hash = t.hash WHERE t.target = ? "
            "ORDER BY d.day NULLS LAST, t.hash, t.turn NULLS FIRST LIMIT ?", (entity_id, limit))]
        if named is None:
            named = self._one("SELECT name, 'PERSON' FROM speakers WHERE speaker = ? AND name IS NOT NULL LIMIT 1",
                              (entity_id,))
        if named is None and not (said or others or stance):
            raise StoreError(f"the store knows nothing of entity '{entity_id}'", code="E603")
        return EntityPage(
            id=entity_id, name=named[0] if named else None, type=named[1] if named else None,
            documents=int(docs[0]) if docs else 0, mentions=mentions, said=said, said_by_others=others,
            stance=stance,
        )

    def failures(self) -> list[FailureRecord]:
        return [FailureRecord(*row) for row in self._rows(
            "SELECT source, code, message, pipeline_version, at FROM failures ORDER BY id")]

    def export(self, filters: Filters | None = None) -> Iterator[dict[str, Any]]:
        where, params = self._filters(filters)
        after = ""
        while True:
            sql = "SELECT d.hash, d.analysis FROM documents d WHERE d.hash > ?"
            if where:
                sql += " AND " + " AND ".join(where)
            sql += " ORDER BY d.hash LIMIT 200"
            page = self._rows(sql, [after, *params])
            if not page:
                return
            for h, raw in page:
                yield self._load(h, raw)
            after = page[-1][0]
