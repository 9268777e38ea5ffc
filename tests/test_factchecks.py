"""Fact-check import: ClaimReview files (tests/fixtures/factchecks) into the store.

Store tests run on SQLite (a temp file) and on PostgreSQL when PARLEY_TEST_PG
is set (scripts/ci-postgres.sh starts a server).
"""
from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parley.cli import main
from parley.factchecks import FactCheck, from_claimreview, normalise_rating, read_factchecks
from parley.factchecks.ratings import VERDICTS, WORDINGS
from parley.errors import FactCheckError
from parley.store import open_store
from tests.conftest import needs

FIXTURES = Path(__file__).parent / "fixtures" / "factchecks"
ROOT = Path(__file__).resolve().parents[1]


def fixture(name: str) -> str:
    return str(FIXTURES / name)


# -- parsing -------------------------------------------------------------
def test_one_object():
    parsed = read_factchecks(fixture("one.json"))
    assert parsed.problems == []
    [(position, fc)] = parsed.records
    assert position == "$"
    assert fc == FactCheck(
        claim="The harbour tax doubled last year.", verdict="false", url="https://checks.example.org/2024/harbour-tax",
        claimant="Mara Quill", claim_date="2024-03-02", rating="Pants on Fire", rating_value=1.0, best_rating=5.0,
        worst_rating=1.0, publisher="Example Checks", review_date="2024-03-05")
    assert fc.key == fc.url


def test_list_with_numeric_strings_and_plain_author():
    parsed = read_factchecks(fixture("list.json"))
    assert parsed.problems == []
    a, b = parsed.factchecks()
    assert (a.rating, a.rating_value, a.verdict, a.publisher) == (None, 4.0, "mostly-true", "Example Checks")
    assert (b.rating, b.verdict, b.publisher) == ("Half True", "mixed", "Example Checks")
    assert [p for p, _ in parsed.records] == ["$[0]", "$[1]"]


def test_graph_keeps_claimreviews_only():
    parsed = read_factchecks(fixture("graph.jsonld"))
    assert parsed.problems == []
    [(position, fc)] = parsed.records
    assert position == "$.@graph[1]"
    assert (fc.claimant, fc.publisher, fc.verdict) == ("Ministry of Trade", "Graph Facts", "false")


def test_data_feed_reports_the_record_without_claim():
    parsed = read_factchecks(fixture("feed.json"))
    assert [fc.url for fc in parsed.factchecks()] == ["https://feed.example.org/1", "https://feed.example.org/2"]
    assert [fc.verdict for fc in parsed.factchecks()] == ["mostly-true", "mostly-false"]
    [problem] = parsed.problems
    assert (problem.code, problem.position) == ("E801", "$.dataFeedElement[1].item[1]")
    assert "claimReviewed" in problem.message


def test_jsonl_bad_lines_are_skipped_with_their_line():
    parsed = read_factchecks(fixture("lines.jsonl"))
    assert [p for p, _ in parsed.records] == ["line 1", "line 3", "line 5"]
    first = parsed.records[0][1]
    assert (first.claimant, first.claim_date, first.verdict, first.url) == (
        "Ann Vale", "2023-10-28", "mostly-false", "https://lines.example.org/1")
    assert first.key == "https://lines.example.org/1"
    assert parsed.records[1][1].key.startswith("sha256:")  # no URL: keyed by content
    problems = {p.position: p for p in parsed.problems}
    assert sorted(problems) == ["line 2", "line 4"]
    assert problems["line 2"].code == "E801" and "ratingValue" in problems["line 2"].message
    assert problems["line 4"].code == "E804"
    assert not parsed.unreadable


def test_broken_json_is_one_file_level_problem():
    parsed = read_factchecks(fixture("broken.json"))
    assert parsed.records == []
    [problem] = parsed.problems
    assert problem.code == "E804" and problem.position.startswith("line 1 column")
    assert parsed.unreadable


def test_html_with_jsonld():
    needs("extruct", "factchecks")
    parsed = read_factchecks(fixture("page.html"))
    assert parsed.problems == []
    [(position, fc)] = parsed.records
    assert position == "script[1]"
    assert (fc.claim, fc.claimant, fc.publisher, fc.verdict) == (
        "Water bills will fall by a third.", "Ida Brook", "Page Facts", "false")


def test_html_without_jsonld():
    needs("extruct", "factchecks")
    parsed = read_factchecks(fixture("nojsonld.html"))
    assert [(p.code, p.position) for p in parsed.problems] == [("E802", None)]


