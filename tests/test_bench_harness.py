"""benchmarks/harness.py on tiny fake systems: crashes, versions, hashes, reports."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[1] / "benchmarks" / "harness.py"


@pytest.fixture(scope="module")
def harness():
    spec = importlib.util.spec_from_file_location("bench_harness", HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    yield module
    sys.modules.pop(spec.name, None)


def _accuracy(dataset, predictions) -> dict:
    """Items are (text, gold label); a prediction is a list of labels."""
    right = sum(gold in pred for (_, gold), pred in zip(dataset.items, predictions))
    return {"acc": right / len(dataset.items), "pred": sum(len(p) for p in predictions)}


def _crashes_on_b(item):
    text, _ = item
    if text == "b":
        raise RuntimeError("boom")
    return [text.upper()]


@pytest.fixture
def bench(harness, tmp_path):
    data = tmp_path / "letters.tsv"
    data.write_text("a\tA\nb\tB\n", encoding="utf-8")
    items = [tuple(line.split("\t")) for line in data.read_text(encoding="utf-8").splitlines()]
    return harness.Benchmark(
        name="bench_fake",
        systems=[harness.System("upper", lambda item: [item[0].upper()]),
                 harness.System("fragile", _crashes_on_b, role="peer"),
                 harness.System("absent", lambda item: [], role="peer", missing="not installed (extra fake)"),
                 harness.nothing(),
                 harness.System("gold", lambda item: [item[1]], role="ceiling", note="gold fed back")],
        datasets=[harness.Dataset("letters", items, files=[data])],
        measures=[harness.Measure("acc", "acc"), harness.Measure("pred", "pred", "d")],
        score=_accuracy, packages=("pytest", "no-such-package-xyz"))


def test_a_crash_is_a_miss_and_is_counted(harness, bench):
    report = harness.run(bench, argv=[])
    fragile = report.row("letters", "fragile")
    assert fragile.errors == 1 and fragile.first_error == "RuntimeError: boom"
    assert fragile.measures["acc"] == 0.5  # "a" right, "b" crashed: no prediction
    assert fragile.measures["pred"] == 1
    assert report.row("letters", "upper").errors == 0


def test_the_floor_scores_zero_and_the_ceiling_full(harness, bench):
    report = harness.run(bench, argv=[])
    assert report.row("letters", "nothing").measures["acc"] == 0
    assert report.row("letters", "nothing").role == "floor"
    assert report.row("letters", "gold").measures["acc"] == 1.0


def test_a_missing_system_has_a_note_and_no_figures(harness, bench):
    row = harness.run(bench, argv=[]).row("letters", "absent")
    assert row.measures == {} and "not installed" in row.note


def test_versions_and_sha256_are_recorded(harness, bench, tmp_path):
    report = harness.run(bench, argv=[])
    assert report.versions["pytest"] == pytest.__version__
    assert report.versions["no-such-package-xyz"] == "not installed"
    data = tmp_path / "letters.tsv"
    assert report.files == {str(data): hashlib.sha256(data.read_bytes()).hexdigest()}


def test_a_folder_is_hashed_file_by_file(harness, tmp_path):
    (tmp_path / "d" / "e").mkdir(parents=True)
    (tmp_path / "d" / "x.txt").write_text("x")
    (tmp_path / "d" / "e" / "y.txt").write_text("y")
    digests = harness.file_digests([tmp_path / "d"])
    assert sorted(Path(p).name for p in digests) == ["x.txt", "y.txt"]


def test_json_and_markdown_are_written(harness, bench, tmp_path, capsys):
    report = harness.run(bench, argv=["--quick"])
    report.note("a line under the table", ratio=1.5)
    out = tmp_path / "out"
    harness.finish(bench, report, out)
    printed = capsys.readouterr().out
    assert "fragile" in printed and "a line under the table" in printed
    assert "fragile on letters: 1 item(s) crashed, the first with RuntimeError: boom" in printed
    data = json.loads((out / "bench_fake.json").read_text(encoding="utf-8"))
    assert data["benchmark"] == "bench_fake" and data["argv"] == ["--quick"]
    assert {r["system"] for r in data["rows"]} == {"upper", "fragile", "absent", "nothing", "gold"}
    assert data["notes"] == [{"text": "a line under the table", "figures": {"ratio": 1.5}}]
    markdown = (out / "bench_fake.md").read_text(encoding="utf-8")
    assert "| letters | fragile | 0.500 | 1 | 1 |" in markdown
    assert "no-such-package-xyz not installed" in markdown
    assert hashlib.sha256((tmp_path / "letters.tsv").read_bytes()).hexdigest() in markdown


def test_derive_compares_rows_and_datasets_restrict_a_system(harness):
    def ratio(dataset_name, scores):
        for measures in scores.values():
            measures["x"] = measures["n"] / scores["one"]["n"]

    bench = harness.Benchmark(
        name="bench_speed",
        systems=[harness.System("one", lambda item: 1), harness.System("two", lambda item: 2),
                 harness.System("only-b", lambda item: 3, datasets=("b",))],
        datasets=[harness.Dataset("a", [0]), harness.Dataset("b", [0])],
        measures=[harness.Measure("x", "x", ".2f")],
        score=lambda dataset, predictions: {"n": predictions[0]}, derive=ratio)
    report = harness.run(bench, argv=[])
    assert report.row("a", "two").measures["x"] == 2.0
    assert [r.system for r in report.rows if r.dataset == "a"] == ["one", "two"]
    assert report.row("b", "only-b").measures["x"] == 3.0


def test_a_crash_in_prepare_misses_every_item(harness):
    def broken(dataset):
        raise OSError("no model")

    bench = harness.Benchmark(
        name="bench_prepare", systems=[harness.System("s", lambda item: [item], prepare=broken)],
        datasets=[harness.Dataset("d", [1, 2, 3])], measures=[harness.Measure("n", "n", "d")],
        score=lambda dataset, predictions: {"n": sum(len(p) for p in predictions)})
    row = harness.run(bench, argv=[]).row("d", "s")
    assert row.errors == 3 and row.measures["n"] == 0


def test_a_published_figure_is_reported_as_given(harness):
    bench = harness.Benchmark(
        name="bench_published",
        systems=[harness.System("best published", lambda item: 1 / 0, role="ceiling", note="published",
                                published={"d": {"acc": 0.9}})],
        datasets=[harness.Dataset("d", [1])], measures=[harness.Measure("acc", "acc")],
        score=lambda dataset, predictions: {"acc": 0.0})
    row = harness.run(bench, argv=[]).row("d", "best published")
    assert row.measures == {"acc": 0.9} and row.errors == 0 and row.note == "published"
