"""The entity dossier: one entity across the library, paged for large entities.

``store.dossier(id)`` reads everything through the alias table
(``store/linking.py``), so every id that stands for the entity counts:

- ``documents``: the documents that mention it, newest first, one page of
  ``DOCUMENTS_PAGE`` at a time (``offset``), each with its mention count and
  its first ``MENTIONS_PER_DOCUMENT`` mentions, each with a line of context
  (the sentence around it, cut to ``CONTEXT_CHARS`` either side);
- ``months``: mentions per month (``YYYY-MM``) over the whole library;
- ``said``: sentences of turns the entity speaks, newest first, a page of
  ``SAID_PAGE`` (``said_offset``), grouped by talking point through
  ``talking_point_groups`` (the hook below; by default the store's talking
  points, ``said_point_groups``: a group per point of two or more documents);
- ``said_by_others``: attributions whose source is the entity, in turns of
  other speakers, each with its attribution check's label and similarity
  (``check``, ``check_similarity``; None when none is stored);
- ``stance_toward`` / ``stance_held``: stance histories (``store/shifts.py``)
  with the entity as target / holder (the newest ``STANCE_LIMIT`` of each),
  and the ``shifts`` found in the whole histories.

Every list is bounded by LIMIT/OFFSET in SQL, so the page costs the same for
an entity with 50 mentions or 5,000.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from parley.errors import StoreError
from parley.store.linking import in_clause
from parley.store.shifts import ShiftSQL, find_shifts

DOCUMENTS_PAGE = 20
MENTIONS_PER_DOCUMENT = 5
SAID_PAGE = 20
OTHERS_LIMIT = 50
STANCE_LIMIT = 200  # stances shown (and drawn); shifts are found in the whole history
CONTEXT_CHARS = 90
_HIT = "s.hash, d.doc_id, s.turn, s.span_start, s.span_end, s.speaker, s.label, d.published, s.body"
_HIT_KEYS = ("hash", "doc_id", "turn", "start", "end", "speaker", "label", "published", "snippet")


def _default_groups(store: Any, entity_id: str, said: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Talking points (``store/points_sql.py``): one group per point of two or more documents, then the rest."""
    if hasattr(store, "said_point_groups"):
        return store.said_point_groups(said)
    return [{"point": None, "label": "Statements", "sentences": said}] if said else []


# The talking-point hook: (store, canonical id, said sentences) -> groups of
# {"point": id or None, "label": str, "sentences": [...]}, in display order.
# ``set_talking_point_grouper`` replaces it (tests, other groupings).
talking_point_groups: Callable[[Any, str, list[dict[str, Any]]], list[dict[str, Any]]] = _default_groups


def set_talking_point_grouper(grouper: Callable[[Any, str, list[dict[str, Any]]], list[dict[str, Any]]] | None) -> None:
    """Install the talking-point grouping of the dossier's ``said`` (None: one group)."""
    global talking_point_groups
    talking_point_groups = grouper or _default_groups


def context_line(sentence: str | None, sentence_start: int | None, start: int, end: int,
                 surface: str) -> dict[str, str]:
    """The mention in its sentence: ``before``/``mention``/``after``, cut to CONTEXT_CHARS a side."""
    if not sentence or sentence_start is None:
        return {"before": "", "mention": surface, "after": ""}
    a, b = start - sentence_start, end - sentence_start
    before, after = sentence[max(0, a - CONTEXT_CHARS):max(0, a)], sentence[b:b + CONTEXT_CHARS]
    return {"before": ("…" if a > CONTEXT_CHARS else "") + before, "mention": sentence[a:b] or surface,
            "after": after + ("…" if len(sentence) > b + CONTEXT_CHARS else "")}


