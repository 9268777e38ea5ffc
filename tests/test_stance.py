"""The stance analyser: lexicon, syntax rules, aggregation and the report section."""
from __future__ import annotations

import json

import pytest

from parley.analysers.stance import analyser as stance
from parley.analysers.stance.lexicon import load_lexicon
from parley.analysers.stance.targets import but_weights
from parley.document import Analysis, Document, Span
from parley.document.records import Entity, Stance, Turn
from parley.errors import ModelUnavailable
from parley.pipeline import Config

# An invented interview: one question, one answer by a minister ("pat-minister").
QUESTION = "Interviewer: What do you make of your neighbours?"
ANSWER = (
    "Pat Minister: Our friends in Norland have been wise and generous partners. "
    "Ostland keeps lying about the treaty and threatening its neighbours. "
    "Ostland's “peacekeepers” arrived last week. "
    "Sudland is not a reliable partner. "
    "We met Westland officials in March."
)


def invented_analysis() -> Analysis:
    text = QUESTION + "\n\n" + ANSWER
    doc = Document(text=text, doc_id="invented")
    analysis = Analysis(doc)
    a_start = text.index("Pat Minister:")
    analysis.set_layer("turns", [
        Turn(Span(0, len(QUESTION)), "interviewer", "question", Span(0, 11), Span(13, len(QUESTION))),
        Turn(Span(a_start, len(text)), "pat-minister", "answer", Span(a_start, a_start + 12),
             Span(a_start + 14, len(text)), "Pat Minister"),
    ])

    def mentions(word: str) -> tuple[Span, ...]:
        out, i = [], text.find(word)
        while i >= 0:
            out.append(Span(i, i + len(word)))
            i = text.find(word, i + 1)
        return tuple(out)

    analysis.set_layer("entities", [
        Entity(name.lower(), name, "GPE", mentions(name)) for name in ("Norland", "Ostland", "Sudland", "Westland")
    ] + [Entity("pat-minister", "Pat Minister", "PERSON", mentions("Pat Minister"))])
    return analysis


@pytest.fixture(scope="module")
def result(parser):
    analysis = invented_analysis()
    records = stance.analyse_stance(analysis, parser.parse(analysis.text), Config())["stance"]
    analysis.set_layer("stance", records)
    return analysis, {r.target: r for r in records if r.turn is None}


@pytest.mark.slow
def test_praise_and_attack_get_their_polarity(result):
    _, by_target = result
    assert by_target["norland"].polarity == "positive"
    assert by_target["ostland"].polarity == "negative"


@pytest.mark.slow
def test_negation_flips_praise(result):
    _, by_target = result
    assert by_target["sudland"].polarity == "negative"


@pytest.mark.slow
def test_no_evaluation_is_neutral_without_evidence(result):
    _, by_target = result
    assert by_target["westland"].polarity == "neutral"
    assert by_target["westland"].evidence == ()


@pytest.mark.slow
def test_holder_is_the_principal_and_never_its_own_target(result):
    analysis, by_target = result
    assert {r.holder for r in analysis.layer("stance")} == {"pat-minister"}
    assert "pat-minister" not in by_target


@pytest.mark.slow
def test_evidence_spans_are_sentences_that_name_the_target(result):
    analysis, by_target = result
    for span in by_target["ostland"].evidence:
        assert "Ostland" in analysis.text[span.start:span.end]


@pytest.mark.slow
def test_per_turn_records(result):
    analysis, _ = result
    per_turn = [r for r in analysis.layer("stance") if r.turn is not None]
    assert per_turn and all(r.turn == 1 for r in per_turn)


@pytest.mark.slow
def test_scare_quotes_are_negative(parser):
    text = "Ann Chief: Their “experts” from Bolvia wrote the plan."
    doc = Document(text=text, doc_id="scare")
    analysis = Analysis(doc)
    analysis.set_layer("turns", [Turn(Span(0, len(text)), "ann-chief", "answer", Span(0, 9), Span(11, len(text)))])
    i = text.index("Bolvia")
    analysis.set_layer("entities", [Entity("bolvia", "Bolvia", "GPE", (Span(i, i + 6),))])
    records = stance.analyse_stance(analysis, parser.parse(text), Config())["stance"]
    assert [r.polarity for r in records if r.turn is None] == ["negative"]


