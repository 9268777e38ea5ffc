"""Attribution: who said what, in direct quotations and reported speech.

Finds every place where the text reports someone's words: direct quotations
(curly and straight marks, colon-introduced quotes, quotes over several
paragraphs, the headline quote) and indirect reports (verbs of saying with a
clausal, infinitive or propositional complement, "according to", "as he put
it", parenthetical "he said", nouns of saying, "allegedly"). Each record gets
the source resolved to an entity id of the ``entities`` layer where one fits
(through names, pronouns and descriptions), else a readable free-text slug.

Span conventions (../shared/gold/DECISIONS.md, Attributions): indirect content
without "that" and final punctuation; direct content inside the marks minus a
trailing comma or full stop; a quoted fragment inside reported content gives
a second, direct record (mixed quotes); a report inside another report's
content points at it with ``nested_in``.
"""
from __future__ import annotations

import bisect
import re
from typing import Any

from parley.analysers.attribution.cues import Report, cue_table, find_reports, is_idiom, source_token, verb_group_span
from parley.document import Analysis, Span
from parley.document.records import Attribution
from parley.nlp.quotes import Quotation, find_quotations
from parley.nlp.references import SourceResolver
from parley.nlp.sentences import LOOSE, ends
from parley.pipeline.registry import Config, analyser
from parley.render.table import Cell, section

VERSION = "0.1.0"
_LABEL_BEFORE_QUOTE = re.compile(r"(?:^|\n)[ \t]*([A-Z][^\n:“\"]{1,80}):[ \t]*$")
NEAR_AFTER = 60  # characters after a closing mark searched for "he said"
NEAR_BEFORE = 160  # characters before an opening mark searched for "X stated:"


@analyser("attributions", version=VERSION, requires=("turns", "sentences", "entities"),
          assigns=("attributions",), needs_parse=True, order=30)
def attribution_analyser(analysis: Analysis, parse: Any, config: Config) -> dict[str, list[Attribution]]:
    return {"attributions": find_attributions(analysis, parse)}


def find_attributions(analysis: Analysis, parse: Any) -> list[Attribution]:
    """Every attribution of ``analysis`` (its turns and entities) in ``parse``."""
    resolver = SourceResolver(analysis, parse)
    skip = [b.span for b in analysis.layer("boilerplate")]
    records: list[Attribution] = []
    reports: list[tuple[Report, int]] = []  # with the chunk offset
    for chunk in parse.chunks:
        for report in find_reports(chunk.doc, chunk.offset):
            if not any(s.overlaps(report.cue) for s in skip):
                reports.append((report, chunk.offset))
    reports.sort(key=lambda r: r[0].cue.start)
    last_source: tuple[str, int, int | None] | None = None  # (id, end, turn) of the latest record
    quotes = [q.outer for q in find_quotations(analysis.text)]
    sentences = sorted(s.span for s in analysis.layer("sentences"))
    for report, offset in reports:
        turn = resolver.turn_at(report.cue.start)
        src = report.source
        if src is not None and report.cue_token is not None and report.kind == "verb":
            walled = [q for q in quotes if q.start <= offset + src.idx < q.end and not q.contains(report.cue)]
            if walled:  # the subject found sits inside a quotation: look further up
                src = source_token(report.cue_token, avoid=lambda t, w=walled: any(
                    q.start <= offset + t.idx < q.end for q in w))
        resolved = resolver.resolve(src, offset, turn) if src is not None else None
        if report.kind == "evidential":
            if last_source is None or last_source[2] != turn or report.cue.start - last_source[1] > 400:
                continue
            resolved = (last_source[0], None)
        if resolved is None:
            continue
        source, source_span = resolved
        content = _within_body(report.content, resolver, turn)
        content = _within_sentence(content, report.cue, sentences, analysis.text) if content is not None else None
        if content is None:
            continue
        records.append(Attribution(source, content, False, source_span, report.cue, turn))
        last_source = (source, report.content.end, turn)
    records = _with_quotations(analysis, parse, resolver, records)
    return _nest(_dedupe(records))


def _within_body(content: Span, resolver: SourceResolver, turn: int | None) -> Span | None:
    """The content clipped to the words of its turn (never its speaker label)."""
    body = resolver.turns[turn].body_span if turn is not None else None
    if body is None:
        return content
    start, end = max(content.start, body.start), min(content.end, body.end)
    return Span(start, end) if end > start else None


