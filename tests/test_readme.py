"""The README's opening commands name real files, and CI runs the second one."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def commands():
    return re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_first_two_commands_set_up_and_run_the_example_and_the_tests():
    first, second = commands()[:2]
    assert first == "scripts/setup.sh && .venv/bin/parley analyze examples/sample-interview.txt"
    assert second == "scripts/test.sh"
    for path in ("scripts/setup.sh", "examples/sample-interview.txt", "scripts/test.sh"):
        assert (ROOT / path).is_file(), path
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme():
    from parley.cli import COMMANDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in COMMANDS if f"parley {c}" not in readme]
    assert not missing, missing