@pytest.mark.slow
def test_section_lists_praised_and_attacked(result):
    analysis, _ = result
    header, rows = stance.stance_rows(analysis)
    assert header[1] == "stance"
    verbs = {row[2]: row[1] for row in rows}
    assert verbs["Norland"] == "praises" and verbs["Ostland"] == "attacks"
    assert "Westland" not in verbs


def test_aggregate_sums_per_target_and_turn():
    s1, s2 = Span(0, 5), Span(6, 10)
    records = stance.aggregate([(1, "h", "t", 1.0, s1), (1, "h", "t", -0.2, s2), (3, "h", "u", -1.0, s2)])
    doc = {r.target: r for r in records if r.turn is None}
    assert doc["t"].polarity == "positive" and doc["t"].evidence == (s1,)
    assert doc["u"].polarity == "negative"
    assert {(r.turn, r.target) for r in records if r.turn is not None} == {(1, "t"), (3, "u")}


def test_aggregate_margin_makes_weak_evidence_neutral():
    records = stance.aggregate([(0, "h", "t", 0.01, Span(0, 1))], margin=0.05)
    assert records[0].polarity == "neutral" and records[0].evidence == ()


def test_lexicon_is_data_and_loads():
    lexicon = load_lexicon()
    assert lexicon.positive["praise"] > 0 and lexicon.negative["lie"] > 0
    assert "not" in lexicon.negators


def test_unreadable_lexicon_is_a_coded_error(tmp_path):
    bad = tmp_path / "lexicon.json"
    bad.write_text(json.dumps({"positive": {}}), encoding="utf-8")
    with pytest.raises(ModelUnavailable) as e:
        load_lexicon(str(bad))
    assert e.value.code == "E400"


def test_stance_without_parse_is_a_coded_error():
    with pytest.raises(ModelUnavailable):
        stance.analyse_stance(invented_analysis(), None, Config())


def test_stance_record_round_trips_through_json():
    from parley.document.gold import layer_to_json, layers_from_json

    record = Stance("h", "t", "negative", 0.7, (Span(1, 4),), None)
    assert layers_from_json(layer_to_json("stance", [record]))["stance"] == [record]


def one_sentence_scores(parser, sentence: str, names: tuple[str, ...]) -> dict[str, float]:
    """``scores_of`` for one invented sentence whose named targets are places."""
    return scores_of(parser, sentence, tuple((name, "GPE") for name in names))


@pytest.mark.slow
def test_the_victim_of_a_criticised_action_is_not_the_culprit(parser):
    scores = one_sentence_scores(parser, "Ostland brutally attacked Norland.", ("Ostland", "Norland"))
    assert scores["ostland"] < scores["norland"] <= 0


@pytest.mark.slow
def test_words_a_target_is_reported_to_say_count_less(parser):
    scores = one_sentence_scores(parser, "Ostland said that the treaty is a wonderful success.", ("Ostland",))
    plain = one_sentence_scores(parser, "Ostland is a wonderful success.", ("Ostland",))
    assert 0 < scores["ostland"] < plain["ostland"]


def scores_of(parser, body: str, entities: tuple[tuple[str, str], ...]) -> dict[str, float]:
    """Summed contributions per target for an invented answer ``body``;
    ``entities``: (name, type), every occurrence of the name is a mention."""
    text = "Ann Chief: " + body
    analysis = Analysis(Document(text=text, doc_id="many"))
    analysis.set_layer("turns", [Turn(Span(0, len(text)), "ann-chief", "answer", Span(0, 9), Span(11, len(text)))])
    ents = []
    for name, kind in entities:
        spans, i = [], text.find(name)
        while i >= 0:
            spans.append(Span(i, i + len(name)))
            i = text.find(name, i + 1)
        ents.append(Entity(name.lower().replace(" ", "-"), name, kind, tuple(spans)))
    analysis.set_layer("entities", ents)
    scores: dict[str, float] = {}
    for _, _, target, score, _ in stance.score_targets(analysis, parser.parse(text)):
        scores[target] = scores.get(target, 0.0) + score
    return scores


