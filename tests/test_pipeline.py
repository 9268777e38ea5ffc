import ast
import dataclasses
from pathlib import Path

import pytest

from parley import pipeline
from parley.cli import main
from parley.document import Document, Span
from parley.document.records import Sentence
from parley.errors import PipelineError
from parley.pipeline import REGISTRY, Config, analyser, analyze, build_pipeline
from parley.pipeline.registry import Option


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


# -- analyser options ---------------------------------------------------------
SRC = Path(__file__).resolve().parents[1] / "src" / "parley"
# Options declared by the throwaway analyser below, one of each type.
DECLARED = {
    "size": 3,
    "ratio": Option(0.5, float, "a float"),
    "loud": False,
    "label": Option("plain", str, "a string", ("plain", "fancy")),
    "names": Option(None, tuple, "a list; None: the analyser decides"),
}


@pytest.fixture
def optioned():
    """A throwaway analyser declaring DECLARED; yields what it read per run."""
    reads = []

    @analyser("t-opt", version="1", assigns=("t-opt-layer",), options=DECLARED)
    def with_options(analysis, parse, config):
        reads.append({key: config.option("t-opt", key) for key in DECLARED})
        return {"t-opt-layer": []}

    yield reads
    REGISTRY.pop("t-opt", None)


def _raises_e303(**options):
    with pytest.raises(PipelineError) as e:
        build_pipeline(only=["t-opt"], options=options)
    assert e.value.code == "E303"
    return e.value.message


def test_declared_defaults_are_read_when_nothing_is_given(optioned):
    analyze(Document("hi", "d"), build_pipeline(only=["t-opt"]), Config())
    assert optioned == [{"size": 3, "ratio": 0.5, "loud": False, "label": "plain", "names": None}]


def test_given_options_reach_the_analyser_int_as_float_and_list_as_tuple(optioned):
    given = {"t-opt": {"size": 7, "ratio": 2, "names": ["a", "b"], "label": "fancy"}}
    analyze(Document("hi", "d"), build_pipeline(only=["t-opt"], options=given), Config(options=given))
    read = optioned[0]
    assert read == {"size": 7, "ratio": 2.0, "loud": False, "label": "fancy", "names": ("a", "b")}
    assert isinstance(read["ratio"], float)


def test_an_unknown_option_is_e303_with_the_closest_name(optioned):
    message = _raises_e303(**{"t-opt": {"sise": 1}})
    assert "'t-opt'" in message and "'sise'" in message and "did you mean 'size'?" in message


@pytest.mark.parametrize("key, value", [
    ("size", "7"), ("size", True), ("size", 1.5), ("ratio", "x"), ("ratio", False),
    ("loud", 1), ("label", 3), ("label", "odd"), ("names", "a"), ("size", None),
])
def test_a_value_of_the_wrong_type_is_e303_naming_what_was_expected_and_given(optioned, key, value):
    message = _raises_e303(**{"t-opt": {key: value}})
    assert f"'t-opt' option '{key}'" in message and repr(value) in message and "expects" in message


def test_options_for_an_unknown_analyser_are_e303(optioned):
    # E303, not E301: E301 is an unknown name in --only/--skip; here the
    # mistake is in the options, and every bad option shares one code.
    message = _raises_e303(**{"t-optt": {"size": 1}})
    assert "unknown analyser 't-optt'" in message and "did you mean 't-opt'?" in message


def test_analyze_checks_the_config_before_any_analyser_runs(optioned):
    with pytest.raises(PipelineError) as e:
        analyze(Document("hi", "d"), build_pipeline(only=["t-opt"]), Config(options={"t-opt": {"nope": 1}}))
    assert e.value.code == "E303" and optioned == []


def test_reading_an_undeclared_option_is_an_error(optioned):
    with pytest.raises(PipelineError) as e:
        Config().option("t-opt", "undeclared")
    assert e.value.code == "E303"


