"""Temporal expressions: recognition, normalisation, the analyser and the timeline.

Every sentence here is invented for the test. The reference date of most
tests is Wednesday 2025-10-15.
"""
from __future__ import annotations

import json

import pytest

from parley.analysers.timex.normalise import duration, value_start
from parley.analysers.timex.recognise import recognise, resolve_all
from parley.document import Analysis, Document, Metadata, Span
from parley.document.records import Entity, Sentence
from parley.errors import ParleyError
from parley.pipeline import Config

REF = "2025-10-15"  # a Wednesday


def found(text: str, ref: str | None = REF, style: str = "parley") -> list[tuple[str, str | None]]:
    mentions = recognise(text, style)
    values = resolve_all(text, mentions, ref, style)
    return [(text[m.start:m.end], v.value) for m, v in zip(mentions, values)]


def value_of(text: str, phrase: str, ref: str | None = REF, style: str = "parley") -> str | None:
    hits = dict(found(text, ref, style))
    assert phrase in hits, f"{phrase!r} not found in {found(text, ref, style)}"
    return hits[phrase]


# -- absolute dates ------------------------------------------------------------

@pytest.mark.parametrize("text, phrase, value", [
    ("The talks ended on October 15, 2025, in Geneva.", "October 15, 2025", "2025-10-15"),
    ("Signed 15.10.2025 by both sides.", "15.10.2025", "2025-10-15"),
    ("The document is dated 2024-03-09.", "2024-03-09", "2024-03-09"),
    ("It was agreed on 3 March 2019 in Minsk.", "3 March 2019", "2019-03-03"),
    ("The letter of 12/25/2019 was never answered.", "12/25/2019", "2019-12-25"),
    ("The crisis of 2008 changed everything.", "2008", "2008"),
    ("In April 2022 the talks stopped.", "April 2022", "2022-04"),
    ("Refugees have arrived since March of 2022.", "March of 2022", "2022-03"),
    ("This goes back to the 1970s and before.", "the 1970s", "197"),
    ("Music of the ’90s was better.", "the ’90s", "199"),
    ("The order of the 19th century collapsed.", "the 19th century", "18"),
    ("The twenty-first century began badly.", "twenty-first century", "20"),
])
def test_absolute_dates_keep_their_precision(text, phrase, value):
    assert value_of(text, phrase) == value


def test_timestamps_and_time_lines():
    assert value_of("20:22 15.10.2025 •\nPhoto: Agency", "20:22 15.10.2025") == "2025-10-15T20:22"
    assert value_of("[01.01.20, 01:00:00] site:", "01.01.20, 01:00:00") == "2020-01-01T01:00:00"
    assert value_of("East Wing\n\n4:44 P.M. EST\n\nTHE PRESIDENT: Hello.", "4:44 P.M. EST") == "2025-10-15T16:44"


# -- relative to the reference date ------------------------------------------------

@pytest.mark.parametrize("text, phrase, value", [
    ("They endorsed it 26 years ago.", "26 years ago", "1999"),
    ("We will meet this Friday in Vienna.", "this Friday", "2025-10-17"),
    ("It happened on October 13 this year.", "October 13 this year", "2025-10-13"),
    ("The ministers spoke last week.", "last week", "2025-W41"),
    ("The ministers speak this week.", "this week", "2025-W42"),
    ("He left earlier this week for Rome.", "earlier this week", "2025-W42"),
    ("Last year the trade grew.", "Last year", "2024"),
    ("Next month we will know more.", "Next month", "2025-11"),
    ("The envoy arrived yesterday.", "yesterday", "2025-10-14"),
    ("I signed the order today.", "today", "2025-10-15"),
    ("Tonight we remember them.", "Tonight", "2025-10-15"),
    ("The treaty lapses two years from now.", "two years from now", "2027"),
    ("He called two weeks ago.", "two weeks ago", "2025-W40"),
    ("The data came in 24 hours ago.", "24 hours ago", "2025-10-14"),
    ("The vote happened two months ago.", "two months ago", "2025-08"),
])
def test_relative_expressions(text, phrase, value):
    assert value_of(text, phrase) == value


def test_anchored_on_the_last_mentioned_time():
    text = "The states endorsed the charter 26 years ago and reaffirmed it 15 years later."
    assert found(text) == [("26 years ago", "1999"), ("15 years later", "2014")]


