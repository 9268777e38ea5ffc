from pathlib import Path

from parley.document import Document, Span
from parley.ingest import read_document
from parley.nlp.sentences import split
from parley.pipeline import analyze, build_pipeline

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


def structure(path: Path):
    return analyze(read_document(str(path)), build_pipeline(only=["structure"]))


def said(analysis, span):
    return analysis.text[span.start:span.end]


def test_seed_like_layout_headline_timestamp_lead_dateline():
    a = structure(ROOT / "examples" / "sample-interview.txt")
    m = a.metadata
    assert m.title.startswith("Anna Keller: “We will not sign")
    assert (m.published, m.place, m.outlet, m.interviewee, m.genre) == (
        "2025-03-03T09:15", "Lindau", "Northern Ledger", "Anna Keller", "interview")
    kinds = {b.kind: said(a, b.span) for b in a.layer("boilerplate")}
    assert kinds["timestamp"] == "09:15 03.03.2025 •"
    assert kinds["photo-credit"] == "Photo: Ministry press office"
    assert kinds["share-line"].startswith("read more in our Telegram-channel")
    turns = a.layer("turns")
    assert [t.speaker for t in turns] == ["interviewer", "anna-keller"] * 3
    assert [t.kind for t in turns] == ["question", "answer"] * 3
    # the headline is not a turn, and the last turn stops before the share line
    assert turns[0].span.start > a.layer("headline")[0].span.end
    assert said(a, turns[-1].span).endswith("start again from zero.")
    assert a.layer("headline")[0].speaker == "anna-keller"


def test_press_briefing_hard_wrapped_with_titles_and_q_labels():
    a = structure(FIXTURES / "briefing.txt")
    turns = a.layer("turns")
    assert [t.speaker for t in turns] == ["dana-whitfield", "paul-okafor", "interviewer", "paul-okafor",
                                          "interviewer", "dana-whitfield"]
    assert turns[0].kind == "statement" and turns[3].kind == "answer"
    assert said(a, turns[2].span).startswith("Q    Thank you.")
    assert said(a, turns[2].span).endswith("tariffs on steel?")  # hard-wrapped paragraph kept whole
    m = a.metadata
    assert m.published == "2024-05-02T13:05"
    assert m.place == "Press Briefing Room" and m.outlet == "The White House" and m.genre == "briefing"
    assert m.interviewee == "Dana Whitfield; Paul Okafor"
    assert sorted(b.kind for b in a.layer("boilerplate")) == ["header", "header", "header", "time-line", "time-line"]
    assert said(a, turns[-1].span).endswith("Thanks, everyone.")


def test_labels_inside_paragraphs_and_glued_reporter_labels():
    a = structure(FIXTURES / "interview-glued.txt")
    turns = a.layer("turns")
    assert [t.speaker for t in turns] == ["interviewer", "maria-ortega", "interviewer", "maria-ortega",
                                          "interviewer", "maria-ortega"]
    assert said(a, turns[3].span) == "Maria Ortega: We will rebuild the harbour first. After that, we will look at the licences."
    assert said(a, turns[4].label_span) == "Tomas Ruiz Vidal"
    m = a.metadata
    assert (m.published, m.place, m.outlet, m.interviewee) == ("2023-06-14", "Valencia", "Radio Meridian", "Maria Ortega")


def test_sentence_rules():
    text = ("Mr. Smith met the U.S. envoy. He said: “Enough.” Then he left… Prices rose 5 percent, etc. "
            "As far as we know, it ended.Therefore we wait. $2 billion went missing. Is that so? Yes.")
    got = [text[s.start:s.end] for s in split(text, Span(0, len(text)))]
    assert got == ["Mr. Smith met the U.S. envoy.", "He said: “Enough.”", "Then he left…",
                   "Prices rose 5 percent, etc.", "As far as we know, it ended.", "Therefore we wait.",
                   "$2 billion went missing.", "Is that so?", "Yes."]


def test_paragraph_breaks_end_sentences_and_wrapped_lines_do_not():
    text = "One sentence that is\nwrapped here.\n\nA new paragraph without a stop\n\nLast one."
    got = [text[s.start:s.end] for s in split(text, Span(0, len(text)))]
    assert got == ["One sentence that is\nwrapped here.", "A new paragraph without a stop", "Last one."]


