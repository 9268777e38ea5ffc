"""The embedded store: one SQLite file, WAL mode, FTS5 full text, one writer.

The file is created on first use. WAL mode lets readers (``parley search``,
the web service) run while an ingest writes; writes take the lock at once
(``BEGIN IMMEDIATE``) so two writers queue instead of failing half-way, and
``busy_timeout`` makes the second wait. ``synchronous=NORMAL`` keeps every
committed transaction across a killed process (kill -9); each stored
document is one transaction, so a crash leaves whole documents or none.
"""
from __future__ import annotations

import re
import sqlite3
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from parley.errors import StoreError
from parley.store.query import CANDIDATES, rank_candidates
from parley.store.sql import SQLStore

MAIN_LAYER = "sentences"
MAX_EXPANSION = 100  # words a prefix may stand for before FTS5's own prefix query is used
_TOKEN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without diacritics, as FTS5's unicode61 tokenizer indexes words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def index_words(body: str) -> set[str]:
    return set(_TOKEN.findall(fold(body)))

BUSY_TIMEOUT_MS = 30_000


def sqlite_path(url: str) -> str:
    """``sqlite:///rel.db`` -> ``rel.db``, ``sqlite:////abs.db`` -> ``/abs.db``, a path -> itself."""
    if url.startswith("sqlite://"):
        rest = url[len("sqlite://"):]
        if not rest.startswith("/"):
            raise StoreError(f"a SQLite URL is sqlite:///PATH, not {url!r}", code="E601")
        return rest[1:] or ":memory:"
    return url


class SQLiteStore(SQLStore):
    dialect = "sqlite"

    def __init__(self, url: str):
        self.url = url
        self.path = sqlite_path(url)
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(f"cannot create the database {self.path}: folder {parent} does not exist",
                                 code="E602")
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                        timeout=BUSY_TIMEOUT_MS / 1000)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts5_probe USING fts5(x)")
        except sqlite3.DatabaseError as e:
            raise StoreError(f"cannot open {self.path} as a SQLite database: {e}", code="E602") from e

    # -- backend hooks ---------------------------------------------------
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self._connection().execute(sql, tuple(params))
        except sqlite3.Error as e:
            raise StoreError(f"SQLite: {e}", code="E607") from e

    def _executemany(self, sql: str, rows: list[tuple]) -> None:
        try:
            self._connection().executemany(sql, rows)
        except sqlite3.Error as e:
            raise StoreError(f"SQLite: {e}", code="E607") from e

    @contextmanager
    def _outer_transaction(self) -> Iterator[None]:
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise StoreError(f"SQLite: cannot start a write: {e}", code="E607") from e
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"SQLite: commit failed: {e}", code="E607") from e

    def _timed_rows(self, sql: str, params: Sequence[Any], deadline: float | None) -> tuple[list[tuple], bool]:
        conn = self._connection()
        rows: list[tuple] = []
        if deadline is not None:
            conn.set_progress_handler(lambda: 1 if time.perf_counter() > deadline else 0, 1000)
        try:
            cursor = conn.execute(sql, tuple(params))
            while True:
                row = cursor.fetchone()
                if row is None:
                    return rows, True
                rows.append(row)
        except sqlite3.OperationalError as e:
            if "interrupt" in str(e).lower():
                return rows, False
            raise StoreError(f"SQLite: {e}", code="E607") from e
        except sqlite3.Error as e:
            raise StoreError(f"SQLite: {e}", code="E607") from e
        finally:
            conn.set_progress_handler(None, 0)

    def _index_terms(self, segments: list[tuple]) -> None:
        words = {w for segment in segments for w in index_words(segment[6])}
        if words:
            self._executemany("INSERT OR IGNORE INTO terms (term) VALUES (?)", [(w,) for w in words])

    def _expand(self, prefix: str) -> list[str] | None:
        """The indexed words that start with ``prefix``; None when too many.

        FTS5 answers ``"pre"*`` by merging the postings of every such word
        in full before the first hit; an OR of the words reads them lazily,
        newest first, and stops at the LIMIT.
        """
        prefix = fold(prefix)
        if not prefix:
            return None
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        found = [r[0] for r in self._execute("SELECT term FROM terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?",
                                             (prefix, after, MAX_EXPANSION + 1))]
        return None if len(found) > MAX_EXPANSION else found

    def _search(self, words: list[str], layer: str, facets: list[list[str]], where: list[str], params: list[Any],
                deadline: float | None) -> tuple[list[tuple], bool]:
        terms = []
        for word in words:
            if not word.endswith("*"):
                terms.append(f'"{word}"')
                continue
            expanded = self._expand(word[:-1])
            if expanded is None:
                terms.append(f'"{word[:-1]}"*')
            elif not expanded:
                return [], True  # no indexed word starts so
            else:
                terms.append("(" + " OR ".join(f'"{t}"' for t in expanded) + ")")
        match = f"body : ({' AND '.join(terms)})"
        if layer == MAIN_LAYER:
            # Most segments are sentences: intersecting with that long
            # posting list costs more than checking each candidate's row.
            where = [*where, "s.layer = ?"]
            params = [*params, layer]
        else:
            match += f' AND layer : "{layer}"'
        for group in facets:
            match += " AND facets : (" + " OR ".join(f'"{token}"' for token in group) + ")"
        # CROSS JOIN keeps the full-text index as the outer loop, read newest
        # first, so the LIMIT stops the scan early.
        sql = ("SELECT segments_fts.rowid, s.body FROM segments_fts "
               "CROSS JOIN segments s ON s.id = segments_fts.rowid "
               + ("CROSS JOIN documents d ON d.hash = s.hash " if any("d." in w for w in where) else "")
               + "WHERE segments_fts MATCH ?"
               + "".join(f" AND {w}" for w in where)
               + " ORDER BY segments_fts.rowid DESC LIMIT ?")
        # FTS5's bm25() counts every match of each word in the whole index
        # (O(matches) per query); rank_candidates scores the candidates alone.
        rows, complete = self._timed_rows(sql, [match, *params, CANDIDATES], deadline)
        return rank_candidates(rows, words), complete
