"""The team store: PostgreSQL through psycopg 3 (the ``postgres`` extra).

Same schema and queries as SQLite (``sql.py``); full text is a generated
``tsvector`` column (the ``simple`` configuration: exact words, like FTS5's
unicode61) with a GIN index. Migrations take an advisory lock so that two
processes opening a new database at once do not both create it.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from parley.errors import ModelUnavailable, StoreError
from parley.store.query import CANDIDATES
from parley.store.sql import SQLStore

MIGRATION_LOCK = 7_216_001  # any constant shared by every Parley process
CONNECT_TIMEOUT_S = 10


def _psycopg():
    try:
        import psycopg
    except ImportError as e:
        raise ModelUnavailable("PostgreSQL needs psycopg: pip install 'parley[postgres]'", code="E400") from e
    return psycopg


def _sql(sql: str) -> str:
    return sql.replace("?", "%s")


class PostgresStore(SQLStore):
    dialect = "postgresql"

    def __init__(self, url: str):
        psycopg = _psycopg()
        self.url = url
        self._psycopg = psycopg
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as e:
            raise StoreError(f"cannot connect to PostgreSQL at {_safe(url)}: {str(e).strip()}", code="E602") from e

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self._connection().execute(_sql(sql), tuple(params))
        except self._psycopg.Error as e:
            raise StoreError(f"PostgreSQL: {str(e).strip()}", code="E607") from e

    def _executemany(self, sql: str, rows: list[tuple]) -> None:
        try:
            with self._connection().cursor() as cursor:
                cursor.executemany(_sql(sql), rows)
        except self._psycopg.Error as e:
            raise StoreError(f"PostgreSQL: {str(e).strip()}", code="E607") from e

    @contextmanager
    def _outer_transaction(self) -> Iterator[None]:
        try:
            with self._connection().transaction():
                yield
        except self._psycopg.Error as e:
            raise StoreError(f"PostgreSQL: {str(e).strip()}", code="E607") from e

    def _lock_for_migration(self) -> None:
        self._execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))

    def _timed_rows(self, sql: str, params: Sequence[Any], deadline: float | None) -> tuple[list[tuple], bool]:
        conn = self._connection()
        psycopg = self._psycopg
        try:
            with conn.transaction():
                if deadline is not None:
                    ms = max(1, int((deadline - time.perf_counter()) * 1000))
                    conn.execute("SELECT set_config('statement_timeout', %s, true)", (str(ms),))
                rows = conn.execute(_sql(sql), tuple(params)).fetchall()
            return rows, True
        except psycopg.errors.QueryCanceled:
            return [], False
        except psycopg.Error as e:
            raise StoreError(f"PostgreSQL: {str(e).strip()}", code="E607") from e

    def _search(self, words: list[str], layer: str, facets: list[list[str]], where: list[str], params: list[Any],
                deadline: float | None) -> tuple[list[tuple], bool]:
        # Words are weight A (the text), facets weight D (see migration 2).
        query = " & ".join("'" + w.rstrip("*") + "'" + (":*A" if w.endswith("*") else ":A") for w in words)
        for group in facets:
            query += " & (" + " | ".join(f"'{token}':D" for token in group) + ")"
        sql = ("SELECT s.id, ts_rank(s.tsv, q.q) FROM segments s "
               + ("JOIN documents d ON d.hash = s.hash " if where else "")
               + "CROSS JOIN (SELECT to_tsquery('simple', ?) AS q) q WHERE s.tsv @@ q.q AND s.layer = ?")
        if where:
            sql += " AND " + " AND ".join(where)
        sql += " ORDER BY s.id DESC LIMIT ?"
        return self._timed_rows(sql, [query, layer, *params, CANDIDATES], deadline)


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url