def test_text_without_labels_is_one_statement():
    a = analyze(Document("We will build the bridge.\n\nIt will open in May.", "speech"), build_pipeline(only=["structure"]))
    turns = a.layer("turns")
    assert len(turns) == 1 and turns[0].kind == "statement"
    assert len(a.layer("sentences")) == 2


def test_cli_metadata_overrides_win():
    from parley.pipeline import Config

    doc = read_document(str(ROOT / "examples" / "sample-interview.txt"))
    a = analyze(doc, build_pipeline(only=["structure"]), Config(metadata={"published": "2025-03-04", "place": "Bern"}))
    assert a.metadata.published == "2025-03-04" and a.metadata.place == "Bern"
    assert a.reference_date == "2025-03-04"


# -- metadata dates: read by the timex grammar -----------------------------------
def test_metadata_dates_come_from_the_timex_grammar():
    from parley.analysers.structure.frontmatter import metadata_dates, parse_date

    assert parse_date("2022-02-11") == "2022-02-11"
    assert parse_date("15.10.2025") == "2025-10-15"
    assert parse_date("Press conference, Brussels, 12 July 2018") == "2018-07-12"
    assert parse_date("Briefing by the Press Secretary, February 11, 2022") == "2022-02-11"
    assert parse_date("Barack Obama interview with BBC (Jon Sopel), July 2015") == "2015-07"
    assert parse_date("In 2015, a year later") is None  # a year alone is no publication date
    assert metadata_dates("20:22 15.10.2025 •") == [(0, 16, "2025-10-15T20:22")]


def test_timestamp_dateline_and_title_place_lines():
    from parley.analysers.structure.frontmatter import _dateline, _timestamp, _title_place

    assert _timestamp("20:22 15.10.2025 •") == "2025-10-15T20:22"
    assert _timestamp("9:05 15.10.2025") == "2025-10-15T09:05"
    assert _timestamp("20:22 15.10.2025 and more") is None
    assert _timestamp("15.10.2025") is None  # no time of day
    assert _dateline("Moscow, October 15, 2025") == ("Moscow", "2025-10-15")
    assert _dateline("Washington, D.C., 15 October 2025") == ("Washington, D.C.", "2025-10-15")
    assert _dateline("Moscow, October 2025") is None
    assert _dateline("We met on October 15, 2025") is None
    assert _title_place("Press conference by President Trump at the NATO summit, Brussels, 12 July 2018") == "Brussels"
    assert _title_place("Briefing by Jen Psaki, Washington, February 11, 2022") is None  # month first: not a dateline


def test_initial_labels_stamped_labels_and_short_answers():
    a = structure(FIXTURES / "interview-initials.txt")
    turns = a.layer("turns")
    # 'VP:' resolves through the name whose initials it spells
    assert [t.speaker for t in turns] == ["interviewer", "vera-petrova"] * 4
    # every question gets its reply as an answer, one-word replies included
    assert [t.kind for t in turns] == ["question", "answer"] * 4
    assert said(a, turns[1].span) == "VP: Yes."
    # a label glued to the end of the question's last sentence
    assert said(a, turns[4].span) == "Q: Last question. Will fares rise?"
    # a label behind inline stamps starts at the first stamp word
    assert said(a, turns[7].span).startswith("PRESIDENT [01.01.20, 01:00:00] Vera")
    assert said(a, turns[6].span) == "Q: Is that a promise?"


def test_q_label_continuing_an_interrupted_question():
    a = structure(FIXTURES / "briefing-continued.txt")
    turns = a.layer("turns")
    assert [t.speaker for t in turns][1::2] == ["interviewer", "interviewer"]
    assert said(a, turns[3].span) == "Q    — about the wage offer?"
    assert [t.kind for t in turns] == ["statement", "question", "answer", "question", "answer"]


def test_role_label_glued_to_a_sentence_end():
    a = structure(FIXTURES / "call-in.txt")
    turns = a.layer("turns")
    assert [t.speaker for t in turns] == ["interviewer", "interviewer", "lena-berg"] * 2
    assert said(a, turns[0].span) == "Question: Our first caller is Ann, from Dover. Ann, go ahead."
    assert said(a, turns[1].span) == "caller: Good evening. Will the ferry run in winter?"
    assert [t.kind for t in turns] == ["question", "question", "answer"] * 2