@pytest.mark.slow
def test_function_words_and_names_are_not_cues(parser):
    # "like" the preposition, "kind" the noun and "United" in a name evaluate nothing
    scores = scores_of(parser, "Ostland voted just like the United Provinces. It is the kind of vote Ostland casts.",
                       (("Ostland", "GPE"),))
    assert scores["ostland"] == 0


@pytest.mark.slow
def test_a_pronoun_carries_stance_to_the_person_named_before(parser):
    scores = scores_of(parser, "We met John Smith last week. He is a dishonest and reckless man.",
                       (("John Smith", "PERSON"),))
    assert scores["john-smith"] < 0


@pytest.mark.slow
def test_a_participle_of_saying_reports_the_main_subject(parser):
    said = scores_of(parser, "Ostland signed the paper, saying that it was a wonderful success.", (("Ostland", "GPE"),))
    plain = scores_of(parser, "Ostland signed the paper, and it was a wonderful success.", (("Ostland", "GPE"),))
    assert 0 <= said["ostland"] < plain["ostland"]


@pytest.mark.slow
def test_a_parenthetical_he_said_reports_the_whole_sentence(parser):
    said = scores_of(parser, "Those who join, Ostland said, will get a wonderful success.", (("Ostland", "GPE"),))
    plain = scores_of(parser, "Those who join Ostland will get a wonderful success.", (("Ostland", "GPE"),))
    assert said["ostland"] < plain["ostland"]


@pytest.mark.slow
def test_a_target_named_inside_a_long_quotation_is_reported(parser):
    # the ridicule of the remark is about its author, not about what the remark names;
    # the quotation runs over two sentences
    body = ("Bob Lee made a “clever” remark: “We will win soon. Ostland will surely lose this war.” "
            "Such is the level of their diplomacy.")
    scores = scores_of(parser, body, (("Bob Lee", "PERSON"), ("Ostland", "GPE")))
    assert scores["bob-lee"] < 0
    assert abs(scores.get("ostland", 0.0)) < abs(scores["bob-lee"])


@pytest.mark.slow
def test_blame_in_a_disowned_report_does_not_count(parser):
    disowned = scores_of(parser, "Ostland is supposedly plotting an attack.", (("Ostland", "GPE"),))
    plain = scores_of(parser, "Ostland is plotting an attack.", (("Ostland", "GPE"),))
    assert plain["ostland"] < 0 and disowned["ostland"] == 0


@pytest.mark.slow
def test_what_a_target_avoided_does_not_count_against_it(parser):
    avoided = scores_of(parser, "Norland chose to talk instead of spreading lies.", (("Norland", "GPE"),))
    assert avoided["norland"] >= 0


@pytest.mark.slow
def test_opposing_something_bad_speaks_for_the_subject(parser):
    scores = scores_of(parser, "Norland resisted the brutal aggression.", (("Norland", "GPE"),))
    assert scores["norland"] > 0


@pytest.mark.slow
def test_what_follows_but_weighs_more(parser):
    sent = parser.parse("The plan is good, but it is dangerous.").chunks[0].doc[:]
    weights = but_weights(sent)
    good = next(t.i for t in sent if t.text == "good")
    dangerous = next(t.i for t in sent if t.text == "dangerous")
    assert weights[good] < 1 < weights[dangerous]
    scores = scores_of(parser, "Norland is good, but Norland is dangerous.", (("Norland", "GPE"),))
    assert scores["norland"] < 0


def test_aggregate_is_neutral_only_when_evidence_is_scant_or_balanced():
    s = Span(0, 1)
    balanced = stance.aggregate([(0, "h", "t", 1.0, s), (0, "h", "t", -0.95, s)])
    assert balanced[0].polarity == "neutral"
    weak_but_clear = stance.aggregate([(0, "h", "t", -0.04, s)])
    assert weak_but_clear[0].polarity == "negative"


@pytest.mark.slow
def test_a_sentence_without_a_verb_is_scored(parser):
    # a verbless sentence: the clause search must stop at the root (it once looped forever)
    scores = scores_of(parser, "A terrible plot by Ostland, supposedly.", (("Ostland", "GPE"),))
    assert "ostland" in scores
