"""Integration over every transcript in ../shared/corpus (skipped without it)."""
import pytest

from parley.document import iter_spans
from parley.ingest import read_document
from parley.pipeline import Config, analyze, build_pipeline
from parley.scoring.evaluate import evaluate, find_cases


def corpus_files():
    from tests.conftest import SHARED

    return sorted((SHARED / "corpus").glob("*.txt")) if (SHARED / "corpus").is_dir() else []


@pytest.mark.slow
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_every_transcript_analyses_with_valid_offsets(path):
    analysis = analyze(read_document(str(path)))
    text = analysis.text
    assert text == open(path, encoding="utf-8").read()
    assert len(analysis.layer("turns")) >= 10
    assert analysis.metadata.title and analysis.metadata.published
    for layer, records in analysis.layers.items():
        for record in records:
            for _, span in iter_spans(record):
                assert 0 <= span.start <= span.end <= len(text), (layer, record)
    for turn in analysis.layer("turns"):
        piece = text[turn.span.start:turn.span.end]
        assert piece == piece.strip()
    spans = [t.span for t in analysis.layer("turns")]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:])), "turns overlap"


def test_structure_reaches_the_gold_on_every_gold_file(shared):
    results = evaluate(find_cases(shared / "gold"), build_pipeline(only=["structure"]), Config())
    for doc_id, scores in results.items():
        assert scores["turns"]["f1"] == 1.0, doc_id
        assert scores["turns"]["speaker_acc"] == 1.0, doc_id
        assert scores["metadata"]["acc"] == 1.0, (doc_id, scores["metadata"])
        assert scores["boilerplate"]["f1"] == 1.0, doc_id