def test_anchoring_does_not_cross_paragraphs():
    text = "The accord dates from 1990.\n\nThey say it fell apart two years later."
    assert value_of(text, "two years later") is None


def test_durations():
    text = "The treaty expires in three months; they would freeze it for a year, over 500 years of history."
    assert found(text) == [("three months", "P3M"), ("a year", "P1Y"), ("500 years", "P500Y")]
    assert value_of("The war has lasted for more than two decades.", "more than two decades") == "P20Y"
    assert value_of("After two-plus hours of talks they left.", "two-plus hours") == "PT2H"
    assert value_of("Three hundred days of war.", "Three hundred days") == "P300D"
    assert value_of("Three\nhundred days of war.", "Three\nhundred days") == "P300D"
    assert value_of("It marks the 300-day point.", "300-day") == "P300D"
    assert duration(1.5, "Y") == "P18M" and duration(2, "DE") == "P20Y"


def test_governing_prepositions_stay_out_of_spans():
    spans = [s for s, _ in found("It began in 2014, after February 6, 2026, since 1945, back in 2021.")]
    assert spans == ["2014", "February 6, 2026", "1945", "2021"]


def test_vague_expressions_have_no_value():
    text = ("Just recently they spoke. Nowadays nobody listens. For centuries people lived there; "
            "these days it is different, and in recent days, over the past months, for many years.")
    values = found(text)
    assert [s for s, _ in values] == ["recently", "Nowadays", "centuries", "these days", "recent days",
                                      "the past months", "many years"]
    assert all(v is None for _, v in values)


def test_seasons_are_found_without_a_value():
    assert found("We need to survive this winter.") == [("this winter", None)]
    assert found("They use winter as a weapon.") == []


def test_generic_today_has_no_value():
    assert value_of("The world today is more dangerous.", "today") is None
    assert value_of("As we know today, the system works.", "today") is None


# -- no false hits -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "We may agree, and now we will see what we can do.",
    "May I ask you a question about the snow?",
    "The rebels fired 1244 shells and 2000 people fled.",
    "Security Council resolution 2231 is still in force.",
    "Prices rose by 2.5% to $2019 per tonne.",
    "See https://example.org/news/2019/10/13/article for details.",
    "Source: en.kremlin.ru/events/president/2019/10/13 (transcript).",
    "He spoke to Theresa May about March madness.",
    "We can do this all day long; for now, thus far, so far.",
    "The earlier proposal was better than nothing.",
    "Data from CLEF-2020 and a centuries-old day-by-day log.",
])
def test_no_false_hits(text):
    assert found(text) == []


def test_now_is_a_timex_only_in_timeml_style():
    text = "Right now the data look better than in previous years."
    assert [s for s, _ in found(text)] == ["previous years"]
    assert found(text, style="timeml") == [("Right now", "PRESENT_REF"), ("previous years", "PXY")]


def test_without_a_reference_date_relative_values_are_null():
    assert found("It happened 26 years ago, in 2008, and again last week.", ref=None) == [
        ("26 years ago", None), ("2008", "2008"), ("last week", None)]


def test_a_month_precise_reference_gives_no_day_values():
    assert found("Today we met; two years ago we did not; in December we will.", ref="2001-11") == [
        ("Today", None), ("two years ago", "1999"), ("December", "2001-12")]


def test_weekdays_follow_the_tense():
    assert value_of("I'm meeting him on Monday.", "Monday") == "2025-10-20"
    assert value_of("He died on Monday.", "Monday") == "2025-10-13"
    assert value_of("The vote was postponed until Saturday.", "Saturday") == "2025-10-18"


def test_value_start_orders_every_precision():
    assert value_start("197").isoformat() == "1970-01-01"
    assert value_start("2022-W51").isoformat() == "2022-12-19"
    assert value_start("2025-10-15T20:22").isoformat() == "2025-10-15"
    assert value_start("P3M") is None and value_start(None) is None


# -- the analyser and the timeline -----------------------------------------------

TEXT = ("Q: What happened in 2014?\n\n"
        "A: NATO met in Wales in September 2014. Russia objected <script>today</script>.\n")


