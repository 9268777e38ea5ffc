import pytest

from parley import pipeline
from parley.document import Document, Span
from parley.errors import PipelineError
from parley.pipeline import REGISTRY, analyze, analyser, build_pipeline
from parley.document.records import Sentence


@pytest.fixture
def fake_analysers():
    """Three throwaway analysers, removed again after the test."""
    seen = []

    @analyser("t-first", version="1", assigns=("t-layer",), order=1)
    def first(analysis, parse, config):
        seen.append(("first", parse))
        return {"t-layer": [Sentence(Span(0, 2))]}

    @analyser("t-second", version="2", requires=("t-layer",), assigns=("t-other",), order=0, needs_parse=True)
    def second(analysis, parse, config):
        seen.append(("second", parse))
        return {"t-other": []}

    @analyser("t-missing", version="1", assigns=("t-x",), check=lambda: "package xyz is not installed")
    def missing(analysis, parse, config):
        raise AssertionError("must not run")

    yield seen
    for name in ("t-first", "t-second", "t-missing"):
        REGISTRY.pop(name, None)


class FakeParser:
    calls = 0

    def parse(self, text):
        FakeParser.calls += 1
        return ("parse of", text)


def test_requirements_decide_the_order_not_the_order_number(fake_analysers):
    names = [a.name for a in build_pipeline(only=["t-second", "t-first"])]
    assert names == ["t-first", "t-second"]


def test_a_requirement_nobody_assigns_fails_when_the_pipeline_is_built(fake_analysers):
    with pytest.raises(PipelineError) as e:
        build_pipeline(only=["t-second"])
    assert e.value.code == "E302" and "t-layer" in str(e.value) and "t-first" in str(e.value)


def test_unknown_analysers_are_named(fake_analysers):
    with pytest.raises(PipelineError) as e:
        build_pipeline(skip=["nope"])
    assert e.value.code == "E301"


def test_parse_is_made_once_and_only_when_needed(fake_analysers):
    FakeParser.calls = 0
    doc = Document("hello world", "d")
    result = analyze(doc, build_pipeline(only=["t-first", "t-second", "t-missing"]), parser=FakeParser())
    assert FakeParser.calls == 1
    assert fake_analysers[0] == ("first", None)
    assert fake_analysers[1][1] == ("parse of", "hello world")
    assert result.unavailable == {"t-missing": "package xyz is not installed"}
    assert [p["name"] for p in result.pipeline] == ["t-first", "t-second"]


def test_default_pipeline_starts_with_structure_and_skip_removes():
    names = [a.name for a in build_pipeline()]
    assert names[0] == "structure"
    assert "structure" not in [a.name for a in build_pipeline(skip=["structure"], only=["structure"])]


def test_every_registered_analyser_declares_version_and_assigns():
    for a in pipeline.load_analysers().values():
        assert a.version and a.assigns, a.name
