"""Small hand-written analyses for the talking-point and attribution-check tests."""
from __future__ import annotations

from typing import Any


def analysis(doc_id: str, day: str, turns: list[tuple[str, str]],
             attributions: list[tuple[str, str, bool]] = ()) -> dict[str, Any]:
    """An analysis JSON: one sentence per turn ``(speaker, text)``; each attribution
    ``(source, content, direct)`` names content found in the text."""
    text, spans, turn_json = "", [], []
    for i, (speaker, sentence) in enumerate(turns):
        start = len(text)
        text += sentence + "\n\n"
        spans.append({"span": [start, start + len(sentence)], "turn": i})
        turn_json.append({"span": [start, start + len(sentence)], "speaker": speaker, "kind": "answer"})
    found = []
    for source, content, direct in attributions:
        start = text.index(content)
        found.append({"source": source, "content_span": [start, start + len(content)], "direct": direct})
    speakers = sorted({s for s, _ in turns} | {s for s, _, _ in attributions})
    return {"doc_id": doc_id, "text": text, "metadata": {"published": day, "title": doc_id},
            "turns": turn_json, "sentences": spans, "attributions": found,
            "entities": [{"id": s, "name": s, "type": "PERSON", "mentions": []} for s in speakers]}
