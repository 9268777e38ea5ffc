"""Corrections in the store (table ``corrections``, migration 6): SQL both backends share.

A correction row holds the document's hash, the layer, the action, the key of
the finding it corrects (``target``), the record as the person left it
(``record``: for an edit the whole edited record, for an accept or a reject
the finding as it was), who made it, when, why, its ``status`` (``active``, or
``stale`` once a re-analysis no longer has the finding) and ``finding``, the
key of the finding it left. Rows are never updated but for ``status`` and
``finding``, and never deleted: replacing a stored analysis keeps them (the
table has no foreign key to ``documents``) and replays them on the new one.

``add_correction`` checks the correction against the document as the
corrections before it left it, and stores it in ONE transaction with that
check, so two writers cannot interleave a stale view.
"""
from __future__ import annotations

import json
from typing import Any

from parley.document.corrections import ACTIVE, STALE, Correction, apply, apply_one, findings
from parley.errors import CorrectionError
from parley.store.rows import now_iso

COLUMNS = "id, hash, layer, action, target, record, author, reason, created_at, status, finding"


def correction_json(row: tuple) -> dict[str, Any]:
    """A stored correction as the API and the CLI show it."""
    keys = COLUMNS.split(", ")
    out = dict(zip(keys, row))
    out["id"] = int(out["id"])
    out["record"] = json.loads(out["record"]) if out["record"] else None
    return out


def _correction(row: dict[str, Any]) -> Correction:
    return Correction(row["layer"], row["action"], row["target"], row["record"], row["author"], row["reason"])


class CorrectionSQL:
    """Mixed into ``SQLStore``: needs its ``_resolve``, ``get``, ``_execute``,
    ``_rows``, ``_one`` and ``_transaction``."""

    def corrections(self, ref: str) -> list[dict[str, Any]]:
        """Every correction of the document ``ref``, oldest first."""
        h = self._resolve(ref)  # type: ignore[attr-defined]
        return self._corrections_of(h)

    def _corrections_of(self, h: str) -> list[dict[str, Any]]:
        return [correction_json(r) for r in self._rows(  # type: ignore[attr-defined]
            f"SELECT {COLUMNS} FROM corrections WHERE hash = ? ORDER BY id", (h,))]

    def corrected(self, ref: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The stored analysis of ``ref`` with its corrections applied, and the corrections."""
        data = self.get(ref)  # type: ignore[attr-defined]
        rows = self._corrections_of(data["parley"]["hash"])
        applied, _outcomes = apply(data, [_correction(r) for r in rows])
        return applied, rows

    def add_correction(self, ref: str, correction: Correction) -> dict[str, Any]:
        """Check ``correction`` against the corrected document ``ref`` and store it."""
        return self.add_corrections(ref, [correction])[0]

    def add_corrections(self, ref: str, corrections: list[Correction]) -> list[dict[str, Any]]:
        """Check and store ``corrections`` in order, each against the document as the
        ones before it left it, all in one transaction (a refused one stores none)."""
        stored = []
        with self._transaction():  # type: ignore[attr-defined]
            applied, _rows = self.corrected(ref)
            h = applied["parley"]["hash"]
            for correction in corrections:
                correction = self._completed(applied, correction)
                outcome = apply_one(applied, correction)
                cursor = self._execute(  # type: ignore[attr-defined]
                    "INSERT INTO corrections (hash, layer, action, target, record, author, reason, created_at, "
                    "status, finding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (h, correction.layer, correction.action, correction.target,
                     json.dumps(correction.record, ensure_ascii=False) if correction.record else None,
                     correction.author, correction.reason, now_iso(), outcome.status, outcome.key))
                new_id = int(cursor.fetchone()[0])
                stored.append(correction_json(self._one(  # type: ignore[attr-defined]
                    f"SELECT {COLUMNS} FROM corrections WHERE id = ?", (new_id,))))
        return stored

    @staticmethod
    def _completed(applied: dict[str, Any], correction: Correction) -> Correction:
        """The correction with the whole record it leaves (an edit merged over its finding;
        the finding itself for an accept or a reject); E823 when its target is not a finding."""
        correction.check_shape()
        if correction.action == "add":
            return correction
        found = dict(findings(applied, correction.layer))
        if correction.target not in found:
            listed = ", ".join(list(found)[:5]) or "none"
            raise CorrectionError(f"the document has no {correction.layer} finding '{correction.target}' "
                                  f"(its keys look like: {listed})", code="E823")
        record = found[correction.target]
        if correction.action == "edit":
            record = {**record, **(correction.record or {})}
        return Correction(correction.layer, correction.action, correction.target, record, correction.author,
                          correction.reason)

    def refresh_corrections(self, h: str) -> int:
        """Replay the corrections of document ``h`` on its stored analysis and record
        which still fit (``active``) and which do not (``stale``); the number stale."""
        rows = self._corrections_of(h)
        if not rows:
            return 0
        data = self.get(h)  # type: ignore[attr-defined]
        _applied, outcomes = apply(data, [_correction(r) for r in rows])
        with self._transaction():  # type: ignore[attr-defined]
            for row, outcome in zip(rows, outcomes):
                if (row["status"], row["finding"]) != (outcome.status, outcome.key):
                    self._execute("UPDATE corrections SET status = ?, finding = ? WHERE id = ?",  # type: ignore
                                  (outcome.status, outcome.key, row["id"]))
        return sum(o.status == STALE for o in outcomes)

    def corrected_hashes(self) -> list[str]:
        """The stored documents that hold at least one correction, by hash."""
        return [r[0] for r in self._rows(  # type: ignore[attr-defined]
            "SELECT DISTINCT c.hash FROM corrections c JOIN documents d ON d.hash = c.hash ORDER BY c.hash")]

    def corrected_layers(self, h: str) -> list[str]:
        """The layers of document ``h`` that hold a correction, in order of first correction."""
        seen: dict[str, None] = {}
        for row in self._corrections_of(h):
            seen.setdefault(row["layer"], None)
        return list(seen)


__all__ = ["ACTIVE", "STALE", "CorrectionSQL", "correction_json"]