def _within_sentence(content: Span, cue: Span, sentences: list[Span], text: str) -> Span | None:
    """Indirect content stays in the sentence of its cue (hard-wrapped text
    misleads the parser's sentence ends; the structure layer's are better)."""
    i = bisect.bisect_right([s.start for s in sentences], cue.start) - 1
    if i < 0 or not sentences[i].contains(cue):
        return content
    sent = sentences[i]
    start, end = max(content.start, sent.start), min(content.end, sent.end)
    if end < content.end:
        while end > start and text[end - 1] in " \t\n.,;:!?":
            end -= 1
    return Span(start, end) if end > start else None


# -- direct quotations ----------------------------------------------------------

def _with_quotations(analysis: Analysis, parse: Any, resolver: SourceResolver,
                     records: list[Attribution]) -> list[Attribution]:
    text = analysis.text
    skip = [b.span for b in analysis.layer("boilerplate")]
    out = list(records)
    for quote in find_quotations(text):
        if any(s.overlaps(quote.outer) for s in skip) or len(quote.inner) == 0:
            continue
        same = [i for i, r in enumerate(out) if not r.direct and (_covers(quote, r.content_span) or (
            r.cue_span is not None and r.content_span.contains(r.cue_span) and r.content_span.contains(quote.outer)
            and (len(quote.outer) >= 0.5 * len(r.content_span) or r.cue_span.end <= quote.outer.start
                 and len(text[r.content_span.start:quote.outer.start].split()) <= 8)) or (
            quote.outer.contains(r.content_span) and r.cue_span is not None
            and not quote.outer.overlaps(r.cue_span)))]
        if same:
            i = same[0]
            out[i] = Attribution(out[i].source, quote.inner, True, out[i].source_span, out[i].cue_span,
                                 out[i].turn)
            continue
        around = [r for r in out if not r.direct and r.content_span.contains(quote.outer)
                  and len(r.content_span) > len(quote.outer)]
        if around:
            r = min(around, key=lambda a: len(a.content_span))
            out.append(Attribution(r.source, quote.inner, True, r.source_span, r.cue_span, r.turn))
            continue
        found = _quote_cue(text, quote, parse, resolver)
        if found is not None:
            out.append(found)
    return out


def _covers(quote: Quotation, content: Span) -> bool:
    """The report's content is the quotation (give or take the marks)."""
    inter = max(0, min(quote.outer.end, content.end) - max(quote.outer.start, content.start))
    return inter >= 0.8 * len(content) and inter >= 0.5 * len(quote.outer)


def _quote_cue(text: str, quote: Quotation, parse: Any, resolver: SourceResolver) -> Attribution | None:
    """A cue right after the closing mark, right before the opening one, or a label."""
    table = cue_table()
    turn = resolver.turn_at(quote.outer.start)
    ends_sentence = text[quote.outer.end - 2:quote.outer.end - 1] == "." and \
        text[quote.outer.end:].lstrip()[:1].isupper()  # “... peace.” It emphasises: a new sentence
    after = [] if ends_sentence else _tokens_between(resolver.chunks, quote.outer.end,
                                                     _stop_after(text, quote.outer.end))
    for tok, offset in after:
        if tok.lemma_.lower() in table.verbs | table.parenthetical and tok.pos_ in ("VERB", "AUX"):
            src = source_token(tok)
            if src is None or any(c.dep_ == "neg" for c in tok.children) or _inside(src, offset, quote):
                continue
            resolved = resolver.resolve(src, offset, turn)
            if resolved and not (is_idiom(tok, src) and any(c.lower_ == "as" for c in tok.children)):
                cue = verb_group_span(tok, offset)
                return Attribution(resolved[0], quote.inner, True, resolved[1], cue, turn)
    before_end = quote.outer.start
    gap = text[:before_end].rstrip()
    if "\n" in text[len(gap):before_end] and gap.endswith(":"):
        before_end = len(gap)  # "X wrote:" closing the paragraph before the quotation
    before_start = max(_stop_before(text, before_end), before_end - NEAR_BEFORE)
    lead = text[before_start:before_end].rstrip()
    if lead.endswith((":", ",")) or lead.endswith(" that"):
        label = _LABEL_BEFORE_QUOTE.search(text[max(0, quote.outer.start - 90):quote.outer.start])
        if label and turn is None or label and not re.search(r"\b[a-z]+", label.group(1)):
            start = quote.outer.start - len(label.group(0)) + label.group(0).index(label.group(1))
            span = Span(start, start + len(label.group(1)))
            mentions = resolver.mentions_in(span)
            own_label = turn is not None and (resolver.turns[turn].label_span or Span(0, 0)).overlaps(span)
            if mentions and not own_label:
                return Attribution(mentions[0].entity.id, quote.inner, True, mentions[0].span, None, turn)
        before = _tokens_between(resolver.chunks, before_start, before_end)
        for tok, offset in reversed(before):
            lemma = tok.lemma_.lower()
            if lemma in table.verbs and tok.pos_ in ("VERB", "AUX") or lemma in table.nouns and tok.pos_ == "NOUN":
                holder = tok.head if tok.pos_ == "NOUN" and tok.dep_ in ("dobj", "attr") else tok
                src = source_token(holder)
                if src is None or any(c.dep_ == "neg" for c in holder.children) or _inside(src, offset, quote):
                    continue
                resolved = resolver.resolve(src, offset, turn)
                if resolved:
                    cue = verb_group_span(holder, offset)
                    if holder is not tok:  # on to the noun, when it follows the verb
                        cue = Span(cue.start, max(cue.end, offset + tok.idx + len(tok.text)))
                    return Attribution(resolved[0], quote.inner, True, resolved[1], cue, turn)
    return None


