"""``parley ingest --engine ray`` with the local Ray it starts in-process.

The command line runs in a child process (Ray's own processes then end with
it): each distinct text is stored once, a binary input is recorded as a
failure and the rest stored; running it again adds nothing. Without Ray the
engine is E400 naming the extra.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parley.document import text_hash
from parley.store import open_store
from tests.conftest import needs

RUN = [sys.executable, "-c", "import sys; from parley.cli import main; sys.exit(main())"]
SRC = str(Path(__import__("parley").__file__).resolve().parents[1])
ENV = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", PYTHONPATH=SRC)


def write_inputs(folder: Path, count: int) -> set[str]:
    folder.mkdir()
    hashes = set()
    for i in range(count):
        text = f"Question: How is item {i}?\n\nMira Holt: Item {i} is fine. Nothing else changed.\n"
        hashes.add(text_hash(text))
        (folder / f"doc-{i:03d}.txt").write_text(text, encoding="utf-8")
    (folder / "dup.txt").write_text((folder / "doc-000.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 not text \xff\xfe")
    return hashes


def ingest(inputs: Path, db: Path) -> subprocess.CompletedProcess:
    argv = [*RUN, "ingest", str(inputs), "--db", str(db), "--only", "structure", "--engine", "ray",
            "--workers", "2", "--no-progress"]
    return subprocess.run(argv, env=ENV, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_local_ray_stores_each_document_once_and_records_failures(tmp_path):
    needs("ray", "ray")
    distinct = write_inputs(tmp_path / "in", 10)
    db = tmp_path / "s.db"
    first = ingest(tmp_path / "in", db)
    assert first.returncode == 1, first.stderr[-2000:]
    assert "10 stored, 1 already stored or duplicate, 1 failed" in first.stderr
    with open_store(str(db)) as s:
        assert s.hashes() == distinct
        assert [(Path(f.source).name, f.code) for f in s.failures()] == [("binary.txt", "E103")]
        for h in distinct:
            assert s.get_analysis(h).layer("turns")
    (tmp_path / "in" / "binary.txt").unlink()
    again = ingest(tmp_path / "in", db)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "0 stored, 11 already stored or duplicate, 0 failed" in again.stderr


def test_without_ray_the_engine_is_e400_naming_the_extra(monkeypatch):
    from parley.errors import ModelUnavailable
    from parley.store.ray_engine import require_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ModelUnavailable) as e:
        require_ray()
    assert e.value.code == "E400" and "parley[ray]" in e.value.message
