"""Position shifts: how a holder's stance toward a target changes between documents.

The stance analyser gives one whole-document stance per (holder, target)
(``turn`` None) with its evidence sentences; the store keeps the stance in
``stances`` and the evidence in ``stance_evidence`` (migration 10). Holders
and targets are read through the alias table (``store/linking.py``), so
``Zelensky`` in one transcript and ``Volodymyr Zelenskyy`` in another are
one target.

The history of a pair is its document stances, oldest first (undated
documents last); when several ids of the pair are in one document, the most
confident stance counts. The rule for a *shift*: take the pair's stances
that are dated, not neutral, and at least ``MIN_CONFIDENCE`` confident;
a shift is reported between two consecutive ones whose polarity differs
(positive to negative or back), with both documents' dates and evidence.
Neutral or weaker stances in between neither make nor break a shift.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from parley.errors import StoreError
from parley.store.linking import LinkSQL, in_clause

MIN_CONFIDENCE = 0.6  # the stance analyser's confidence is 0.5-1.0 for a polarity; one clear cue gives 0.75
HISTORY_LIMIT = 20000  # stance rows one history query reads at most
EVIDENCE_CHARS = 500


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class StanceStep:
    """The stance of ``holder`` toward ``target`` (canonical ids) in one document."""

    holder: str
    target: str
    hash: str
    doc_id: str
    published: str | None
    polarity: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def day(self) -> str | None:
        return self.published[:10] if self.published else None

    def json(self) -> dict[str, Any]:
        return {**asdict(self), "day": self.day}


@dataclass(frozen=True)
class Shift:
    """A change of polarity between two documents."""

    holder: str
    target: str
    before: StanceStep
    after: StanceStep

    def json(self) -> dict[str, Any]:
        return {"holder": self.holder, "target": self.target, "from": self.before.polarity,
                "to": self.after.polarity, "before": self.before.json(), "after": self.after.json()}


def check_confidence(value: float) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise StoreError(f"the minimum confidence must be a number from 0 to 1, not {value!r}", code="E890")
    return value


def find_shifts(history: Iterable[StanceStep], min_confidence: float = MIN_CONFIDENCE) -> list[Shift]:
    """The shifts in one or more pairs' histories (each pair oldest first)."""
    last: dict[tuple[str, str], StanceStep] = {}
    out = []
    for step in history:
        if step.day is None or step.polarity == "neutral" or step.confidence < min_confidence:
            continue
        pair = (step.holder, step.target)
        before = last.get(pair)
        if before is not None and before.polarity != step.polarity:
            out.append(Shift(step.holder, step.target, before, step))
        last[pair] = step
    return out


class ShiftSQL(LinkSQL):
    """Stance histories and shifts of a SQL store (mixed into ``SQLStore``)."""

    def index_identity_and_evidence(self, data: dict[str, Any], rows: Any) -> None:
        """Link the document's ids (``linking.py``) and keep its stance evidence
        (called by ``put_json`` inside its transaction)."""
        ids = [(e[0], e[2]) for e in rows.entities] + [(s[0], "PERSON") for s in rows.speakers]
        ids += [(s[0], "PERSON") for s in rows.stances] + [(s[1], None) for s in rows.stances]
        self.link_entities(ids)
        self._put_evidence(rows.hash, data)

    def _put_evidence(self, h: str, data: dict[str, Any]) -> None:
        text = data["text"]
        found = []
        for stance in data.get("stance") or []:
            if stance.get("turn") is not None:
                continue
            for span in stance.get("evidence") or []:
                start, end = int(span[0]), int(span[1])
                if 0 <= start < end <= len(text):
                    found.append((h, str(stance["holder"]), str(stance["target"]), start, end,
                                  text[start:end][:EVIDENCE_CHARS]))
        if found:
            self._executemany("INSERT INTO stance_evidence (hash, holder, target, span_start, span_end, body) "
                              "VALUES (?, ?, ?, ?, ?, ?)", found)  # type: ignore[attr-defined]

    def backfill_evidence(self) -> int:
        """Keep the stance evidence of documents stored before migration 10
        (read from their analysis JSON); returns how many documents gained it."""
        todo = [r[0] for r in self._rows(
            "SELECT DISTINCT t.hash FROM stances t WHERE t.turn IS NULL AND t.polarity <> 'neutral' AND NOT EXISTS "
            "(SELECT 1 FROM stance_evidence e WHERE e.hash = t.hash)")]
        for h in todo:
            with self._transaction():  # type: ignore[attr-defined]
                self._put_evidence(h, self.get(h))  # type: ignore[attr-defined]
        return len(todo)

    def stance_history(self, holder: str | None = None, target: str | None = None) -> list[StanceStep]:
        """Document stances per (holder, target), grouped by pair, oldest first."""
        where, params = ["t.turn IS NULL"], []
        for column, value in (("t.holder", holder), ("t.target", target)):
            if value:
                ids = self.aliases(value)
                where.append(f"{column} IN {in_clause(ids)}")
                params += ids
        rows = self._rows(
            "SELECT t.holder, t.target, t.hash, d.doc_id, d.published, t.polarity, t.confidence "
            f"FROM stances t JOIN documents d ON d.hash = t.hash WHERE {' AND '.join(where)} "
            "ORDER BY d.day NULLS LAST, t.hash LIMIT ?", [*params, HISTORY_LIMIT])
        names = self._canonical_map({r[0] for r in rows} | {r[1] for r in rows})
        evidence = self._evidence({r[2] for r in rows})
        best: dict[tuple[str, str, str], StanceStep] = {}
        for raw_holder, raw_target, h, doc_id, published, polarity, confidence in rows:
            step = StanceStep(names[raw_holder], names[raw_target], h, doc_id, published, polarity, float(confidence),
                              evidence.get((h, raw_holder, raw_target), []))
            key = (step.holder, step.target, h)
            if key not in best or step.confidence > best[key].confidence:
                best[key] = step
        order = {key: i for i, key in enumerate(best)}
        return sorted(best.values(), key=lambda s: (s.holder, s.target, order[(s.holder, s.target, s.hash)]))

    def shifts(self, holder: str | None = None, target: str | None = None,
               min_confidence: float = MIN_CONFIDENCE) -> list[Shift]:
        """Position shifts (the rule in this module's docstring), oldest first."""
        min_confidence = check_confidence(min_confidence)
        found = find_shifts(self.stance_history(holder, target), min_confidence)
        return sorted(found, key=lambda s: (s.after.day or "", s.holder, s.target))

    def _canonical_map(self, ids: set[str]) -> dict[str, str]:
        names = {i: i for i in ids}
        listed = sorted(ids)
        for k in range(0, len(listed), 500):
            chunk = listed[k:k + 500]
            for alias, canonical in self._rows("SELECT alias_id, canonical_id FROM entity_aliases "
                                               f"WHERE alias_id IN {in_clause(chunk)}", chunk):
                names[alias] = canonical
        return names

    def _evidence(self, hashes: set[str]) -> dict[tuple[str, str, str], list[Evidence]]:
        out: dict[tuple[str, str, str], list[Evidence]] = {}
        listed = sorted(hashes)
        for k in range(0, len(listed), 500):
            chunk = listed[k:k + 500]
            for h, holder, target, start, end, body in self._rows(
                    "SELECT hash, holder, target, span_start, span_end, body FROM stance_evidence "
                    f"WHERE hash IN {in_clause(chunk)} ORDER BY hash, span_start", chunk):
                out.setdefault((h, holder, target), []).append(Evidence(int(start), int(end), body))
        return out
