"""Small invented analyses for the service and browser tests.

The texts live in ``tests/fixtures/service_*.txt`` (written for these tests);
the layers are built here with offsets found in the text, never typed.
"""
from __future__ import annotations

from pathlib import Path

from parley.document import Analysis, Document, Metadata, Span
from parley.document.records import Attribution, Claim, Entity, Sentence, Stance, Technique, Timex, Turn

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VERSION = "test:service@1"


def find(text: str, phrase: str, nth: int = 0) -> Span:
    at = -1
    for _ in range(nth + 1):
        at = text.index(phrase, at + 1)
    return Span(at, at + len(phrase))


def _turns_and_sentences(text: str) -> tuple[list[Turn], list[Sentence]]:
    turns: list[Turn] = []
    sentences: list[Sentence] = []
    offset = 0
    for para in text.split("\n\n"):
        start = text.index(para, offset)
        offset = start + len(para)
        label, sep, _body = para.partition(": ")
        if not sep or label not in ("Question", "Anna Kovacs"):
            continue
        end = start + len(para.rstrip("\n"))
        body = Span(start + len(label) + 2, end)
        speaker = "interviewer" if label == "Question" else "anna-kovacs"
        turns.append(Turn(Span(start, end), speaker, "question" if speaker == "interviewer" else "answer",
                          Span(start, start + len(label)), body, None if speaker == "interviewer" else label))
        s = body.start
        for piece in text[body.start:body.end].replace("? ", "?|").replace(". ", ".|").split("|"):
            sentences.append(Sentence(Span(s, s + len(piece)), len(turns) - 1))
            s += len(piece) + 1
    return turns, sentences


def interview() -> Analysis:
    text = (FIXTURES / "service_interview.txt").read_text(encoding="utf-8")
    meta = Metadata(title="Foreign Minister Answers Questions on Trade Talks", published="2024-03-03",
                    outlet="Invented Gazette", interviewee="Anna Kovacs", genre="interview")
    analysis = Analysis(Document(text, "trade-talks", meta))
    turns, sentences = _turns_and_sentences(text)
    analysis.set_layer("turns", turns)
    analysis.set_layer("sentences", sentences)
    analysis.set_layer("entities", [
        Entity("anna-kovacs", "Anna Kovacs", "PERSON", (find(text, "Anna Kovacs"), find(text, "Anna Kovacs", 1))),
        Entity("elena-petrova", "Elena Petrova", "PERSON",
               (find(text, "Ambassador Petrova"), find(text, "Ambassador Petrova", 1)), roles=("ambassador",)),
        Entity("geneva", "Geneva", "GPE", (find(text, "Geneva"), find(text, "Geneva", 1))),
        Entity("european-union", "European Union", "ORG", (find(text, "The European Union"),)),
        Entity("brazil", "Brazil", "GPE", (find(text, "Brazil"),)),
    ])
    analysis.set_layer("attributions", [
        Attribution("elena-petrova", find(text, "the talks would resume next week"), False,
                    find(text, "Ambassador Petrova", 1), find(text, "told"), turn=1),
    ])
    analysis.set_layer("timex", [
        Timex(find(text, "March 3, 2024"), "2024-03-03"),
        Timex(find(text, "next week"), "2024-W11", anchor="reference"),
        Timex(find(text, "2022"), "2022"),
        Timex(find(text, "12 April"), "2024-04-12", anchor="reference"),
    ])
    analysis.set_layer("claims", [
        Claim(find(text, "The European Union has imposed 14 packages of sanctions since 2022."), "numeric",
              quantities=(find(text, "14 packages"),)),
    ])
    analysis.set_layer("stance", [
        Stance("anna-kovacs", "european-union", "negative", 0.8, (find(text, "imposed 14 packages of sanctions"),), 1),
    ])
    analysis.pipeline = [{"name": "test", "version": "1"}]
    return analysis


def hostile() -> Analysis:
    text = (FIXTURES / "service_hostile.txt").read_text(encoding="utf-8")
    title = text.split("\n", 1)[0]
    meta = Metadata(title=title, published="2024-05-01", outlet="<i>Evil</i> Outlet", interviewee="Anna Kovacs")
    analysis = Analysis(Document(text, "hostile-<script>", meta))
    turns, sentences = _turns_and_sentences(text)
    analysis.set_layer("turns", turns)
    analysis.set_layer("sentences", sentences)
    analysis.set_layer("entities", [
        Entity("anna-kovacs", "Anna Kovacs", "PERSON", (find(text, "Anna Kovacs"),)),
        Entity("evil-<img>", "<img src=x onerror=\"window.__parleyPwned='entity'\">", "ORG",
               (find(text, '<img src="x"'),)),
    ])
    analysis.set_layer("claims", [Claim(find(text, "It must be shown as text"), "other")])
    return analysis


def with_techniques() -> Analysis:
    """The interview with two technique records (the browser test's
    techniques-hidden-by-default page)."""
    analysis = interview()
    text = analysis.text
    analysis.set_layer("techniques", [
        Technique(find(text, "We believe the agreement will hold."), "Loaded_Language", "semeval2020", 0.71,
                  confidence=0.71, analyser="techniques@2"),
        Technique(find(text, "imposed 14 packages of sanctions"), "Exaggeration,Minimisation", "semeval2020", 0.64,
                  confidence=0.64, analyser="techniques@2"),
    ])
    return analysis


def fill(store) -> dict[str, str]:
    """Store both analyses; returns {name: hash}."""
    out = {}
    for name, analysis in (("interview", interview()), ("hostile", hostile())):
        out[name] = store.put_json(analysis.to_json(), VERSION).hash
    return out