def test_html_with_a_broken_block_keeps_the_good_one(tmp_path):
    needs("extruct", "factchecks")
    page = tmp_path / "two.html"
    page.write_text('<html><head><script type="application/ld+json">{"@type": "ClaimReview",</script>'
                    '<script type="application/ld+json">{"@type": "ClaimReview", "claimReviewed": "Kept."}'
                    '</script></head><body></body></html>', encoding="utf-8")
    parsed = read_factchecks(str(page))
    assert [fc.claim for fc in parsed.factchecks()] == ["Kept."]
    assert [(p.code, p.position) for p in parsed.problems] == [("E804", "script[1]")]


def test_html_without_the_extra_is_e400(monkeypatch):
    real_import = builtins.__import__

    def no_extruct(name, *args, **kwargs):
        if name.startswith("extruct"):
            raise ImportError("No module named 'extruct'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_extruct)
    [problem] = read_factchecks(fixture("page.html")).problems
    assert problem.code == "E400" and "parley[factchecks]" in problem.message


def test_json_lines_in_a_json_file(tmp_path):
    path = tmp_path / "lines.json"
    path.write_text('{"claimReviewed": "One."}\n{"claimReviewed": "Two."}\n', encoding="utf-8")
    assert [fc.claim for fc in read_factchecks(str(path)).factchecks()] == ["One.", "Two."]


def test_too_large_is_refused_without_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    with open(path, "wb") as f:  # sparse: 100 MB on paper
        f.truncate(100 * 1024 * 1024)

    def no_open(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(builtins, "open", no_open)
    [problem] = read_factchecks(str(path)).problems
    assert problem.code == "E803" and problem.position is None


def test_too_deep_json_is_e804(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert [p.code for p in read_factchecks(str(deep)).problems] == ["E804"]
    lines = tmp_path / "deep.jsonl"
    lines.write_text('{"a":' * 5000 + "1" + "}" * 5000 + '\n{"claimReviewed": "Still read."}\n', encoding="utf-8")
    parsed = read_factchecks(str(lines))
    assert [fc.claim for fc in parsed.factchecks()] == ["Still read."]
    assert [(p.code, p.position) for p in parsed.problems] == [("E804", "line 1")]


def test_missing_and_unsupported_files(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert read_factchecks(str(tmp_path / "nope.json")).problems[0].code == "E101"
    assert read_factchecks(str(tmp_path / "notes.txt")).problems[0].code == "E805"


@pytest.mark.parametrize("obj, message", [
    ({"@type": "ClaimReview"}, "claimReviewed"),
    ({"claimReviewed": "  "}, "claimReviewed"),
    ({"claimReviewed": ["x"], "reviewRating": {"ratingValue": "high"}}, "ratingValue"),
    ({"claimReviewed": "x", "reviewRating": {"ratingValue": True}}, "ratingValue"),
    ({"claimReviewed": "x", "reviewRating": "False"}, "reviewRating"),
    ({"claimReviewed": {"text": "x"}}, "claimReviewed"),
    ("a string", "JSON object"),
])
def test_malformed_records(obj, message):
    with pytest.raises(FactCheckError) as e:
        from_claimreview(obj)
    assert e.value.code == "E801" and message in e.value.message


# -- ratings -------------------------------------------------------------
@pytest.mark.parametrize("text, value, best, worst, verdict", [
    ("Pants on Fire!", None, None, None, "false"),
    ("pants-fire", None, None, None, "false"),
    ("Four Pinocchios", 1, 5, 1, "false"),
    ("Three Pinocchios", None, None, None, "mostly-false"),
    ("Half-True", None, None, None, "mixed"),
    ("Misleading", None, None, None, "mostly-false"),
    ("Partly false", None, None, None, "mostly-false"),
    ("Mostly True", None, None, None, "mostly-true"),
    ("TRUE", None, None, None, "true"),
    ("False. The photo was taken in 2015.", None, None, None, "false"),
    ("Missing context", None, None, None, "mixed"),
    ("Full Flop", 5, 5, 1, "other"),  # a wording the table knows wins over the number
    ("Wildly off", 1, 5, 1, "false"),  # an unknown wording: the number decides
    (None, 5, 5, 1, "true"),
    (None, 4, 5, 1, "mostly-true"),
    (None, 3, None, None, "mixed"),  # schema.org's default scale, 1 to 5
    (None, 2, 5, 1, "mostly-false"),
    (None, 1, 5, 1, "false"),
    (None, 1, 1, 6, "true"),  # a scale whose best is its lowest number
    (None, -1, 5, 1, "other"),  # outside the scale
    (None, 3, 3, 3, "other"),  # no scale
    (None, None, None, None, "other"),
])
def test_rating_normalisation(text, value, best, worst, verdict):
    assert normalise_rating(text, value, best, worst) == verdict


def test_every_wording_maps_to_a_verdict():
    assert set(WORDINGS.values()) <= set(VERDICTS)


# -- store ---------------------------------------------------------------
def test_store_round_trip_and_idempotence(url):
    records = read_factchecks(fixture("one.json")).factchecks() + read_factchecks(fixture("lines.jsonl")).factchecks()
    with open_store(url) as store:
        assert tuple(store.put_factchecks(records, source="test")) == (4, 0, 0)
        assert tuple(store.put_factchecks(records)) == (0, 4, 0)
        assert store.factcheck_count() == 4
        for fc in records:
            assert store.factcheck(fc.key) == fc
        assert [fc.claim for fc in store.factchecks(verdict="false")] == ["The harbour tax doubled last year."]
        assert [fc.claimant for fc in store.factchecks(publisher="Line Checks", limit=1)] == ["Ann Vale"]
        with pytest.raises(FactCheckError) as e:
            store.factcheck("https://nowhere.example.org")
        assert e.value.code == "E806"


def test_store_updates_a_revised_rating(url):
    first = from_claimreview({"claimReviewed": "x", "url": "https://r.example.org/1",
                              "reviewRating": {"alternateName": "Half True"}})
    revised = from_claimreview({"claimReviewed": "x", "url": "https://r.example.org/1",
                                "reviewRating": {"alternateName": "False"}})
    with open_store(url) as store:
        assert tuple(store.put_factchecks([first, first])) == (1, 1, 0)  # a repeat within one call counts once
        assert tuple(store.put_factchecks([revised])) == (0, 0, 1)
        assert store.factcheck("https://r.example.org/1").verdict == "false"


def test_a_failed_write_leaves_nothing(url, monkeypatch):
    records = read_factchecks(fixture("feed.json")).factchecks()
    with open_store(url) as store:
        calls = []

        def failing(sql, rows):
            calls.append(sql)
            raise RuntimeError("disk full")

        monkeypatch.setattr(store, "_executemany", failing)
        with pytest.raises(RuntimeError):
            store.put_factchecks(records)
        monkeypatch.undo()
        assert calls and store.factcheck_count() == 0


# -- command line ----------------------------------------------------------
def test_cli_import_twice(tmp_path, capsys):
    db = str(tmp_path / "cli.db")
    assert main(["factchecks", "import", fixture("one.json"), fixture("feed.json"), "--db", db]) == 1
    out, err = capsys.readouterr()
    assert f"{fixture('one.json')}: added 1, unchanged 0, updated 0, failed 0" in out
    assert f"{fixture('feed.json')}: added 2, unchanged 0, updated 0, failed 1" in out
    assert f"error: [E801] {fixture('feed.json')}:$.dataFeedElement[1].item[1]: no 'claimReviewed'" in err
    assert main(["factchecks", "import", fixture("one.json"), "--db", db]) == 0
    out, _ = capsys.readouterr()
    assert "added 0, unchanged 1" in out


def test_cli_folder_exit_codes_and_no_traceback(tmp_path):
    db = str(tmp_path / "cli.db")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("PARLEY_DEBUG", None)

    def run(*paths: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "parley", "factchecks", "import", *paths, "--db", db],
                              capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)

    done = run(str(FIXTURES))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert any("[E804]" in line and "broken.json:line 1 column" in line for line in errors)
    assert any("[E801]" in line and "lines.jsonl:line 2:" in line for line in errors)
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(100 * 1024 * 1024)
    bad = run(fixture("broken.json"), str(tmp_path / "missing.json"), str(big))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "error: [E101]" in bad.stderr and f"error: [E803] {big}: is 104857600 bytes" in bad.stderr


def test_converted_feed_round_trip(tmp_path):
    """The conversion script's output imports (a row shaped like vclaims.jsonl.gz)."""
    import gzip

    row = {"vclaim_id": "vclaim-pol-1", "vclaim": "Says taxes doubled.", "title": "Taxes did not double",
           "speaker": "Jo Doe", "date": "stated on October 22, 2019 in a mailer.:", "truth_label": "barely-true",
           "url": "/factchecks/2019/oct/30/jo-doe/taxes/", "text": "..."}
    source = tmp_path / "v.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")
    out = tmp_path / "feed.json"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "checkthat_to_claimreview.py"), str(out),
                    "--source", str(source)], check=True, capture_output=True, timeout=60)
    [fc] = read_factchecks(str(out)).factchecks()
    assert (fc.claimant, fc.claim_date, fc.review_date, fc.rating, fc.verdict) == (
        "Jo Doe", "2019-10-22", "2019-10-30", "Mostly False", "mostly-false")
    assert fc.url == "https://www.politifact.com/factchecks/2019/oct/30/jo-doe/taxes/"
