"""The Ray engine of ``parley ingest --engine ray``: analyses on a Ray cluster.

Only HOW analyses are computed differs from the process pool; what is left to
do (text-hash dedup, resume, ``--recompute``) and how a result or a failure is
written stay in ``parley.store.ingest``, and the driver (this process) is the
store's one writer.

- One actor per CPU of the cluster (at most ``workers`` when given), each
  holding its own built pipeline: models and the spaCy parser load once per
  Ray worker process, not per document. Each actor runs single-threaded, as a
  pool worker does.
- At most ``IN_FLIGHT_PER_WORKER`` documents are queued per actor, so the
  object store and the driver's memory stay bounded however long the input.
- A killed worker process (kill -9, the OOM killer): Ray restarts the actor
  and re-runs the documents it held (``max_task_retries``). A document in
  flight at ``MAX_BREAKS`` deaths is recorded as E612 and the batch goes on.
  A retried document that was in fact finished is written once anyway: the
  driver's write is keyed by the text hash.
- A killed driver: Ray ends the job's actors; nothing was half-written (each
  document is one transaction), and running the ingest again does the rest.
- With no address, a local Ray is started in this process: loopback only
  (``require_ray``), no dashboard, no usage stats, a small object store; it
  stops when the ingest ends (or the driver dies). An existing cluster
  (``address``) is joined as a driver; its token, when it uses Ray's token
  authentication, comes from ``RAY_AUTH_TOKEN_PATH`` (``docs/scale.md``).
"""
from __future__ import annotations

import os
import socket
from typing import Any, Callable

from parley.document import Document
from parley.errors import ModelUnavailable, StoreError
from parley.pipeline import Config, build_pipeline
from parley.store.ingest_work import (
    IN_FLIGHT_PER_WORKER, MAX_BREAKS, analyse_one, default_workers, limit_threads, set_local,
)

OBJECT_STORE_BYTES = 200 * 1024 * 1024


def require_ray(local: bool = False) -> Any:
    """The ``ray`` module, or E400 naming the extra that provides it.

    ``local``: a local Ray will be started in this process. Ray reads
    ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER`` when it is imported; at 0 its node
    address stays 127.0.0.1 and its servers listen on loopback only (else it
    takes the machine's public address and listens on all interfaces)."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if local:
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    try:
        import ray
    except ImportError as e:
        raise ModelUnavailable("--engine ray needs Ray: pip install 'parley[ray]'", code="E400") from e
    return ray


class RayAnalyser:
    """One Ray actor: a pipeline built once, then one document per call."""

    def __init__(self, only: list[str], skip: list[str], config: Config) -> None:
        limit_threads(1)
        set_local(build_pipeline(only=only, skip=skip), config)

    def analyse(self, document: Document) -> tuple[str, str, str]:
        return analyse_one(document)

    def pid(self) -> int:
        return os.getpid()


def _reachable(address: str) -> None:
    """E613 at once when nothing listens at ``host:port`` (Ray itself would
    retry for minutes); other forms (``auto``, ``ray://``) are left to Ray."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or "/" in address:
        return
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as e:
        raise StoreError(f"cannot connect to the Ray cluster at {address}: {e}", code="E613") from e


def _connect(ray: Any, address: str | None, workers: int | None) -> None:
    common = dict(include_dashboard=False, logging_level="warning", log_to_driver=True)
    if address:
        _reachable(address)
        try:
            ray.init(address=address, **common)
        except (ConnectionError, RuntimeError, ray.exceptions.RayError) as e:
            raise StoreError(f"cannot connect to the Ray cluster at {address}: {type(e).__name__}: "
                             f"{str(e).splitlines()[-1] if str(e) else ''} (token: RAY_AUTH_MODE=token and "
                             f"RAY_AUTH_TOKEN_PATH, docs/scale.md)", code="E613") from e
    else:
        ray.init(num_cpus=workers or default_workers(), object_store_memory=OBJECT_STORE_BYTES,
                 _node_ip_address="127.0.0.1", **common)


def run_ray(todo: list[Document], workers: int | None, only: list[str], skip: list[str], config: Config,
            stored: Callable[[Document, str, str], None], fail: Callable[[str, str, str], None],
            source: Callable[[Document], str], address: str | None = None) -> None:
    """Analyse ``todo`` on Ray (the cluster at ``address``, else a local
    one started here), handing each result to ``stored`` or ``fail``."""
    ray = require_ray(local=not address)
    if not todo:
        return
    started_here = not ray.is_initialized()
    if started_here:
        _connect(ray, address, workers)
    actors: list[Any] = []
    try:
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        count = max(1, min(workers or cpus, cpus, len(todo)))
        actor_class = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=MAX_BREAKS - 1)(RayAnalyser)
        actors = [actor_class.remote(only, skip, config) for _ in range(count)]
        queue = list(reversed(todo))
        load = [0] * count  # documents queued on each actor
        pending: dict[Any, tuple[Document, int]] = {}
        while queue or pending:
            while queue and len(pending) < count * IN_FLIGHT_PER_WORKER:
                slot = min(range(count), key=load.__getitem__)
                document = queue.pop()
                pending[actors[slot].analyse.remote(document)] = (document, slot)
                load[slot] += 1
            finished, _ = ray.wait(list(pending), num_returns=1)
            for ref in finished:
                document, slot = pending.pop(ref)
                load[slot] -= 1
                try:
                    status, a, b = ray.get(ref)
                except ray.exceptions.RayError as e:
                    kind = type(e).__name__
                    fail(source(document), "E612", f"a Ray worker died while analysing it ({kind})")
                    continue
                stored(document, a, b) if status == "ok" else fail(source(document), a, b)
    finally:
        for actor in actors:
            ray.kill(actor)
        if started_here:
            ray.shutdown()
