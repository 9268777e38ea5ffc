import pytest

from parley.document import Analysis, Document, Metadata, Span
from parley.document.records import Attribution, Boilerplate, Entity, Stance, Turn
from parley.errors import SpanError


def test_span_rejects_inverted_and_negative_ranges():
    with pytest.raises(SpanError):
        Span.of((5, 2))
    with pytest.raises(SpanError):
        Span.of((-1, 2))
    assert Span.of(None) is None
    assert Span.of([1, 4]) == Span(1, 4)


def test_document_span_checks_the_text_length():
    doc = Document("short text", "d")
    assert doc[doc.span(0, 5)] == "short"
    with pytest.raises(SpanError):
        doc.span(3, 11)


def test_set_layer_refuses_records_whose_spans_do_not_fit():
    analysis = Analysis(Document("abc", "d"))
    with pytest.raises(SpanError):
        analysis.set_layer("entities", [Entity("x", "X", "ORG", (Span(0, 2), Span(1, 9)))])
    with pytest.raises(SpanError):
        analysis.set_layer("attributions", [Attribution("x", Span(0, 1), True, cue_span=Span(2, 4))])
    assert "entities" not in analysis


def test_json_round_trip_keeps_every_layer_and_the_text():
    text = "Question: Why?\n\nJohn Smith: Because."
    analysis = Analysis(Document(text, "doc", Metadata(title="T", published="2024-01-02")))
    analysis.set_layer("turns", [Turn(Span(0, 14), "interviewer", "question", Span(0, 8), Span(10, 14))])
    analysis.set_layer("boilerplate", [Boilerplate(Span(16, 26), "header")])
    analysis.set_layer("entities", [Entity("john-smith", "John Smith", "PERSON", (Span(16, 26),), roles=("envoy",))])
    data = analysis.to_json()
    assert data["boilerplate"] == [[16, 26]] and data["boilerplate_kinds"] == ["header"]
    assert data["reference_date"] == "2024-01-02"
    back = Analysis.from_json(data)
    assert back.text == text
    assert back.layers == analysis.layers
    assert back.metadata.title == "T"


def test_from_json_without_text_needs_one():
    with pytest.raises(SpanError):
        Analysis.from_json({"doc_id": "x", "turns": []})


def test_metadata_merge_lets_the_override_win_and_keeps_the_rest():
    base = Metadata(title="Found", place="Moscow")
    merged = base.merged({"title": "Given", "place": None})
    assert merged.title == "Given" and merged.place == "Moscow"


@pytest.mark.parametrize("start, end", [(8, 3), (-4, 2), (0, -1), (1.0, 3), ("1", 3), (None, 2), (True, 3)])
def test_a_span_is_checked_when_it_is_built(start, end):
    with pytest.raises(SpanError) as e:
        Span(start, end)
    assert e.value.code == "E200"


def test_a_checked_span_is_still_a_plain_pair():
    span = Span(3, 8)
    assert span == (3, 8) and span.start == 3 and span.end == 8 and len(span) == 5
    assert Span(4, 4).json() == [4, 4] and isinstance(span, tuple)
    assert Span.of((2, 5)) == Span(2, 5) and span._replace(end=9) == Span(3, 9) == Span._make([3, 9])
    for invalid in (lambda: span._replace(end=1), lambda: Span._make([5, 2])):
        with pytest.raises(SpanError):
            invalid()


def test_shift_refuses_a_span_that_would_start_before_zero():
    assert Span(3, 8).shift(-3) == Span(0, 5)
    with pytest.raises(SpanError) as e:
        Span(3, 8).shift(-4)
    assert e.value.code == "E200"


@pytest.mark.parametrize("record", [
    Boilerplate(Span(0, 4), "header"),
    Entity("x", "X", "ORG", (Span(0, 1), Span(2, 4))),
    Turn(Span(0, 3), "interviewer", "question", None, Span(1, 4)),
    Stance("x", "y", "positive", evidence=((Span(0, 1), Span(1, 2)), (Span(2, 9),))),
])
def test_set_layer_refuses_any_span_past_the_end_nested_tuples_too(record):
    analysis = Analysis(Document("abc", "d"))
    with pytest.raises(SpanError) as e:
        analysis.set_layer("layer", [Boilerplate(Span(0, 3), "header"), record])
    assert e.value.code == "E200" and "layer" not in analysis
