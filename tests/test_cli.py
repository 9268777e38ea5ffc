import json
import subprocess
import sys
from pathlib import Path

import pytest

from parley.cli import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample-interview.txt"


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "parley", *args], capture_output=True, text=True,
                          input=stdin, cwd=ROOT, timeout=300)


def test_every_command_has_help_text_and_every_option_a_description():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sorted(sub.choices) == sorted(
        __import__(f"parley.cli.{c.replace('-', '_')}", fromlist=["x"]).NAME for c in COMMANDS)
    for name, command in sub.choices.items():
        assert command.description, name
        for action in command._actions:
            if action.dest != "help":
                assert action.help, f"{name} {action.dest}"


@pytest.mark.parametrize("command", ["analyze", "evaluate"])
def test_help_exits_zero(command, capsys):
    with pytest.raises(SystemExit) as e:
        main([command, "--help"])
    assert e.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_analyze_structure_as_json_to_a_file(tmp_path):
    out = tmp_path / "a.json"
    assert main(["analyze", str(SAMPLE), "--only", "structure", "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["metadata"]["interviewee"] == "Anna Keller"
    assert data["text"] == SAMPLE.read_text(encoding="utf-8")
    for t in data["turns"]:
        assert data["text"][t["span"][0]:t["span"][1]].strip() == data["text"][t["span"][0]:t["span"][1]]


def test_several_inputs_go_to_a_folder_and_a_failure_is_listed_and_exits_one(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    out = tmp_path / "out"
    code = main(["analyze", str(SAMPLE), str(bad), str(SAMPLE), "--only", "structure", "--format", "html", "-o", str(out)])
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == ["sample-interview-2.html", "sample-interview.html"]
    err = capsys.readouterr().err
    assert "E102" in err and "1 of 3 inputs failed" in err


@pytest.mark.parametrize("content, code", [(b"", "E102"), (b"\x00\x01\x02\x03", "E103")])
def test_bad_input_gives_one_line_and_no_traceback(tmp_path, content, code):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run("analyze", str(path), "--only", "structure")
    assert result.returncode != 0
    assert code in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_path_unknown_analyser_and_bad_date_are_clean_errors():
    for args, code in ((["analyze", "no/such/file.txt"], "E101"),
                       (["analyze", str(SAMPLE), "--only", "nonsense"], "E301"),
                       (["analyze", str(SAMPLE), "--date", "15/10/2025"], "E109")):
        result = run(*args)
        assert result.returncode != 0 and code in result.stderr and "Traceback" not in result.stderr


def test_stdin_and_text_summary():
    result = run("analyze", "-", "--only", "structure", stdin=SAMPLE.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    assert "interviewee  Anna Keller" in result.stdout
    assert "Turns (6)" in result.stdout


def test_broken_gold_file_is_a_clean_error(tmp_path):
    gold = tmp_path / "g.json"
    gold.write_text("{ not json")
    result = run("evaluate", str(gold))
    assert result.returncode == 2 and "E500" in result.stderr and "Traceback" not in result.stderr
    gold.write_text(json.dumps({"doc_id": "sample-interview", "turns": [{"span": "x"}]}))
    result = run("evaluate", str(gold), "--corpus", str(ROOT / "examples"))
    assert result.returncode == 2 and "turns[0].span" in result.stderr


def test_evaluate_scores_a_small_gold_of_our_own(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    q = text.index("Question: Will there")
    gold = {"doc_id": "sample-interview", "metadata": {"place": "Lindau", "outlet": "Wrong Outlet"},
            "turns": [{"span": [q, q + len("Question: Will there be an agreement this year?")], "speaker": "interviewer"}]}
    (tmp_path / "sample-interview.json").write_text(json.dumps(gold))
    result = run("evaluate", str(tmp_path), "--corpus", str(ROOT / "examples"), "--only", "structure", "--format", "json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)["sample-interview"]
    assert scores["turns"]["r"] == 1.0 and scores["turns"]["p"] == round(1 / 6, 4)
    assert scores["metadata"] == {"acc": 0.5, "wrong": ["outlet"]}


def test_output_to_a_device_writes_through_it_and_leaves_it_a_device(tmp_path):
    import os
    import stat

    from parley.files import write_atomic

    write_atomic(os.devnull, "discarded")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    target = tmp_path / "sub" / "report.txt"
    write_atomic(target, "kept")
    assert target.read_text() == "kept" and stat.S_IMODE(os.stat(target).st_mode) & 0o044
