"""Small invented analyses for the shifts, dossier and identity tests.

``transcript`` builds an analysis JSON (``Analysis.to_json()`` form) from
turns of sentences; every offset is computed from the text it builds, and
the result is read back through ``Analysis.from_json`` so it is a valid
analysis the document page can show.
"""
from __future__ import annotations

from typing import Any

from parley.document import Analysis

VERSION = "test:dossier@1"


def _find(text: str, phrase: str) -> list[int]:
    at = text.index(phrase)
    return [at, at + len(phrase)]


def transcript(doc_id: str, day: str | None, turns: list[tuple[str, str, list[str]]],
               entities: dict[str, tuple[str, str, list[str]]] = {},
               stances: list[tuple[str, str, str, float, str]] = (),
               quotes: list[tuple[str, str]] = ()) -> dict[str, Any]:
    """An analysis JSON.

    ``turns``: (speaker id, label, sentences). ``entities``: id -> (name,
    type, surfaces); every occurrence of each surface is a mention.
    ``stances``: (holder, target, polarity, confidence, evidence sentence).
    ``quotes``: (source id, quoted phrase) attributed in the turn holding it.
    """
    text, turn_json, sentences = "", [], []
    for index, (speaker, label, said) in enumerate(turns):
        start = len(text)
        text += f"{label}: "
        body_start = len(text)
        for sentence in said:
            s = len(text)
            text += sentence
            sentences.append({"span": [s, len(text)], "turn": index})
            text += " "
        text = text.rstrip(" ")
        turn_json.append({"span": [start, len(text)], "speaker": speaker, "kind": "answer",
                          "label_span": [start, start + len(label)], "body_span": [body_start, len(text)],
                          "speaker_name": label})
        text += "\n\n"
    text = text.rstrip("\n") + "\n"
    entity_json = []
    for entity_id, (name, type_, surfaces) in entities.items():
        spans = []
        for surface in surfaces:
            at = text.find(surface)
            while at >= 0:
                spans.append([at, at + len(surface)])
                at = text.find(surface, at + len(surface))
        entity_json.append({"id": entity_id, "name": name, "type": type_, "mentions": sorted(spans)})

    def turn_of(offset: int) -> int:
        return next(i for i, t in enumerate(turn_json) if t["span"][0] <= offset < t["span"][1])

    attributions = []
    for source, phrase in quotes:
        span = _find(text, phrase)
        attributions.append({"source": source, "source_span": None, "content_span": span, "cue_span": None,
                             "direct": False, "turn": turn_of(span[0])})
    stance_json = [{"holder": h, "target": t, "polarity": p, "confidence": c, "evidence": [_find(text, ev)],
                    "turn": None} for h, t, p, c, ev in stances]
    data = {"doc_id": doc_id, "reference_date": day, "metadata": {"published": day, "title": f"Title of {doc_id}"},
            "text": text, "turns": turn_json, "sentences": sentences, "entities": entity_json,
            "attributions": attributions, "stance": stance_json}
    return Analysis.from_json(data).to_json()


HOSTILE = '<img src=x onerror="window.__parleyPwned=1">'


def fill(store: Any) -> None:
    """Four transcripts: Lavrov on Oleksii Reznikov (three spellings, one shift),
    an interviewer quoting Reznikov, and a hostile name."""
    lavrov = ("sergey-lavrov", "Sergey Lavrov")
    store.put_json(transcript(
        "jan", "2024-01-10", [("interviewer", "Question", ["Is Oleksii Reznikov a partner?"]),
                              (*lavrov, ["Oleksii Reznikov is a reliable partner.", "We talk often."])],
        entities={"oleksii-reznikov": ("Oleksii Reznikov", "PERSON", ["Oleksii Reznikov"])},
        stances=[("sergey-lavrov", "oleksii-reznikov", "positive", 0.8, "Oleksii Reznikov is a reliable partner.")]),
        VERSION)
    store.put_json(transcript(
        "mar", "2024-03-02", [("interviewer", "Question", ["Minister Reznikov said talks are over."]),
                              (*lavrov, ["Minister Reznikov is a liar.", "Minister Reznikov misleads everyone."])],
        entities={"minister-reznikov": ("Minister Reznikov", "PERSON", ["Minister Reznikov"])},
        stances=[("sergey-lavrov", "minister-reznikov", "negative", 0.9, "Minister Reznikov is a liar.")],
        quotes=[("minister-reznikov", "talks are over")]), VERSION)
    store.put_json(transcript(
        "may", "2024-05-20", [("oleksii-reznikov", "Oleksii Reznikov", ["We will defend every village.",
                                                                         f"Reznikov answers {HOSTILE} here."])],
        entities={"reznikov": ("Reznikov", "PERSON", ["Reznikov"])}), VERSION)
    store.put_json(transcript(
        "evil", "2024-06-01", [("interviewer", "Question", [f"What of {HOSTILE}?"])],
        entities={"evil-img": (HOSTILE, "ORG", [HOSTILE])}), VERSION)
