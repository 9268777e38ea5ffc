"""``parley ingest --engine ray``: with the local Ray it starts in-process,
and with ``--ray-address`` on a real two-node cluster (``ray start --head``
plus a worker node, each of one CPU, started and stopped here).

The command line runs in a child process (Ray's own processes then end with
it): each distinct text is stored once, a binary input is recorded as a
failure and the rest stored; running it again adds nothing. On the cluster a
Ray worker analysing documents is killed with SIGKILL mid-ingest, and so is
the driver (then resumed): the store ends with one whole document per
distinct input. Without Ray the engine is E400 naming the extra.
"""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parley.document import text_hash
from parley.store import open_store
from tests.conftest import needs
from tests.test_ingest_resume import _wait_for, assert_whole
from tests.test_ingest_resume import write_inputs as write_many

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


@pytest.fixture(scope="module")
def cluster():
    """A real Ray cluster: the head and one worker node, one CPU each."""
    needs("ray", "ray")
    from parley.store.ray_cluster import LocalCluster

    with LocalCluster(workers=1, head_cpus=1) as running:
        yield running


def start_cluster_ingest(cluster, inputs: Path, db: Path) -> subprocess.Popen:
    argv = [*RUN, "ingest", str(inputs), "--db", str(db), "--only", "structure", "--engine", "ray",
            "--ray-address", cluster.address, "--no-progress"]
    return subprocess.Popen(argv, env=dict(cluster.env, PYTHONPATH=SRC), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def analysers(cluster) -> list[int]:
    """pids of the cluster's Ray worker processes holding a RayAnalyser actor."""
    from parley.store.ray_cluster import processes_under

    return [pid for pid, command in processes_under(cluster.folder).items() if "RayAnalyser" in command]


@pytest.mark.slow
def test_cluster_ingest_survives_a_killed_worker(cluster, tmp_path):
    distinct = write_many(tmp_path / "in")
    db = tmp_path / "s.db"
    child = start_cluster_ingest(cluster, tmp_path / "in", db)
    _wait_for(db, 30, child)
    deadline = time.monotonic() + 60  # an actor's process shows its class once its pipeline is built
    while len(victims := analysers(cluster)) < 2 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert child.poll() is None and len(victims) == 2, (child.poll(), victims)  # one actor per node
    os.kill(victims[0], signal.SIGKILL)
    _, err = child.communicate(timeout=240)
    assert child.returncode == 0, err[-2000:]
    assert_whole(db, distinct)


@pytest.mark.slow
def test_cluster_ingest_resumes_after_the_driver_is_killed(cluster, tmp_path):
    distinct = write_many(tmp_path / "in")
    db = tmp_path / "s.db"
    rng = random.Random(15)
    counts = []
    for _ in range(2):
        child = start_cluster_ingest(cluster, tmp_path / "in", db)
        _wait_for(db, (counts[-1] if counts else 0) + rng.randint(5, 60), child)
        time.sleep(rng.uniform(0, 0.05))
        assert child.poll() is None, "the ingest ended before the kill"
        child.kill()
        child.wait()
        deadline = time.monotonic() + 30  # Ray ends a dead driver's actors
        while analysers(cluster) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert analysers(cluster) == [], "actors outlived their killed driver"
        with open_store(str(db)) as s:
            counts.append(s.count())
    assert all(0 < c < len(distinct) for c in counts), counts
    final = start_cluster_ingest(cluster, tmp_path / "in", db)
    _, err = final.communicate(timeout=240)
    assert final.returncode == 0, err[-2000:]
    assert_whole(db, distinct)


LOOPBACK_PROBE = """
from parley.store.ray_engine import _connect, require_ray
ray = require_ray(local=True)  # before anything imports ray
_connect(ray, None, 1)
node = ray.nodes()[0]
print(node["NodeManagerAddress"], ray.get_runtime_context().gcs_address)
ray.shutdown()
"""


@pytest.mark.slow
def test_the_local_ray_is_on_loopback_only():
    needs("ray", "ray")
    env = {k: v for k, v in ENV.items() if k != "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"}
    done = subprocess.run([sys.executable, "-c", LOOPBACK_PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    node, gcs = done.stdout.split()
    assert node == "127.0.0.1" and gcs.startswith("127.0.0.1:"), done.stdout


def test_an_address_where_no_cluster_listens_is_e613(tmp_path):
    needs("ray", "ray")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Question: How?\n\nMira Holt: Fine.\n", encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free, and nothing listens once closed
    argv = [*RUN, "ingest", str(tmp_path / "in"), "--db", str(tmp_path / "s.db"), "--only", "structure",
            "--engine", "ray", "--ray-address", f"127.0.0.1:{port}", "--no-progress"]
    done = subprocess.run(argv, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "E613" in done.stderr and "Traceback" not in done.stderr, done.stderr[-2000:]