@dataclass
class Dossier:
    id: str
    name: str | None
    type: str | None
    aliases: list[str]
    documents: int
    mentions: int
    offset: int
    months: list[dict[str, Any]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    said: list[dict[str, Any]] = field(default_factory=list)
    said_offset: int = 0
    said_more: bool = False
    said_by_others: list[dict[str, Any]] = field(default_factory=list)
    stance_toward: list[dict[str, Any]] = field(default_factory=list)
    stance_held: list[dict[str, Any]] = field(default_factory=list)
    shifts: list[dict[str, Any]] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["more"] = self.offset + len(self.pages) < self.documents
        out["page_size"] = DOCUMENTS_PAGE
        return out


def _newest(steps: list[Any]) -> list[dict[str, Any]]:
    """The newest STANCE_LIMIT stances, oldest first (undated ones last), as JSON."""
    dated = sorted((s for s in steps if s.day), key=lambda s: s.day)
    return [s.json() for s in (dated + [s for s in steps if not s.day])[-STANCE_LIMIT:]]


class DossierSQL(ShiftSQL):
    """The dossier query of a SQL store (mixed into ``SQLStore``)."""

    def dossier(self, entity_id: str, offset: int = 0, said_offset: int = 0) -> Dossier:
        """The dossier of ``entity_id`` (any of its ids); E603 when nothing is known of it."""
        offset, said_offset = max(0, int(offset)), max(0, int(said_offset))
        ids = self.aliases(entity_id)
        canonical, where = ids[0], in_clause(ids)
        named = self._one(f"SELECT name, type, SUM(mentions) AS n FROM entities WHERE entity_id IN {where} "
                          "GROUP BY entity_id, name, type "
                          "ORDER BY CASE WHEN entity_id = ? THEN 0 ELSE 1 END, n DESC, name LIMIT 1", [*ids, canonical])
        if named is None:
            named = self._one(f"SELECT name, 'PERSON' FROM speakers WHERE speaker IN {where} AND name IS NOT NULL "
                              "LIMIT 1", ids)
        totals = self._one(f"SELECT COUNT(DISTINCT hash), COUNT(*) FROM mentions WHERE entity_id IN {where}", ids)
        said, said_more = self._said(ids, said_offset)
        others = self._said_by_others(ids)
        toward, held = self.stance_history(target=canonical), self.stance_history(holder=canonical)
        if named is None and not (said or others or toward or held):
            raise StoreError(f"the store knows nothing of entity '{entity_id}'", code="E603")
        shifts = sorted(find_shifts(toward) + find_shifts(held), key=lambda s: s.after.day or "")
        return Dossier(
            id=canonical, name=named[0] if named else None, type=named[1] if named else None, aliases=ids,
            documents=int(totals[0] or 0), mentions=int(totals[1] or 0), offset=offset,
            months=self._months(ids), pages=self._document_pages(ids, offset),
            said=talking_point_groups(self, canonical, said), said_offset=said_offset, said_more=said_more,
            said_by_others=others, stance_toward=_newest(toward), stance_held=_newest(held),
            shifts=[s.json() for s in shifts],
        )

    def _months(self, ids: list[str]) -> list[dict[str, Any]]:
        rows = self._rows(f"SELECT substr(d.day, 1, 7) AS month, COUNT(*) FROM mentions m JOIN documents d "
                          f"ON d.hash = m.hash WHERE m.entity_id IN {in_clause(ids)} AND d.day IS NOT NULL "
                          "GROUP BY substr(d.day, 1, 7) ORDER BY month", ids)
        return [{"month": month, "mentions": int(n)} for month, n in rows]

    def _document_pages(self, ids: list[str], offset: int) -> list[dict[str, Any]]:
        where = in_clause(ids)
        docs = self._rows(
            "SELECT m.hash, d.doc_id, d.title, d.published, COUNT(*) FROM mentions m JOIN documents d "
            f"ON d.hash = m.hash WHERE m.entity_id IN {where} GROUP BY m.hash, d.doc_id, d.title, d.published, d.day "
            "ORDER BY d.day DESC NULLS LAST, m.hash LIMIT ? OFFSET ?", [*ids, DOCUMENTS_PAGE, offset])
        out = []
        for h, doc_id, title, published, n in docs:
            mentions = self._rows(
                "SELECT m.span_start, m.span_end, m.turn, m.surface, "
                "(SELECT s.body FROM segments s WHERE s.hash = m.hash AND s.layer = 'sentences' "
                " AND s.span_start <= m.span_start AND s.span_end >= m.span_end ORDER BY s.span_start LIMIT 1), "
                "(SELECT s.span_start FROM segments s WHERE s.hash = m.hash AND s.layer = 'sentences' "
                " AND s.span_start <= m.span_start AND s.span_end >= m.span_end ORDER BY s.span_start LIMIT 1) "
                f"FROM mentions m WHERE m.hash = ? AND m.entity_id IN {where} ORDER BY m.span_start LIMIT ?",
                [h, *ids, MENTIONS_PER_DOCUMENT])
            out.append({"hash": h, "doc_id": doc_id, "title": title, "published": published, "count": int(n),
                        "mentions": [{"start": int(a), "end": int(b), "turn": turn, "surface": surface,
                                      "context": context_line(body, s0, int(a), int(b), surface)}
                                     for a, b, turn, surface, body, s0 in mentions]})
        return out

    def _said(self, ids: list[str], offset: int) -> tuple[list[dict[str, Any]], bool]:
        rows = self._rows(
            f"SELECT {_HIT} FROM segments s JOIN documents d ON d.hash = s.hash WHERE s.speaker IN {in_clause(ids)} "
            "AND s.layer = 'sentences' ORDER BY d.day DESC NULLS LAST, s.hash, s.span_start LIMIT ? OFFSET ?",
            [*ids, SAID_PAGE + 1, offset])
        return [dict(zip(_HIT_KEYS, r)) for r in rows[:SAID_PAGE]], len(rows) > SAID_PAGE

    def _said_by_others(self, ids: list[str]) -> list[dict[str, Any]]:
        where = in_clause(ids)
        rows = self._rows(  # with the attribution check of each quote, when one is stored
            f"SELECT {_HIT}, c.label, c.similarity FROM segments s JOIN documents d ON d.hash = s.hash "
            "LEFT JOIN attribution_checks c ON c.hash = s.hash AND c.span_start = s.span_start "
            f"AND c.span_end = s.span_end AND c.source = s.label WHERE s.label IN {where} "
            f"AND s.layer = 'quotes' AND (s.speaker IS NULL OR s.speaker NOT IN {where}) "
            "ORDER BY d.day DESC NULLS LAST, s.hash, s.span_start LIMIT ?", [*ids, *ids, OTHERS_LIMIT])
        return [dict(zip(_HIT_KEYS + ("check", "check_similarity"), r)) for r in rows]
