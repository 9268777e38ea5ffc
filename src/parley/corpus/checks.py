"""Attribution checks: what a document says a source said, beside the source's own words.

For each attribution of a stored document whose source is an entity, the
candidate passages are the source's own sentences in other documents (its
turns, through the talking-point key index) and direct quotes of it
elsewhere; they are scored (MiniLM cosine with the ``models`` extra, else
stem cosine), the best is chosen (dated before the report when one such is
similar enough) and labelled by ``parley.corpus.compare.label``. When a new
document brings words of a source, the checks of that source sharing a key
with them are run again, so the table stays current without a scan.
"""
from __future__ import annotations

from typing import Any

from parley.corpus.compare import label
from parley.corpus.text import Embedder, content_stems, dense_similarity, keys, lexical_similarity
from parley.store.rows import now_iso

SHORTLIST = 10  # passages kept after the lexical score, before the dense one
SHOWN = 3  # passages stored with each check
RECHECK_FLOOR = 0.25  # stem cosine a new sentence needs with a stored check's report to re-run it


def attributions_of(data: dict[str, Any]) -> list[tuple[int, str, bool, int, int, str]]:
    """``(index, source, direct, start, end, content)`` of the attributions whose source is an entity."""
    text = data.get("text") or ""
    known = {str(e.get("id")) for e in data.get("entities") or []}
    known |= {str(t.get("speaker")) for t in data.get("turns") or [] if t.get("speaker")}
    out = []
    for i, a in enumerate(data.get("attributions") or []):
        source = a.get("source")
        try:
            start, end = (int(x) for x in a.get("content_span"))
        except (TypeError, ValueError):
            continue
        if source and str(source) in known and end > start:
            out.append((i, str(source), bool(a.get("direct")), start, end, text[start:end]))
    return out


def _passages(store: Any, source: str, hash: str, body: str, stems: list[str], own_keys: list[str],
              day: str | None, embedder: Embedder) -> tuple[list[dict[str, Any]], str]:
    """The source's closest passages (best first) and the similarity kind used."""
    found = []
    for row in store.speaker_members(source, own_keys, hash):
        found.append({"hash": row[2], "doc_id": row[3], "start": row[4], "end": row[5], "day": row[8],
                      "text": row[9], "kind": "turn", "_stems": row[10].split(),
                      "_vector": bytes(row[11]) if row[11] else None})
    for h, doc_id, start, end, qday, text in store.source_quotes(source, hash):
        found.append({"hash": h, "doc_id": doc_id, "start": start, "end": end, "day": qday, "text": text,
                      "kind": "quote", "_stems": content_stems(text), "_vector": None})
    return rank(body, stems, found, day, embedder)


def rank(body: str, stems: list[str], found: list[dict[str, Any]], day: str | None,
         embedder: Embedder) -> tuple[list[dict[str, Any]], str]:
    """Candidate passages (``text``, ``day``, ``_stems``, ``_vector`` or None) scored against
    ``body``: the ``SHORTLIST`` with most shared stems, rescored by MiniLM when available; best first."""
    for p in found:
        p["similarity"] = lexical_similarity(stems, p["_stems"])
    found.sort(key=lambda p: -p["similarity"])
    found = found[:SHORTLIST]
    kind = "lexical"
    if embedder.model and found:
        own = embedder.vectors([body])[0]
        missing = [p for p in found if p["_vector"] is None]
        for p, v in zip(missing, embedder.vectors([p["text"] for p in missing])):
            p["_vector"] = v
        for p in found:
            p["similarity"] = dense_similarity(own, p["_vector"]) or 0.0
        found.sort(key=lambda p: -p["similarity"])
        kind = "dense"
    for p in found:
        p["similarity"] = round(float(p["similarity"]), 4)
        p["before"] = bool(day and p["day"] and p["day"] < day)
        del p["_stems"], p["_vector"]
    return found, kind


def check(store: Any, hash: str, index: int, source: str, direct: bool, span: tuple[int, int], body: str,
          day: str | None, embedder: Embedder) -> dict[str, Any]:
    """Check one attribution and store the result; the stored row."""
    stems = content_stems(body)
    own_keys = keys(stems)
    passages, kind = _passages(store, source, hash, body, stems, own_keys, day, embedder)
    verdict = label(body, [(p["similarity"], p["before"]) for p in passages], [p["text"] for p in passages], kind)
    if verdict.best is not None:  # the chosen passage first
        passages.insert(0, passages.pop(verdict.best))
    row = {"hash": hash, "attribution": index, "source": source, "direct": int(direct), "span_start": span[0],
           "span_end": span[1], "day": day, "body": body, "label": verdict.label, "similarity": verdict.similarity,
           "differs": verdict.differs, "passages": passages[:SHOWN], "checked_at": now_iso()}
    store.put_attribution_check(row, own_keys)
    return row


def add_document(store: Any, hash: str, data: dict[str, Any], day: str | None, embedder: Embedder) -> int:
    """Check the new document's attributions, then re-check those its source words may change."""
    found = attributions_of(data)
    for index, source, direct, start, end, body in found:
        check(store, hash, index, source, direct, (start, end), body, day, embedder)
    words_by_source: dict[str, list[list[str]]] = {}
    for speaker, stems in store.point_speakers_of(hash):
        if speaker:
            words_by_source.setdefault(speaker, []).append(stems.split())
    for _, source, direct, _, _, body in found:
        if direct:
            words_by_source.setdefault(source, []).append(content_stems(body))
    floor = RECHECK_FLOOR
    rechecked = 0
    for source, sentences in words_by_source.items():
        source_keys = [k for stems in sentences for k in keys(stems)]
        for h, index, old_direct, old_start, old_end, old_day, old_body in store.checks_sharing_keys(
                source, source_keys, hash):
            # only a new passage that could enter the shortlist can change the check
            if may_change(old_body, sentences, floor):
                check(store, h, index, source, old_direct, (old_start, old_end), old_body, old_day, embedder)
                rechecked += 1
    return len(found) + rechecked


def may_change(report: str, sentences: list[list[str]], floor: float) -> bool:
    """Whether one of the new ``sentences`` (stems) shares enough stems with the checked ``report``
    (stem cosine ≥ ``floor``) to change it; otherwise the check is left as it is."""
    own = content_stems(report)
    return any(lexical_similarity(own, s) >= floor for s in sentences)
