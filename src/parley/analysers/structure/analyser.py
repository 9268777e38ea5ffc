"""The structure analyser: metadata, boilerplate, turns and sentences.

Rules only, no parse: labels and front matter are layout, and the layout
conventions live in data/structure.json.
"""
from __future__ import annotations

from parley.analysers.structure.frontmatter import extract_metadata, find_boilerplate
from parley.analysers.structure.turns import (
    LABEL, build_turns, find_labels, label_span, resolve_speaker, split_headline
)
from parley.document import Analysis, Span
from parley.document.records import Headline, Sentence, Turn
from parley.nlp import sentences as sentence_rules
from parley.nlp.textlayout import paragraphs as find_paragraphs
from parley.nlp.textlayout import strip
from parley.pipeline.registry import Config, analyser
from parley.render.table import Cell, section


@analyser(
    "structure",
    version="1",
    assigns=("metadata", "boilerplate", "turns", "sentences", "headline"),
    order=10,
)
def structure(analysis: Analysis, parse, config: Config) -> dict:
    text = analysis.text
    paras = find_paragraphs(text)
    headline, labels = split_headline(text, paras, find_labels(text, paras))
    body_start = labels[0].span.start if labels else len(text)
    fm = find_boilerplate(text, body_start)
    bp_spans = [b.span for b in fm.boilerplate]
    title_hint = fm.headers.get("title") or (text[headline.start:headline.end] if headline else fm.first_line)
    if labels:
        turns = build_turns(text, paras, labels, bp_spans, title_hint)
    else:
        turns = _single_statement(text, paras, bp_spans)
    principals = principal_names(turns)
    first_q = next((text[t.body_span.start:t.body_span.end] for t in turns if t.speaker == "interviewer"), None)
    metadata = extract_metadata(
        fm, text[headline.start:headline.end] if headline else None, first_q, principals,
        any(t.kind == "question" for t in turns),
    )
    sentences: list[Sentence] = []
    headlines: list[Headline] = []
    if headline:
        sentences.append(Sentence(headline, None))
        headlines.append(_headline(text, headline, turns))
    for i, t in enumerate(turns):
        if t.body_span:
            sentences.extend(Sentence(s, i) for s in sentence_rules.split(text, t.body_span))
    return {
        "metadata": metadata,
        "boilerplate": fm.boilerplate,
        "turns": turns,
        "sentences": sentences,
        "headline": headlines,
    }


def principal_names(turns: list[Turn]) -> list[str]:
    """Readable names of the speakers who answer, in order of appearance."""
    names: list[str] = []
    for t in turns:
        if t.speaker not in ("interviewer", "speaker") and t.speaker_name and t.speaker_name not in names:
            names.append(t.speaker_name)
    return names


def _headline(text: str, span: Span, turns: list[Turn]) -> Headline:
    """The headline quote, attributed to the speaker its label names."""
    m = LABEL.match(text, span.start, span.end)
    label = label_span(m)
    name = text[label.start:label.end]
    known = next((t for t in turns if t.label_span and text[t.label_span.start:t.label_span.end] == name), None)
    speaker = known.speaker if known else resolve_speaker(name, text)[0]
    return Headline(span, speaker, label, strip(text, Span(m.end(), span.end)))


def _single_statement(text: str, paras: list[Span], boilerplate: list[Span]) -> list[Turn]:
    """A transcript without speaker labels is one statement by an unknown speaker."""
    body = [p for p in paras if not any(b.start <= p.start and p.end <= b.end for b in boilerplate)]
    if not body:
        return []
    span = strip(text, Span(body[0].start, body[-1].end))
    return [Turn(span, "speaker", "statement", None, span, None)]


@section("turns", "Turns", ("turns",), order=10, terminal_limit=40)
def turns_section(analysis: Analysis):
    text = analysis.text
    rows = []
    for i, t in enumerate(analysis.layer("turns")):
        body = t.body_span or t.span
        excerpt = " ".join(text[body.start:body.end].split())
        rows.append((str(i + 1), t.speaker, t.kind, Cell(_cut(excerpt, 90), t.span)))
    return ("#", "speaker", "kind", "opening words"), rows


@section("boilerplate", "Boilerplate", ("boilerplate",), order=15)
def boilerplate_section(analysis: Analysis):
    text = analysis.text
    return ("kind", "text"), [(b.kind, Cell(_cut(text[b.span.start:b.span.end], 90), b.span))
                              for b in analysis.layer("boilerplate")]


def _cut(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
