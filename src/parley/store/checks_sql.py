"""What attribution checks read and write in the store (migration 9), both backends.

``attribution_checks`` holds one row per stored attribution whose source is
an entity: its reported content, the label, the similarity, what differs
and the closest passages of the source (JSON). ``check_keys`` indexes each
check by ``(source, key)`` (pairs of long stems of the reported content),
so that a new document holding the source's words finds the checks it may
change by index lookups. ``parley.corpus.checks`` holds the logic.
"""
from __future__ import annotations

import json
from typing import Any, Sequence

CHECK_COLUMNS = ("c.hash, d.doc_id, c.attribution, c.source, c.direct, c.span_start, c.span_end, c.day, c.body, "
                 "c.label, c.similarity, c.differs, c.passages, c.checked_at")


class AttributionChecksSQL:
    """Mixed into ``SQLStore``: needs its ``_rows``, ``_execute`` and ``_executemany``."""

    def put_attribution_check(self, row: dict[str, Any], keys: Sequence[str]) -> None:
        """Insert or replace one check (``row`` holds the table's columns) and its keys."""
        self._execute("DELETE FROM attribution_checks WHERE hash = ? AND attribution = ?",  # type: ignore
                      (row["hash"], row["attribution"]))
        columns = list(row)
        values = [json.dumps(row[c], ensure_ascii=False) if c in ("differs", "passages") else row[c] for c in columns]
        self._execute(f"INSERT INTO attribution_checks ({', '.join(columns)}) "  # type: ignore[attr-defined]
                      f"VALUES ({', '.join('?' * len(columns))})", values)
        if keys:
            self._executemany(  # type: ignore[attr-defined]
                "INSERT INTO check_keys (source, key, hash, attribution) VALUES (?, ?, ?, ?)",
                [(row["source"], k, row["hash"], row["attribution"]) for k in sorted(set(keys))])

    def checks_sharing_keys(self, source: str, keys: Sequence[str], exclude_hash: str) -> list[tuple]:
        """``(hash, attribution, direct, start, end, day, body)`` of the checks of ``source`` in other
        documents sharing a key: one read (the ``(source, key)`` index, then each check's row), so
        that deciding which to run again costs no read per check."""
        keys = sorted(set(keys))
        if not keys:
            return []
        out: list[tuple] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            out += self._rows(  # type: ignore[attr-defined]
                "SELECT c.hash, c.attribution, c.direct, c.span_start, c.span_end, c.day, c.body "
                "FROM attribution_checks c WHERE c.source = ? AND c.hash <> ? AND EXISTS (SELECT 1 FROM check_keys k "
                "WHERE k.hash = c.hash AND k.attribution = c.attribution AND k.source = c.source "
                f"AND k.key IN ({', '.join('?' * len(chunk))}))", [source, exclude_hash, *chunk])
        return sorted(set((h, int(a), bool(d), int(s0), int(s1), day, body) for h, a, d, s0, s1, day, body in out))

    def source_quotes(self, source: str, exclude_hash: str, limit: int = 200) -> list[tuple]:
        """``(hash, doc_id, start, end, day, body)`` of direct quotes of ``source`` in other documents."""
        return self._rows(  # type: ignore[attr-defined]
            "SELECT c.hash, d.doc_id, c.span_start, c.span_end, c.day, c.body FROM attribution_checks c "
            "JOIN documents d ON d.hash = c.hash WHERE c.source = ? AND c.direct = 1 AND c.hash <> ? "
            "ORDER BY c.day DESC NULLS LAST LIMIT ?", (source, exclude_hash, int(limit)))

    def attribution_checks(self, source: str | None = None, hash: str | None = None, label: str | None = None,
                           limit: int | None = 500, offset: int = 0) -> list[dict[str, Any]]:
        """Stored checks, filtered, by document date then offset."""
        where, params = [], []  # type: list[str], list[Any]
        for column, value in (("c.source", source), ("c.hash", hash), ("c.label", label)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        sql = (f"SELECT {CHECK_COLUMNS} FROM attribution_checks c JOIN documents d ON d.hash = c.hash"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY c.day NULLS LAST, c.hash, c.span_start")
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        names = [c.strip().split(".")[1] for c in CHECK_COLUMNS.split(",")]
        out = []
        for row in self._rows(sql, params):  # type: ignore[attr-defined]
            item = dict(zip(names, row))
            item["direct"] = bool(item["direct"])
            item["differs"] = json.loads(item["differs"])
            item["passages"] = json.loads(item["passages"])
            out.append(item)
        return out