def test_the_option_flag_with_a_typo_exits_2_with_one_coded_line(tmp_path, capsys):
    path = tmp_path / "t.txt"
    path.write_text("SPEAKER: Hello there. We met on Monday.\n", encoding="utf-8")
    assert main(["analyze", str(path), "--only", "structure", "--option", "claims.treshold=0.5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: [E303] ") and "did you mean 'threshold'?" in err[0]


def test_the_option_flag_values_are_json_when_they_parse_else_strings():
    from parley.cli.analyze import options_from

    parsed = options_from(["claims.threshold=0.5", "timex.style=timeml", "techniques.taxonomies=[\"a\"]",
                           "techniques.min_score=1"])
    assert parsed == {"claims": {"threshold": 0.5}, "timex": {"style": "timeml"},
                      "techniques": {"taxonomies": ["a"], "min_score": 1}}
    with pytest.raises(PipelineError) as e:
        options_from(["claims-threshold"])
    assert e.value.code == "E303"


def _option_reads(tree: ast.AST) -> list[tuple[str, str]]:
    """Every ``<x>.option("analyser", "key")`` call in ``tree``."""
    return [(node.args[0].value, node.args[1].value) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "option"
            and len(node.args) == 2 and all(isinstance(a, ast.Constant) for a in node.args)]


def _reads_options_directly(tree: ast.AST) -> bool:
    """Whether ``tree`` touches ``x.options`` or ``getattr(x, "options")``."""
    return any((isinstance(node, ast.Attribute) and node.attr == "options")
               or (isinstance(node, ast.Constant) and node.value == "options") for node in ast.walk(tree))


def test_every_option_read_in_the_source_is_declared_and_every_declared_one_is_read():
    from parley.pipeline.registry import SETTINGS

    registry = pipeline.load_analysers()
    read: set[tuple[str, str]] = set()
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.relative_to(SRC).parts[0] in ("analysers", "nlp", "models"):  # the code analysers run
            assert not _reads_options_directly(tree), f"{path} reads options without config.option"
        read.update(_option_reads(tree))
    declared = {(a.name, key) for a in registry.values() for key in a.options}
    declared |= {(name, key) for name, keys in SETTINGS.items() for key in keys}  # encoder.runtime
    assert read == declared


@pytest.mark.slow
def test_every_analyser_that_runs_reads_only_its_own_declared_options(parser):
    """Run the default pipeline with a Config that records each read."""
    current: list[str] = []

    @dataclasses.dataclass(frozen=True)
    class Recording(Config):
        reads: list = dataclasses.field(default_factory=list)

        def option(self, analyser_name, key):
            self.reads.append((current[-1] if current else None, analyser_name, key))
            return super().option(analyser_name, key)

    def marked(step):
        def run(analysis, parse, config):
            current.append(step.name)
            return step.func(analysis, parse, config)
        return dataclasses.replace(step, func=run)

    text = ("Press briefing, Ostland, 3 March 2024\n\nREPORTER: Did exports fall last year?\n\n"
            "MINISTER: Exports fell by 12 percent in 2023. Norland attacked our port on Monday.\n")
    config = Recording()
    analysis = analyze(Document(text, "rec"), [marked(s) for s in build_pipeline()], config, parser=parser)
    ran = [p["name"] for p in analysis.pipeline]
    assert {"timex", "claims", "stance"} <= set(ran)
    from parley.pipeline.registry import SETTINGS

    for step, name, key in config.reads:
        if step is None:  # analyze itself reads the settings of shared components (encoder.runtime)
            assert key in SETTINGS[name], (name, key)
            continue
        assert name == step and key in REGISTRY[step].options, (step, name, key)
    for name in ran:
        assert {k for s, _, k in config.reads if s == name} == set(REGISTRY[name].options), name


def test_the_store_checks_options_before_it_analyses_anything(tmp_path):
    from parley.store import open_store
    from parley.store.ingest import ingest

    path = tmp_path / "t.txt"
    path.write_text("SPEAKER: Hello there.\n", encoding="utf-8")
    with open_store(str(tmp_path / "s.db")) as store:
        with pytest.raises(PipelineError) as e:
            ingest([str(path)], store, only=["structure"], config=Config(options={"stance": {"dacay": 0.4}}),
                   workers=0, progress=False)
        assert e.value.code == "E303" and "did you mean 'decay'?" in e.value.message
        assert store.count() == 0
