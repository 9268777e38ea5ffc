"""Every finding says how sure it is and who made it; pages open readable.

Records carry ``confidence`` and ``analyser`` (added once, in
``document/records.py``; filled by the pipeline runner), the JSON round-trips
them, the toggles show each layer's measured accuracy from the model cards,
and techniques start hidden.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.document import Analysis, Document, Span
from parley.document.gold import layer_to_json, layers_from_json
from parley.document.records import Boilerplate, Stance, Technique, Turn
from parley.pipeline import analyze, build_pipeline
from parley.pipeline.confidence import RULE_CONFIDENCE, default_confidence
from parley.render import accuracy
from parley.render.highlight import marks, shown
from parley.render.html import render_html
from parley.scoring.trust import trust_scores

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Q: Did the talks fail?\n\nMinister: No. On 3 March we signed 14 agreements.\n"


def test_trust_fields_are_keyword_only_and_left_out_of_equality():
    a = Technique(Span(0, 2), "Loaded_Language", "semeval2020", 0.7, confidence=0.7, analyser="techniques@2")
    assert a == Technique(Span(0, 2), "Loaded_Language", "semeval2020", 0.7)
    assert a.confidence == 0.7 and a.analyser == "techniques@2"
    assert Stance("h", "t", "negative", 0.4).confidence == 0.4  # stance keeps its own positional field


def test_rule_records_get_their_kinds_constant_not_one():
    labelled = Turn(Span(0, 5), "x", "answer", label_span=Span(0, 1))
    bare = Turn(Span(0, 5), "x", "statement")
    assert default_confidence("turns", labelled) == RULE_CONFIDENCE["turns"]["labelled"]
    assert default_confidence("turns", bare) < default_confidence("turns", labelled) < 1.0
    assert default_confidence("boilerplate", Boilerplate(Span(0, 1), "stage-direction")) == 0.85


def test_the_runner_stamps_every_record_and_json_round_trips_them():
    analysis = analyze(Document(TEXT, doc_id="t"), build_pipeline(only=["structure", "timex"]))
    pred = analysis.to_json(include_text=False)
    assert trust_scores(pred, 12)["coverage"] == 1.0
    assert {r["analyser"] for r in pred["turns"]} == {"structure@1"}
    assert pred["boilerplate_analyser"] == [r.analyser for r in analysis.layer("boilerplate")]
    back = layers_from_json(json.loads(json.dumps(pred)))
    assert [r.confidence for r in back["turns"]] == [r.confidence for r in analysis.layer("turns")]
    assert all(r.analyser == "timex@1.0" for r in back.get("timex", []))


def test_coverage_counts_a_record_without_trust_fields():
    pred = {"turns": [{"confidence": 0.9, "analyser": "structure@1"}, {"confidence": None, "analyser": None}],
            **layer_to_json("boilerplate", [Boilerplate(Span(0, 1), "header", confidence=0.9, analyser="s@1")])}
    assert trust_scores(pred, 1000)["coverage"] == pytest.approx(2 / 3, abs=1e-4)


def test_accuracy_table_is_the_model_cards():
    assert accuracy.from_cards(ROOT / "docs" / "models") == accuracy.table(), \
        "run scripts/update_accuracy.py after editing a card's accuracy table"
    assert "PTC dev" in accuracy.note("techniques")


def test_report_opens_readable_with_accuracy_beside_toggles():
    analysis = Analysis(Document(TEXT, doc_id="t"))
    analysis.set_layer("techniques", [Technique(Span(26, 28), "Loaded_Language", confidence=0.6,
                                                analyser="techniques@2")])
    analysis.set_layer("turns", [Turn(Span(0, 22), "interviewer", "question", label_span=Span(0, 1),
                                      confidence=0.95, analyser="structure@1")])
    html = render_html(analysis)
    assert not shown("techniques") and not shown("attributions") and shown("turns")
    assert '<input type="checkbox" id="t-techniques" data-layer="techniques">' in html  # unchecked
    assert "measured: span precision" in html
    assert any("confidence 0.60; analyser techniques@2" in tip for *_rest, tip in marks(analysis))
