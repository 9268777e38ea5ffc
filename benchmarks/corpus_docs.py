"""Real transcripts of ``../shared/corpus`` as minimal analysis JSONs, and MSRP pairs, for the corpus benchmarks.

``read_corpus(folder)`` turns each ``Name: text`` paragraph of a transcript
into a turn (speaker = the name, lower-cased) and cuts it into sentences
with Parley's own ``PROSE`` rule (``parley.nlp.sentences.split``); no other
layer is run, since talking points and attribution checks read only the
text, turns, sentences and (checks) attributions. ``with_turns(doc, extra)``
appends turns ``(speaker, sentence)`` (planted sentences). ``read_msrp(path)``
yields ``(label, id1, id2, s1, s2)`` of the Microsoft Research Paraphrase
Corpus (whose text is never committed).
"""
from __future__ import annotations

import copy
import csv
import re
from pathlib import Path
from typing import Any, Iterator

from parley.document import Span
from parley.nlp.sentences import split

_TURN = re.compile(r"^((?:[A-Z][\w.'’-]*)(?: [A-Z][\w.'’-]*){0,4}):\s+(\S.*)$")
_HEADER = {"TITLE", "SOURCE", "NOTE"}
_DAY = re.compile(r"(\d{4})[-_](\d{2})(?:[-_](\d{2}))?")


def speaker_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _add_turn(doc: dict[str, Any], speaker: str, body: str) -> None:
    text = doc["text"]
    start = len(text) + (2 if text else 0)
    text = (text + "\n\n" if text else "") + f"{speaker}: "
    body_start = len(text)
    text += body
    index = len(doc["turns"])
    doc["turns"].append({"span": [start, len(text)], "speaker": speaker_id(speaker), "kind": "answer",
                         "speaker_name": speaker})
    doc["sentences"] += [{"span": [s.start, s.end], "turn": index} for s in split(text, Span(body_start, len(text)))]
    doc["text"] = text


def document(doc_id: str, day: str | None, turns: list[tuple[str, str]]) -> dict[str, Any]:
    doc: dict[str, Any] = {"doc_id": doc_id, "text": "", "turns": [], "sentences": [], "attributions": [],
                           "entities": [], "metadata": {"title": doc_id, "published": day}}
    for speaker, body in turns:
        _add_turn(doc, speaker, body)
    return doc


def read_transcript(path: Path) -> tuple[str | None, list[tuple[str, str]]]:
    """The day (from the file name) and the ``(speaker, text)`` turns of one transcript."""
    turns: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _TURN.match(line.strip())
        if m and m.group(1) not in _HEADER:
            turns.append((m.group(1).strip(), m.group(2).strip()))
        elif line.strip() and turns and not line.split(":")[0] in _HEADER:
            turns[-1] = (turns[-1][0], turns[-1][1] + " " + line.strip())
    d = _DAY.search(path.name)
    day = f"{d.group(1)}-{d.group(2)}-{d.group(3) or '01'}" if d else None
    return day, turns


def read_corpus(folder: Path) -> list[dict[str, Any]]:
    """Every ``*.txt`` transcript of ``folder`` as a minimal analysis JSON, sorted by name."""
    out = []
    for path in sorted(Path(folder).glob("*.txt")):
        day, turns = read_transcript(path)
        out.append(document(path.stem, day, turns))
    return out


def with_turns(doc: dict[str, Any], extra: list[tuple[str, str]]) -> dict[str, Any]:
    """A copy of ``doc`` with the turns ``extra`` appended."""
    out = copy.deepcopy(doc)
    for speaker, body in extra:
        _add_turn(out, speaker, body)
    return out


def sentences(doc: dict[str, Any]) -> list[tuple[int, int, str, str]]:
    """``(start, end, speaker, text)`` of every sentence."""
    speakers = [t["speaker"] for t in doc["turns"]]
    return [(s["span"][0], s["span"][1], speakers[s["turn"]], doc["text"][s["span"][0]:s["span"][1]])
            for s in doc["sentences"]]


def read_msrp(path: Path) -> Iterator[tuple[int, str, str, str, str]]:
    """``(quality, id1, id2, string1, string2)`` of each MSRP pair."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) == 5 and row[0] in ("0", "1"):
                yield int(row[0]), row[1], row[2], row[3], row[4]
