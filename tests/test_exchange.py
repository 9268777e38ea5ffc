"""Annotation exchange (parley.exchange): Label Studio, Web Annotation, UIMA XMI.

Round trips on hand-built analyses with emoji and astral characters in
speaker labels, entity names and quotes (fast), on a fixture analysed by the
pipeline and on the reference interview (slow); offsets checked against
positions counted by hand; the CLI export writes files that parse.
"""
from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from parley.document import Analysis
from parley.document.model import Document
from parley.document.records import Attribution, Claim, Entity, Stance, Technique, Timex, Turn
from parley.document.spans import Span
from parley.errors import SpanError, StoreError
from parley.exchange import render
from parley.exchange.labelstudio import from_label_studio, label_config, to_label_studio
from parley.exchange.offsets import Utf16Offsets, utf16_length
from parley.exchange.regions import layers_of
from parley.exchange.webannotation import from_web_annotation, quote_span, to_web_annotation
from tests.conftest import FIXTURES, needs

#                 0123456789...
TEXT = ("😀 Interviewer: What about 𝕏?\n"
        "🇷🇺 Lavrov: He said “𝕏 is fine 👍” on Monday.")


def at(text: str, piece: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(piece, start + 1)
    return Span(start, start + len(piece))


def hand_built() -> Analysis:
    a = Analysis(Document(text=TEXT, doc_id="emoji"))
    first_end = TEXT.index("\n")
    a.set_layer("turns", [
        Turn(Span(0, first_end), "interviewer", "question", at(TEXT, "😀 Interviewer"), at(TEXT, "What about 𝕏?"),
             "😀 Interviewer"),
        Turn(Span(first_end + 1, len(TEXT)), "sergey-lavrov", "answer", at(TEXT, "🇷🇺 Lavrov"), None, "🇷🇺 Lavrov"),
    ])
    a.set_layer("entities", [Entity("x-corp", "𝕏", "ORG", (at(TEXT, "𝕏"), at(TEXT, "𝕏", 1)), ("platform",), ("X",))])
    a.set_layer("attributions", [Attribution("sergey-lavrov", at(TEXT, "𝕏 is fine 👍"), True, at(TEXT, "He"),
                                             at(TEXT, "said"), 1)])
    a.set_layer("timex", [Timex(at(TEXT, "Monday"), "2025-10-13", "DATE", "reference", None, ("x-corp",))])
    a.set_layer("claims", [Claim(at(TEXT, "He said “𝕏 is fine 👍” on Monday."), "quote", 0.75, True,
                                 (at(TEXT, "👍"),))])
    a.set_layer("techniques", [Technique(at(TEXT, "fine 👍"), "Loaded_Language", "semeval2020", 0.5)])
    a.set_layer("stance", [Stance("sergey-lavrov", "x-corp", "positive", 0.5, (at(TEXT, "fine"),), 1),
                           Stance("interviewer", "x-corp", "neutral")])  # no evidence: not exported
    return a


def n_spans_differ(got: dict, want: dict) -> int:
    """Records that differ (spans, labels, sources), counted over every layer."""
    return sum(len(set(map(repr, want.get(k, []))) ^ set(map(repr, got.get(k, [])))) for k in set(got) | set(want))


def test_offsets_match_positions_counted_by_hand():
    text = "a😀b𝕏c"  # code points a0 😀1 b2 𝕏3 c4; UTF-16 a0 😀1-2 b3 𝕏4-5 c6
    offsets = Utf16Offsets(text)
    assert [offsets.to_utf16(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert [offsets.to_code_points(u) for u in (0, 1, 3, 4, 6, 7)] == [0, 1, 2, 3, 4, 5]
    assert utf16_length(text) == offsets.units == len(text.encode("utf-16-le")) // 2 == 7
    for bad in (2, 5, 8, -1):
        with pytest.raises(SpanError):
            offsets.to_code_points(bad)
    with pytest.raises(SpanError):
        offsets.to_utf16(6)
    # The Lavrov turn's label starts after 😀, 𝕏 and one newline: 29 code points, 31 UTF-16 units.
    start = TEXT.index("🇷🇺")
    assert start == 29 and Utf16Offsets(TEXT).to_utf16(start) == 31


@pytest.mark.parametrize("units", ["codepoints", "utf16"])
def test_label_studio_round_trip(units):
    a = hand_built()
    task = to_label_studio(a, units=units)
    want = layers_of(a)
    assert len(want["stance"]) == 1 and set(want) == {"turns", "entities", "attributions", "timex", "claims",
                                                      "techniques", "stance"}
    assert n_spans_differ(from_label_studio(json.loads(json.dumps(task)), units=units), want) == 0
    check_label_studio_shape([task])
    lavrov = next(r for r in task["predictions"][0]["result"] if r.get("value", {}).get("text") == "🇷🇺 Lavrov")
    assert (lavrov["value"]["start"], lavrov["value"]["end"]) == ((29, 38) if units == "codepoints" else (31, 42))
    said = [r for r in task["predictions"][0]["result"] if r["type"] == "relation" and r["labels"] == ["said"]]
    assert said and said[0]["from_id"] == "attributions-0-source_span-0" and said[0]["to_id"].startswith("attributions-0-")


def test_label_studio_label_edit_and_bad_offsets():
    task = to_label_studio(hand_built())
    result = task["predictions"][0]["result"]
    head = next(r for r in result if r["id"] == "entities-0-mentions-0")
    head["value"]["labels"] = ["PRODUCT"]  # an annotator's correction wins over the stored type
    assert from_label_studio(task)["entities"][0].type == "PRODUCT"
    head["value"]["start"] += 1
    with pytest.raises(SpanError):
        from_label_studio(task)
    assert 'Relation value="said"' in label_config([task]) and '<Labels name="entities"' in label_config([task])


def check_label_studio_shape(tasks) -> None:
    """The documented task format (labelstud.io/guide/task_format, predictions):
    label-studio-sdk pulls in opencv, pandas and nltk, so the shape is checked here."""
    assert isinstance(tasks, list)
    for task in tasks:
        assert isinstance(task["data"]["text"], str)
        ids = set()
        for prediction in task["predictions"]:
            assert isinstance(prediction["model_version"], str)
            for r in prediction["result"]:
                if r["type"] == "labels":
                    assert set(r) <= {"id", "from_name", "to_name", "type", "value", "meta"}
                    v = r["value"]
                    assert isinstance(v["start"], int) and isinstance(v["end"], int) and v["start"] <= v["end"]
                    assert isinstance(v["text"], str) and [type(x) for x in v["labels"]] == [str]
                    assert r["to_name"] == "text" and isinstance(r["from_name"], str)
                    assert r["id"] not in ids
                    ids.add(r["id"])
                else:
                    assert r["type"] == "relation" and r["direction"] in ("left", "right", "bi")
                    assert isinstance(r["labels"], list)
        for prediction in task["predictions"]:
            for r in prediction["result"]:
                if r["type"] == "relation":
                    assert r["from_id"] in ids and r["to_id"] in ids


def test_web_annotation_round_trip_and_selectors():
    a = hand_built()
    data = json.loads(json.dumps(to_web_annotation(a)))
    assert n_spans_differ(from_web_annotation(data, TEXT), layers_of(a)) == 0
    items = data["first"]["items"]
    label = next(i for i in items if i["id"].endswith("#turns-1-label_span-0"))
    position, quote = label["target"]["selector"]
    assert (position["start"], position["end"]) == (29, 38)  # code points, as the model counts
    assert quote["exact"] == "🇷🇺 Lavrov" and quote["prefix"].endswith("𝕏?\n") and quote["suffix"].startswith(": He")
    # A position that no longer holds the quote is re-anchored by quote, prefix and suffix.
    mention = next(i for i in items if i["id"].endswith("#entities-0-mentions-1"))
    mention["target"]["selector"][0].update(start=0, end=1)
    assert n_spans_differ(from_web_annotation(data, TEXT), layers_of(a)) == 0
    assert quote_span("ab ab ab", "ab", "ab ", " ab") == Span(3, 5)


def test_uima_round_trip_counts_utf16_in_the_xmi():
    needs("cassis", extra="exchange")
    from parley.exchange.uima import TYPE_NAMES, from_uima_xmi, to_uima_xmi

    a = hand_built()
    xmi = to_uima_xmi(a)
    assert n_spans_differ(from_uima_xmi(xmi, TEXT), layers_of(a)) == 0
    offsets = Utf16Offsets(TEXT)
    root = etree.fromstring(xmi.encode("utf-8"))
    layer_of = {v: k for k, v in TYPE_NAMES.items()}
    raw = [(int(e.get("begin")), int(e.get("end")), layer_of[etree.QName(e).localname], e.get("record"),
            e.get("role"), e.get("position")) for e in root if etree.QName(e).localname in layer_of]
    regions = {(r.layer, str(r.index), r.role, str(r.k)): r.span for r in _regions(a)}
    assert len(raw) == len(regions) == 15
    for begin, end, *key in raw:
        assert (begin, end) == offsets.span_to_utf16(*regions[tuple(key)])
    label = next(e for e in root if e.get("role") == "label_span" and e.get("record") == "1")
    assert (label.get("begin"), label.get("end")) == ("31", "42")


def _regions(a):
    from parley.exchange.regions import regions_of

    return regions_of(a.layers)


def test_unknown_format_is_e605():
    with pytest.raises(StoreError) as e:
        render(hand_built(), "brat")
    assert e.value.code == "E605"


def test_cli_export_writes_files_that_parse(tmp_path, capsys):
    needs("cassis", extra="exchange")
    from parley.cli import main
    from parley.exchange.uima import from_uima_xmi
    from parley.store import open_store

    db = str(tmp_path / "x.db")
    a = hand_built()
    with open_store(db) as store:
        store.put_analysis(a, "test:1")
    assert main(["export", "--db", db, "--format", "label-studio"]) == 0
    tasks = json.loads(capsys.readouterr().out)
    check_label_studio_shape(tasks)
    assert n_spans_differ(from_label_studio(tasks[0]), layers_of(a)) == 0
    for fmt, suffix in (("web-annotation", ".jsonld"), ("uima-xmi", ".xmi")):
        out = tmp_path / fmt
        assert main(["export", "--db", db, "--format", fmt, "--output", str(out)]) == 0
        written = (out / f"emoji{suffix}").read_text(encoding="utf-8")
        got = from_web_annotation(json.loads(written), TEXT) if fmt == "web-annotation" else from_uima_xmi(written, TEXT)
        assert n_spans_differ(got, layers_of(a)) == 0
    assert (tmp_path / "uima-xmi" / "TypeSystem.xml").is_file()
    assert main(["export", "--db", db, "--format", "uima-xmi"]) != 0  # needs --output DIR (E109)
    assert "E109" in capsys.readouterr().err


def round_trip_all(a: Analysis) -> dict[str, int]:
    """Spans that differ after each format's round trip."""
    from parley.exchange.uima import from_uima_xmi, to_uima_xmi

    want = layers_of(a)
    return {
        "label-studio": n_spans_differ(from_label_studio(json.loads(json.dumps(to_label_studio(a)))), want),
        "label-studio-utf16": n_spans_differ(from_label_studio(to_label_studio(a, units="utf16"), units="utf16"), want),
        "web-annotation": n_spans_differ(from_web_annotation(json.loads(json.dumps(to_web_annotation(a))), a.text),
                                         want),
        "uima-xmi": n_spans_differ(from_uima_xmi(to_uima_xmi(a), a.text), want),
    }


def _analyse(path, date):
    from parley.ingest import read_sources
    from parley.pipeline import Config, analyze, build_pipeline

    document = next(iter(read_sources([str(path)])))
    pipeline = build_pipeline(only=["structure", "entities", "attributions", "timex"])
    return analyze(document, pipeline, Config(metadata={"published": date}))


@pytest.mark.slow
def test_pipeline_fixture_round_trips():
    needs("cassis", extra="exchange")
    a = _analyse(FIXTURES / "exchange_interview.txt", "2025-03-14")
    assert re.search(r"[\U00010000-\U0010FFFF]", a.text)
    layers = layers_of(a)
    assert layers["turns"] and layers["entities"] and layers["attributions"] and layers["timex"]
    assert any(re.search(r"[\U00010000-\U0010FFFF]", a.text[r.content_span.start:r.content_span.end])
               for r in layers["attributions"])
    assert round_trip_all(a) == {"label-studio": 0, "label-studio-utf16": 0, "web-annotation": 0, "uima-xmi": 0}


@pytest.mark.slow
def test_reference_interview_round_trips(shared):
    needs("cassis", extra="exchange")
    a = _analyse(shared / "corpus" / "lavrov-kommersant-2025-10-15.txt", "2025-10-15")
    assert sum(len(v) for v in layers_of(a).values()) > 100
    assert round_trip_all(a) == {"label-studio": 0, "label-studio-utf16": 0, "web-annotation": 0, "uima-xmi": 0}


def label_interface_errors(tasks, config: str) -> list[str]:
    """The checks label-studio-sdk's ``LabelInterface(config).validate_task`` and
    ``validate_prediction`` make (label_interface/interface.py, 2.1.2), done here:
    the SDK itself resolves to 71 packages (opencv, numpy, pandas, nltk, black...).
    Every object tag's ``$variable`` is in ``data``; every region's ``from_name`` is a
    control tag of its ``type`` whose ``toName`` is the region's ``to_name``; its value
    has integer start <= end and labels among the control's; every relation joins two
    regions of the result, with a label among the ``<Relations>``."""
    view = etree.fromstring(config.encode("utf-8"))
    controls = {c.get("name"): c for c in view if c.tag in ("Labels",)}
    objects = {o.get("name"): o for o in view if o.tag == "Text"}
    relation_labels = {r.get("value") for r in view.iter("Relation")}
    errors = []
    for n, task in enumerate(tasks):
        for name, obj in objects.items():
            if obj.get("value", "").startswith("$") and task["data"].get(obj.get("value")[1:]) is None:
                errors.append(f"task {n}: data lacks {obj.get('value')} of <Text name={name}>")
        for prediction in task.get("predictions", []):
            regions = {r["id"] for r in prediction["result"] if r["type"] != "relation"}
            for r in prediction["result"]:
                if r["type"] == "relation":
                    if r["from_id"] not in regions or r["to_id"] not in regions:
                        errors.append(f"task {n}: relation {r} joins a region not in the result")
                    if not set(r.get("labels", [])) <= relation_labels:
                        errors.append(f"task {n}: relation labels {r.get('labels')} not in <Relations>")
                    continue
                control = controls.get(r["from_name"])
                if control is None or control.tag.lower() != r["type"] or control.get("toName") != r["to_name"]:
                    errors.append(f"task {n}: region {r['id']} names no {r['type']} control to {r['to_name']}")
                    continue
                v = r["value"]
                allowed = {label.get("value") for label in control.iter("Label")}
                if not (isinstance(v.get("start"), int) and isinstance(v.get("end"), int) and v["start"] <= v["end"]):
                    errors.append(f"task {n}: region {r['id']} has no integer start <= end")
                if not v.get("labels") or not set(v["labels"]) <= allowed:
                    errors.append(f"task {n}: region {r['id']} labels {v.get('labels')} not in <Labels>")
    return errors


def test_label_studio_tasks_pass_the_sdk_validation_rules():
    tasks = [to_label_studio(hand_built())]
    assert label_interface_errors(tasks, label_config(tasks)) == []
    check_label_studio_shape(tasks)
    bad = json.loads(json.dumps(tasks))
    bad[0]["predictions"][0]["result"][0]["value"]["labels"] = ["not-a-label"]
    bad[0]["predictions"][0]["result"][1]["from_name"] = "nowhere"
    assert len(label_interface_errors(bad, label_config(tasks))) == 2  # the checks can fail
