"""From an analysis JSON (``Analysis.to_json()``) to the rows a store indexes.

Backend-independent: ``rows_of(data)`` returns plain tuples for the
``documents``, ``segments``, ``speakers``, ``entities``, ``mentions`` and
``stances`` tables. The analysis JSON itself is kept whole in
``documents.analysis``; these rows only serve search and filters.
"""
from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from parley.document import text_hash
from parley.errors import StoreError

SNIPPET_LIMIT = 2000  # characters of a segment kept for full-text search
# Each segment also carries "facets": tokens for its year, outlet, speaker and
# the document's entities, indexed beside its words, so that a filtered
# search narrows inside the full-text index instead of scanning matches.


@dataclass
class Rows:
    hash: str
    document: dict[str, Any]
    segments: list[tuple] = field(default_factory=list)  # (layer, turn, start, end, speaker, label, body, facets)
    speakers: list[tuple] = field(default_factory=list)  # (speaker, name)
    entities: list[tuple] = field(default_factory=list)  # (entity_id, name, type, mentions)
    mentions: list[tuple] = field(default_factory=list)  # (entity_id, start, end, turn, surface)
    stances: list[tuple] = field(default_factory=list)  # (holder, target, polarity, confidence, turn)


def facet(kind: str, value: str) -> str:
    """A full-text token standing for a filter value: letters and digits only,
    so every backend's tokenizer keeps it whole ("sp" + hex of the speaker id)."""
    return kind + str(value).encode("utf-8").hex()


def year_facet(day: str | None) -> str:
    return f"y{day[:4]}" if day and day[:4].isdigit() else "ynone"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _span(value: Any) -> tuple[int, int] | None:
    try:
        start, end = value
        return int(start), int(end)
    except (TypeError, ValueError):
        return None


class _Turns:
    """Turn lookup by offset, and the speaker of each turn."""

    def __init__(self, turns: list[dict[str, Any]]):
        spans = [(_span(t.get("span")), i) for i, t in enumerate(turns)]
        spans = [(s, i) for s, i in spans if s is not None]
        spans.sort()
        self.starts = [s[0] for s, _ in spans]
        self.spans = spans
        self.speakers = [t.get("speaker") for t in turns]

    def at(self, offset: int) -> int | None:
        k = bisect.bisect_right(self.starts, offset) - 1
        if k >= 0:
            (start, end), index = self.spans[k]
            if start <= offset < end:
                return index
        return None

    def speaker(self, turn: int | None) -> str | None:
        if turn is None or not 0 <= turn < len(self.speakers):
            return None
        return self.speakers[turn]


def rows_of(data: dict[str, Any], pipeline_version: str) -> Rows:
    """Every index row of one analysis JSON; StoreError E609 if it is malformed."""
    text = data.get("text")
    if not isinstance(text, str):
        raise StoreError("an analysis to store must hold its 'text'", code="E609")
    try:
        return _rows(data, text, pipeline_version)
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise StoreError(f"analysis of {data.get('doc_id')!r} is malformed: {e}", code="E609") from e


def _rows(data: dict[str, Any], text: str, pipeline_version: str) -> Rows:
    meta = data.get("metadata") or {}
    published = meta.get("published") or data.get("reference_date")
    digest = text_hash(text)
    parley = dict(data.get("parley") or {})
    parley["hash"] = digest
    parley["pipeline_version"] = pipeline_version
    stored = dict(data, parley=parley)
    document = {
        "hash": digest,
        "doc_id": str(data.get("doc_id") or digest[:12]),
        "title": meta.get("title"),
        "published": published,
        "day": published[:10] if published else None,
        "outlet": meta.get("outlet"),
        "interviewee": meta.get("interviewee"),
        "source": meta.get("source"),
        "pipeline_version": pipeline_version,
        "words": len(text.split()),
        "ingested_at": now_iso(),
        "analysis": json.dumps(stored, ensure_ascii=False, separators=(",", ":")),
    }
    rows = Rows(digest, document)
    entity_ids = sorted({str(e["id"]) for e in data.get("entities") or []})
    doc_facets = " ".join([year_facet(document["day"])]
                          + ([facet("ou", document["outlet"])] if document["outlet"] else [])
                          + [facet("en", e) for e in entity_ids])
    turns_json = data.get("turns") or []
    turns = _Turns(turns_json)

    def segment(layer: str, span: Any, label: str | None, turn: int | None = None) -> None:
        s = _span(span)
        if s is None or s[1] <= s[0]:
            return
        if turn is None:
            turn = turns.at(s[0])
        body = text[s[0]:s[1]][:SNIPPET_LIMIT]
        speaker = turns.speaker(turn)
        facets = doc_facets + (" " + facet("sp", speaker) if speaker else "")
        rows.segments.append((layer, turn, s[0], s[1], speaker, label, body, facets))

    for sentence in data.get("sentences") or []:
        segment("sentences", sentence.get("span"), None, sentence.get("turn"))
    for quote in data.get("attributions") or []:
        segment("quotes", quote.get("content_span"), quote.get("source"), quote.get("turn"))
    for claim in data.get("claims") or []:
        segment("claims", claim.get("span"), claim.get("kind"))
    for technique in data.get("techniques") or []:
        segment("techniques", technique.get("span"), technique.get("label"))

    seen: dict[str, str | None] = {}
    for t in turns_json:
        if t.get("speaker") and t["speaker"] not in seen:
            seen[t["speaker"]] = t.get("speaker_name")
    rows.speakers = list(seen.items())

    for entity in data.get("entities") or []:
        entity_id = str(entity["id"])
        spans = [s for s in (_span(m) for m in entity.get("mentions") or []) if s is not None]
        rows.entities.append((entity_id, entity.get("name"), entity.get("type"), len(spans)))
        rows.mentions.extend((entity_id, s, e, turns.at(s), text[s:e][:200]) for s, e in spans)
    # one row per (hash, entity_id): merge duplicates an analyser may emit
    merged: dict[str, tuple] = {}
    for entity_id, name, type_, n in rows.entities:
        old = merged.get(entity_id)
        merged[entity_id] = (entity_id, name or (old and old[1]), type_ or (old and old[2]), n + (old[3] if old else 0))
    rows.entities = list(merged.values())

    for stance in data.get("stance") or []:
        rows.stances.append((
            str(stance["holder"]), str(stance["target"]), str(stance.get("polarity") or "neutral"),
            float(stance.get("confidence", 1.0)), stance.get("turn"),
        ))
    return rows