def _inside(token: Any, offset: int, quote: Quotation) -> bool:
    return quote.outer.start <= offset + token.idx < quote.outer.end


def _stop_after(text: str, start: int) -> int:
    window = text[start:start + NEAR_AFTER]
    m = re.search(r"[.!?;\n“\"]", window)
    return start + (m.start() if m else len(window))


def _stop_before(text: str, end: int) -> int:
    window = text[max(0, end - NEAR_BEFORE):end]
    cut = max(window.rfind("\n"), max((e.end for e in ends(window, rule=LOOSE)), default=-1))
    return max(0, end - NEAR_BEFORE) + cut + 1 if cut >= 0 else max(0, end - NEAR_BEFORE)


def _tokens_between(chunks: Any, start: int, end: int) -> list[tuple[Any, int]]:
    chunk = chunks.at(start) if start < end else None
    if chunk is None:
        return []
    local = chunk.doc.char_span(start - chunk.offset, min(end, chunks.ends[chunks.chunks.index(chunk)]) - chunk.offset,
                                alignment_mode="contract")
    return [(t, chunk.offset) for t in local] if local is not None else []


# -- tidying --------------------------------------------------------------------

def _dedupe(records: list[Attribution]) -> list[Attribution]:
    seen: set[tuple[Span, bool]] = set()
    out = []
    for r in sorted(records, key=lambda r: (r.content_span.start, -len(r.content_span), not r.direct)):
        key = (r.content_span, r.direct)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return sorted(out, key=lambda r: (r.cue_span or r.content_span).start)


def _nest(records: list[Attribution]) -> list[Attribution]:
    """Point each report inside another's content at the innermost such report."""
    out = []
    for i, r in enumerate(records):
        anchor = r.cue_span or r.content_span
        holders = [j for j, o in enumerate(records) if j != i and o.content_span.contains(anchor)
                   and len(o.content_span) > len(r.content_span)]
        parent = min(holders, key=lambda j: len(records[j].content_span)) if holders else None
        out.append(Attribution(r.source, r.content_span, r.direct, r.source_span, r.cue_span, r.turn, parent))
    return out


# -- the report section ---------------------------------------------------------

@section("who-said-what", "Who said what", ("attributions",), order=35)
def who_said_what(analysis: Analysis):
    text = analysis.text
    names = {e.id: e.name for e in analysis.layer("entities")}
    header = ("source", "cue", "content", "kind")
    rows = []
    for r in analysis.layer("attributions"):
        who = names.get(r.source, r.source)
        source = Cell(who, r.source_span) if r.source_span else Cell(who)
        cue = Cell(text[r.cue_span.start:r.cue_span.end], r.cue_span) if r.cue_span else Cell("")
        content = text[r.content_span.start:r.content_span.end]
        content = " ".join(content.split())
        if len(content) > 160:
            content = content[:157] + "..."
        kind = "direct" if r.direct else "indirect"
        if r.nested_in is not None:
            kind += f" (inside #{r.nested_in + 1})"
        rows.append((source, cue, Cell(content, r.content_span), kind))
    return header, rows
