"""Start-up cost: each command imports only what it needs.

Every check runs ``parley.cli.main`` in a fresh interpreter and lists the heavy
packages (spaCy, torch, numpy, trafilatura, jinja2, transformers) found in
``sys.modules`` afterwards: ``--help``, ``search`` and ``show`` import none,
and ``analyze --only structure`` loads no encoder stack. Timings are not
asserted (the machine is noisy); see docs/startup.md for how to measure them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parley.cli import main

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["jinja2", "numpy", "spacy", "torch", "trafilatura", "transformers"]
ENCODER = {"torch", "transformers"}

# Runs main(argv) and prints, last, the heavy top-level packages imported.
PROBE = """
import json, sys
from parley.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
heavy = set(json.loads(sys.argv[2]))
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & heavy)))
"""

TRANSCRIPT = """Press briefing on the water treaty

Anna Berg: The president signed the water treaty in Geneva last March.

Question: Will it be ratified?

Anna Berg: We expect the parliament to vote on it next month.
"""


def heavy_imports(*argv: str, packages: list[str] = HEAVY) -> list[str]:
    """Those of ``packages`` a fresh interpreter has imported after ``main(argv)``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(argv)), json.dumps(packages)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> tuple[Path, Path]:
    """A small SQLite store holding one transcript (structure layer only)."""
    folder = tmp_path_factory.mktemp("startup")
    text, db = folder / "treaty.txt", folder / "store.db"
    text.write_text(TRANSCRIPT, encoding="utf-8")
    assert main(["ingest", str(text), "--db", str(db), "--only", "structure",
                 "--workers", "1", "--no-progress"]) == 0
    return text, db


def test_the_probe_sees_what_a_command_imports(store):
    # The check must be able to fail: search on SQLite does import sqlite3,
    # and the probe, asked about sqlite3, says so.
    _, db = store
    assert heavy_imports("search", "treaty", "--db", str(db), packages=["sqlite3", "numpy"]) == ["sqlite3"]


@pytest.mark.parametrize("argv", [["--help"], [], ["search", "--help"], ["show", "--help"]])
def test_help_imports_no_heavy_package(argv):
    assert heavy_imports(*argv) == []


def test_search_imports_no_heavy_package(store):
    _, db = store
    assert heavy_imports("search", "treaty", "--db", str(db)) == []


def test_show_imports_no_heavy_package(store):
    _, db = store
    assert heavy_imports("show", "treaty", "--db", str(db), "--format", "json") == []


def test_analyze_structure_loads_no_encoder(store):
    text, _ = store
    assert ENCODER.isdisjoint(heavy_imports("analyze", str(text), "--only", "structure"))