def _analysis(with_entities: bool) -> Analysis:
    doc = Document(TEXT, "t", Metadata(published="2025-10-15T20:22"))
    a = Analysis(doc)
    first = TEXT.index("NATO")
    second = TEXT.index("Russia")
    a.set_layer("sentences", [Sentence(Span(3, 26), None), Sentence(Span(first, second - 1), None),
                              Sentence(Span(second, len(TEXT) - 1), None)])
    if with_entities:
        a.set_layer("entities", [
            Entity("nato", "NATO", "ORG", (Span(first, first + 4),)),
            Entity("wales", "Wales", "GPE", (Span(TEXT.index("Wales"), TEXT.index("Wales") + 5),)),
            Entity("russia", "Russia", "GPE", (Span(second, second + 6),)),
        ])
    return a


def test_analyser_links_sentences_and_entities():
    from parley.analysers.timex.analyser import find_timex

    records = find_timex(_analysis(True), None, Config())["timex"]
    assert [(TEXT[r.span.start:r.span.end], r.value, r.sentence) for r in records] == [
        ("2014", "2014", 0), ("September 2014", "2014-09", 1), ("today", "2025-10-15", 2)]
    assert records[1].entities == ("nato", "wales")
    assert records[2].entities == ("russia",) and records[2].anchor == "reference"


def test_analyser_runs_without_entities_and_rejects_unknown_styles():
    from parley.analysers.timex.analyser import find_timex

    records = find_timex(_analysis(False), None, Config())["timex"]
    assert all(r.entities == () for r in records) and len(records) == 3
    with pytest.raises(ParleyError) as e:
        find_timex(_analysis(False), None, Config(options={"timex": {"style": "iso"}}))
    assert e.value.code == "E300"


def test_timeline_is_chronological_and_escaped():
    from parley.analysers.timex.analyser import draw_timeline, find_timex, timeline_rows

    a = _analysis(False)
    a.set_layer("timex", find_timex(a, None, Config())["timex"])
    header, rows = timeline_rows(a)
    assert header == ("date", "expression", "sentence")
    assert [r[0] for r in rows] == ["2014", "2014-09", "2025-10-15"]
    assert rows[1][1].span == Span(TEXT.index("September"), TEXT.index("September") + len("September 2014"))
    svg = draw_timeline(a)
    assert svg.startswith("<svg") and "<script" not in svg and svg.count("<circle") == 3
    assert ">2014</text>" in svg and ">2024</text>" in svg  # year ticks on the axis
    assert json.dumps(a.to_json()["timex"][0]) == json.dumps(
        {"span": [20, 24], "value": "2014", "type": "DATE", "anchor": None, "sentence": 0, "entities": []})


# -- the seed gold (needs ../shared) ----------------------------------------------

@pytest.mark.corpus
@pytest.mark.parametrize("name", ["lavrov-kommersant-2025-10-15", "putin_2019-10_al-arabiya-interview",
                                  "wh_2022-12-21_biden-zelenskyy-joint-press-conference"])
def test_gold_transcripts_score_above_the_floor(shared, name):
    from parley.scoring import gold as scoring

    gold = json.loads((shared / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    text = (shared / "corpus" / f"{name}.txt").read_text(encoding="utf-8")
    mentions = recognise(text)
    values = resolve_all(text, mentions, gold["reference_date"])
    pred = {"timex": [{"span": [m.start, m.end], "value": v.value} for m, v in zip(mentions, values)]}
    if gold.get("extent"):
        pred = scoring.restrict(pred, gold["extent"])
    result = scoring.timex(gold["timex"], pred["timex"])
    assert result["f1"] >= 0.9 and result["value_acc"] >= 0.9, result


def test_months_and_weekdays_in_context():
    ref = "2022-02-11"  # a Friday
    assert value_of("The decision was not made until August 12th.", "August 12th", ref) == "2021-08-12"
    assert value_of("He extended the pause until May.", "May", ref) == "2022-05"
    assert value_of("Talks resumed in May of last year.", "May of last year", ref) == "2021-05"
    assert found("You cannot announce a policy on a Sunday evening.", ref) == []


def test_quarters():
    assert value_of("Profits fell in the third quarter.", "the third quarter") == "2025-Q3"
    assert value_of("Sales rose in the fourth quarter of 2019.", "the fourth quarter of 2019") == "2019-Q4"
    assert value_start("2019-Q4").isoformat() == "2019-10-01"


def test_ranges_have_no_single_value():
    assert found("It happened a year or two ago.") == [("a year or two ago", None)]
    assert found("It may take two or three years.") == [("two or three years", None)]
    assert found("It is a centuries-old problem.") == []
    assert found("From 1990 to 2000 it grew.") == [("1990", "1990"), ("2000", "2000")]
