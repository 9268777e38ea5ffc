"""kill -9 an ingest at random moments, resume it, and check nothing is lost,
doubled or half-stored.

A few hundred small invented transcripts (with some exact duplicates) are
ingested by the real command line in a child process, with the fast
structure-only pipeline and two workers. The child is killed with SIGKILL at
random points, several times; then the ingest is run to the end. The store
must then hold exactly one document per distinct text, and every stored
analysis must load whole, with all its index rows.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parley.document import Analysis, text_hash
from parley.store import open_store

DOCUMENTS = 300
DUPLICATES = 20
KILLS = 5
RUN = [sys.executable, "-c", "import sys; from parley.cli import main; sys.exit(main())"]

SUBJECTS = ["the harbour", "the new bridge", "grain exports", "the fishing quota", "the rail link", "tariffs"]
VERBS = ["will reopen", "was delayed", "remains under review", "needs more money", "is going well"]


def transcript(i: int) -> str:
    rng = random.Random(i)
    turns = []
    for k in range(rng.randint(2, 5)):
        subject = rng.choice(SUBJECTS)
        turns.append(f"Question: What is the news about {subject}, item {i}.{k}?")
        turns.append(f"Mira Holt: {subject.capitalize()} {rng.choice(VERBS)}. We said so on day {k + i}. "
                     f"Nothing else changed.")
    return "\n\n".join(turns) + "\n"


def write_inputs(folder: Path) -> set[str]:
    folder.mkdir()
    texts = set()
    for i in range(DOCUMENTS):
        text = transcript(i)
        texts.add(text_hash(text))
        (folder / f"doc-{i:04d}.txt").write_text(text, encoding="utf-8")
    for j in range(DUPLICATES):
        (folder / f"dup-{j:03d}.txt").write_text(transcript(j * 7), encoding="utf-8")
    return texts


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def _wait_for(db: Path, target: int, child: subprocess.Popen, timeout: float = 60) -> None:
    """Until ``db`` holds ``target`` documents (or the child ends)."""
    deadline = time.monotonic() + timeout
    while child.poll() is None and time.monotonic() < deadline:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
            try:
                if conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] >= target:
                    return
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # not created yet
        time.sleep(0.005)


@pytest.mark.slow
def test_kill_9_and_resume(tmp_path):
    inputs = tmp_path / "in"
    distinct = write_inputs(inputs)
    db = tmp_path / "store.db"
    argv = [*RUN, "ingest", str(inputs), "--db", str(db), "--only", "structure", "--workers", "2", "--no-progress"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    rng = random.Random(20251015)
    counts = []
    for _ in range(KILLS):
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                 start_new_session=True)
        # Kill once a random number more documents are stored, plus a random
        # few milliseconds, so the kill lands anywhere in the stream of writes.
        target = (counts[-1] if counts else 0) + rng.randint(1, 40)
        _wait_for(db, target, child)
        time.sleep(rng.uniform(0, 0.05))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        # The workers notice that their parent died and exit by themselves.
        deadline = time.monotonic() + 10
        while _group_alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        alive = _group_alive(child.pid)
        if alive:
            os.killpg(child.pid, signal.SIGKILL)
        assert not alive, "worker processes outlived their killed parent"
        if db.exists():
            with open_store(str(db)) as s:
                counts.append(s.count())
    final = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert final.returncode == 0, final.stderr[-2000:]
    assert len(counts) == KILLS and all(0 < c < len(distinct) for c in counts), counts

    assert_whole(db, distinct)


def assert_whole(db: Path, distinct: set[str]) -> None:
    """The SQLite store ``db`` holds exactly one whole document per text of
    ``distinct``: each analysis loads, with all its index rows, no failures."""
    with open_store(str(db)) as s:
        assert s.count() == len(distinct)
        assert s.hashes() == distinct
        assert s.failures() == []
        stored = list(s.export())
    assert len(stored) == len(distinct)
    conn = sqlite3.connect(db)
    try:
        segments = dict(conn.execute("SELECT hash, COUNT(*) FROM segments WHERE layer = 'sentences' GROUP BY hash"))
        speakers = dict(conn.execute("SELECT hash, COUNT(*) FROM speakers GROUP BY hash"))
        fts = conn.execute("SELECT COUNT(*) FROM segments_fts WHERE segments_fts MATCH 'nothing'").fetchone()[0]
    finally:
        conn.close()
    for data in stored:
        analysis = Analysis.from_json(data)  # every span fits its text
        h = data["parley"]["hash"]
        assert text_hash(analysis.text) == h
        assert analysis.layer("turns") and analysis.layer("sentences")
        assert segments[h] == len(analysis.layer("sentences"))
        assert speakers[h] == len({t.speaker for t in analysis.layer("turns")})
    # every document's "Nothing else changed." sentences are in the full-text index
    assert fts == sum(data["text"].count("Nothing else changed.") for data in stored)
