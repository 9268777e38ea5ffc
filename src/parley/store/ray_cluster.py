"""A Ray cluster of several nodes on this one machine, started with the
``ray`` command line: for the tests and the benchmark of ``parley ingest
--engine ray --ray-address``, and for trying a cluster before deploying one.

- The head (``ray start --head``) and each worker node (``ray start
  --address``) are separate raylets with their own CPU count, on their own
  loopback address (127.0.0.2 for the head, 127.0.0.3... for the workers).
  Ray rewrites 127.0.0.1 itself to the machine's public address for a
  multi-node cluster (and a node on another loopback address listens on all
  interfaces), so the cluster is closed by Ray's token authentication
  instead: a random token in a file only this user can read, handed to every
  node and driver through ``RAY_AUTH_MODE``/``RAY_AUTH_TOKEN_PATH`` (``env``).
- Everything lives under one short temporary folder (Unix socket paths are
  limited to about 100 bytes); no dashboard, no usage stats, a small object
  store per node.
- ``stop`` ends exactly the processes of this cluster (those whose command
  line names its folder, and their children), never another Ray on the
  machine, and removes the folder.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OBJECT_STORE_BYTES = 100 * 1024 * 1024
HEAD_IP = "127.0.0.2"


def ray_command() -> str:
    """The ``ray`` executable beside this interpreter (the venv's)."""
    return str(Path(sys.executable).with_name("ray"))


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process we can read."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        found[int(entry)] = (parent, command)
    return found


def processes_under(marker: str) -> dict[int, str]:
    """pid -> command line of the processes naming ``marker`` and all their descendants."""
    table = _processes()
    own = {os.getpid(), os.getppid()}
    chosen = {pid for pid, (_, command) in table.items() if marker in command and pid not in own}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in table.items():
            if parent in chosen and pid not in chosen:
                chosen.add(pid)
                grew = True
    return {pid: table[pid][1] for pid in chosen}


def write_token(path: Path) -> None:
    """A new random Ray authentication token in ``path``, readable by this user only."""
    path.touch(mode=0o600)
    path.write_text(secrets.token_hex(32), encoding="ascii")


class LocalCluster:
    """``workers`` worker nodes of one CPU each and a head of ``head_cpus``."""

    def __init__(self, workers: int, head_cpus: int = 0, token: Path | None = None) -> None:
        """``token``: a file holding the cluster's token (default: a new one in its folder)."""
        self.workers, self.head_cpus = workers, head_cpus
        self.folder = tempfile.mkdtemp(prefix="pr", dir="/tmp")
        if token is None:
            token = Path(self.folder) / "token"
            write_token(token)
        self.address = f"{HEAD_IP}:{_free_port(HEAD_IP)}"
        self.env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="token",
                        RAY_AUTH_TOKEN_PATH=str(token))
        self.env.pop("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", None)

    def _ray(self, *args: str) -> None:
        done = subprocess.run([ray_command(), "start", *args, "--disable-usage-stats",
                               f"--object-store-memory={OBJECT_STORE_BYTES}"],
                              env=self.env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"ray start {' '.join(args)} failed: {done.stdout[-1500:]}{done.stderr[-1500:]}")

    def start(self, timeout: float = 120) -> "LocalCluster":
        """Start the head and the workers; return once all nodes are alive."""
        port = self.address.rsplit(":", 1)[1]
        try:
            self._ray("--head", f"--node-ip-address={HEAD_IP}", f"--port={port}", f"--num-cpus={self.head_cpus}",
                      "--include-dashboard=false", f"--temp-dir={self.folder}")
            for i in range(self.workers):
                self._ray(f"--address={self.address}", f"--node-ip-address=127.0.0.{3 + i}", "--num-cpus=1")
            self.wait_for_nodes(1 + self.workers, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_for_nodes(self, count: int, timeout: float) -> None:
        """Until the cluster reports ``count`` live nodes (RuntimeError after ``timeout`` s)."""
        probe = ("import sys, time, ray\n"
                 f"ray.init(address={self.address!r}, include_dashboard=False, logging_level='error')\n"
                 f"deadline = time.monotonic() + {timeout}\n"
                 f"while sum(n['Alive'] for n in ray.nodes()) < {count} and time.monotonic() < deadline:\n"
                 "    time.sleep(0.2)\n"
                 f"sys.exit(0 if sum(n['Alive'] for n in ray.nodes()) >= {count} else 3)\n")
        done = subprocess.run([sys.executable, "-c", probe], env=self.env, capture_output=True, text=True,
                              timeout=timeout + 60)
        if done.returncode != 0:
            raise RuntimeError(f"the Ray cluster at {self.address} has fewer than {count} nodes: {done.stderr[-1500:]}")

    def stop(self) -> None:
        """Kill this cluster's processes (by pid) and remove its folder."""
        for _ in range(3):
            found = processes_under(self.folder)
            if not found:
                break
            for pid in found:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.3)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "LocalCluster":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
