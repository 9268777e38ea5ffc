"""The one sentence-boundary finder (parley.nlp.sentences) and its rules."""
from __future__ import annotations

from parley.document import Span
from parley.nlp.sentences import CLAUSE, LOOSE, PROSE, QUOTED, ends, pieces, split


def _texts(text, spans):
    return [text[s.start:s.end] for s in spans]


def test_prose_keeps_titles_and_initials_and_splits_glued_sentences():
    text = "Mr. Smith met U.S. officials. They agreed.Therefore it ended “today.” Then"
    assert _texts(text, split(text, Span(0, len(text)))) == [
        "Mr. Smith met U.S. officials.", "They agreed.", "Therefore it ended “today.”", "Then"]


def test_prose_needs_a_capital_after_the_space():
    assert [e.end for e in ends("It was 3 p.m. and late. ok", rule=PROSE)] == []


def test_loose_ends_at_any_mark_before_whitespace():
    assert pieces("One. Two?! three", LOOSE) == ["One.", "Two?!", "three"]
    assert pieces("", LOOSE) == [""]  # as re.split gives


def test_quoted_ends_a_segment_at_a_closing_quotation_mark():
    line = 'They said "never" Then it came. (Again) and again. no'
    assert [line[e.next:e.next + 4] for e in ends(line, rule=QUOTED)] == ["Then", "(Aga"]


def test_clause_ends_at_bare_marks_and_skips_short_abbreviations():
    text = "Acme Corp. sold it in Sept. to J. Doe. Why?Now\nnext"
    found = [(text[e.mark], e.end) for e in ends(text, rule=CLAUSE)]
    assert found == [(".", text.index(" Why")), ("?", text.index("Now")), ("\n", text.index("next"))]


def test_nothing_after_stop_is_looked_at():
    text = "It ended. Then"
    dot = text.index(".")
    assert list(ends(text, 0, dot + 1, LOOSE)) == []  # the space after the full stop is not seen
    assert [e.end for e in ends(text, 0, dot + 2, LOOSE)] == [dot + 1]
